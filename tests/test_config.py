"""Config files: discovered upward, validated with one-line errors, overridden by flags."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli_fast as run_cli

BAD = "As I said, there's nothing we can do."


def codes(result) -> list[str]:
    return sorted(f["code"] for file in json.loads(result.stdout)["files"] for f in file["findings"])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_is_discovered_from_a_parent_directory(tmp_path):
    write(tmp_path / ".empathy-lint.yaml", "select: [defensive]\nignore: [EMP306]\n")
    draft = write(tmp_path / "team" / "macros" / "a.txt", BAD)
    assert codes(run_cli("--format", "json", str(draft), cwd=tmp_path)) == ["EMP301"]


def test_pyproject_tool_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.empathy-lint]\nselect = ["EMP306"]\n')
    draft = write(tmp_path / "a.txt", BAD)
    assert codes(run_cli("--format", "json", str(draft), cwd=tmp_path)) == ["EMP306"]


def test_a_broken_pyproject_is_an_error_only_where_it_configures_empathy_lint(tmp_path):
    """A TOML typo in our own table must not silently lint with the defaults; another
    tool's broken table in a pyproject without ours is not our business."""
    draft = write(tmp_path / "a.txt", BAD)
    write(tmp_path / "pyproject.toml", '[tool.empathy-lint]\nselect = ["EMP306"\n')
    result = run_cli("--format", "json", str(draft), cwd=tmp_path)
    assert result.returncode == 2 and f"{tmp_path / 'pyproject.toml'}: invalid TOML" in result.stderr
    write(tmp_path / "pyproject.toml", '[tool.black]\nline-length = \n')
    result = run_cli("--format", "json", str(draft), cwd=tmp_path)
    assert result.returncode == 1 and {"EMP101", "EMP301", "EMP306"} <= set(codes(result))  # the defaults


def test_command_line_wins_over_config(tmp_path):
    write(tmp_path / ".empathy-lint.yaml", "select: [EMP306]\nfail-on: never\n")
    draft = write(tmp_path / "a.txt", BAD)
    result = run_cli("--format", "json", "--select", "EMP301", "--fail-on", "warning", str(draft))
    assert codes(result) == ["EMP301"] and result.returncode == 1
    assert run_cli(str(draft)).returncode == 0  # the config's fail-on: never


