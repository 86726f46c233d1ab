"""Compile rule patterns into one phrase trie, and run spaCy's Matcher only where needed.

Phrases (strings) match on our LEMMA (the lemma of the normalised form), so
"I apologize" also matches "I apologised". A token pattern keeps spaCy's Matcher
semantics exactly, but is found more cheaply:
- a sequence of fixed words (`[{LOWER: sorry}, {LOWER: {IN: [delays, wait]}}]`, "?"
  allowed, IS_SENT_START allowed) becomes lemma phrases in the same trie plus
  exact checks of each word at the matched tokens;
- any other pattern (wildcards, `*`, NOT_IN, LIKE_URL...) registers its rarest run of
  required words as an anchor phrase, and the Matcher runs only on a window around
  the places the anchor occurs.
One Matcher over all patterns would start every pattern at every token, calling Python
predicates for IN lists with a new Token each time: ten times the pipeline's cost.
"""
from __future__ import annotations

import bisect
import functools
import json
from collections import defaultdict
from itertools import compress
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from empathy_lint.errors import RuleError
from empathy_lint.engine.pattern_checks import REPEAT_REACH, pattern_problem
from empathy_lint.engine.pipeline import has_unspaced_script, kept_columns, unspaced_doc
from empathy_lint.rulebook import Rule
from empathy_lint.read.textmap import prepare

EXCEPT_SUFFIX = "!except"


def normalise_token_pattern(pattern: list[dict]) -> list[dict]:
    """Upper-case attribute names so YAML authors may write `lemma:` or `LEMMA:`."""
    fixed = []
    for spec in pattern:
        fixed.append({(k if k in ("_", "OP") or not isinstance(k, str) else k.upper()): v
                      for k, v in spec.items()})
    return fixed


@functools.lru_cache(maxsize=1)
def word_classes() -> dict[str, tuple[str, ...]]:
    """Named word lists of rules/context/classes.yaml ("$action", "$feeling", ...)."""
    from empathy_lint.rulebook import load_context

    return {name: tuple(str(w) for w in words) for name, words in (load_context("classes.yaml") or {}).items()}


def expand_classes(pattern: list[dict]) -> list[dict]:
    """Replace each `$name` inside an IN/NOT_IN list by the words of that class.

    Rules then name a way of speaking ("a first-person commitment with any action verb":
    `{LEMMA: {IN: [$action]}}`) instead of listing one reply's verbs. Raises KeyError
    naming an unknown class.
    """
    classes = None
    fixed = []
    for spec in pattern:
        new_spec = dict(spec)
        for attr, value in spec.items():
            if not isinstance(value, dict):
                continue
            for op in ("IN", "NOT_IN"):
                words = value.get(op)
                if not isinstance(words, list) or not any(isinstance(w, str) and w.startswith("$") for w in words):
                    continue
                classes = classes if classes is not None else word_classes()
                expanded: list[Any] = []
                for word in words:
                    if isinstance(word, str) and word.startswith("$") and len(word) > 1:
                        if word[1:] not in classes:
                            raise KeyError(word)
                        expanded.extend(classes[word[1:]])
                    else:
                        expanded.append(word)
                new_spec[attr] = {**new_spec[attr], op: list(dict.fromkeys(expanded))}
        fixed.append(new_spec)
    return fixed


_WORD_ATTRS = {"LOWER", "LEMMA", "NORM", "ORTH", "TEXT"}
MAX_EXPANSION = 1000


# (attribute, value) -> the lemmas a single token with that value can have; empty
# when no token can have it (the tokenizer always splits "shouldn't", "e-mail").
LemmasOf = Callable[[str, str], frozenset]


def _word_values(spec: dict, attr: str) -> list[str] | None:
    """The words `spec` tests `attr` against (a word or an IN list), or None."""
    value = spec.get(attr)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"] and all(isinstance(v, str) for v in value["IN"]):
        return value["IN"]
    return None


def impossible_values(pattern: list[dict], lemmas_of: LemmasOf) -> list[str]:
    """Words in `pattern` that no single token can be ("can't", "e-mail", "direct message"):
    a token pattern with them never matches there, which is always a mistake."""
    dead = []
    for spec in pattern:
        for attr in ("LOWER", "ORTH", "TEXT", "NORM"):  # a LEMMA is whatever the lookup table says
            dead += [v for v in _word_values(spec, attr) or () if not lemmas_of(attr, v)]
    return dead


# A check a phrase match must pass at one token: (offset in the phrase, attribute, the
# string hashes it may have); attribute "IS_SENT_START" checks a sentence start.
Check = tuple[int, str, frozenset]


# A last word with more choices than this (a word class: "any action verb") is not
# spelled out into phrases; the phrase stops before it and the word becomes a check.
TAIL_CHOICES = 6


