"""Machine formats on a realistic macros repo: SARIF (schema-valid), GitHub, JUnit, JSON."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import DATA, ROOT, run_cli_fast as run_cli

from empathy_lint.write.report.github import escape_data, escape_property


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """examples/macros: markdown with front matter, a Zendesk export, YAML with placeholders, CSV."""
    target = tmp_path_factory.mktemp("repo") / "macros"
    shutil.copytree(ROOT / "examples" / "macros", target)
    return target


def position(path: Path, phrase: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    offset = text.index(phrase)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


EXPECTED = [  # (file, code, phrase) that must be reported at the phrase's line and column
    ("policy-no.md", "EMP303", "As stated in our policy"),
    ("zendesk-macros.json", "EMP303", "Per our policy"),
    ("saved-replies.yaml", "EMP307", "Simply"),
    ("saved-replies.yaml", "EMP603", "No problem"),
    ("responses.csv", "EMP202", "Sorry, but"),
]


def test_json_positions_in_each_kind_of_file(repo):
    data = json.loads(run_cli("--format", "json", str(repo), cwd=repo).stdout)
    found = {(Path(f["path"]).name, x["code"], x["line"], x["column"]) for f in data["files"] for x in f["findings"]}
    for name, code, phrase in EXPECTED:
        assert (name, code, *position(repo / name, phrase)) in found, (name, code, phrase)
    names = {Path(f["path"]).name for f in data["files"]}
    assert "wip.txt" not in names  # excluded by the repo's config


def test_sarif_validates_against_the_official_schema(repo):
    result = run_cli("--format", "sarif", str(repo), cwd=repo)
    sarif = json.loads(result.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    levels = {r["level"] for r in run["results"]}
    assert {"warning", "note"} <= levels  # severities mapped, not all "error"
    rated = [r for r in run["results"] if "rank" in r]  # how sure the finding is, 0-100
    assert rated and all(0 <= r["rank"] <= 100 and abs(r["properties"]["confidence"] * 100 - r["rank"]) < 0.06 for r in rated)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["EMP303"]["help"]["text"].startswith("\"Per our policy\"")
    for name, code, phrase in EXPECTED:
        line, column = position(repo / name, phrase)
        assert any(r["ruleId"] == code and r["locations"][0]["physicalLocation"]["region"]["startLine"] == line
                   and r["locations"][0]["physicalLocation"]["region"]["startColumn"] == column
                   and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(name)
                   for r in run["results"]), (name, code)


def test_github_annotations_one_per_finding(repo):
    out = run_cli("--format", "github", str(repo), cwd=repo).stdout.splitlines()
    total = json.loads(run_cli("--format", "json", str(repo), cwd=repo).stdout)["summary"]["findings"]
    assert len(out) == total
    line, column = position(repo / "responses.csv", "Sorry, but")
    assert any(a.startswith(("::warning file=", "::notice file=")) and f"line={line},col={column}" in a
               and "EMP202" in a for a in out)
    assert any(a.startswith("::warning ") for a in out) and any(a.startswith("::notice ") for a in out)
    assert all("\n" not in a for a in out)


def test_github_escaping():
    assert escape_data("50% done\nnext") == "50%25 done%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_junit_one_testcase_per_file(repo):
    root = ET.fromstring(run_cli("--format", "junit", str(repo), cwd=repo).stdout)
    cases = root.findall(".//testcase")
    assert {Path(c.get("name")).name for c in cases} == {
        "policy-no.md", "refund-delay.md", "zendesk-macros.json", "saved-replies.yaml", "responses.csv", "dm-handover.txt"}
    failed = {Path(c.get("name")).name for c in cases if c.find("failure") is not None}
    report = json.loads(run_cli("--format", "json", str(repo), cwd=repo).stdout)
    failing = {Path(f["path"]).name for f in report["files"]
               if any(x["severity"] != "info" for x in f["findings"])}
    assert "refund-delay.md" not in failed and failed == failing and failed
    assert root.find("testsuite").get("failures") == str(len(failed))


def test_output_file_for_any_format(repo, tmp_path):
    out = tmp_path / "report.sarif"
    run_cli("--format", "sarif", "-o", str(out), str(repo), cwd=repo)
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_output_never_replaces_a_file_the_run_reads(tmp_path):
    """-o naming a reply file (given, or met in the walk), the baseline or the customer
    message is an error before anything is written; the report of an earlier run in
    the walked tree is not read as replies, and is replaced."""
    macros = tmp_path / "macros"
    macros.mkdir()
    macro = macros / "refunds.json"
    original = '[{"title": "refund", "body": "As I said, no."}]\n'
    macro.write_text(original, encoding="utf-8")
    (tmp_path / "customer.txt").write_text("My refund never came.\n", encoding="utf-8")
    for args in (["-o", str(macro), str(macro)], ["-o", str(macro), str(macros)],
                 ["--baseline", str(macro), "-o", str(macro), str(tmp_path / "customer.txt")],
                 ["--customer", str(macro), "-o", str(macro), str(tmp_path / "customer.txt")]):
        result = run_cli("--format", "json", *args)
        assert result.returncode == 2 and "the report would replace it" in result.stderr, args
        assert macro.read_text(encoding="utf-8") == original
    report = macros / "report.json"
    for _ in range(2):
        result = run_cli("--format", "json", "-o", str(report), str(macros))
        assert result.returncode == 1
        assert [f["path"] for f in json.loads(report.read_text(encoding="utf-8"))["files"]] == [str(macro)]


def test_sarif_fix_descriptions_are_sentences(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("As I said, the refund is simply on its way.\n", encoding="utf-8")
    sarif = json.loads(run_cli("--format", "sarif", "--select", "EMP301,EMP307", str(draft)).stdout)
    descriptions = sorted(fix["description"]["text"] for result in sarif["runs"][0]["results"]
                          for fix in result.get("fixes", []))
    assert descriptions == ['Remove "simply".', 'Replace "As I said" with "To recap".']


def _in_parts(findings: list, parts: int = 3) -> list[list]:
    size = max(1, -(-len(findings) // parts))
    return [findings[i:i + size] for i in range(0, len(findings), size)]


def test_each_format_written_as_the_run_goes_is_the_text_it_renders(repo):
    """A format's Writer fed a file at a time, its findings in parts (as an export's runs
    of records arrive), writes exactly what `render` gives for the finished reports; the
    JSON is exactly json.dumps of its data; SARIF's ruleIndex names each result's rule."""
    import io

    from empathy_lint.run.checking import CheckOptions, run_check
    from empathy_lint.config import Config
    from empathy_lint.write.report import github, junit, sarif, text
    from empathy_lint.write.report import json as json_format

    reports = run_check(CheckOptions(files=[str(repo)])).reports
    assert len(reports) >= 5 and any(not r.findings for r in reports) and any(len(r.findings) > 3 for r in reports)
    rules = Config().active_rules()
    options = {"rules": rules, "why": {rule.id: rule.summary for rule in rules}, "version": "1"}
    for module in (text, json_format, github, sarif, junit):
        out = io.StringIO()
        writer = module.Writer(out, **options)
        for report in reports:
            writer.start_file(report.path, report.text)
            for part in _in_parts(report.findings):
                writer.add(part)
            writer.end_file(report.replies)
        writer.close(None)
        assert out.getvalue() == module.render(reports, **options), module.__name__
    assert json_format.render(reports) == json.dumps(json_format.to_data(reports), indent=2, ensure_ascii=False) + "\n"
    run = json.loads(sarif.render(reports, rules=rules))["runs"][0]
    driver = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(driver[result["ruleIndex"]] == result["ruleId"] for result in run["results"])
    assert sorted(driver) == sorted({result["ruleId"] for result in run["results"]})  # the rules used, once each


def test_a_failed_run_leaves_the_last_report_file_as_it_was(tmp_path):
    """--output is written under a temporary name and put in place when the run ends
    well: a run stopped by bad input leaves last week's report, and no temporary file."""
    out = tmp_path / "report.json"
    out.write_text("last week's report\n", encoding="utf-8")
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"reply": "Sorry, but that is our policy."}) + "\n"
                      + json.dumps({"reply": "word " * 120_000}) + "\n", encoding="utf-8")
    result = run_cli("--format", "json", "-o", str(out), str(export))
    assert result.returncode == 2 and "over the limit" in result.stderr and "export.jsonl" in result.stderr
    assert out.read_text(encoding="utf-8") == "last week's report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonl", "report.json"]
    export.write_text(json.dumps({"reply": "Sorry, but that is our policy."}) + "\n", encoding="utf-8")
    assert run_cli("--format", "json", "-o", str(out), str(export)).returncode in (0, 1)
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["findings"] >= 1


