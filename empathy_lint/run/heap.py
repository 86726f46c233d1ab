"""Keep the garbage collector off the pipeline while we lint.

The pipeline, its vocabulary and the compiled matchers live as long as the process;
without help every full collection re-scans them, about 7% of a long run. Once the
linter is built, our own processes (the CLI, the language server, pool workers) move
every live object into the permanent generation (`gc.freeze`). Imported as a library,
empathy-lint freezes only for the length of a batch (`frozen`) and leaves its host's
heap as it found it.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator

OWN_PROCESS = False  # set by the console entry point


def settle() -> None:
    """Freeze the heap if this process is ours (see the module docstring)."""
    if OWN_PROCESS:
        gc.freeze()


@contextlib.contextmanager
def frozen(before_fork: bool = False) -> Iterator[None]:
    """Keep the collector off everything alive now for the length of a run.

    Without it, each full collection during a long batch re-scans the pipeline, its
    vocabulary and the matchers: 4-7% of `lint_batch`'s time; and a worker forked from
    an unfrozen heap walks (and so copies, page by page) every object it inherited, 3-5x
    slower per reply. Our own processes stay frozen for good (`settle`); a library host
    gets its heap back as it was when the run ends (or is abandoned). A host that froze
    objects of its own manages freezing itself: its freeze is never undone, and nothing
    is frozen for it either, unless `before_fork` (then what is frozen stays so).
    """
    hosts_own = not OWN_PROCESS and gc.get_freeze_count() > 0
    if hosts_own and not before_fork:
        yield
        return
    gc.freeze()
    if OWN_PROCESS or hosts_own:
        yield
        return
    try:
        yield
    finally:
        gc.unfreeze()