def expand_with_checks(pattern: list[dict], lemmas_of: LemmasOf, strings: Any
                       ) -> list[tuple[tuple[Check, ...], list[list[str]], int]] | None:
    """A fixed-word pattern whose words are not all their own lemmas, as lemma phrases
    plus exact checks: [(checks, lemma sequences, tail)], or None if it has other tests.
    `tail` is 1 when the pattern's last word is checked after the phrase (its lemma in
    a large class) instead of spelled out: the match then ends one token later.

    {LOWER: delays} is found as lemma "delay" and then checked to be "delays" at that
    token; {IS_SENT_START: true, LEMMA: send} as "send", checked to start a sentence.
    The result equals spaCy's Matcher on the pattern, without running the Matcher.
    """
    tokens: list[tuple[bool, list[str], list[tuple[str, frozenset]]]] = []
    for spec in pattern:
        op = spec.get("OP")
        keys = [k for k in spec if k != "OP"]
        words = [k for k in keys if k in _WORD_ATTRS]
        if op not in (None, "?") or len(words) != 1 or set(keys) - set(words) - {"IS_SENT_START"}:
            return None
        attr = words[0]
        values = _word_values(spec, attr)
        if values is None or not isinstance(spec.get("IS_SENT_START", True), bool):
            return None
        checks: list[tuple[str, frozenset]] = []
        if attr == "LEMMA":
            lemmas = [v.lower() for v in values]
        else:
            lemmas = sorted({lemma for v in values for lemma in lemmas_of(attr, v)})
            checks.append(("ORTH" if attr == "TEXT" else attr, frozenset(strings.add(v) for v in values)))
        if "IS_SENT_START" in spec:
            checks.append(("IS_SENT_START", frozenset([spec["IS_SENT_START"]])))
        tokens.append((op == "?", list(dict.fromkeys(lemmas)), checks))
    tail = 0
    last_optional, last_lemmas, last_checks = tokens[-1]
    if (len(last_lemmas) > TAIL_CHOICES and not last_optional
            and any(not optional for optional, _, _ in tokens[:-1])):
        tokens.pop()
        last_checks.append(("LEMMA", frozenset(strings.add(lemma) for lemma in last_lemmas)))
        tail = 1
    # Grow (tokens included, lemma sequences) for each way the optional tokens can go.
    variants: list[tuple[tuple[int, ...], list[list[str]]]] = [((), [[]])]
    for index, (optional, lemmas, _) in enumerate(tokens):
        grown = [(included + (index,), [seq + [lemma] for seq in sequences for lemma in lemmas])
                 for included, sequences in variants]
        variants = grown + variants if optional else grown
        if sum(len(sequences) for _, sequences in variants) > MAX_EXPANSION:
            return None
    result = []
    for included, sequences in variants:
        if included:
            checks = tuple((offset, attr, allowed) for offset, index in enumerate(included)
                           for attr, allowed in tokens[index][2])
            if tail:
                checks += tuple((len(included), attr, allowed) for attr, allowed in last_checks)
            result.append((checks, sequences, tail))
    return result


def _max_repeats(op: str | None) -> int:
    """How many tokens one pattern token can take: "?" 1, "*" up to REPEAT_REACH, "{2,4}" 4..."""
    if op in (None, "!", "?", "{1}"):
        return 1 if op != "!" else 0
    if op in ("*", "+"):
        return REPEAT_REACH
    low, _, high = op.strip("{}").partition(",")
    if not _:
        return int(low)
    return int(high) if high else REPEAT_REACH


def _anchor_words(spec: dict, lemmas_of: LemmasOf) -> list[str] | None:
    """The lemmas one of which a token matching `spec` must have, or None if unknown."""
    if spec.get("OP") not in (None, "{1}"):
        return None
    for attr in ("LEMMA", "LOWER", "NORM", "ORTH"):
        values = _word_values(spec, attr)
        if values is not None:
            lemmas = [v.lower() for v in values] if attr == "LEMMA" else \
                [lemma for v in values for lemma in sorted(lemmas_of(attr, v))]
            return list(dict.fromkeys(lemmas)) or None
    return None


# Rough share of tokens that are one given word: stop words are common, others rare;
# and the marks that end or split sentences, which are in nearly every reply (anchored
# on ".", a pattern would run around every sentence end).
_STOP_WORD_RATE, _WORD_RATE = 0.02, 0.001
_MARK_RATES = {".": 0.05, ",": 0.04, "!": 0.015, "?": 0.01, ":": 0.005, "-": 0.005}


