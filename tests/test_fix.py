"""--fix and --diff: safe replacements, atomic writes, encodings and newlines preserved."""
from __future__ import annotations

import codecs
import json
import os
import stat

import pytest

from conftest import run_cli_fast as run_cli

TEXT = "Hi Sam,\r\nNo problem, as I said, the refund is simply on its way.\r\n"


def findings(path, *args):
    result = run_cli("--format", "json", "--select", "EMP301,EMP307,EMP603", *args, str(path))
    return [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_fix_preserves_encoding_bom_and_crlf(tmp_path, encoding, bom):
    path = tmp_path / "macro.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    os.chmod(path, 0o640)
    result = run_cli("--fix", "--select", "EMP301,EMP307,EMP603", str(path))
    assert "fixed 3 findings" in result.stderr
    data = path.read_bytes()
    assert data.startswith(bom) if bom else not data.startswith(codecs.BOM_UTF8)
    fixed = data[len(bom):].decode(encoding)
    assert fixed == "Hi Sam,\r\nHappy to help, to recap, the refund is on its way.\r\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert findings(path) == []  # the fixed findings are gone
    assert not [p for p in tmp_path.iterdir() if p.name != "macro.txt"]  # no temp file left


def test_diff_prints_a_patch_and_changes_nothing(tmp_path):
    path = tmp_path / "macro.md"
    path.write_text("As I said, no problem.\n", encoding="utf-8")
    before = path.read_bytes()
    result = run_cli("--diff", "--select", "EMP301,EMP603", str(path))
    assert result.returncode == 1
    assert f"--- a/{path}" in result.stdout
    assert "-As I said, no problem.\n+To recap, happy to help.\n" in result.stdout
    assert path.read_bytes() == before


def test_a_fix_that_makes_another_possible_is_applied_in_the_same_run(tmp_path):
    """ruff's way: the fixed text is linted and fixed again. "simply As I said" loses
    "simply"; "As I said" then opens the sentence and can become "To recap" (mid-sentence,
    with its capital, it had no safe replacement). One run used to leave it for a second."""
    path = tmp_path / "macro.txt"
    path.write_text("simply As I said, the refund is on its way.\n", encoding="utf-8")
    result = run_cli("--fix", "--select", "EMP301,EMP307", str(path))
    assert "fixed 2 findings" in result.stderr
    assert path.read_text(encoding="utf-8") == "To recap, the refund is on its way.\n"
    assert findings(path) == []
    diff = run_cli("--diff", "--select", "EMP301,EMP307", "-", stdin="simply As I said, it is done.\n")
    assert "+To recap, it is done." in diff.stdout


def test_fixing_stops_after_its_rounds_on_a_fix_that_never_settles(tmp_path):
    """A fix whose replacement is flagged again (a house rule's mistake) ends after
    MAX_FIX_ROUNDS, with each round's text read back as valid: no endless loop."""
    from empathy_lint.run import checking

    pack = tmp_path / "rules.yaml"
    pack.write_text(
        "family: house\nrules:\n  - id: HOUSE101\n    name: loop\n    kind: forbid\n    severity: warning\n"
        "    message: m\n    why: w\n    patterns: [ping]\n    replace: {ping: \"ping, ping\"}\n    suggest: [pong]\n"
        "    examples:\n      flag: [ping]\n      pass: [pong]\n",
        encoding="utf-8")
    path = tmp_path / "macro.txt"
    path.write_text("ping\n", encoding="utf-8")
    result = run_cli("--fix", "--rules", str(pack), "--select", "HOUSE101", str(path))
    assert result.returncode in (0, 1)
    assert path.read_text(encoding="utf-8") == ", ".join(["ping"] * 2 ** checking.MAX_FIX_ROUNDS) + "\n"


def test_fix_inside_json_export_keeps_it_valid(tmp_path):
    path = tmp_path / "macros.json"
    path.write_text(json.dumps({"macros": [{"title": "x", "actions": [
        {"field": "comment_value", "value": "No problem,\nas I said, it\u2019s done."}]}]}), encoding="utf-8")
    run_cli("--fix", "--select", "EMP301,EMP603", str(path))
    value = json.loads(path.read_text())["macros"][0]["actions"][0]["value"]
    assert value == "Happy to help,\nto recap, it\u2019s done."


def test_a_macros_html_body_is_fixed_as_its_plain_twin_is(tmp_path):
    """A phrase opening an HTML paragraph stands alone as one opening a line does: a
    Zendesk comment_value_html or a Help Scout body got no fix where its plain twin did."""
    path = tmp_path / "macros.json"
    path.write_text(json.dumps({"macros": [{"title": "x", "actions": [
        {"field": "comment_value_html", "value": "<p>As I said, it’s done.</p><p>No problem</p>"}]}]}),
        encoding="utf-8")
    run_cli("--fix", "--select", "EMP301,EMP603", str(path))
    value = json.loads(path.read_text())["macros"][0]["actions"][0]["value"]
    assert value == "<p>To recap, it’s done.</p><p>Happy to help</p>"


def test_fix_from_stdin_prints_the_fixed_text():
    result = run_cli("--fix", "--select", "EMP603", "-", stdin="No problem! The refund is on its way.")
    assert result.stdout == "Happy to help! The refund is on its way."


# Each replacement is a whole-phrase rewrite: applied where the phrase stands alone
# between punctuation, left as a suggestion where the swap would not read as English.
@pytest.mark.parametrize("draft,fixed", [
    ("As I said, the refund takes five days.", "To recap, the refund takes five days."),
    ("The refund, as I said, takes five days.", "The refund, to recap, takes five days."),
    ("Hi Sam, as previously stated, the store is closed on Sundays.",
     "Hi Sam, to recap, the store is closed on Sundays."),
    ("As I said in my last email, the refund takes five days.", None),
    ("As I said before, the refund takes five days.", None),
    ("That's no problem at all, the refund is on its way.", None),
    ("It's not a problem. The refund is on its way.", None),
    ("The refund takes five days, obviously.", "The refund takes five days."),
    ("Obviously, the refund takes five days.", "The refund takes five days."),
    ("You simply click the reset link.", "You click the reset link."),
])
def test_fix_reads_as_english_or_is_not_made(draft, fixed):
    result = run_cli("--fix", "--select", "EMP301,EMP307,EMP603", "-", stdin=draft)
    assert result.stdout == (fixed or draft)
    if fixed is None:  # still reported, with its suggestions
        report = run_cli("--format", "json", "--select", "EMP301,EMP307,EMP603", "-", stdin=draft)
        found = json.loads(report.stdout)["files"][0]["findings"]
        assert found and all(f["fix"] is None for f in found) and all(f["suggestions"] for f in found)


def test_failed_write_leaves_the_original_intact(tmp_path, monkeypatch):
    from pathlib import Path

    from empathy_lint.write import fixes

    path = tmp_path / "macro.txt"
    path.write_text("As I said.\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixes.os, "replace", broken_replace)
    with pytest.raises(OSError):
        fixes.write_atomic(Path(path), "To recap.\n", fixes.Encoding("utf-8"))
    assert path.read_text() == "As I said.\n"
    assert [p.name for p in tmp_path.iterdir()] == ["macro.txt"]


def test_splice_joins_the_pieces_as_fixes_applied_one_at_a_time_from_the_end_would():
    """splice joins the text between fixes once (a copy per fix was quadratic in a file
    of thousands of fixes); the result is the same as applying them from the end, also
    for insertions at one place and for overlapping fixes."""
    import random

    from empathy_lint.findings import Fix
    from empathy_lint.write.safefix import splice

    def one_at_a_time(text, fixes):
        for fix in reversed(fixes):
            text = text[:fix.start] + fix.replacement.upper() + text[fix.end:]
        return text

    rng = random.Random(20261127)
    for _ in range(3000):
        text = "".join(rng.choice("ab \n") for _ in range(rng.randint(0, 30)))
        fixes = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randint(0, len(text))
            fixes.append(Fix(start, rng.randint(start, min(len(text), start + 5)), rng.choice(["", "x", "yy"])))
        fixes.sort(key=lambda f: f.start)
        assert splice(text, fixes, str.upper) == one_at_a_time(text, fixes), (text, fixes)
