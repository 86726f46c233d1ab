"""Baseline: record today's findings, fail only on new ones, survive edits elsewhere."""
from __future__ import annotations

import json

from conftest import run_cli_fast as run_cli


def test_baseline_write_then_only_new_findings(tmp_path):
    macro = tmp_path / "macro.txt"
    macro.write_text("As I said, refunds take ten days.\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"

    first = run_cli("--select", "defensive", "--baseline", str(baseline), str(macro))
    assert first.returncode == 0 and "wrote" in first.stderr
    assert json.loads(baseline.read_text())["version"] == 1

    # Edits elsewhere in the file do not resurrect the known finding.
    macro.write_text("Hello there.\n\nThanks for waiting.\nAs I said, refunds take ten days.\n", encoding="utf-8")
    assert run_cli("--select", "defensive", "--baseline", str(baseline), str(macro)).returncode == 0

    # A new defensive phrase fails, and only it is reported.
    macro.write_text("As I said, refunds take ten days. Calm down.\n", encoding="utf-8")
    result = run_cli("--select", "defensive", "--format", "json", "--baseline", str(baseline), str(macro))
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]] == ["EMP305"]

    # A second "as I said" is new too: the baseline counts occurrences.
    macro.write_text("As I said, refunds take ten days. As I said before.\n", encoding="utf-8")
    assert run_cli("--select", "defensive", "--baseline", str(baseline), str(macro)).returncode == 1


def test_update_baseline_and_corrupt_baseline(tmp_path):
    macro = tmp_path / "m.txt"
    macro.write_text("Calm down.\n", encoding="utf-8")
    baseline = tmp_path / "b.json"
    # a baseline left with merge-conflict markers: unreadable, and still ours to replace
    assert run_cli("--baseline", str(baseline), str(macro)).returncode == 0
    ours = baseline.read_text(encoding="utf-8").splitlines(keepends=True)
    baseline.write_text("".join(ours[:4] + ["<<<<<<< HEAD\n"] + ours[4:] + [">>>>>>> theirs\n"]), encoding="utf-8")
    bad = run_cli("--baseline", str(baseline), str(macro))
    assert bad.returncode == 2 and "not a readable baseline" in bad.stderr
    assert run_cli("--baseline", str(baseline), "--update-baseline", str(macro)).returncode == 0
    assert run_cli("--baseline", str(baseline), str(macro)).returncode == 0