def choose_anchor(pattern: list[dict], lemmas_of: LemmasOf) -> tuple[int, int, list[list[str]]] | None:
    """The run of required word tokens of `pattern` that is rarest in text:
    (first index, last index, the lemma sequences it can be), or None if there is none.

    Every match contains that run, so the pattern needs testing only around the places
    where one of its sequences occurs. A run of several words ("you should have") is
    far rarer than any of its words; "be" or "you" alone occur in almost every reply.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    words = [_anchor_words(spec, lemmas_of) for spec in pattern]
    rate = [None if w is None else sum(_MARK_RATES.get(x) or (_STOP_WORD_RATE if x in STOP_WORDS else _WORD_RATE)
                                       for x in w)
            for w in words]
    best: tuple[float, int, int] | None = None
    for first in range(len(pattern)):
        run_rate, combinations = 1.0, 1
        for last in range(first, len(pattern)):
            if words[last] is None:
                break
            run_rate *= rate[last]
            combinations *= len(words[last])
            if combinations > MAX_EXPANSION:
                break
            if best is None or run_rate < best[0]:
                best = (run_rate, first, last)
    if best is None:
        return None
    _, first, last = best
    sequences: list[list[str]] = [[]]
    for alternatives in words[first:last + 1]:
        sequences = [seq + [w] for seq in sequences for w in alternatives]
    return first, last, sequences


_LIKE_FLAGS = ("LIKE_URL", "LIKE_NUM", "LIKE_EMAIL")
_WORD_ATTRS = ("LOWER", "NORM", "ORTH", "LEMMA")


def _requirement(spec: dict, strings: Any) -> tuple[int, frozenset[int]] | None:
    """(doc column, values one of which it must hold) for a pattern token that must
    occur at least once and names its words or a kind of token; None for any other."""
    if spec.get("OP") not in (None, "+", "{1}"):
        return None
    for attr in _WORD_ATTRS:
        words = _word_values(spec, attr)
        if words:
            return _CHECK_COLUMNS[attr], frozenset(strings.add(w) for w in words)
    for attr in _LIKE_FLAGS:
        if spec.get(attr) is True:
            return _CHECK_COLUMNS[attr], frozenset({1})
    return None


class _AnchoredPattern:
    """One token pattern, run by spaCy's Matcher only in a window around its anchor."""

    def __init__(self, vocab: Vocab, key: str, pattern: list[dict], first: int, last: int) -> None:
        strings = vocab.strings
        self.keys = {key}  # rules with this very pattern share one run ("sorry, but")
        self.key_order = [key]  # (the same, as added: for the cache's blueprint)
        self.pattern, self.first, self.last = pattern, first, last
        self.optional = False  # all its keys only need one match: see PatternSet.matches
        self.cancels: frozenset[str] | None = None  # the rules whose matches it cancels, if only an except
        self.matcher = Matcher(vocab)
        self.matcher.add(key, [pattern])
        self.before = sum(_max_repeats(spec.get("OP")) for spec in pattern[:first])
        self.after = sum(_max_repeats(spec.get("OP")) for spec in pattern[last + 1:])
        # Cheap tests before the Matcher runs: a sentence start on the first anchor word,
        # and the tokens the pattern cannot do without (one of its words, a number, a
        # URL) on each side of the anchor (`possible`).
        self.at_sentence_start = pattern[first].get("IS_SENT_START") is True
        self.needs_before = [need for spec in pattern[:first] if (need := _requirement(spec, strings))]
        self.needs_after = [need for spec in pattern[last + 1:] if (need := _requirement(spec, strings))]

    def possible(self, columns: list[Sequence[int]], anchor_start: int, anchor_end: int) -> bool:
        """Can a match go through this anchor? Not if a token the pattern needs is
        nowhere within reach on its side. Most windows fail this: testing a few values
        costs a fraction of a Matcher run."""
        start = max(0, anchor_start - self.before)
        for column, allowed in self.needs_before:
            if allowed.isdisjoint(columns[column][start:anchor_start]):
                return False
        end = anchor_end + self.after
        for column, allowed in self.needs_after:
            if allowed.isdisjoint(columns[column][anchor_end:end]):
                return False
        return True

    def around(self, doc: Doc, anchor_start: int, anchor_end: int) -> list[tuple[int, int, int]]:
        """Matches through the anchor found at doc[anchor_start:anchor_end] (one at a
        sentence start if the pattern asks for it: `PatternSet.matches` tests that)."""
        start = max(0, anchor_start - self.before)
        end = min(len(doc), anchor_end + self.after)
        # allow_missing: the pipeline sets lemmas; skip re-checking the whole doc per window.
        return [(key, start + s, start + e) for key, s, e in self.matcher(doc[start:end], allow_missing=True)]


ANCHOR_PREFIX = "\x00anchor:"
CHECKED_PREFIX = "\x00checked:"
# The doc columns exact checks read, and where each check attribute finds its column.
_CHECK_ARRAY = ["LOWER", "NORM", "ORTH", "SENT_START", "LEMMA", *_LIKE_FLAGS]
_CHECK_COLUMNS = {("IS_SENT_START" if a == "SENT_START" else a): i for i, a in enumerate(_CHECK_ARRAY)}
# The same as attribute ids (to_array turns names into ids on every call), for a caller
# that reads the doc itself and hands `PatternSet.matches` its check columns.
CHECK_IDS = [IDS[a] for a in _CHECK_ARRAY]
_LEMMA_COLUMN = _CHECK_ARRAY.index("LEMMA")
_SENT_START_COLUMN = _CHECK_ARRAY.index("SENT_START")
# Words whose lexical columns (LOWER and the LIKE_* flags) are kept; past it the table
# starts again, so a long run of new words (handles, order numbers) cannot grow it for good.
LEXICAL_TABLE_SIZE = 200_000


