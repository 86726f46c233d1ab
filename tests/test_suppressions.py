"""Inline suppressions in each comment style, and the front-matter disable list."""
from __future__ import annotations

import json

from conftest import run_cli_fast as run_cli


def codes(tmp_path, name, text, *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("--format", "json", "--select", "defensive", *args, str(path))
    return sorted(f["code"] for f in json.loads(result.stdout)["files"][0]["findings"])


def test_html_comment_disables_for_the_whole_file(tmp_path):
    text = "<!-- empathy-lint: disable EMP301 -->\nAs I said, there's nothing we can do.\n"
    assert codes(tmp_path, "a.md", text) == ["EMP306"]


def test_disable_next_line_only_covers_the_next_line(tmp_path):
    text = ("<!-- empathy-lint: disable-next-line as-i-said -->\nAs I said, fine.\n\n"
            "As I said, not fine.\n")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP301", str(path)).stdout)
    assert [f["line"] for f in data["files"][0]["findings"]] == [4]


def test_liquid_comment_and_its_words_are_not_linted(tmp_path):
    text = "{% comment %} empathy-lint: disable EMP306 {% endcomment %}There's nothing we can do, as I said."
    assert codes(tmp_path, "a.txt", text) == ["EMP301"]


def test_yaml_comment_with_no_codes_disables_everything(tmp_path):
    text = "# empathy-lint: disable\n- title: x\n  body: As I said, calm down.\n"
    assert codes(tmp_path, "m.yaml", text) == []


def test_front_matter_disable_list(tmp_path):
    text = "---\ndisable: [EMP306]\n---\nAs I said, there's nothing we can do.\n"
    assert codes(tmp_path, "a.md", text) == ["EMP301"]


def test_jinja_comment_disable_line(tmp_path):
    text = "As I said, calm down. {# empathy-lint: disable-line EMP305 #}\nCalm down.\n"
    assert codes(tmp_path, "a.txt", text) == ["EMP301", "EMP305"]


def stale(tmp_path, name, text, *args):
    """(line, message) of each EMP002 finding `check` reports for a file holding `text`."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("--format", "json", "--select", "defensive,EMP002", *args, str(path))
    assert result.returncode in (0, 1), result.stderr
    return [(f["line"], f["message"]) for f in json.loads(result.stdout)["files"][0]["findings"]
            if f["code"] == "EMP002"]


def test_a_directive_that_silences_nothing_is_reported(tmp_path):
    """A `disable` left behind after the sentence was reworded hides the next real
    finding of its rule: reported at info (as ruff's unused noqa), where it stands."""
    text = "Thanks for waiting. <!-- empathy-lint: disable as-i-said -->\nThe refund went out today.\n"
    found = stale(tmp_path, "a.md", text)
    assert len(found) == 1 and found[0][0] == 1 and "no finding here" in found[0][1]
    in_use = "<!-- empathy-lint: disable as-i-said -->\nAs I said, the refund went out today.\n"
    assert stale(tmp_path, "b.md", in_use) == []


def test_a_code_that_names_no_rule_is_reported(tmp_path):
    """"EMP3O1" (a letter O) silences nothing, and its finding is still reported."""
    text = "<!-- empathy-lint: disable EMP3O1 -->\nAs I said, the refund went out today.\n"
    found = stale(tmp_path, "a.md", text)
    assert [message for _, message in found] == [
        "This suppression directive does nothing (names no rule: EMP3O1)"]
    assert "EMP301" in codes(tmp_path, "a.md", text)


def test_the_reason_after_two_dashes_is_not_a_code(tmp_path):
    text = "<!-- empathy-lint: disable as-i-said -- the customer's own words, quoted -->\nAs I said, fine.\n"
    assert stale(tmp_path, "a.md", text) == []
    assert codes(tmp_path, "a.md", text) == []


def test_all_names_every_rule(tmp_path):
    text = "# empathy-lint: disable all\n- title: x\n  body: As I said, calm down.\n"
    assert codes(tmp_path, "m.yaml", text) == []
    assert stale(tmp_path, "m.yaml", text) == []


def test_enable_is_reported_as_having_no_effect(tmp_path):
    text = ("<!-- empathy-lint: disable as-i-said -->\nAs I said, fine.\n"
            "<!-- empathy-lint: enable as-i-said -->\nThanks.\n")
    assert [line for line, message in stale(tmp_path, "a.md", text) if "`enable` has no effect" in message] == [3]


def test_a_directive_for_a_rule_not_checked_is_not_judged(tmp_path):
    """With --select, a directive naming a rule the run does not check may well be in
    use: it is left alone. Without EMP002 selected nothing is reported at all."""
    text = "<!-- empathy-lint: disable missing-apology -->\nThanks for asking, we open at 9.\n"
    assert stale(tmp_path, "a.md", text) == []  # --select defensive,EMP002
    path = tmp_path / "a.md"
    data = json.loads(run_cli("--format", "json", "--select", "defensive", str(path)).stdout)
    assert data["files"][0]["findings"] == []


def test_stale_directives_of_an_export_read_in_runs_and_by_two_workers(tmp_path):
    """An export is linted a run of records at a time (and by several processes): a
    directive is judged over the whole file, used in one run or silent in all."""
    used = "<!-- empathy-lint: disable as-i-said --> As I said, the parcel left on Monday."
    unused = "<!-- empathy-lint: disable as-i-said --> The parcel left on Monday."
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps({"id": i, "reply": used if i % 2 else unused}) + "\n" for i in range(1500)),
                    encoding="utf-8")
    for jobs in ("1", "2"):
        data = json.loads(run_cli("--format", "json", "--select", "defensive,EMP002", "--jobs", jobs,
                                  str(path)).stdout)
        lines = [f["line"] for f in data["files"][0]["findings"] if f["code"] == "EMP002"]
        assert lines == list(range(1, 1501, 2)), jobs
        assert not [f for f in data["files"][0]["findings"] if f["code"] == "EMP301"]


def test_a_baseline_knows_stale_directives(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("<!-- empathy-lint: disable as-i-said -->\nThe refund went out today.\n", encoding="utf-8")
    baseline = tmp_path / "base.json"
    run_cli("--select", "defensive,EMP002", "--baseline", str(baseline), str(path))
    result = run_cli("--format", "json", "--select", "defensive,EMP002", "--baseline", str(baseline), str(path))
    assert json.loads(result.stdout)["files"][0]["findings"] == []
