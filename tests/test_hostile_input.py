"""Hostile and unlucky input (issue 16): --fix never loses or corrupts a reply, nothing
hangs, nothing outside the tree is touched. Hang tests run the CLI in a subprocess with a
generous timeout: they fail by timing out, they do not measure speed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
import yaml

from conftest import ROOT, run_cli, run_cli_fast
from empathy_lint.engine.linter import deletion
from empathy_lint.findings import Fix
from empathy_lint.write.safefix import fix_text
from empathy_lint.read.sources import load_document

HANG_TIMEOUT = 60  # seconds: far above the second or two these inputs take now


def lint(*args, **kwargs):
    return run_cli("check", "--isolated", *args, **kwargs)


# ------------------------------------------------------------------ --fix: data loss

def test_yaml_fix_that_would_turn_the_reply_into_a_comment_is_refused(tmp_path):
    path = tmp_path / "macros.yaml"
    original = ("- name: Priority\n  body: 'Obviously #1 priority is your refund.'\n"
                "- name: Plain\n  body: Obviously #1 priority\n"
                "- name: Fine\n  body: Simply restart the router. Sorry about that!\n")
    path.write_text(original, encoding="utf-8")
    result = lint("--fix", "--select", "EMP307", str(path))
    after = path.read_text(encoding="utf-8")
    # The plain scalar "Obviously" would become empty ("#1..." is a comment): refused.
    assert "  body: Obviously #1 priority\n" in after
    # The quoted one and the fine one are fixed, and the file still reads as 3 replies.
    assert "'#1 priority is your refund.'" in after and "body: Restart the router." in after
    replies = load_document(str(path), after).replies
    assert [r.text for r in replies] == ["#1 priority is your refund.", "Obviously",
                                         "Restart the router. Sorry about that!"]
    assert "fixes left out" in result.stderr


@pytest.mark.parametrize("lead", list("[{'*&@`|>-:?") + ["\\"])
def test_yaml_deletion_before_a_yaml_indicator_never_writes_invalid_yaml(tmp_path, lead):
    path = tmp_path / "m.yaml"
    path.write_text(f"- name: A\n  body: Obviously {lead}x is how it works.\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = lint("--fix", "--select", "EMP307", str(path))
    after = path.read_text(encoding="utf-8")
    assert result.returncode in (0, 1), result.stderr
    yaml.safe_load(after)  # still valid YAML
    if after != before:  # if it was fixed, the reply reads back as the fixed text
        assert load_document(str(path), after).replies[0].text.startswith(f"{lead}x")


def test_replacement_text_is_encoded_for_json_or_refused(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "family: house\nrules:\n  - id: HOU301\n    name: hash-quote\n    kind: forbid\n    severity: warning\n"
        "    message: m\n    why: w w w w w w w w w w w w w w w w\n    suggest: [s]\n"
        "    patterns: [\"per our policy\"]\n"
        "    replace: {\"per our policy\": \"as \\\"#1\\\", \\\\ our rule,\\n\"}\n"
        "    examples: {flag: [\"per our policy\"], pass: [\"ok\"]}\n", encoding="utf-8")
    export = tmp_path / "macros.json"
    export.write_text(json.dumps([{"title": "A", "body": "Per our policy, no refunds."}]), encoding="utf-8")
    csv = tmp_path / "macros.csv"
    csv.write_text('title,body\nA,"Per our policy, no refunds."\n', encoding="utf-8")
    lint("--fix", "--rules", str(pack), "--select", "HOU301", str(export), str(csv))
    body = json.loads(export.read_text(encoding="utf-8"))[0]["body"]
    assert body.startswith('As "#1", \\ our rule,\n')
    cell = load_document(str(csv), csv.read_text(encoding="utf-8")).replies[0].text
    assert cell.startswith('As "#1", \\ our rule,\n')


def test_file_changed_on_disk_during_the_run_is_not_overwritten(tmp_path, monkeypatch):
    from empathy_lint.write import fixes

    path = tmp_path / "reply.txt"
    path.write_text("Simply restart the router.\n", encoding="utf-8")
    assert fixes.write_atomic(path, "Restart the router.\n", fixes.Encoding("utf-8"),
                              expected="Something else\n") is False
    assert path.read_text(encoding="utf-8") == "Simply restart the router.\n"
    assert fixes.write_atomic(path, "Restart the router.\n", fixes.Encoding("utf-8"),
                              expected="Simply restart the router.\n") is True
    assert path.read_text(encoding="utf-8") == "Restart the router.\n"


def test_file_appended_to_while_the_fix_runs_keeps_the_new_line(tmp_path):
    path = tmp_path / "export.jsonl"
    lines = [json.dumps({"id": str(i), "reply": "Simply restart the router. Sorry about that!"}) for i in range(6000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "empathy_lint", "check", "--isolated", "--fix",
                                "--select", "EMP307", str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    time.sleep(1.5)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "late", "reply": "A line written during the run."}) + "\n")
    _, stderr = process.communicate(timeout=HANG_TIMEOUT * 4)
    text = path.read_text(encoding="utf-8")
    assert '"late"' in text, "the appended record was lost"
    if "changed on disk" not in stderr:  # the run finished its read after the append
        assert "Simply" not in text


def test_fix_with_a_lossy_decoding_is_refused(tmp_path):
    path = tmp_path / "legacy.txt"
    data = "Caf\xe9: simply restart it.".encode("cp1252")
    path.write_bytes(data)
    for handler in ("replace", "ignore"):
        result = lint("--fix", "--encoding", f"utf-8:{handler}", str(path))
        assert result.returncode == 2 and "lossless" in result.stderr
        assert path.read_bytes() == data


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("Simply restart the router.\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    lint("--fix", "--select", "EMP307", str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "Restart the router.\n"


@pytest.mark.parametrize("text,word,fixed", [
    ("Restart it, simply.", "simply", "Restart it."),
    ("**Simply** restart the router.", "Simply", "Restart the router."),
    ("Simply restart it.", "Simply", "Restart it."),
    ("Obviously, the fee applies.", "Obviously", "The fee applies."),
    ("It's obviously broken.", "obviously", "It's broken."),
])
def test_a_deleted_word_takes_its_punctuation_and_markup_and_recapitalises(text, word, fixed):
    start = text.index(word)
    fix = deletion(text, start, start + len(word))
    assert text[:fix.start] + fix.replacement + text[fix.end:] == fixed


def test_csv_cell_that_starts_with_a_quote_after_the_fix_reads_back_the_same(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('id,reply\n1,"Obviously ""this"" works. Sorry!"\n', encoding="utf-8")
    lint("--fix", "--select", "EMP307", str(path))
    assert load_document(str(path), path.read_text(encoding="utf-8")).replies[0].text == '"this" works. Sorry!'


def test_editor_quick_fix_in_a_csv_document_is_container_encoded_or_not_offered():
    from empathy_lint.write.quickfix import _container_safe

    quoted = 'id,reply\n1,"Thanks for writing in."\n'
    at = quoted.index("Thanks")
    assert _container_safe("file:///x/r.csv", quoted, at, at, 'I\'m sorry, "truly". ') == 'I\'m sorry, ""truly"". '
    plain = "id,reply\n1,Thanks for writing in.\n"
    at = plain.index("Thanks")
    assert _container_safe("file:///x/r.csv", plain, at, at, 'Sorry, "truly". ') is None


def test_editor_quick_fix_in_every_structured_format_keeps_its_records_whole():
    """A JSON Lines export saved as .ndjson is read as records, so an inserted quote
    must be escaped there as in .jsonl, not written raw into the line."""
    from empathy_lint.read.sources import STRUCTURED_SUFFIXES
    from empathy_lint.write.quickfix import _container_safe

    line = '{"id": 1, "reply": "Thanks for writing in."}\n'
    at = line.index("Thanks")
    for suffix in (".jsonl", ".ndjson"):
        assert suffix in STRUCTURED_SUFFIXES
        safe = _container_safe(f"file:///x/r{suffix}", line, at, at, 'Sorry, "truly". ')
        fixed = line[:at] + safe + line[at:]
        assert json.loads(fixed)["reply"] == 'Sorry, "truly". Thanks for writing in.'


def test_fix_text_reads_back_every_reply():
    text = json.dumps([{"body": "Simply do it."}, {"body": "Fine."}])
    start = text.index("Simply")
    result = fix_text("m.json", text, [Fix(start, start + 7, "")])
    assert [r.text for r in load_document("m.json", result.text).replies] == ["do it.", "Fine."]


# ------------------------------------------------------------------ security

def test_terminal_output_escapes_control_sequences(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text("As I said \x1b]0;pwned\x07 and \x1b[31mred\x1b[0m.\n", encoding="utf-8")
    result = lint("--select", "EMP301", str(path))
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout


# ------------------------------------------------------------------ hangs

def _timed(args, **kwargs):
    started = time.monotonic()
    result = run_cli("check", "--isolated", *args, **kwargs)
    assert time.monotonic() - started < HANG_TIMEOUT
    return result


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("args", [["/dev/zero"], ["--customer", "/dev/zero", "REPLY"], ["--baseline", "/dev/zero", "REPLY"],
                                  ["--update-baseline", "--baseline", "/dev/zero", "REPLY"]])
def test_an_endless_device_named_by_mistake_is_an_error_not_a_hang(tmp_path, args):
    reply = tmp_path / "reply.txt"
    reply.write_text("As I said.\n", encoding="utf-8")
    result = _timed([str(reply) if a == "REPLY" else a for a in args])
    assert result.returncode == 2 and "/dev/zero: more than" in result.stderr


def test_a_collection_with_a_directive_in_each_of_thousands_of_macros(tmp_path):
    """Every reply once carried every line directive of its file (and a piece for the
    workers every earlier macro's `disable`): 5,000 macros with a `disable-line` each
    took 150 s; now a lookup per finding."""
    path = tmp_path / "macros.md"
    path.write_text("\n".join(f"## Macro {i}\n\nAs I said. <!-- empathy-lint: disable-line EMP301 -->\nCalm down.\n"
                              for i in range(5000)), encoding="utf-8")
    result = _timed(["--select", "EMP301,EMP305", "--format", "json", str(path)])
    assert [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]] == ["EMP305"] * 5000


def test_a_long_one_line_reply_with_thousands_of_findings_is_reported_and_fixed(tmp_path):
    """220,000 characters on one line, 20,000 findings: the text report, --fix and the
    language server's positions were each quadratic in it (minutes); now seconds."""
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": 1, "reply": "As I said. " * 20000}) + "\n", encoding="utf-8")
    report = _timed(["--select", "EMP301", str(path)])
    assert report.returncode == 1 and "20000 findings" in report.stdout
    assert max(len(line) for line in report.stdout.splitlines()) < 400  # a window, not the row
    fixed = _timed(["--select", "EMP301", "--fix", str(path)])
    assert fixed.returncode == 0 and "fixed 20000 findings" in fixed.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["reply"] == "To recap. " * 20000


@pytest.mark.parametrize("name,text", [
    ("placeholder.txt", "Hi [A" + "_" * 3000 + ", as I said."),
    ("directive.txt", "<!-- empathy-lint: disable" + " " * 40000 + "\nAs I said."),
    ("brackets.md", "[" * 40000 + "\nAs I said."),
    ("commas.txt", "Sorry" + "," * 20000 + " as I said."),
    ("emoji.txt", "Sorry " + "\U0001F600" * 20000 + " as I said."),
    ("backticks.md", "`a " * 20000),
    ("comments.md", "<!-- " * 20000),
    # Saved-reply collections (sections.py): thousands of headings of mixed levels, and
    # unclosed fences of growing length, each rescanning the rest of the file if let.
    ("headings.md", "".join(f"{'#' * (i % 6 + 1)} h{i}\ntext here\n" for i in range(20000))),
    ("fences.md", "".join("`" * (3 + i) + "\n" for i in range(900)) + "text\n"),
    ("markers.txt", ("=" * 20000 + " a\n") * 3),
    ("placeholders.txt", "{a} " * 20000),
    # A script written without spaces keeps its long runs (they are its sentences): a
    # train of its punctuation, or of emoji, in one must not make a token end in it.
    ("japanese-marks.txt", "ご不便" + "。" * 40000),
    ("japanese-emoji.txt", "申し訳" + "\U0001F600" * 40000 + "ございません"),
    ("japanese-brackets.txt", ("「ご迷惑」" + "）" * 30) * 2000),
], ids=lambda value: value if len(value) < 40 else "text")  # (a 200 KB test id breaks exec's environment)
def test_worst_case_inputs_finish(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _timed([str(path)])
    assert result.returncode in (0, 1), result.stderr


def test_every_regex_is_linear_on_its_worst_input():
    """Each regex of the code and the packs on a long run of the characters it repeats."""
    from empathy_lint.read import placeholders
    from empathy_lint.read import suppressions
    from empathy_lint.read import threads
    from empathy_lint.read.sources import conversation, markup, sections

    patterns = [p for _, p in placeholders._all_styles().patterns]
    patterns += [suppressions._DIRECTIVE] + [v for module in (markup, sections, threads, conversation)
                                             for v in vars(module).values() if isinstance(v, re.Pattern)]
    bad = ["[A" + "_" * 5000, "{" + "a" * 5000, "<!-- empathy-lint: disable" + " " * 20000, "[" * 20000,
           "`" * 5000 + "a", "<a " * 5000, "![" * 5000, "*_" * 5000, "&#" * 5000, "{%" * 5000, "%A" * 5000,
           "-" * 20000 + " x", "=" * 20000 + " a", "**" + "*" * 20000, "note" + " " * 20000 + "x",
           "> " * 10000, "(1/" * 5000]
    for pattern in patterns:
        for text in bad:
            started = time.monotonic()
            list(pattern.finditer(text))
            assert time.monotonic() - started < 2, (pattern.pattern, text[:20])


def test_yaml_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines) + "\nbody: *a9\n"
    (tmp_path / "bomb.yaml").write_text(bomb, encoding="utf-8")
    result = _timed([str(tmp_path / "bomb.yaml")])
    assert result.returncode == 2 and "alias bomb" in result.stderr
    (tmp_path / "front.md").write_text("---\n" + bomb + "---\nHello.\n", encoding="utf-8")
    assert "alias bomb" in _timed([str(tmp_path / "front.md")]).stderr
    config = tmp_path / "conf"
    config.mkdir()
    (config / ".empathy-lint.yaml").write_text(bomb, encoding="utf-8")
    (config / "r.txt").write_text("Hello.\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("check", str(config / "r.txt"))
    assert time.monotonic() - started < HANG_TIMEOUT and result.returncode == 2 and "alias bomb" in result.stderr


@pytest.mark.parametrize("name,text", [
    ("deep.json", "[" * 5000 + "]" * 5000),
    ("deep.yaml", "body: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("deep.jsonl", "[" * 5000 + "]" * 5000 + "\n"),
    # ...where an export's run of 500 rows may end (its cut reads the row's conversation id)
    ("deep-row-501.jsonl", '{"reply": "Thanks, all sorted."}\n' * 500 + "[" * 5000 + "]" * 5000 + "\n"),
])
def test_absurd_nesting_is_one_error_line(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = _timed([str(tmp_path / name)])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"empathy-lint: error: {tmp_path / name}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_dangling_symlink_in_a_walk_are_skipped_with_a_notice(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "ok.txt").write_text("As I said.\n", encoding="utf-8")
    result = _timed(["--select", "EMP301", str(tmp_path)])
    assert result.returncode == 1 and "ok.txt" in result.stdout
    assert "pipe.txt: skipped, not a regular file" in result.stderr
    assert "dangling.txt: skipped, broken symlink" in result.stderr


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u2060", "\u2066", "\ufeff"])
def test_invisible_characters_do_not_hide_a_phrase(linter, invisible):
    text = f"No. As{invisible} I said, no."
    found = [f for f in linter.lint(text) if f.code == "EMP301"]
    assert len(found) == 1 and text[found[0].start:found[0].end] == f"As{invisible} I said"


def test_config_rule_packs_must_stay_inside_the_config_tree(tmp_path):
    secret = tmp_path / "secret.env"
    secret.write_text("SECRET_TOKEN=abcdef123456\n", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "r.txt").write_text("Hello.\n", encoding="utf-8")
    for entry in ("../secret.env", "/etc/passwd"):
        (repo / ".empathy-lint.yaml").write_text(f"rules: [{entry}]\n", encoding="utf-8")
        result = run_cli("check", str(repo / "r.txt"))
        assert result.returncode == 2 and "outside the config's directory" in result.stderr
        assert "SECRET_TOKEN" not in result.stderr + result.stdout and "root:" not in result.stderr


def test_rule_pack_that_is_not_rule_data_is_never_quoted_or_read_whole():
    for path in ("/etc/passwd", "/dev/zero"):
        started = time.monotonic()
        result = run_cli("check", "--isolated", "--rules", path, "-", stdin="Hello.")
        assert time.monotonic() - started < HANG_TIMEOUT and result.returncode == 2
        assert "root:" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_baseline_temporary_file_does_not_follow_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "baseline.json.tmp").symlink_to(victim)
    (tmp_path / "r.txt").write_text("As I said.\n", encoding="utf-8")
    run_cli("check", "--isolated", "--baseline", str(tmp_path / "baseline.json"), str(tmp_path / "r.txt"))
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["version"]


# ------------------------------------------------------------------ crashes and small edges

def test_one_bad_jsonl_record_is_reported_and_the_others_linted(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"reply": "As I said."}\n{bad json\n{"reply": "As I said, no."}\n', encoding="utf-8")
    result = run_cli("check", "--isolated", "--select", "EMP301", "-q", str(path))
    assert result.returncode == 2 and f"{path}:2:2: invalid JSON" in result.stderr
    assert f"{path}:1:" in result.stdout and f"{path}:3:" in result.stdout


def test_empty_json_and_csv_are_empty_files(tmp_path):
    for name in ("e.json", "e.csv"):
        (tmp_path / name).write_text("", encoding="utf-8")
    result = run_cli("check", "--isolated", str(tmp_path / "e.json"), str(tmp_path / "e.csv"))
    assert result.returncode == 0 and "No findings in 0 replies in 2 files." in result.stdout


def test_bogus_error_handler_and_lone_update_baseline_are_errors(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("As I said.\n", encoding="utf-8")
    result = run_cli("check", "--isolated", "--encoding", "utf-8:bogus", str(path))
    assert result.returncode == 2 and "unknown error handler 'bogus'" in result.stderr
    result = run_cli("check", "--isolated", "--update-baseline", str(path))
    assert result.returncode == 2 and "--update-baseline needs --baseline" in result.stderr


def test_double_star_exclude_matches_files_at_the_root(tmp_path):
    (tmp_path / ".empathy-lint.yaml").write_text('exclude: ["**/*.txt"]\n', encoding="utf-8")
    (tmp_path / "r.txt").write_text("As I said.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "s.txt").write_text("As I said.\n", encoding="utf-8")
    (tmp_path / "m.md").write_text("As I said.\n", encoding="utf-8")
    result = run_cli("check", "--select", "EMP301", "-q", str(tmp_path))
    assert "m.md" in result.stdout and "r.txt" not in result.stdout and "s.txt" not in result.stdout


@pytest.mark.parametrize("name,text,fragment", [
    ("fm1.md", "---\ncustomer: 5\n---\nAs I said.\n", "'customer' must be text"),
    ("fm2.md", "---\ncustomer: 2024-01-01\n---\nAs I said.\n", "'customer' must be text"),
    ("fm3.md", "---\ndisable: 5\n---\nAs I said.\n", "'disable' must be a rule code"),
    ("fm4.md", "---\ntitle: [1, 2]\n---\nAs I said.\n", "'title' must be text"),
    ("d.json", '[{"body": "As I said.", "disable": [1]}]', "'disable' must be a rule code"),
    ("n.json", '[{"body": NaN}]', "NaN is not a JSON value"),
    ("i.jsonl", '{"reply": Infinity}\n', "Infinity is not a JSON value"),
])
def test_wrongly_typed_fields_are_one_error_line(tmp_path, name, text, fragment):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("check", "--isolated", str(tmp_path / name))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert fragment in result.stderr and str(tmp_path / name) in result.stderr


def test_config_and_baseline_and_audit_type_errors_are_one_line(tmp_path):
    (tmp_path / "r.txt").write_text("As I said.\n", encoding="utf-8")
    (tmp_path / ".empathy-lint.yaml").write_text("overrides: [{files: 5}]\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path / "r.txt"))
    assert result.returncode == 2 and "'overrides.files' must be" in result.stderr
    (tmp_path / "b.json").write_text('{"version": 1, "tool": "empathy-lint", "findings": {"a": "x"}}', encoding="utf-8")
    result = run_cli("check", "--isolated", "--baseline", str(tmp_path / "b.json"), str(tmp_path / "r.txt"))
    assert result.returncode == 2 and "whole numbers" in result.stderr
    (tmp_path / "a.csv").write_text("customer,reply,agent\nhi,As I said.,a,extra\n", encoding="utf-8")
    result = run_cli("audit", str(tmp_path / "a.csv"))
    assert result.returncode == 2 and "more cells than the header" in result.stderr


_HUGE = "9" * 5000  # past Python's 4,300-digit limit for converting an integer


@pytest.mark.parametrize("name, text, fragment", [
    ("x.jsonl", f'{{"id": {_HUGE}, "reply": "As I said."}}\n', "x.jsonl:1: invalid JSON: a number longer than 4,300 digits"),
    ("x.json", f'[{{"id": {_HUGE}, "reply": "As I said."}}]', "x.json: invalid JSON: a number longer than 4,300 digits"),
])
def test_a_number_too_long_to_convert_is_the_files_error(tmp_path, name, text, fragment):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli_fast("check", "--isolated", str(tmp_path / name))
    assert result.returncode == 2 and "internal error" not in result.stderr and fragment in result.stderr


def test_a_long_integer_id_is_shown_whole_and_a_huge_one_costs_only_its_row(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(f'{{"id": 1{"0" * 400}, "reply": "As I said."}}\n{{"id": {_HUGE}, "reply": "As I said."}}\n'
                    '{"id": 3, "reply": "As I said."}\n', encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--select", "EMP301", "--format", "json", str(path))
    assert result.returncode == 2 and "x.jsonl:2: invalid JSON: a number longer than 4,300 digits" in result.stderr
    assert [f["reply"] for f in json.loads(result.stdout)["files"][0]["findings"]] == ["1" + "0" * 400, "3"]
    audit = run_cli_fast("audit", str(path))
    assert audit.returncode == 2 and "x.jsonl:2: invalid JSON: a number longer than 4,300 digits" in audit.stderr


def test_jsonl_rows_that_are_not_objects_are_skipped_and_the_others_read(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('null\n[1, 2]\n"text"\n5\n{"reply": null}\n{"id": 6, "reply": "As I said."}\n'
                    '{"id": true, "reply": "As I said."}\n', encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--select", "EMP301", "--format", "json", str(path))
    assert result.returncode == 1
    assert [(f["line"], f["reply"]) for f in json.loads(result.stdout)["files"][0]["findings"]] == [(6, "6"), (7, "True")]
    whole = tmp_path / "x.json"  # the same record in a JSON file, through the positional parser
    whole.write_text('[{"id": true, "reply": "As I said."}]', encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--select", "EMP301", "--format", "json", str(whole))
    assert [f["reply"] for f in json.loads(result.stdout)["files"][0]["findings"]] == ["True"]


def test_rows_of_thousands_of_distinct_keys_do_not_fill_the_shape_cache():
    """The reader keeps what a row's keys decide per shape; an export whose every row has
    thousands of keys of its own must not make that memory grow with the export: such
    shapes are worked out and dropped, and the cache stays bounded in entries and size."""
    from empathy_lint.read.sources import load_document, structured

    structured._SHAPES.clear()
    rows = [json.dumps({"id": i, f"tag{i}": "x", "reply": "As I said."}) for i in range(600)]
    rows += [json.dumps({"id": i, **{f"k{i}_{k}": k for k in range(2000)}, "reply": f"As I said, {i}."})
             for i in range(300)]
    document = load_document("x.jsonl", "\n".join(rows) + "\n")
    assert [r.text for r in document.replies[-2:]] == ["As I said, 298.", "As I said, 299."]
    assert len(document.replies) == 900 and document.replies[599].meta["id"] == "599"
    assert len(structured._SHAPES) <= structured._SHAPES_KEPT
    assert max(len(keys) for keys, _, _ in structured._SHAPES) <= structured._SHAPE_KEYS_KEPT


@pytest.mark.parametrize("name, data, fragment", [
    (".empathy-lint.yaml", f"fail_on: {_HUGE}\n".encode(), "invalid YAML: a number longer than 4,300 digits"),
    (".empathy-lint.yaml", b"since: 2026-13-45\n", "invalid YAML: month must be in 1..12"),
    (".empathy-lint.yaml", b"fail_on: \xff\xfe\n", "not valid UTF-8 (invalid start byte at byte 9)"),
    ("baseline.json", f'{{"version": 1, "findings": {{"a": {_HUGE}}}}}'.encode(), "a number longer than 4,300 digits"),
])
def test_unreadable_values_in_config_and_baseline_are_one_line(tmp_path, name, data, fragment):
    (tmp_path / "r.txt").write_text("As I said.\n", encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    args = ("--baseline", str(tmp_path / name)) if name == "baseline.json" else ()
    result = run_cli_fast("check", *args, str(tmp_path / "r.txt"))
    assert result.returncode == 2 and "internal error" not in result.stderr
    assert fragment in result.stderr and str(tmp_path / name) in result.stderr


def test_lone_surrogate_in_json_is_read_not_a_crash(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"reply": "\\ud800 As I said."}\n', encoding="utf-8")
    result = run_cli("check", "--isolated", "--select", "EMP301", "-q", str(path))
    assert result.returncode == 1 and f"{path}:1:19: EMP301" in result.stdout


def test_sarif_uri_is_percent_encoded(tmp_path):
    path = tmp_path / "my macros #1" / "réponse 100%.txt"
    path.parent.mkdir()
    path.write_text("As I said.\n", encoding="utf-8")
    result = run_cli("check", "--isolated", "--format", "sarif", str(path))
    uri = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "#" not in uri and uri.endswith("r%C3%A9ponse%20100%25.txt")


# ------------------------------------------------------------------ the --fix property

from hypothesis import given, settings, strategies as st  # noqa: E402

_PROSE = st.text(alphabet=st.sampled_from(list("abc XYZ,.!?'\"#:&*[]{}|>-@%\\`\n\t") + ["é", "\u200b"]),
                 min_size=0, max_size=20)


def _container(kind: str, replies: list[str]) -> str:
    import csv
    import io

    if kind == "json":
        return json.dumps([{"title": f"m{i}", "body": r} for i, r in enumerate(replies)], ensure_ascii=False)
    if kind == "yaml":
        return yaml.safe_dump([{"name": f"m{i}", "body": r} for i, r in enumerate(replies)], allow_unicode=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", "body"])
    writer.writerows([f"m{i}", r] for i, r in enumerate(replies))
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["json", "yaml", "csv"]), before=_PROSE, after=_PROSE, replacement=_PROSE,
       other=_PROSE)
def test_fix_writes_a_file_that_reads_back_with_only_the_fixed_span_changed_or_nothing(
        kind, before, after, replacement, other):
    name = f"macros.{kind}"
    reply = f"{before}Obviously{after}"
    text = _container(kind, [reply, other or "Fine."])
    try:
        document = load_document(name, text)
    except Exception:  # noqa: BLE001 - a container the generator could not make readable
        return
    replies = [r.text for r in document.replies]
    if len(replies) != 2 or "Obviously" not in replies[0]:
        return
    local = replies[0].index("Obviously")
    start, end = document.replies[0].origin.to_source(local, local + len("Obviously"))
    if text[start:end] != "Obviously":
        return  # the word is not verbatim in the file (an escape inside it): no fix offered
    result = fix_text(name, text, [Fix(start, end, replacement)])
    if result.text is None:
        return  # refused: nothing would be written
    again = [r.text for r in load_document(name, result.text).replies]
    assert again == [replies[0][:local] + replacement + replies[0][local + len("Obviously"):], replies[1]]


def test_utf16_big_endian_stays_big_endian_on_fix(tmp_path):
    import codecs

    path = tmp_path / "be.txt"
    path.write_bytes(codecs.BOM_UTF16_BE + "Simply restart the router. Sorry!\n".encode("utf-16-be"))
    lint("--fix", "--select", "EMP307", str(path))
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_BE) and data[2:].decode("utf-16-be") == "Restart the router. Sorry!\n"


def test_audit_reports_a_bad_row_and_audits_the_others(tmp_path):
    path = tmp_path / "tickets.jsonl"
    path.write_text('{"customer": "late", "reply": "As I said."}\n{bad\n'
                    '{"customer": "late", "reply": "Sorry, as I said."}\n', encoding="utf-8")
    result = run_cli("audit", str(path))
    assert result.returncode == 2 and f"{path}:2: invalid JSON" in result.stderr
    assert json.loads(result.stdout)["replies"] == 2


def test_recursive_yaml_alias_in_a_macro_file_finishes(tmp_path):
    path = tmp_path / "cycle.yaml"
    path.write_text('- &m {name: A, body: "As I said.", next: *m}\n', encoding="utf-8")
    result = _timed(["--select", "EMP301", "-q", str(path)])
    assert result.returncode == 1 and f"{path}:1:" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_lone_surrogates_in_metadata_give_findings_not_an_internal_error(tmp_path, fmt):
    """Issue 32.8: "\\ud800" escaped in a title, an id, a customer message or a thread
    is shown as U+FFFD; every format writes, and the detector reads the message."""
    export = tmp_path / "export.jsonl"
    export.write_text('{"title": "\\ud800", "body": "As I said, no."}\n'
                      '{"id": "\\udc00", "customer": "\\ud83d broken", "reply": "As I said, no.",'
                      ' "thread": [{"role": "customer", "text": "\\udfff"}]}\n', encoding="utf-8")
    result = run_cli("check", "--isolated", "--format", fmt, str(export))
    assert result.returncode == 1, result.stderr
    assert "EMP301" in result.stdout and "\ufffd" in result.stdout or fmt in ("github", "junit")


def test_lone_surrogates_in_front_matter_and_audit(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text('---\ncustomer: "\\ud800 my order is late"\n---\nAs I said, no.\n', encoding="utf-8")
    assert run_cli("check", "--isolated", str(draft)).returncode == 1
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "\\ud800", "customer": "\\udc00 late", "reply": "As I said, no."}\n', encoding="utf-8")
    result = run_cli("audit", str(export))
    assert result.returncode == 0 and "Traceback" not in result.stderr


@pytest.mark.parametrize("handler", ["surrogateescape", "namereplace", "xmlcharrefreplace"])
def test_an_encoding_handler_that_cannot_read_is_a_one_line_error(tmp_path, handler):
    """Issue 32.8: surrogateescape crashed every format, the encode-only handlers raised
    TypeError; now each is refused with the handlers that work."""
    draft = tmp_path / "draft.txt"
    draft.write_bytes(b"As I said, caf\xe9 \xff.\n")
    result = run_cli("check", "--isolated", "--encoding", f"utf-8:{handler}", str(draft))
    assert result.returncode == 2 and "cannot be used to read" in result.stderr and "Traceback" not in result.stderr


def test_a_fix_the_codec_cannot_hold_is_an_error_for_that_file_only(tmp_path):
    """Issue 32.8: a latin-1 --fix whose replacement latin-1 cannot encode stopped the run;
    now that file is left as it was (one error) and the next file is fixed."""
    pack = tmp_path / "house.yaml"
    pack.write_text('family: house\nrules:\n  - id: HSE002\n    name: kindly-note\n    kind: forbid\n'
                    '    severity: warning\n    message: "x"\n    why: "y"\n    suggest: ["z"]\n'
                    '    patterns:\n      - "kindly note"\n    replace:\n      "kindly note": "\u2192 note"\n'
                    '    examples:\n      flag: ["Kindly note, no."]\n      pass: ["No."]\n', encoding="utf-8")
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes("Kindly note, the café is closed.".encode("latin-1"))
    second.write_bytes("Simply click the link, café.".encode("latin-1"))
    result = run_cli("check", "--isolated", "--rules", str(pack), "--encoding", "latin-1", "--fix",
                     str(first), str(second))
    assert result.returncode == 2 and "cannot be written in latin-1" in result.stderr
    assert first.read_bytes() == "Kindly note, the café is closed.".encode("latin-1")
    assert second.read_bytes() == "Click the link, café.".encode("latin-1")


def test_utf32_files_are_read_as_utf32(tmp_path):
    """Issue 32.15: a UTF-32 file (BOM FF FE 00 00) was decoded as UTF-16 and linted as garbage."""
    draft = tmp_path / "draft.txt"
    draft.write_bytes("As I said, the café is closed.".encode("utf-32"))
    result = run_cli("check", "--isolated", "--select", "EMP301", str(draft))
    assert result.returncode == 1 and "EMP301" in result.stdout


def test_audit_reads_a_long_csv_field_and_names_a_bad_row_by_its_line(tmp_path):
    """Issue 32.15: one CSV field over 131,072 characters aborted the audit that `check`
    reads fine, and a bad row's line number was one too low."""
    import csv

    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "reply"])
        writer.writerow(["late", "As I said, no. " + "word " * 40_000])
        writer.writerow(["late", "As I said, no."])
    result = run_cli("audit", str(export))
    assert result.returncode == 0 and '"replies": 2' in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text('customer,reply\nlate,ok\nlate,"As I said",extra\n', encoding="utf-8")
    result = run_cli("audit", str(bad))
    assert ":3: this row has more cells" in result.stderr