class _LexicalColumns:
    """LOWER, LIKE_URL, LIKE_NUM, LIKE_EMAIL of each token, from tables by ORTH: they
    belong to the word, not the token, and one dict lookup per token costs less than
    another read of the doc. The LIKE_* columns are made only when a pattern reads one
    (few do: "within 3 days" needs a number)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.lowers: dict[int, int] = {}
        self.likes: dict[int, tuple[int, int, int]] = {}

    def _lower(self, orth: int) -> int:
        if len(self.lowers) >= LEXICAL_TABLE_SIZE:
            self.lowers.clear()
        lower = self.lowers[orth] = self.vocab[orth].lower
        return lower

    def _like(self, orth: int) -> tuple[int, int, int]:
        if len(self.likes) >= LEXICAL_TABLE_SIZE:
            self.likes.clear()
        lexeme = self.vocab[orth]
        row = self.likes[orth] = (int(lexeme.like_url), int(lexeme.like_num), int(lexeme.like_email))
        return row

    def like_rows(self, orths: list[int]) -> list[tuple[int, int, int]]:
        """(LIKE_URL, LIKE_NUM, LIKE_EMAIL) of each token: one dict read a token."""
        try:
            return list(map(self.likes.__getitem__, orths))
        except KeyError:  # a word not met before
            return [self.likes.get(orth) or self._like(orth) for orth in orths]

    def columns(self, doc: Doc) -> list[Sequence[int]]:
        """Every check column (in _CHECK_ARRAY order) for every token, column by column:
        from the pipeline's own columns when it left them, else one read of the doc."""
        found = kept_columns(doc)
        if found is None or found.lemmas is None or not found.orths:
            return doc.to_array(CHECK_IDS).T.tolist()
        orths = found.orths
        try:
            lowers = list(map(self.lowers.__getitem__, orths))
        except KeyError:  # a word not met before
            lowers = [self.lowers.get(orth) or self._lower(orth) for orth in orths]
        return [lowers, found.norms, orths, found.starts, found.lemmas,
                _LikeColumn(self, orths, 0), _LikeColumn(self, orths, 1), _LikeColumn(self, orths, 2)]


class _LikeColumn(Sequence):
    """One LIKE_* column of a doc, made on first read (few docs need one, fewer two)."""

    __slots__ = ("table", "orths", "k", "values")

    def __init__(self, table: _LexicalColumns, orths: list[int], k: int) -> None:
        self.table, self.orths, self.k = table, orths, k
        self.values: list[int] | None = None

    def _made(self) -> list[int]:
        if self.values is None:
            k = self.k
            self.values = [row[k] for row in self.table.like_rows(self.orths)]
        return self.values

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __len__(self) -> int:
        return len(self._made())


@functools.lru_cache(maxsize=4)
def _special_case_norms(nlp: Language) -> dict[str, frozenset[str]]:
    """Lower-cased piece of a tokenizer special case -> the norms it can get there."""
    from spacy.attrs import NORM, ORTH

    norms: dict[str, set[str]] = defaultdict(set)
    for pieces in nlp.tokenizer.rules.values():
        for piece in pieces:
            orth = piece[ORTH]
            norms[orth.lower()].add(piece.get(NORM) or nlp.vocab[orth].norm_)
    return {orth: frozenset(found) for orth, found in norms.items()}


_KEYS = -1  # a trie node's entry for the keys whose phrase ends there


class _Blueprint(NamedTuple):
    """A finished PatternSet as plain data (see PatternSet.finish): string hashes are
    the same in every process, so the trie and checks are kept as they are."""
    phrases: dict
    phrase_count: int
    checked: dict
    anchored: list  # (anchor key hash, rule keys in order, pattern, first, last)
    unanchored: list  # (rule key, pattern)
    strings: list  # the keys read back from their hashes
    lemmas: dict  # lemmas_of's answers so far


def _phrase_keys(root: dict) -> set[int]:
    """Every key hash in a LemmaPhrases trie."""
    found: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        for lemma, child in node.items():
            if lemma == _KEYS:
                found.update(child)
            else:
                stack.append(child)
    return found


@functools.lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """What a compiled pattern set depends on besides its patterns: this code, the
    pipeline's, spaCy's and its lookup tables' versions, and the lemma corrections."""
    import hashlib
    from importlib.metadata import version

    from empathy_lint.engine import pattern_checks, pipeline
    from empathy_lint.read import textmap
    from empathy_lint.rulebook import context_path

    digest = hashlib.sha256(f"{version('spacy')}/{version('spacy-lookups-data')}".encode())
    for path in (__file__, pipeline.__file__, pattern_checks.__file__, textmap.__file__, context_path("lemmas.yaml")):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.digest()