def test_a_severity_the_config_sets_is_kept_whatever_the_confidence(tmp_path):
    """The README tells a team that wants missing follow-up in CI to set its severity;
    the confidence model reports that rule at info, and must not undo the team's choice.
    Rules the config leaves alone keep the model's verdict."""
    draft = write(tmp_path / "a.txt", "Your refund has been issued and will reach your card in 3-5 days.")

    def severities() -> dict[str, str]:
        result = run_cli("--format", "json", str(draft), cwd=tmp_path)
        return {f["code"]: f["severity"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}

    assert severities()["EMP501"] == "info"
    write(tmp_path / ".empathy-lint.yaml", "severity: {missing-follow-up: error}\n")
    found = severities()
    assert found["EMP501"] == "error" and found["EMP101"] == "info"
    assert run_cli(str(draft), cwd=tmp_path).returncode == 1


def test_min_severity_in_the_config_and_per_directory(tmp_path):
    """A team's config can hide the unsure (info) findings; a baseline written then holds
    only what was reported, and the command line wins over the config."""
    write(tmp_path / ".empathy-lint.yaml", "min-severity: warning\n")
    draft = write(tmp_path / "a.txt", BAD)
    severities = {f["severity"] for file in json.loads(run_cli("--format", "json", str(draft)).stdout)["files"]
                  for f in file["findings"]}
    assert severities and "info" not in severities
    assert "EMP101" in codes(run_cli("--format", "json", "--min-severity", "info", str(draft)))
    baseline = tmp_path / "baseline.json"
    assert run_cli("--baseline", str(baseline), str(draft)).returncode == 0
    assert run_cli("--baseline", str(baseline), "--min-severity", "info", "--format", "json",
                   str(draft)).stdout.count('"severity": "info"') >= 1  # not in the baseline: reported now


def test_fix_leaves_alone_what_min_severity_hides(tmp_path):
    """"No problem" has an info-level fix (EMP603): with min-severity warning it is not
    reported, so --fix and --diff leave it; at the default it is fixed."""
    draft = write(tmp_path / "a.txt", "No problem, I'll send it over. Obviously it ships today.\n")
    hidden = run_cli("--isolated", "--min-severity", "warning", "--diff", str(draft))
    assert "+No problem, I'll send it over. It ships today." in hidden.stdout
    run_cli("--isolated", "--min-severity", "warning", "--fix", str(draft))
    assert draft.read_text(encoding="utf-8") == "No problem, I'll send it over. It ships today.\n"
    run_cli("--isolated", "--fix", str(draft))
    assert draft.read_text(encoding="utf-8").startswith("Happy to help, I'll send it over.")


def test_unknown_key_is_one_line_with_file_and_key(tmp_path):
    config = write(tmp_path / ".empathy-lint.yaml", "selct: [EMP301]\n")
    draft = write(tmp_path / "a.txt", BAD)
    result = run_cli(str(draft))
    assert result.returncode == 2
    assert result.stderr.strip() == (f"empathy-lint: error: {config}: unknown key 'selct' (did you mean 'select'?)")


def test_bad_value_is_exit_2(tmp_path):
    write(tmp_path / ".empathy-lint.yaml", "kind: robot\n")
    result = run_cli(str(write(tmp_path / "a.txt", BAD)))
    assert result.returncode == 2 and "kind: 'robot' is not one of live, canned" in result.stderr


def test_malformed_config_yaml(tmp_path):
    config = write(tmp_path / ".empathy-lint.yaml", "select: [EMP301\n")
    result = run_cli(str(write(tmp_path / "a.txt", BAD)))
    assert result.returncode == 2 and result.stderr.startswith(f"empathy-lint: error: {config}:")


def test_exclude_and_per_file_overrides(tmp_path):
    write(tmp_path / ".empathy-lint.yaml",
          "select: [defensive]\nexclude: ['drafts/**']\noverrides:\n  - files: ['soft/*']\n    ignore: [EMP306]\n")
    write(tmp_path / "drafts" / "wip.txt", BAD)
    write(tmp_path / "soft" / "a.txt", BAD)
    write(tmp_path / "hard" / "b.txt", BAD)
    data = json.loads(run_cli("--format", "json", str(tmp_path), cwd=tmp_path).stdout)
    by_file = {Path(f["path"]).parent.name: sorted(x["code"] for x in f["findings"]) for f in data["files"]}
    assert by_file == {"soft": ["EMP301"], "hard": ["EMP301", "EMP306"]}


def test_gitignore_is_honoured_in_a_walk(tmp_path):
    write(tmp_path / ".gitignore", "generated/\n*.bak.txt\n")
    write(tmp_path / "generated" / "x.txt", BAD)
    write(tmp_path / "old.bak.txt", BAD)
    write(tmp_path / "real.txt", BAD)
    data = json.loads(run_cli("--format", "json", str(tmp_path), cwd=tmp_path).stdout)
    assert [Path(f["path"]).name for f in data["files"]] == ["real.txt"]


def test_binary_file_is_skipped_with_a_notice(tmp_path):
    (tmp_path / "logo.txt").write_bytes(b"\x89PNG\x00\x01\x02")
    write(tmp_path / "a.txt", BAD)
    result = run_cli("--format", "json", str(tmp_path), cwd=tmp_path)
    assert "logo.txt: skipped, binary file" in result.stderr
    assert len(json.loads(result.stdout)["files"]) == 1


def test_a_rich_text_file_in_a_walk_is_skipped_with_a_notice(tmp_path):
    """A .txt saved by TextEdit as rich text is markup, not a reply: skipped as a binary
    file is, not linted as "{\\rtf1\\ansi ..." (named on the command line, it is an error)."""
    (tmp_path / "draft.txt").write_bytes(b"{\\rtf1\\ansi\\deff0 As I said, no refunds.}")
    write(tmp_path / "a.txt", BAD)
    result = run_cli("--format", "json", str(tmp_path), cwd=tmp_path)
    assert "draft.txt: skipped, rich-text (RTF) document" in result.stderr
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["a.txt"]


def test_init_writes_a_config_that_loads(tmp_path):
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 0
    assert (tmp_path / ".empathy-lint.yaml").is_file()
    assert run_cli("init", str(tmp_path)).returncode == 2  # refuses to overwrite
    draft = write(tmp_path / "a.txt", BAD)
    assert run_cli(str(draft), cwd=tmp_path).returncode == 1


def test_rule_pack_path_is_relative_to_the_config(tmp_path):
    write(tmp_path / "packs" / "house.yaml", (Path(__file__).parent / "data" / "house-pack.yaml").read_text())
    write(tmp_path / ".empathy-lint.yaml", "rules: [packs/house.yaml]\nselect: [ACME101]\n")
    draft = write(tmp_path / "a.txt", "Dear customer, thanks for writing.")
    assert codes(run_cli("--format", "json", str(draft), cwd=tmp_path.parent)) == ["ACME101"]


@pytest.mark.parametrize("setting,problem", [
    ("fail-on: warnings", "fail-on: 'warnings' is not one of error, warning, info, never"),
    ("min-severity: never", "min-severity: 'never' is not one of error, warning, info"),
    ("kind: lve", "kind: 'lve' is not one of live, canned"),
    ("severity: {EMP101: loud}", "severity: 'loud' is not one of error, warning, info"),
    ("select: [EMP999]", "select: 'EMP999' matches no rule code, name or family"),
])
def test_a_bad_value_in_the_config_file_names_the_file(tmp_path, setting, problem):
    (tmp_path / ".empathy-lint.yaml").write_text(setting + "\n", encoding="utf-8")
    (tmp_path / "reply.txt").write_text("Your refund was issued.\n", encoding="utf-8")
    result = run_cli(str(tmp_path / "reply.txt"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"empathy-lint: error: {tmp_path / '.empathy-lint.yaml'}: {problem}")


def test_a_config_file_of_absurd_size_is_refused_before_it_is_read(tmp_path):
    """Issue 32.15: a 1 GB sparse .empathy-lint.yaml took 2.2 GB of memory before its
    error; now it is refused after reading at most the limit."""
    import os

    config = tmp_path / ".empathy-lint.yaml"
    with config.open("wb") as handle:
        handle.truncate(1024 ** 3)
    reply = tmp_path / "reply.txt"
    reply.write_text("As I said, no.", encoding="utf-8")
    result = run_cli("check", str(reply), cwd=tmp_path)
    assert result.returncode == 2 and "config file over 4 MB" in result.stderr
    os.unlink(config)
