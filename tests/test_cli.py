"""The command line end to end, as a subprocess: stdin, files, formats, exit codes."""
from __future__ import annotations

import json
import sys

from conftest import run_cli, run_cli_fast

BAD = "As I said, there's nothing we can do."
GOOD = ("I'm so sorry your order arrived damaged - I understand how frustrating that is. "
        "I've sent a replacement that will arrive by Friday, and I'll email you the tracking "
        "number as soon as it ships. Let me know if there's anything else I can do.")


def test_bad_reply_on_stdin_exits_1_with_caret_and_suggestions():
    result = run_cli("check", "-", stdin=BAD)
    assert result.returncode == 1
    out = result.stdout
    assert "<stdin>:1:1: EMP301 [warning]" in out
    assert "    As I said, there's nothing we can do.\n    ^^^^^^^^^\n" in out
    for code in ("EMP101", "EMP201", "EMP306", "EMP401", "EMP501"):
        assert code in out
    assert out.count("suggest:") >= 6
    # Without the customer's message the missing-content findings rest on a guess, and the
    # "nothing we can do" phrase is right too rarely on real replies to fail a run: info.
    assert "6 findings (1 error, 1 warning, 4 info) in 1 file." in out


def test_a_long_line_is_shown_as_a_window_around_each_finding():
    """A reply kept on one line (a JSONL row, a file without line breaks) is shown clipped
    around the finding, with … where it was cut and the carets still under the span."""
    text = "Thanks for writing in. " * 40 + "As I said, we cannot help. " + "Have a good day. " * 40
    out = run_cli("check", "--select", "EMP301", "-", stdin=text).stdout
    shown, carets = out.splitlines()[1:3]
    assert shown.startswith("    \u2026") and shown.endswith("\u2026") and len(shown) == 4 + 2 + 200
    assert shown[carets.index("^"):carets.rindex("^") + 1] == "As I said"
    start = run_cli("check", "--select", "EMP101", "-", stdin=text).stdout.splitlines()[1:3]
    assert start[0].startswith("    Thanks") and start[0].endswith("\u2026") and start[1].strip("^ ") == ""


def test_good_reply_exits_0():
    result = run_cli("check", "-", stdin=GOOD)
    assert result.returncode == 0, result.stdout
    assert "No findings in 1 file." in result.stdout