def _blueprint_key(queued: list[tuple[str, Any, Any]]) -> str:
    from empathy_lint.cache import content_key

    return content_key("patterns/1", _code_digest(), json.dumps([[key, pattern] for key, pattern, _ in queued],
                                                               sort_keys=True, default=str))


class LemmaPhrases:
    """Lemma sequences under keys, found in a doc's LEMMA column: what spaCy's
    PhraseMatcher(attr="LEMMA") does, as a trie of lemma hashes. The PhraseMatcher wants
    a Doc per phrase, and the rules' expanded patterns are some 16,000 phrases: making
    their Docs cost a cold `check` more than half a second."""

    def __init__(self) -> None:
        self.root: dict[int, Any] = {}
        self.count = 0

    def add(self, key: int, lemmas: Sequence[int]) -> None:
        if not lemmas:
            return
        node = self.root
        for lemma in lemmas:
            node = node.setdefault(lemma, {})
        keys = node.setdefault(_KEYS, [])
        if key not in keys:
            keys.append(key)
            self.count += 1

    def __len__(self) -> int:
        return self.count

    def __call__(self, lemmas: Sequence[int]) -> list[tuple[int, int, int]]:
        """(key, start, end) of every phrase in `lemmas`, by start, then end.
        Only the tokens that can open a phrase are walked from: `compress` picks them at
        C speed (about half the tokens of a reply open none), and a node's single key,
        the common case, is appended without a generator (0.40 -> 0.29 s per 12,000 docs)."""
        root, found, length = self.root, [], len(lemmas)
        for start in compress(range(length), map(root.__contains__, lemmas)):
            node = root[lemmas[start]]
            end = start + 1
            while True:
                keys = node.get(_KEYS)
                if keys is not None:
                    if len(keys) == 1:
                        found.append((keys[0], start, end))
                    else:
                        found.extend([(key, start, end) for key in keys])
                if end == length:
                    break
                node = node.get(lemmas[end])
                if node is None:
                    break
                end += 1
        return found


