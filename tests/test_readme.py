"""The README's copy-paste blocks: what a new user pastes must work as written."""
from __future__ import annotations

import os
import re
import subprocess
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


def pre_commit_snippet() -> dict:
    (config,) = blocks(section("### pre-commit"), "yaml")
    return yaml.safe_load(config)


def actions_install_revs() -> list[str]:
    (workflow,) = blocks(section("### GitHub Actions"), "yaml")
    steps = yaml.safe_load(workflow)["jobs"]["lint-replies"]["steps"]
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs and all("git+https://github.com/<org>/empathy-lint@" in run for run in installs)
    return [re.search(r"@([^\s\"']+)", run.split("empathy-lint", 1)[1]).group(1) for run in installs]


def test_pre_commit_snippet_is_valid_yaml_naming_the_hook_and_showing_baseline_args():
    repo = pre_commit_snippet()["repos"][0]
    hook_ids = [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    assert repo["hooks"][0]["id"] in hook_ids
    assert "args: [--baseline, .empathy-baseline.json]" in section("### pre-commit")


def published_repository(tmp_path: Path) -> Path:
    """This repository as it is published: its branches and no tags (a push of a branch
    carries none), so a rev that needs a tag fails here as it does for users. The
    branches are this checkout's own and, in a CI checkout, its origin's; main is the
    default branch, as on the host."""
    import pytest

    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an sdist)")
    published = tmp_path / "published.git"
    subprocess.run(["git", "init", "-q", "--bare", str(published)], check=True, timeout=60)
    refs = subprocess.run(["git", "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes/origin"],
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=60).stdout.split()
    branches = {ref.rsplit("/", 1)[-1]: ref for ref in refs if not ref.endswith("/HEAD")}
    if not branches:
        pytest.skip("this checkout has no branch to publish (a detached checkout with no remote)")
    subprocess.run(["git", "push", "-q", "--no-tags", str(published),
                    *(f"{ref}:refs/heads/{name}" for name, ref in branches.items())],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    if "main" in branches:
        subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=published, check=True, timeout=60)
    return published


def test_every_rev_the_readme_shows_resolves_in_the_published_repository_without_tags(tmp_path):
    """Issue 29.9: the pre-commit rev, the Actions install, the hook file's comment."""
    published = published_repository(tmp_path)
    hooks_comment = re.findall(r"^#\s+rev: (\S+)", (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), re.M)
    revs = {pre_commit_snippet()["repos"][0]["rev"], *actions_install_revs(), *hooks_comment}
    assert revs
    for rev in sorted(revs):
        # As pre-commit and pip fetch a rev: by name from the remote, into an empty repository.
        empty = tmp_path / f"fetch-{rev}"
        subprocess.run(["git", "init", "-q", str(empty)], check=True, timeout=60)
        fetched = subprocess.run(["git", "fetch", "-q", "--depth=1", published.as_uri(), rev],
                                 cwd=empty, capture_output=True, text=True, timeout=300)
        assert fetched.returncode == 0, (rev, fetched.stderr)


def test_autoupdate_freeze_pins_the_snippet_to_main_of_the_published_repository(tmp_path):
    """The README's advice: `pre-commit autoupdate --freeze` turns `rev: main` into the
    commit id of main's head, with no tag to find."""
    import shutil

    import pytest

    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit not installed (pip install -e '.[dev]')")
    published = published_repository(tmp_path)
    macros = tmp_path / "macros"
    macros.mkdir()
    subprocess.run(["git", "init", "-q", str(macros)], check=True, timeout=60)
    config = pre_commit_snippet()
    config["repos"][0]["repo"] = published.as_uri()
    (macros / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    result = subprocess.run(["pre-commit", "autoupdate", "--freeze"], cwd=macros, capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    pinned = yaml.safe_load((macros / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["rev"]
    head = subprocess.run(["git", "rev-parse", "main"], cwd=published, capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()
    assert pinned == head


def test_vs_code_settings_are_the_named_extensions_documented_keys():
    editor = section("## Use 3: in your editor")
    assert "`zsol.vscode-glspc`" in editor
    (settings,) = blocks(editor, "json")
    keys = set(yaml.safe_load(settings))
    assert keys <= {"glspc.server.command", "glspc.server.commandArguments", "glspc.server.languageId",
                    "glspc.server.initializationOptions", "glspc.server.environmentVariables"}
