"""The real `pre-commit try-repo` against a git repo of macros: fails, then passes after the fix."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit not installed (pip install -e '.[dev]')")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="try-repo needs empathy-lint as a git checkout")
def test_pre_commit_hook_fails_on_defensive_macro_then_passes(tmp_path):
    repo = tmp_path / "macros"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "t@example.com", cwd=repo)
    git("config", "user.name", "t", cwd=repo)
    (repo / ".empathy-lint.yaml").write_text("kind: canned\nselect: [defensive]\n", encoding="utf-8")
    macro = repo / "refund.md"
    macro.write_text("---\ntitle: Refund\n---\nAs I said, per our policy refunds take 10 days.\n", encoding="utf-8")
    git("add", "-A", cwd=repo)

    env = {**os.environ, "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.setdefault("PRE_COMMIT_HOME", str(ROOT / ".pytest_cache" / "pre-commit"))
    try_repo = ["pre-commit", "try-repo", str(ROOT), "empathy-lint", "--all-files"]

    failing = subprocess.run(try_repo, cwd=repo, capture_output=True, text=True, env=env, timeout=1500)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "refund.md:4:1: EMP301 [warning]" in failing.stdout
    assert "EMP303" in failing.stdout

    macro.write_text("---\ntitle: Refund\n---\nTo recap, refunds take 10 days; I've started yours today.\n",
                     encoding="utf-8")
    git("add", "-A", cwd=repo)
    passing = subprocess.run(try_repo, cwd=repo, capture_output=True, text=True, env=env, timeout=1500)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout

    # A commit of the README alone (no reply in it) passes the hook.
    macro.unlink()
    (repo / "README.md").write_text("# Macros\n\nAs I said, these are the team's replies.\n", encoding="utf-8")
    git("add", "-A", cwd=repo)
    readme_only = subprocess.run(try_repo, cwd=repo, capture_output=True, text=True, env=env, timeout=1500)
    assert readme_only.returncode == 0, readme_only.stdout + readme_only.stderr
