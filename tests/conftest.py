"""Shared fixtures: the linter is built once per test session (the pipeline is cached)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


_OWN_CACHE: str | None = None


def pytest_configure(config):
    """The suite builds thousands of packs in temporary places (from collection on), each
    a cache entry: they go to a directory of the run's own, not the user's ~/.cache."""
    global _OWN_CACHE
    if "EMPATHY_LINT_CACHE_DIR" not in os.environ:
        _OWN_CACHE = tempfile.mkdtemp(prefix="empathy-lint-cache-")
        os.environ["EMPATHY_LINT_CACHE_DIR"] = _OWN_CACHE


def pytest_unconfigure(config):
    if _OWN_CACHE is not None:
        os.environ.pop("EMPATHY_LINT_CACHE_DIR", None)
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def linter():
    from empathy_lint.config import Config
    from empathy_lint.engine.linter import Linter

    return Linter(Config())


@pytest.fixture(scope="session")
def dev_records() -> list[dict]:
    return [json.loads(line) for line in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def benchmark_module(name: str):
    """A script of benchmarks/ imported as a module (its fitting functions are tested)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m empathy_lint ARGS` the way a user's shell would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("EMPATHY_LINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "empathy_lint", *args],
        input=stdin, capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=120,
    )


def run_cli_fast(*args: str, stdin: str | None = None, env: dict | None = None,
                 cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`empathy-lint ARGS` in this process (click's test runner): the pipeline is loaded
    once per session instead of once per call. For tests of what a command decides;
    tests of the process itself (exit on a signal, a hang, start-up) use run_cli."""
    from click.testing import CliRunner

    from empathy_lint.apps.cli import cli as command
    from empathy_lint.config import find_config_file
    from empathy_lint.errors import EmpathyLintError

    find_config_file.cache_clear()  # tests write config files between runs
    before = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(command, list(args), input=stdin, env={"NO_COLOR": "1", **(env or {})})
    finally:
        os.chdir(before)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if not isinstance(result.exception, EmpathyLintError):
            raise result.exception
        return subprocess.CompletedProcess(args, 2, result.stdout, stderr + f"empathy-lint: error: {result.exception}\n")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


@pytest.fixture
def cli():
    return run_cli


def installed(program: str, package: str, *other_names: str, search_path: str | None = None) -> str:
    """The path of a program a test drives (a browser, an editor): in CI its absence fails
    the test (.ci/run installs it), elsewhere it skips it. `search_path` looks only there
    (Debian's /usr/bin), not on the whole PATH."""
    import shutil

    for name in (program, *other_names):
        path = shutil.which(name, path=search_path)
        if path is not None:
            return path
    if os.environ.get("CI"):
        pytest.fail(f"{program} is not installed; .ci/run installs Debian's {package} for this test")
    pytest.skip(f"{program} not installed (apt-get install {package}); runs in CI")


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(cwd: Path, seconds: float = 90) -> tuple[subprocess.Popen, int]:
    """`empathy-lint serve` on a free port, once it answers /healthz: (process, port)."""
    import time

    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "empathy_lint", "serve", "--port", str(port)],
                               cwd=cwd, env={**os.environ, "NO_COLOR": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process, port
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"empathy-lint serve did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