def test_json_written_by_hand_is_what_json_dumps_writes():
    """The report's JSON is written without json.dumps' slow indenting encoder: each kind
    of value comes out exactly as json.dumps(indent=2, ensure_ascii=False) writes it."""
    from empathy_lint.write.report.json import dumps_indented

    value = {"a": [1, True, False, None, 'é"\n\u2028\x1b', {"x": []}, {}], "b": {"c": {"d": "e"}},
             "💙": -3, "empty": [], "fix": {"start": 0, "end": 9, "replacement": "To recap"}}
    for indent in (0, 2, 8):
        assert dumps_indented(value, indent) == json.dumps(value, indent=2, ensure_ascii=False).replace(
            "\n", "\n" + " " * indent)


def test_a_findings_json_written_from_its_fields_is_what_json_dumps_writes():
    """finding_json (the JSON report's per-finding writer) gives json.dumps' very text
    for each shape a finding takes: with and without a fix, suggestions, reply and id."""
    from empathy_lint.findings import Finding, Fix
    from empathy_lint.write.report.json import finding_json

    shapes = [
        Finding("EMP301", "as-i-said", "defensive", "forbid", "warning", 'Say "to recap" \u2028 é', 3, 12, 1, 4,
                ["To recap, ...", 'A "quoted" \x1b one'], Fix(3, 12, "to recap"), "Refund\tmacro", 'id "7"'),
        Finding("EMP501", "no-next-steps", "next-steps", "require", "info", "m", 0, 0, 9, 1),
    ]
    for finding in shapes:
        for indent in (0, 8):
            assert finding_json(finding, indent) == json.dumps(finding.to_dict(), indent=2, ensure_ascii=False).replace(
                "\n", "\n" + " " * indent)


def test_control_characters_never_reach_xml_or_the_terminal(tmp_path):
    """Issue 32.14: a control character in a title or file name leaves JUnit valid XML,
    and --diff shows it escaped instead of sending it to the terminal."""
    export = tmp_path / "macros\x1b[31m.json"
    export.write_text(json.dumps([{"title": "Refund \x07\x1b[2J", "body": "As I said, the fee is waived."}]),
                      encoding="utf-8")
    junit = run_cli("--format", "junit", str(export), cwd=tmp_path)
    root = ET.fromstring(junit.stdout)  # parses: the characters are escaped
    assert "\\x1b" in root.find(".//testcase").get("name")
    diff = run_cli("check", "--diff", str(export), cwd=tmp_path)
    assert "\x1b" not in diff.stdout and "\\x1b" in diff.stdout and "To recap" in diff.stdout


def test_junit_escapes_every_character_xml_cannot_hold():
    """U+FFFE and U+FFFF are not XML characters either (they passed through unescaped)."""
    from empathy_lint.write.report.junit import xml_safe

    assert xml_safe("a\x1bb\ud800c\ufffed\uffff\te") == "a\\x1bb\\ud800c\\ufffed\\uffff\te"
