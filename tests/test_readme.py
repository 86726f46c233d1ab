"""The README's copy-paste blocks: what a new user pastes must work as written."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(title)
    following = re.search(r"^#{2,3} ", README[start + len(title):], re.M)
    return README[start:start + len(title) + following.start()] if following else README[start:]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_quick_start_is_two_commands_after_one_line_on_a_virtual_environment():
    quick = section("## Quick start")
    assert "python3 -m venv .venv && . .venv/bin/activate" in quick
    (commands,) = blocks(quick, "sh")
    assert commands.strip().splitlines() == [
        "pip install -e '.[dev]' && empathy-lint check examples/draft.txt", "pytest"]


def test_pre_commit_snippet_is_valid_yaml_at_the_released_version_and_shows_baseline_args():
    snippet = section("### pre-commit")
    (config,) = blocks(snippet, "yaml")
    repo = yaml.safe_load(config)["repos"][0]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert repo["rev"] == f"v{version}" and repo["hooks"][0]["id"] == "empathy-lint"
    hook_ids = [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    assert repo["hooks"][0]["id"] in hook_ids
    assert "args: [--baseline, .empathy-baseline.json]" in config


def test_github_actions_example_installs_from_the_repository_at_the_release_tag():
    (workflow,) = blocks(section("### GitHub Actions"), "yaml")
    steps = yaml.safe_load(workflow)["jobs"]["lint-replies"]["steps"]
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == ['pip install "git+https://github.com/<org>/empathy-lint@v0.1.0"']


def test_vs_code_settings_are_the_named_extensions_documented_keys():
    editor = section("## Use 3: in your editor")
    assert "`zsol.vscode-glspc`" in editor
    (settings,) = blocks(editor, "json")
    keys = set(yaml.safe_load(settings))
    assert keys <= {"glspc.server.command", "glspc.server.commandArguments", "glspc.server.languageId",
                    "glspc.server.initializationOptions", "glspc.server.environmentVariables"}
