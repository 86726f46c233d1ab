"""Keep the garbage collector off the pipeline in our own processes.

The pipeline, its vocabulary and the compiled matchers live as long as the process;
without help every full collection re-scans them, about 7% of a long run. Once the
linter is built, our own processes (the CLI, the language server, pool workers) move
every live object into the permanent generation (`gc.freeze`). Imported as a library,
empathy-lint leaves its host's heap alone.
"""
from __future__ import annotations

import gc

OWN_PROCESS = False  # set by the console entry point


def settle() -> None:
    """Freeze the heap if this process is ours (see the module docstring)."""
    if OWN_PROCESS:
        gc.freeze()
