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
    "from empathy_lint.apps.cli import main\n"
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


BATCH_PROBE = f"""
import gc
from empathy_lint import lint_batch
reply = {REPLY!r}
results = lint_batch([reply] * 3)
next(results)
during = gc.get_freeze_count()
list(results)
after = gc.get_freeze_count()
abandoned = lint_batch([reply] * 3)
next(abandoned)
abandoned.close()
after_abandoned = gc.get_freeze_count()
gc.freeze()
own = gc.get_freeze_count()
list(lint_batch([reply]))
print(during, after, after_abandoned, own, gc.get_freeze_count())
"""


def test_a_library_batch_freezes_only_while_it_runs_and_never_undoes_a_hosts_freeze():
    """While lint_batch runs, the collector leaves the pipeline (and everything alive
    when the run started) alone; the host gets its heap back as it was, also from a run
    it abandons, and a host that froze objects of its own keeps them frozen. In a fresh
    process: the console's own tests freeze this one for good."""
    done = subprocess.run([sys.executable, "-c", BATCH_PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    during, after, after_abandoned, own, end = map(int, done.stdout.split())
    assert during > 10_000, done.stderr  # the pipeline, vocab and matchers among them
    assert after == after_abandoned == 0
    assert end == own > 0


PARALLEL_PROBE = f"""
import gc
from empathy_lint.config import Config
from empathy_lint.run.runner import Job, run_parallel
from empathy_lint.read.sources import load_document
jobs = [Job(load_document(f"r{{i}}.txt", {REPLY!r}), Config()) for i in range(4)]
run_parallel(jobs, 2)
after = gc.get_freeze_count()
gc.freeze()
own = gc.get_freeze_count()
result = run_parallel(jobs, 2)
print(after, own, gc.get_freeze_count(), sum(len(r.findings) for r in result.reports))
"""


def test_a_parallel_run_freezes_before_the_fork_and_never_undoes_a_hosts_freeze():
    """Workers fork from a frozen heap; afterwards a library host's heap is unfrozen
    again, and a host that froze objects of its own keeps them frozen (the run used to
    unfreeze them too)."""
    done = subprocess.run([sys.executable, "-c", PARALLEL_PROBE], capture_output=True, text=True, cwd=ROOT,
                          timeout=180)
    after, own, end, findings = map(int, done.stdout.split())
    assert after == 0, done.stderr
    assert end >= own > 0
    assert findings > 0