def test_baseline_inside_the_linted_tree_is_not_read_as_a_macro_export(tmp_path):
    """The usual layout: `empathy-lint check --baseline macros/.baseline.json macros/`."""
    for i in range(3):  # a stock opening (EMP703, judged per file) in each of three files
        (tmp_path / f"m{i}.md").write_text("".join(f"## Reply {j}\n\nThanks for reporting this issue. Macro {i}.{j}.\n\n"
                                                   for j in range(3)), encoding="utf-8")
    baseline = tmp_path / "empathy-baseline.json"
    args = ("--kind", "canned", "--select", "EMP703", "--fail-on", "info", "--baseline", str(baseline), str(tmp_path))
    assert run_cli(*args).returncode == 0 and baseline.exists()
    again = run_cli(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "no replies found" not in again.stderr and "in 3 files" in again.stdout
    # A fourth macro with the stock opening is new: only it is reported.
    (tmp_path / "m3.md").write_text("".join(f"## Reply {j}\n\nThanks for reporting this issue. A fourth {j}.\n\n"
                                            for j in range(3)), encoding="utf-8")
    result = run_cli("--format", "json", *args)
    assert result.returncode == 1
    flagged = [f["path"].rsplit("/", 1)[1] for f in json.loads(result.stdout)["files"] if f["findings"]]
    assert flagged == ["m3.md"]


def test_a_baseline_run_says_how_many_known_findings_it_hid(tmp_path):
    macro = tmp_path / "macro.txt"
    macro.write_text("As I said, there's nothing we can do.\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert run_cli("--baseline", str(baseline), str(macro)).returncode == 0
    known = sum(json.loads(baseline.read_text())["findings"].values())  # fingerprint -> count
    again = run_cli("--baseline", str(baseline), str(macro))
    assert again.returncode == 0
    hidden = json.loads(run_cli("--format", "json", "--baseline", str(baseline), str(macro)).stdout)["summary"]["baseline"]
    assert hidden == known >= 4
    assert again.stdout.strip() == f"No new findings in 1 file; {hidden} known findings in the baseline were not reported."


def test_a_baseline_written_by_0_1_0_still_hides_its_findings(tmp_path):
    """Up to commit 0607b4b a JSON record named by a number was named as a float
    ("104.0", even "1.2345678901234567e+19"); now the number as written. The baseline in
    tests/data/baseline-0.1.0 was written by that commit (tagged v0.1.0 then) over the export
    beside it, and must still excuse all six findings, while the report names the
    records by their ids as written."""
    import shutil

    from conftest import DATA

    for name in ("macros.jsonl", "baseline.json"):
        shutil.copy(DATA / "baseline-0.1.0" / name, tmp_path / name)
    # The rules whose findings that baseline holds: rules written since flag more in the
    # same export ("we cannot help." shuts the door), findings a baseline rightly reports as new.
    rules = "EMP301,EMP303,EMP305"
    known = run_cli("check", "--isolated", "--select", rules, "--baseline", "baseline.json",
                    "macros.jsonl", cwd=tmp_path)
    assert known.returncode == 0 and "6 known findings" in known.stdout
    fresh = run_cli("check", "--isolated", "--select", rules, "--format", "json", "macros.jsonl", cwd=tmp_path)
    names = [f["reply"] for f in json.loads(fresh.stdout)["files"][0]["findings"]]
    assert names == ["Refund refused", "Refund refused", "12345678901234567890", "12345678901234567890", "7", "T-9"]
    # A new finding in a record named by a number is still new.
    text = (tmp_path / "macros.jsonl").read_text(encoding="utf-8").replace("it ships Monday", "calm down")
    (tmp_path / "macros.jsonl").write_text(text, encoding="utf-8")
    result = run_cli("check", "--isolated", "--select", rules, "--format", "json", "--baseline", "baseline.json",
                     "macros.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert [(f["code"], f["reply"]) for f in json.loads(result.stdout)["files"][0]["findings"]] == [("EMP305", "7")]


def test_update_baseline_never_replaces_a_file_that_is_not_a_baseline(tmp_path):
    macros = tmp_path / "macros.json"
    original = '[{"title": "refund", "body": "As I said, no."}]\n'
    macros.write_text(original, encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("As I said, no.\n", encoding="utf-8")
    result = run_cli("check", "--isolated", "--update-baseline", "--baseline", str(macros), str(draft))
    assert result.returncode == 2 and "replaces only a baseline" in result.stderr
    assert macros.read_text(encoding="utf-8") == original


def test_a_baseline_named_as_a_file_to_check_is_an_error_that_names_it(tmp_path):
    """The reply file given as its own baseline (a slip of the shell) says so, with or
    without --update-baseline, and the reply is left as it was."""
    draft = tmp_path / "draft.txt"
    draft.write_text("As I said, no.\n", encoding="utf-8")
    for extra in ([], ["--update-baseline"]):
        result = run_cli("check", "--isolated", *extra, "--baseline", str(draft), str(draft))
        assert result.returncode == 2, result.stderr
        assert f"--baseline {draft}: is one of the files to check" in result.stderr
        assert draft.read_text(encoding="utf-8") == "As I said, no.\n"


def test_a_baseline_holds_however_the_files_are_named(tmp_path):
    """Issue 32.13: written by `check macros`, it still knows every finding under
    `check $PWD/macros` and `cd macros && check .` (paths from the baseline's folder)."""
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "refund.txt").write_text("As I said, the refund takes 5 days. Obviously.\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    written = run_cli("check", "--isolated", "--baseline", str(baseline), "--update-baseline", "macros", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    for args, cwd in ((["--baseline", str(baseline), str(macros)], tmp_path),
                      (["--baseline", "../baseline.json", "."], macros),
                      (["--baseline", "baseline.json", "macros"], tmp_path)):
        result = run_cli("check", "--isolated", "--fail-on", "info", *args, cwd=cwd)
        assert result.returncode == 0, (args, result.stdout)
