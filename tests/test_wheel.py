"""The built wheel carries the rule packs: install it in a fresh venv and lint a reply."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (path,) = out.glob("empathy_lint-*.whl")
    return path


def test_wheel_contains_rule_packs_and_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in ("acknowledgement", "apology", "defensive", "next-steps", "follow-up", "positive-language"):
        assert f"empathy_lint/rules/{pack}.yaml" in names
    assert "empathy_lint/rules/schema.json" in names
    assert "empathy_lint/rules/context/customer.yaml" in names


def test_installed_wheel_lints_from_its_own_rules(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The test environment's site-packages provide spaCy and friends without a download.
    # A plain path in a .pth file is appended after the venv's own site-packages, and the
    # .pth files inside it (such as our editable install) are not processed, so the
    # wheel's empathy_lint is the one imported.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "test-deps.pth").write_text("\n".join(sorted(paths)) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    where = subprocess.run([str(python), "-c", "from empathy_lint.rulebook import builtin_rules_dir as d; print(d())"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout.strip()
    assert where.startswith(str(env_dir)), where
    result = subprocess.run([str(env_dir / "bin" / "empathy-lint"), "check", "-"], input="As I said, no.",
                            capture_output=True, text=True, cwd=tmp_path, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stderr
    assert "EMP301 [warning]" in result.stdout