class PatternSet:
    """Keyed patterns (phrases and token patterns) compiled into one phrase trie.

    `matches(doc)` gives key -> set of (start, end) token spans. Token patterns that
    are not fixed words register their anchor words in the same trie; only
    where an anchor occurs does spaCy's Matcher run, on a window just wide enough for
    a match through it. (One Matcher over all patterns would start every pattern at
    every token, and call Python predicates for IN lists with a new Token each time:
    ten times the cost of the whole pipeline.)
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.strings = nlp.vocab.strings
        self.phrases = LemmaPhrases()
        # phrase key hash -> (key, checks as (offset, array column, allowed values, is a
        # sentence-start test), tail)
        self.checked: dict[int, tuple[str, tuple[tuple[int, int, frozenset, bool], ...], int]] = {}
        self.anchored: dict[int, _AnchoredPattern] = {}  # anchor key hash -> pattern
        self._by_signature: dict[str, _AnchoredPattern] = {}
        self.unanchored = Matcher(nlp.vocab)  # patterns with no word to anchor on
        self.lexical = _LexicalColumns(nlp.vocab)
        self._lemma_cache: dict[tuple[str, str], frozenset[str]] = {}
        self._phrases: dict[str, list[Sequence[str]]] = defaultdict(list)
        self._phrase_texts: list[tuple[str, str]] = []
        self._queued: list[tuple[str, Any, Callable[[str], Exception]]] = []
        self._unanchored: list[tuple[str, list[dict]]] = []

    def add(self, key: str, pattern: Any, on_error: Callable[[str], Exception]) -> None:
        """Queue one pattern under `key`; `on_error(problem)` builds the error to raise.
        The work is done in `finish`, or read from the cache (see `finish`)."""
        if isinstance(pattern, str):
            self._queued.append((key, pattern, on_error))
            return
        try:
            fixed = expand_classes(normalise_token_pattern(pattern))
        except KeyError as exc:
            known = ", ".join("$" + name for name in sorted(word_classes()))
            raise on_error(f"unknown word class {exc.args[0]} (known: {known})") from None
        self._queued.append((key, fixed, on_error))

    def finish(self) -> "PatternSet":
        """Compile the queued patterns. Checking each against spaCy and spelling it out as
        lemma phrases is a third of a cold `check`, and depends only on the patterns, the
        lemma table and this code: the result (a `_Blueprint`) is kept in the on-disk
        cache, so a pattern set met before is only loaded. A set with an error is never
        cached: its error is raised every time."""
        from empathy_lint.cache import cached

        queued, self._queued = self._queued, []
        built = False

        def build() -> _Blueprint:
            nonlocal built
            built = True
            for key, pattern, on_error in queued:
                if isinstance(pattern, str):
                    self._phrase_texts.append((key, prepare(pattern).text))
                else:
                    self._compile(key, pattern, on_error)
            self._finish_phrases()
            return self._blueprint()

        blueprint = cached("patterns", _blueprint_key(queued), build)
        if not built:
            self._load(blueprint)
        for pattern in self.anchored.values():
            if all(key.endswith(EXCEPT_SUFFIX) for key in pattern.keys):
                pattern.cancels = frozenset(key.removesuffix(EXCEPT_SUFFIX) for key in pattern.keys)
        return self

    def _compile(self, key: str, fixed: list[dict], on_error: Callable[[str], Exception]) -> None:
        """One token pattern: checked, then made phrases plus checks, or anchored, or left
        to a Matcher over the whole doc."""
        problem = pattern_problem(fixed)
        if problem:
            raise on_error(problem)
        probe = Matcher(self.nlp.vocab, validate=True)
        try:
            probe.add(key, [fixed])  # validate with spaCy either way, so errors read the same
        except (ValueError, KeyError, TypeError) as exc:
            raise on_error("token pattern rejected by spaCy: " + " ".join(str(exc).split())[:200]) from None
        dead = impossible_values(fixed, self.lemmas_of)
        if dead:
            raise on_error(f"token pattern can never match: no token is {dead[0]!r} (the tokenizer "
                           "splits it); write each part as its own token, or use a phrase")
        checked = expand_with_checks(fixed, self.lemmas_of, self.strings)
        if checked is not None:
            for checks, sequences, tail in checked:
                phrase_key = f"{CHECKED_PREFIX}{len(self.checked)}"
                compiled = tuple((offset, _CHECK_COLUMNS[attr], allowed, attr == "IS_SENT_START")
                                 for offset, attr, allowed in checks)
                self.checked[self.strings.add(phrase_key)] = (key, compiled, tail)
                self._phrases[phrase_key].extend(sequences)
            return
        anchor = choose_anchor(fixed, self.lemmas_of)
        if anchor is None:
            self.unanchored.add(key, [fixed])
            self._unanchored.append((key, fixed))
            return
        signature = json.dumps(fixed, sort_keys=True)
        twin = self._by_signature.get(signature)
        if twin is not None:
            twin.keys.add(key)
            twin.key_order.append(key)
            twin.matcher.add(key, [fixed])
            return
        anchor_key = f"{ANCHOR_PREFIX}{len(self.anchored)}"
        first, last, sequences = anchor
        pattern = self._by_signature[signature] = _AnchoredPattern(self.nlp.vocab, key, fixed, first, last)
        self.anchored[self.strings.add(anchor_key)] = pattern
        self._phrases[anchor_key].extend(sequences)

    def _finish_phrases(self) -> None:
        strings = self.strings
        texts = [text for _, text in self._phrase_texts]
        for (key, text), doc in zip(self._phrase_texts, self.nlp.pipe(texts)):
            if has_unspaced_script(text):  # a Japanese or Chinese phrase: read as their replies are
                doc = unspaced_doc(self.nlp, text)
            self.phrases.add(strings.add(key), [token.lemma for token in doc])
        for key, sequences in self._phrases.items():
            key_hash = strings.add(key)
            for sequence in sequences:
                self.phrases.add(key_hash, [strings.add(lemma) for lemma in sequence])
        self._phrase_texts, self._phrases = [], {}

    def _blueprint(self) -> "_Blueprint":
        """What `finish` made, as plain data (no spaCy objects) for the cache."""
        keys = {key for key, _, _ in self.checked.values()}
        keys.update(self.strings[h] for h in _phrase_keys(self.phrases.root))
        return _Blueprint(
            phrases=self.phrases.root, phrase_count=self.phrases.count, checked=self.checked,
            anchored=[(h, p.key_order, p.pattern, p.first, p.last) for h, p in self.anchored.items()],
            unanchored=list(self._unanchored), strings=sorted(keys), lemmas=dict(self._lemma_cache))

    def _load(self, blueprint: "_Blueprint") -> None:
        """`finish`'s work, from its blueprint."""
        strings = self.strings
        for text in blueprint.strings:  # keys are read back from their hashes
            strings.add(text)
        self.phrases.root, self.phrases.count = blueprint.phrases, blueprint.phrase_count
        self.checked = blueprint.checked
        for anchor_hash, keys, fixed, first, last in blueprint.anchored:
            pattern = _AnchoredPattern(self.nlp.vocab, keys[0], fixed, first, last)
            for key in keys[1:]:
                pattern.keys.add(key)
                pattern.key_order.append(key)
                pattern.matcher.add(key, [fixed])
            self.anchored[anchor_hash] = pattern
        for key, fixed in blueprint.unanchored:
            self.unanchored.add(key, [fixed])
            self._unanchored.append((key, fixed))
        self._lemma_cache.update(blueprint.lemmas)

    def lemmas_of(self, attr: str, value: str) -> frozenset[str]:
        """The lemmas a single token whose `attr` is `value` can have (empty: none can).

        A word the tokenizer keeps whole has the lemma it gets on its own; a piece of a
        special case ("ca" and "nt" in "cant", "'m" in "I'm") also gets the lemma of the
        norm the special case gives it ("can", "not", "be").
        """
        cache_key = (attr, value)
        if cache_key not in self._lemma_cache:
            word = prepare(value).text
            lemmas: set[str] = set()
            if attr == "NORM":
                if word and not any(c.isspace() for c in word):
                    lemmas.add(self._lemma_of_norm(word))
            else:
                # The tokenizer and lemmatizer only (one word has no sentences to find,
                # and priming spaCy's cache for it would tokenize it twice).
                tokenizer = getattr(self.nlp.tokenizer, "tokenizer", self.nlp.tokenizer)
                doc = self.nlp.get_pipe("empathy_norm_lemmatizer")(tokenizer(word))
                if len(doc) == 1:
                    lemmas.add(doc[0].lemma_)
                lemmas.update(self._lemma_of_norm(norm) for norm in _special_case_norms(self.nlp).get(word.lower(), ()))
            self._lemma_cache[cache_key] = frozenset(lemmas)
        return self._lemma_cache[cache_key]

    def _lemma_of_norm(self, norm: str) -> str:
        lemmatizer = self.nlp.get_pipe("empathy_norm_lemmatizer")
        return self.strings[lemmatizer.lemma(self.strings.add(norm))]

    def matches(self, doc: Doc, skipped: frozenset[str] = frozenset(),
                columns: list[Sequence[int]] | None = None) -> dict[str, set[tuple[int, int]]]:
        """Key -> spans; patterns whose keys are all `skipped` are not run (their phrases may still show).
        `columns`: the doc's check columns (CHECK_IDS order), where the caller read them
        already; else they are read when a check needs them.

        Keys marked existence-only (require rules: one match is as good as ten) stop
        running their window patterns once they hold a match that no `!except` cancels,
        and an `!except` window runs only where its rule has a match or a window to run.
        """
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        if len(self.phrases):
            if columns is None:
                columns = self.lexical.columns(doc)
            spans = self.phrases(columns[_LEMMA_COLUMN])
        else:
            spans = []
        if len(self.unanchored):
            spans += self.unanchored(doc)
        strings, anchored, checked = self.strings, self.anchored, self.checked
        deferred: list[tuple[_AnchoredPattern, int, int]] = []
        length = len(doc)
        for match_id, start, end in spans:
            entry = checked.get(match_id)
            if entry is not None:
                key, checks, tail = entry
                if end + tail > length or key in skipped:
                    continue
                if columns is None:  # made once per doc, and only if a check is needed
                    columns = self.lexical.columns(doc)
                for offset, column, allowed, sentence in checks:  # the hot loop: no calls
                    value = columns[column][start + offset]
                    if ((value == 1) if sentence else value) not in allowed:
                        break
                else:
                    found[key].add((start, end + tail))
                continue
            pattern = anchored.get(match_id)
            if pattern is None:
                found[strings[match_id]].add((start, end))
                continue
            if pattern.keys <= skipped:
                continue
            if pattern.at_sentence_start:
                # A pattern that opens a sentence ("Refunds are...", an imperative) has
                # its anchor words all over a reply but mid-sentence nearly everywhere:
                # the sentence-start column says so without a window or a Token.
                if columns is None:
                    columns = self.lexical.columns(doc)
                if columns[_SENT_START_COLUMN][start] != 1:
                    continue
            # (An `!except` window's test waits: most replies have nothing for it to cancel.)
            if pattern.cancels is None and (pattern.needs_before or pattern.needs_after):
                if columns is None:
                    columns = self.lexical.columns(doc)
                if not pattern.possible(columns, start, end):
                    continue
            deferred.append((pattern, start, end))
        # An `!except` window only cancels its own rule's matches: where that rule has
        # no match so far and no window of its own to run, it is not run.
        if deferred:
            live = {key for key in found if not key.endswith(EXCEPT_SUFFIX)}
            live.update(key for pattern, _, _ in deferred if pattern.cancels is None for key in pattern.keys)
            kept = []
            for item in deferred:
                pattern = item[0]
                if pattern.cancels is not None:
                    if pattern.cancels.isdisjoint(live):
                        continue
                    if pattern.needs_before or pattern.needs_after:
                        if columns is None:
                            columns = self.lexical.columns(doc)
                        if not pattern.possible(columns, item[1], item[2]):
                            continue
                kept.append(item)
            deferred = kept
        # Windows that may cancel or position a match run first; then those a satisfied
        # existence-only key no longer needs are skipped.
        if len(deferred) > 1:
            deferred.sort(key=lambda item: item[0].optional)
        for pattern, start, end in deferred:
            if pattern.optional and all(self._satisfied(found, key) for key in pattern.keys):
                continue
            for key, s, e in pattern.around(doc, start, end):
                found[strings[key]].add((s, e))
        return found

    @staticmethod
    def _satisfied(found: dict[str, set[tuple[int, int]]], key: str) -> bool:
        return bool(uncancelled(found.get(key, ()), found.get(key + EXCEPT_SUFFIX, ())))

    def mark_existence_only(self, keys: set[str]) -> None:
        """Keys whose callers only ask whether they match (see `matches`)."""
        for pattern in self.anchored.values():
            pattern.optional = all(key in keys for key in pattern.keys)