def test_check_is_the_default_command(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(BAD, encoding="utf-8")
    assert run_cli(str(draft)).returncode == 1
    assert run_cli(stdin=BAD).returncode == 1


def test_json_output_is_versioned_with_stable_fields(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Sam,\n\n" + BAD + "\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(draft))
    data = json.loads(result.stdout)
    assert data["version"] == 1
    (entry,) = data["files"]
    assert entry["path"] == str(draft)
    finding = next(f for f in entry["findings"] if f["code"] == "EMP301")
    assert set(finding) == {"code", "name", "family", "kind", "severity", "message", "start", "end",
                            "line", "column", "suggestions", "fix", "reply", "id", "confidence"}
    assert (finding["line"], finding["column"]) == (3, 1)
    assert finding["fix"] == {"start": 9, "end": 18, "replacement": "To recap"}
    assert data["summary"]["findings"] == len(entry["findings"])


def test_fail_on_controls_exit_code():
    assert run_cli("--fail-on", "error", "--select", "EMP3", stdin="As I said, no.").returncode == 0
    assert run_cli("--fail-on", "never", stdin=BAD).returncode == 0
    assert run_cli("--fail-on", "error", stdin="As I said, that's the price.").returncode == 0  # a warning and info
    assert run_cli("--fail-on", "error", stdin=BAD).returncode == 1  # "nothing we can do" is an error


def test_min_severity_hides_what_the_rules_are_unsure_of():
    """--min-severity warning reports only warnings and errors: the info findings are
    not shown, and with --fail-on info they no longer fail the run either."""
    every = {f["code"]: f["severity"] for f in
             json.loads(run_cli("--isolated", "--format", "json", stdin=BAD).stdout)["files"][0]["findings"]}
    assert "info" in every.values() and "warning" in every.values()
    shown = json.loads(run_cli("--isolated", "--min-severity", "warning", "--format", "json",
                               stdin=BAD).stdout)["files"][0]["findings"]
    assert {f["code"] for f in shown} == {code for code, severity in every.items() if severity != "info"}
    unsure_only = "Thanks for your message, we appreciate your feedback."
    assert run_cli("--isolated", "--fail-on", "info", stdin=unsure_only).returncode == 1
    assert run_cli("--isolated", "--fail-on", "info", "--min-severity", "warning", stdin=unsure_only).returncode == 0
    bad = run_cli("--isolated", "--min-severity", "warnings", stdin=BAD)
    assert bad.returncode == 2 and "'warnings' is not one of" in bad.stderr


def test_select_ignore_on_the_command_line():
    result = run_cli("--select", "defensive", "--ignore", "EMP306", "--format", "json", stdin=BAD)
    codes = [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert codes == ["EMP301"]


def test_quiet_prints_only_finding_lines():
    lines = run_cli("-q", stdin=BAD).stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith("<stdin>:1:") for line in lines)


def test_no_color_env_and_flag():
    env = {"NO_COLOR": ""}
    assert "\x1b[" not in run_cli("--no-color", stdin=BAD, env=env).stdout


def test_missing_file_is_one_line_exit_2():
    result = run_cli("check", "does-not-exist.txt")
    assert result.returncode == 2
    assert result.stderr.strip() == "empathy-lint: error: does-not-exist.txt: no such file or directory"


def test_invalid_utf8_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9, as I said".encode("latin-1"))
    result = run_cli("check", str(bad))
    assert result.returncode == 2
    assert "not valid UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_directory_is_walked_for_reply_files(tmp_path):
    (tmp_path / "a.txt").write_text(BAD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    data = json.loads(run_cli("--format", "json", str(tmp_path)).stdout)
    assert sorted(f["path"].split("/")[-1] for f in data["files"]) == ["a.txt", "b.md"]


def test_unknown_selector_exit_2():
    result = run_cli("--select", "EMP999", stdin=BAD)
    assert result.returncode == 2
    assert "'EMP999' matches no rule" in result.stderr


def test_bad_rule_pack_exit_2(tmp_path):
    pack = tmp_path / "broken.yaml"
    pack.write_text("family: x\nrules:\n  - id: nope\n", encoding="utf-8")
    result = run_cli("--rules", str(pack), stdin=BAD)
    assert result.returncode == 2
    assert result.stderr.startswith(f"empathy-lint: error: {pack}:3:")


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("--format", "json", "-o", str(out), stdin=BAD)
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(out.read_text())["version"] == 1


def test_rules_lists_every_rule():
    out = run_cli("rules").stdout.splitlines()
    assert out[0].split() == ["CODE", "NAME", "FAMILY", "SEVERITY", "REPORTED", "KIND"]
    assert any(line.split()[:2] == ["EMP301", "as-i-said"] for line in out)
    # what the fitted confidence makes of a rule: acknowledgement is info, apology warns when sure
    rows = {line.split()[0]: line.split() for line in out[1:]}
    assert rows["EMP101"][3:6] == ["warning", "info", "require"]
    assert rows["EMP201"][3:7] == ["warning", "warning", "when", "sure"]
    assert rows["EMP304"][3:5] == ["error", "error"]
    assert len(out) >= 17


def test_explain_by_code_and_name():
    by_code = run_cli("explain", "EMP301").stdout
    assert "Why it matters" in by_code and "As I said, the refund takes five days." in by_code
    assert "To recap" in by_code
    assert run_cli("explain", "as-i-said").stdout == by_code


def test_explain_leads_with_the_examples_its_why_is_about():
    """A rule's examples grow at the end of its list with rarer forms; the first shown
    are the ones the explanation quotes ("you should have", "you failed to")."""
    explained = run_cli("explain", "EMP304").stdout
    flagged = explained.split("Flagged\n", 1)[1].splitlines()[:2]
    assert all("should have" in line or "failed to" in line for line in flagged), flagged


def test_several_line_examples_and_suggestions_stay_under_their_item():
    """A sign-off suggestion ("Best,\n{your name}") and an email example span lines: the
    later lines are indented under the item in `explain` and under `suggest:` in the
    text report, so nothing of a finding starts at the margin where paths start."""
    explained = run_cli("explain", "EMP702").stdout
    assert "  - Best,\n    {your name}\n" in explained
    assert "    Best regards,\n    Ana\n" in explained
    reply = "Hi Ann,\n\nPer our policy, breakages must be reported within 24 hours.\n"
    report = run_cli_fast("check", "-", "--select", "EMP702", "--channel", "email", stdin=reply).stdout
    assert "  suggest: Best,\n           {your name}\n" in report
    assert not any(line.startswith("{") for line in report.splitlines())


def test_explain_names_the_languages_a_rule_also_reads():
    apology = run_cli("explain", "EMP201").stdout
    assert "Also reads\n  replies in es, pt, fr, de, it, nl, ja, zh, with patterns of their own (findings there are info" in apology
    assert "Also reads" not in run_cli("explain", "EMP301").stdout


def test_explain_says_what_else_satisfies_a_rule():
    """A rule's own `satisfied_by` and the channel profiles' stand-ins for it."""
    assert "Also satisfied by\n  - the writer's name alone on the reply's last line" in run_cli("explain", "EMP702").stdout
    assert "Also satisfied by\n  - what EMP202 non-apology looks for" in run_cli("explain", "EMP201").stdout
    assert "  - what EMP401 missing-next-steps looks for, on chat, sms, social" in run_cli("explain", "EMP501").stdout
    assert "Also satisfied by" not in run_cli("explain", "EMP301").stdout


def test_explain_says_the_severity_the_fitted_confidence_gives():
    """The rule file names a severity; the confidence model decides what a user sees.
    `explain` says which, with the labelled figures behind it: acknowledgement is info
    (its findings short of 90% right), missing apology warns from its fitted confidence,
    and a phrase rule keeps its severity unless tune shows it weak."""
    from empathy_lint.rulebook import load_context

    figures = load_context("confidence.yaml")["rules"]
    flat = lambda code: " ".join(run_cli("explain", code).stdout.split())  # noqa: E731
    ack = flat("EMP101")
    assert "How sure Reported at info" in ack
    assert f"{figures['EMP101']['tune']['right']:.0%} of its {figures['EMP101']['tune']['findings']} findings" in ack
    apology = flat("EMP201")
    assert f"Warns from a confidence of {figures['EMP201']['warn_at']:.2f}" in apology
    assert "checked without the customer's message is assumed to answer a problem" in apology
    # a phrase rule: info if tune showed it weak, else its own severity, with its tally
    phrase = figures["EMP306"]
    said = "Reported at info" if phrase["warn_at"] > 1 else "Keeps its severity"
    assert (f"{said}: on labelled replies it was right {phrase['tune']['right']} of the "
            f"{phrase['tune']['findings']}") in flat("EMP306")
    assert "How sure" not in flat("EMP301")  # never fired on tune: no figures to tell


def test_explain_says_a_phrase_rule_shown_weak_on_tune_is_info(monkeypatch):
    """The branch no rule takes today: 6 right of 13 is shown weak (fit_confidence), and
    `explain` says the rule reports at info, with that tally."""
    from empathy_lint.apps import cli as cli_module
    from empathy_lint.engine import confidence

    weak = confidence.ConfidenceModel(
        {"rules": {"EMP306": {"confidence": 0.48, "warn_at": 1.01, "tune": {"findings": 13, "right": 6}}}})
    monkeypatch.setattr(confidence, "default_model", lambda: weak)
    said = " ".join(cli_module._how_sure("EMP306").split())
    assert said.startswith("Reported at info: on labelled replies it was right 6 of the 13 times it fired")
    assert cli_module._how_sure("EMP301") is None


def test_explain_unknown_suggests_the_closest():
    result = run_cli("explain", "EMP30")
    assert result.returncode == 2 and "did you mean" in result.stderr


def test_help_rules_and_explain_do_not_import_spacy():
    probe = (
        "import sys\n"
        "from empathy_lint.apps.cli import cli\n"
        "for args in (['--help'], ['rules'], ['explain', 'EMP201'], ['check', '--help']):\n"
        "    try:\n"
        "        cli.main(args, standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
        "print('OK')\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("OK")


def test_version():
    assert run_cli("--version").stdout.startswith("empathy-lint, version ")


def test_customer_context_decides_apology_and_next_steps(tmp_path):
    reply = tmp_path / "reply.txt"
    reply.write_text("Glad to hear it! Have a great day.", encoding="utf-8")
    happy = tmp_path / "happy.txt"
    happy.write_text("Thanks, that fixed it!", encoding="utf-8")
    upset = tmp_path / "upset.txt"
    upset.write_text("My order is three weeks late and nobody answers", encoding="utf-8")

    calm = run_cli("check", "--format", "json", "--customer", str(happy), str(reply))
    codes = {f["code"] for f in json.loads(calm.stdout)["files"][0]["findings"]}
    assert calm.returncode == 0 and not codes & {"EMP201", "EMP401"}

    angry = run_cli("check", "--format", "json", "--customer", str(upset), str(reply))
    codes = {f["code"] for f in json.loads(angry.stdout)["files"][0]["findings"]}
    assert angry.returncode == 1 and {"EMP201", "EMP401"} <= codes

    inline = run_cli("check", "--format", "json", "--customer-text", "Thanks, that fixed it!", str(reply))
    assert inline.returncode == 0

    # The message itself given to --customer (a file option): the error names the option
    # that takes it, and nothing is linted.
    mistaken = run_cli("check", "--customer", "Thanks, that fixed it!", str(reply))
    assert mistaken.returncode == 2 and mistaken.stdout == ""
    assert mistaken.stderr.strip().splitlines() == [
        "empathy-lint: error: --customer 'Thanks, that fixed it!': no such file "
        "(to give the message itself, use --customer-text)"]


def test_the_customers_message_can_be_piped_in_with_customer_dash(tmp_path):
    """`pbpaste | empathy-lint check --customer - draft.txt`: the message copied from the
    helpdesk, the draft in a file. stdin holds one thing: not the reply as well, nor an
    empty pipe read as "no message"."""
    reply = tmp_path / "reply.txt"
    reply.write_text("Glad to hear it! Have a great day.", encoding="utf-8")
    calm = run_cli("check", "--format", "json", "--customer", "-", str(reply), stdin="Thanks, that fixed it!")
    assert calm.returncode == 0, calm.stderr
    angry = run_cli("check", "--format", "json", "--customer", "-", str(reply),
                    stdin="My order is three weeks late and nobody answers")
    codes = {f["code"] for f in json.loads(angry.stdout)["files"][0]["findings"] if f["severity"] != "info"}
    assert angry.returncode == 1 and "EMP201" in codes
    both = run_cli("check", "--customer", "-", stdin="My order is late")
    assert both.returncode == 2 and both.stderr.startswith("empathy-lint: error: --customer -: stdin can hold one thing")
    empty = run_cli("check", "--customer", "-", str(reply), stdin="")
    assert empty.returncode == 2 and "stdin was empty" in empty.stderr


def test_usage_errors_are_one_line_and_a_typo_of_a_command_is_named():
    """Issue 29.11: click's three-line usage block became one line like every other error;
    `empathy-lint chek .` suggests `check` instead of "no such file"."""
    typo = run_cli("chek", ".")
    assert typo.returncode == 2 and typo.stderr.strip().splitlines() == [
        "empathy-lint: error: unknown command 'chek' (did you mean 'check'?) (see 'empathy-lint --help')"]
    for args, words in ((["check", "--format", "xml", "x"], "'xml' is not one of"),
                        (["check", "--bogus"], "No such option '--bogus'")):
        result = run_cli(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0] and "--help" in lines[0]


def test_explain_shows_the_first_examples_and_all_on_request():
    """A rule's examples are its tests too, and some rules hold a hundred: `explain` shows
    the first few of each kind, says how many more there are, and `--all` shows them."""
    from empathy_lint.rulebook import load_rules
    from empathy_lint.apps.cli import EXPLAIN_FINE, EXPLAIN_FLAGGED

    rule = next(r for r in load_rules(()) if r.id == "EMP308")
    assert len(rule.examples_flag) > EXPLAIN_FLAGGED and len(rule.examples_pass) > EXPLAIN_FINE
    short = run_cli("explain", "EMP308").stdout
    assert rule.examples_flag[0] in short and rule.examples_flag[-1] not in short
    assert f"... and {len(rule.examples_flag) - EXPLAIN_FLAGGED} more (--all)" in short
    everything = run_cli("explain", "EMP308", "--all").stdout
    assert rule.examples_flag[-1] in everything and rule.examples_pass[-1] in everything
    assert "more (--all)" not in everything
