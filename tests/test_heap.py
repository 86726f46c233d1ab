"""The console process freezes its heap once the linter is built; a library host's heap is left alone."""
from __future__ import annotations

import gc
import subprocess
import sys

from conftest import ROOT

REPLY = "Thanks for waiting. I've refunded the order and will email you when it shows up."

PROBE = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.stderr))\n"
    "from empathy_lint.cli import main\n"
    "sys.argv = ['empathy-lint', 'check', '-']\n"
    "main()\n"
)


def test_console_process_freezes_the_built_pipeline():
    done = subprocess.run([sys.executable, "-c", PROBE], input=REPLY, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    frozen = int(done.stderr.split("frozen")[-1])
    assert frozen > 10_000, done.stderr  # the vocab, matchers and rules, not a handful of objects


def test_library_use_leaves_the_host_heap_alone():
    from empathy_lint import lint_batch

    before = gc.get_freeze_count()
    results = list(lint_batch([REPLY, "As I said, there is nothing we can do."]))
    assert [r.index for r in results] == [0, 1]
    assert gc.get_freeze_count() == before
