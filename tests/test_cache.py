"""The on-disk cache of validated packs, the lemma table and compiled patterns: reused, never trusted when
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


def _compiled(patterns: list[tuple[str, object]]):
    """A pattern set of `patterns`, compiled (or loaded) as the linter's are."""
    from empathy_lint.engine.matching import PatternSet
    from empathy_lint.engine.pipeline import get_nlp
    from empathy_lint.errors import RuleError

    compiled = PatternSet(get_nlp())
    for key, pattern in patterns:
        compiled.add(key, pattern, lambda detail, key=key: RuleError(f"{key}: {detail}"))
    return compiled.finish()


PATTERNS = [
    ("SORRY", [{"LEMMA": {"IN": ["sorry", "apologize"]}}, {"LOWER": "for"}]),
    ("SORRY!except", [{"LOWER": "not"}, {"LOWER": "sorry"}]),
    ("WALL", [{"LOWER": {"IN": ["we", "i"]}}, {"LEMMA": "can"}, {"NORM": "not"}, {"OP": "*", "IS_PUNCT": False},
              {"LOWER": "refund"}]),
    ("WALL", [{"LOWER": "nothing"}, {"LOWER": "we"}, {"LEMMA": "can"}, {"LEMMA": "do"}]),
    ("UPDATE", "I'll keep you posted"),
]
REPLIES = [
    "I apologise for the wait. We can't, I'm afraid, refund it. I'll keep you posted.",
    "Nothing we can do, and I'm not sorry for saying so.",
    "Sorry for the delay! We will keep you posted.",
]


def test_a_pattern_set_read_from_the_cache_finds_what_a_fresh_one_finds(cache_dir):
    from empathy_lint.engine.pipeline import get_nlp

    nlp = get_nlp()
    fresh = _compiled(PATTERNS)
    assert list(cache_dir.glob("patterns-*.pickle")), "a compiled set is kept"
    loaded = _compiled(PATTERNS)
    assert loaded.lemmas_of("LOWER", "apologised") == fresh.lemmas_of("LOWER", "apologised")
    for text in REPLIES:
        doc = nlp(text)
        want, got = fresh.matches(doc), loaded.matches(doc)
        assert got == want and any(got.values()), text
    assert {"SORRY", "WALL", "UPDATE"} <= {key for text in REPLIES for key in loaded.matches(nlp(text))}


def test_an_edited_pattern_is_compiled_again_and_a_broken_one_always_fails(cache_dir):
    from empathy_lint.errors import RuleError

    _compiled(PATTERNS)
    edited = [*PATTERNS[:-1], ("UPDATE", "we will keep you updated")]
    assert _compiled(edited).matches  # compiled, not an old entry
    assert len(list(cache_dir.glob("patterns-*.pickle"))) == 2
    broken = [*PATTERNS, ("BAD", [{"LOWER": "can't"}])]  # the tokenizer splits "can't"
    for _ in range(2):
        with pytest.raises(RuleError, match="can never match"):
            _compiled(broken)
    assert len(list(cache_dir.glob("patterns-*.pickle"))) == 2
