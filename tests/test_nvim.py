"""A real editor drives the server: headless Neovim's built-in LSP client.

Debian's neovim (0.7) is installed by .ci/run. Locally the test is skipped when nvim
is missing; in CI (CI=true) a missing nvim is a failure, not a skip.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import installed

pytestmark = pytest.mark.slow
LUA = Path(__file__).parent / "nvim_lsp_client.lua"


@pytest.fixture
def nvim():
    return installed("nvim", "neovim")


def test_neovim_receives_diagnostics(nvim, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("Hi Sam,\n\nCafé 😀 as I said, there's nothing we can do. Calm down.\n", encoding="utf-8")
    out = tmp_path / "diagnostics.txt"
    # The editor's root is a project folder; the draft lies outside it, so it is judged as
    # a live reply (a file inside would be a canned macro, as `check .` reads it).
    project = tmp_path / "project"
    project.mkdir()
    env = {**os.environ, "OUT_FILE": str(out), "DRAFT": str(draft), "TEST_DIR": str(project),
           "EMPATHY_PYTHON": sys.executable, "NO_COLOR": "1"}
    result = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", f"luafile {LUA}"],
                            env=env, capture_output=True, text=True, timeout=150, cwd=tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    assert result.returncode == 0, (result.returncode, lines, result.stderr[-2000:])
    found = {line.split(" ", 1)[0]: line for line in lines}
    # "Café 😀 " is 7 code points, 8 UTF-16 units: the server speaks UTF-16 to Neovim.
    assert found["EMP301"].startswith("EMP301 2:8-2:17 2 ")
    assert found["EMP305"].split()[2] == "1"  # error severity ("calm down")
    assert found["EMP306"].split()[2] == "4"  # info: right too rarely on real replies to warn, a hint
    assert {"EMP101", "EMP201", "EMP401", "EMP501"} <= set(found)
    assert found["NVIM_STORE"] == f"NVIM_STORE {len(lines) - 1}"
