"""A small on-disk cache for work that only depends on file contents.

Validated rule packs, the context data, the lemma table and the compiled patterns are
pickled under a key derived from the bytes they come from (and empathy-lint's
version), so an edit to a pack is always seen and a cold start skips YAML parsing,
JSON Schema validation, the lookup table build and spelling the patterns out. The cache lives in $EMPATHY_LINT_CACHE_DIR, else $XDG_CACHE_HOME or
~/.cache, under empathy-lint/; EMPATHY_LINT_CACHE_DIR=off disables it. Any problem
with the cache (read-only home, a corrupt file) silently falls back to the real work.

Every edit of a pack (and every pack in a new place) makes a new key, so the directory
would grow for as long as someone writes rules: only the MAX_ENTRIES most recently used
entries of each kind are kept (a hit marks an entry used).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from empathy_lint import __version__

T = TypeVar("T")

# Entries kept per kind ("pack", "context", "lemmas", "patterns"): a pack entry is about
# 10 KB, so the cache stays near a megabyte however many edits it has seen. A compiled
# pattern set (every pack's patterns together) is near a megabyte itself: fewer are kept.
MAX_ENTRIES = 100
MAX_ENTRIES_OF = {"patterns": 10, "lemmas": 4}


def cache_dir() -> Path | None:
    configured = os.environ.get("EMPATHY_LINT_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "empathy-lint"


def content_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\x00" + (part.encode() if isinstance(part, str) else part))
    return digest.hexdigest()[:32]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result, from the cache when an entry for (name, key) exists."""
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        pass
    else:
        try:
            os.utime(path)  # used now: the last to be pruned
        except OSError:
            pass
        return value
    value = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _prune(directory, name)
    except OSError:
        pass
    return value


def _prune(directory: Path, name: str) -> None:
    """Remove the least recently used entries of `name` beyond MAX_ENTRIES (run only
    after a write, which is rare: a cache miss)."""
    entries = []
    for entry in directory.glob(f"{name}-*.pickle"):
        try:
            entries.append((entry.stat().st_mtime, entry))
        except OSError:  # removed by another process meanwhile
            continue
    entries.sort(reverse=True)
    for _, stale in entries[MAX_ENTRIES_OF.get(name, MAX_ENTRIES):]:
        try:
            stale.unlink()
        except OSError:
            pass
