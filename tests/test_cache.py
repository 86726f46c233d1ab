"""The on-disk cache of validated packs and the lemma table: reused, never trusted when
broken, and bounded (every edit of a pack makes a new entry)."""
from __future__ import annotations

import os
import time

import pytest

from empathy_lint import cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("EMPATHY_LINT_CACHE_DIR", str(directory))
    return directory


def test_a_second_call_reads_the_entry_instead_of_building(cache_dir):
    built = []
    assert cache.cached("pack", "k1", lambda: built.append(1) or {"rules": 3}) == {"rules": 3}
    assert cache.cached("pack", "k1", lambda: built.append(1) or {"rules": 99}) == {"rules": 3}
    assert built == [1]


def test_a_corrupt_entry_is_rebuilt_and_replaced(cache_dir):
    cache.cached("pack", "k1", lambda: "first")
    (cache_dir / "pack-k1.pickle").write_bytes(b"not a pickle")
    assert cache.cached("pack", "k1", lambda: "rebuilt") == "rebuilt"
    assert cache.cached("pack", "k1", lambda: "again") == "rebuilt"


def test_off_disables_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMPATHY_LINT_CACHE_DIR", "off")
    monkeypatch.chdir(tmp_path)
    assert cache.cached("pack", "k1", lambda: 1) == 1
    assert cache.cached("pack", "k1", lambda: 2) == 2
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_falls_back_to_the_work(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("EMPATHY_LINT_CACHE_DIR", str(blocker / "cache"))
    assert cache.cached("pack", "k1", lambda: "built") == "built"


def test_only_the_most_recently_used_entries_are_kept(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for i in range(3):
        cache.cached("pack", f"k{i}", lambda i=i: i)
        old = time.time() - 100 + i
        os.utime(cache_dir / f"pack-k{i}.pickle", (old, old))
    cache.cached("pack", "k0", lambda: "rebuilt")  # a hit: k0 is now the most recent
    cache.cached("lemmas", "t", lambda: "table")  # another kind counts on its own
    cache.cached("pack", "k3", lambda: 3)  # one too many: the least recently used goes
    kept = sorted(p.name for p in cache_dir.glob("*.pickle"))
    assert kept == ["lemmas-t.pickle", "pack-k0.pickle", "pack-k2.pickle", "pack-k3.pickle"]
    assert cache.cached("pack", "k0", lambda: "rebuilt") == 0