def language_key(rule_id: str, language: str) -> str:
    """The key of a rule's patterns for another language ("EMP201@es")."""
    return f"{rule_id}@{language}"


def _pattern_groups(rule: Rule) -> list[tuple[str, tuple[Any, ...], tuple[Any, ...]]]:
    """(key, patterns, excepts) of a rule: its English patterns under its id, and each
    `languages:` block under its language key."""
    return [(rule.id, rule.patterns, rule.excepts),
            *((language_key(rule.id, code), block.patterns, block.excepts) for code, block in rule.languages.items())]


class CompiledRules:
    """The matchers for one set of rules, bound to one pipeline's vocab."""

    def __init__(self, nlp: Language, rules: list[Rule]) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.patterns = PatternSet(nlp)
        for rule in rules:
            def error(detail: str, rule: Rule = rule) -> RuleError:
                return RuleError(f"{rule.source}:{rule.line}: rule {rule.id}: {detail}")
            for key, patterns, excepts in _pattern_groups(rule):
                for group_key, group in ((key, patterns), (key + EXCEPT_SUFFIX, excepts)):
                    for pattern in group:
                        self.patterns.add(group_key, pattern, error)
        self.patterns.finish()
        # A require rule only asks "does any pattern match?", unless a position rule
        # needs its matches' places: such rules stop at their first surviving match.
        positioned = {rule.of for rule in rules if rule.of}
        keys = {rule.id: [key for key, _, _ in _pattern_groups(rule)] for rule in rules}
        self.patterns.mark_existence_only({key for rule in rules if rule.kind == "require" and rule.id not in positioned
                                           for key in keys[rule.id]})
        self.lemmas_of = self.patterns.lemmas_of
        self._keys = {key + suffix for rule_keys in keys.values() for key in rule_keys for suffix in ("", EXCEPT_SUFFIX)}
        self._skipped: dict[frozenset[str], frozenset[str]] = {}

    def _skipped_for(self, rule_ids: set[str] | frozenset[str]) -> frozenset[str]:
        """The pattern keys outside `rule_ids` (their rule, or their rule's `!except`):
        made once per set of rules, as it is tested for every match in every reply."""
        wanted = frozenset(rule_ids)
        skipped = self._skipped.get(wanted)
        if skipped is None:
            skipped = self._skipped[wanted] = frozenset(
                k for k in self._keys if k.removesuffix(EXCEPT_SUFFIX) not in wanted)
        return skipped

    def find(self, doc: Doc, rule_ids: set[str] | frozenset[str] | None = None) -> dict[str, list[tuple[int, int]]]:
        """Rule id -> matched token ranges (deduplicated, in text order), excepts applied.
        Ranges, not Spans: most matches are only ever asked whether they exist.

        With `rule_ids`, only those rules are looked for (the others do not apply here).
        """
        hits = self.patterns.matches(doc, self._skipped_for(rule_ids) if rule_ids is not None else frozenset())
        found: dict[str, list[tuple[int, int]]] = {}
        for key, spans in hits.items():
            if key.endswith(EXCEPT_SUFFIX) or (rule_ids is not None and key not in rule_ids):
                continue
            cancel = hits.get(key + EXCEPT_SUFFIX)
            kept = uncancelled(spans, cancel) if cancel else spans
            if len(kept) > 1:
                found[key] = _drop_nested(sorted(kept))
            elif kept:
                found[key] = list(kept)
        return found


def uncancelled(spans: Iterable[tuple[int, int]], cancel: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans no `!except` span overlaps ("not sorry" cancels "sorry").

    The cancelling spans are sorted once: a span (s, e) is overlapped when, among those
    starting before e, the furthest end passes s (one bisection per span, not a scan of
    every cancel: a reply of 24,000 "sorry, but" took 30 s that way)."""
    ordered = sorted(cancel)
    if not ordered:
        return list(spans)
    starts = [cs for cs, _ in ordered]
    furthest: list[int] = []
    reach = -1
    for _, ce in ordered:
        reach = max(reach, ce)
        furthest.append(reach)
    kept = []
    for s, e in spans:
        before = bisect.bisect_left(starts, e)  # cancels starting before the span ends
        if not before or furthest[before - 1] <= s:
            kept.append((s, e))
    return kept


def _drop_nested(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping spans so one phrase is reported once."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda se: (se[0], -se[1])):
        if kept and start < kept[-1][1]:
            if end - start > kept[-1][1] - kept[-1][0]:
                kept[-1] = (start, end)
            continue
        kept.append((start, end))
    return kept


_CACHE: dict[tuple, CompiledRules] = {}


def compile_rules(nlp: Language, rules: list[Rule]) -> CompiledRules:
    """Compiled matchers for `rules`, cached per process."""
    key = (id(nlp),) + tuple((r.id, r.source) for r in rules)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _CACHE[key] = CompiledRules(nlp, rules)
    return compiled
