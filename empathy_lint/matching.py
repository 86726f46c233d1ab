"""Compile rule patterns into as few spaCy matchers as possible.

All phrase patterns of all rules go into one PhraseMatcher on our LEMMA (lemma of
the normalised form). A token pattern that is only a short sequence of fixed words
with alternatives (`[{LOWER: {IN: [we, i]}}, {LEMMA: can}, {NORM: not}]`) is
expanded into phrases too: the PhraseMatcher looks each token up in a hash table,
while the token Matcher tests every pattern's first token at every token, so its
cost grows with the number of patterns. Only true patterns (wildcards, `*`/`+`
quantifiers, IS_SENT_START, LIKE_URL, NOT_IN...) go to token Matchers, gated by
trigger words: a pattern runs only on replies containing one of its required words.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .errors import RuleError
from .rulebook import Rule
from .textmap import prepare

EXCEPT_SUFFIX = "!except"


def normalise_token_pattern(pattern: list[dict]) -> list[dict]:
    """Upper-case attribute names so YAML authors may write `lemma:` or `LEMMA:`."""
    fixed = []
    for spec in pattern:
        fixed.append({(k if k in ("_", "OP") or not isinstance(k, str) else k.upper()): v
                      for k, v in spec.items()})
    return fixed


_WORD_ATTRS = {"LOWER", "LEMMA", "NORM", "ORTH", "TEXT"}
MAX_EXPANSION = 1000


def expand_to_phrases(pattern: list[dict], lemma_of: "callable") -> list[list[str]] | None:
    """Lemma sequences equivalent to a fixed-word token pattern, or None if it is not one.

    Each token must test one word attribute against a word or an IN list, with no
    quantifier but "?"; values become our lemmas, so matching stays case-insensitive.
    """
    sequences: list[list[str]] = [[]]
    for spec in pattern:
        op = spec.get("OP")
        keys = [k for k in spec if k != "OP"]
        if op not in (None, "?") or len(keys) != 1 or keys[0] not in _WORD_ATTRS:
            return None
        value = spec[keys[0]]
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict) and list(value) == ["IN"] and all(isinstance(v, str) for v in value["IN"]):
            values = value["IN"]
        else:
            return None
        lemmas = []
        for v in values:
            if keys[0] == "LEMMA":
                lemmas.append(v.lower())
                continue
            # A LOWER/NORM/ORTH word expands only if it is its own lemma: {LOWER: stopped}
            # must not become lemma "stop" and match "stop"; nor ORTH "Sorry" lose its case.
            lemma = lemma_of(v)
            if lemma is None or lemma != v.lower() or (keys[0] in ("ORTH", "TEXT") and v != v.lower()):
                return None
            lemmas.append(lemma)
        grown = [seq + [lemma] for seq in sequences for lemma in dict.fromkeys(lemmas)]
        sequences = grown + sequences if op == "?" else grown
        if len(sequences) > MAX_EXPANSION:
            return None
    return [seq for seq in sequences if seq]


def _lemma_doc(vocab: Vocab, lemmas: list[str]) -> Doc:
    doc = Doc(vocab, words=lemmas)
    for token, lemma in zip(doc, lemmas):
        token.lemma_ = lemma
    return doc


_TRIGGER_ATTRS = ("LOWER", "LEMMA", "NORM", "ORTH")


def trigger_words(pattern: list[dict]) -> frozenset[str] | None:
    """Words one of which must occur for `pattern` to match, or None if there are none.

    The most selective required token (no quantifier but an exact count of one) with
    a word attribute gives them; a reply without any of its words can skip the pattern.
    """
    best: frozenset[str] | None = None
    for spec in pattern:
        if spec.get("OP") not in (None, "{1}"):
            continue
        for attr in _TRIGGER_ATTRS:
            value = spec.get(attr)
            if isinstance(value, str):
                words = frozenset([value.lower() if attr != "ORTH" else value])
            elif isinstance(value, dict) and list(value) == ["IN"] and all(isinstance(v, str) for v in value["IN"]):
                words = frozenset(v.lower() if attr != "ORTH" else v for v in value["IN"])
            else:
                continue
            if best is None or len(words) < len(best):
                best = words
    return best


class PatternSet:
    """Keyed patterns (phrases and token patterns) compiled into one PhraseMatcher and a
    few token Matchers gated by trigger words. `matches(doc)` gives key -> set of
    (start, end) token spans."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.strings = nlp.vocab.strings
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        # Token patterns by the trigger words one of which must occur (None: always).
        self.gated: dict[frozenset[int] | None, list[tuple[str, list[dict]]]] = {}
        # One Matcher per combination of open gates, built on first use: a single pass
        # over the doc instead of one per gate (each pass creates a Token per word).
        self._combined: dict[frozenset[int], Matcher] = {}
        self._lemma_cache: dict[str, str | None] = {}
        self._phrase_keys: list[str] = []
        self._phrase_texts: list[str] = []
        self._expanded: dict[str, list[Doc]] = defaultdict(list)

    def add(self, key: str, pattern: Any, on_error: Callable[[str], Exception]) -> None:
        """Queue one pattern under `key`; `on_error(detail)` builds the error to raise."""
        if isinstance(pattern, str):
            self._phrase_keys.append(key)
            self._phrase_texts.append(prepare(pattern).text)
            return
        fixed = normalise_token_pattern(pattern)
        probe = Matcher(self.nlp.vocab, validate=True)
        try:
            probe.add(key, [fixed])  # validate with spaCy either way, so errors read the same
        except (ValueError, KeyError, TypeError) as exc:
            raise on_error(" ".join(str(exc).split())[:200]) from None
        sequences = expand_to_phrases(fixed, self._lemma_of)
        if sequences is None:
            words = trigger_words(fixed)
            gate = frozenset(self.strings.add(w) for w in words) if words else None
            self.gated.setdefault(gate, []).append((key, fixed))
        else:
            self._expanded[key].extend(_lemma_doc(self.nlp.vocab, seq) for seq in sequences)

    def finish(self) -> "PatternSet":
        for key, doc in zip(self._phrase_keys, self.nlp.pipe(self._phrase_texts)):
            self.phrases.add(key, [doc])
        for key, docs in self._expanded.items():
            self.phrases.add(key, docs)
        self._phrase_texts, self._expanded = [], {}
        return self

    def _lemma_of(self, word: str) -> str | None:
        """Our lemma of a single word, or None if the tokenizer splits it."""
        if word not in self._lemma_cache:
            doc = self.nlp(prepare(word).text)
            self._lemma_cache[word] = doc[0].lemma_ if len(doc) == 1 else None
        return self._lemma_cache[word]

    def _matcher_for(self, open_gates: frozenset[int]) -> Matcher:
        matcher = self._combined.get(open_gates)
        if matcher is None:
            if len(self._combined) >= 2048:
                self._combined.clear()
            matcher = Matcher(self.nlp.vocab)
            for i, patterns in enumerate(self.gated.values()):
                if i in open_gates:
                    for key, pattern in patterns:
                        matcher.add(key, [pattern])
            self._combined[open_gates] = matcher
        return matcher

    def matches(self, doc: Doc) -> dict[str, set[tuple[int, int]]]:
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        spans = list(self.phrases(doc)) if len(self.phrases) else []
        if self.gated:
            # Every word form in the doc, as string hashes, to test the gates against.
            present = set(doc.to_array(["LOWER", "LEMMA", "NORM", "ORTH"]).ravel().tolist())
            open_gates = frozenset(i for i, gate in enumerate(self.gated)
                                   if gate is None or not gate.isdisjoint(present))
            if open_gates:
                spans += self._matcher_for(open_gates)(doc)
        for match_id, start, end in spans:
            found[self.strings[match_id]].add((start, end))
        return found


class CompiledRules:
    """The matchers for one set of rules, bound to one pipeline's vocab."""

    def __init__(self, nlp: Language, rules: list[Rule]) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.patterns = PatternSet(nlp)
        for rule in rules:
            def error(detail: str, rule: Rule = rule) -> RuleError:
                return RuleError(f"{rule.source}:{rule.line}: rule {rule.id}: token pattern rejected by spaCy: {detail}")
            for key, patterns in ((rule.id, rule.patterns), (rule.id + EXCEPT_SUFFIX, rule.excepts)):
                for pattern in patterns:
                    self.patterns.add(key, pattern, error)
        self.patterns.finish()
        self._lemma_of = self.patterns._lemma_of

    def find(self, doc: Doc) -> dict[str, list[Span]]:
        """Rule id -> matched spans (deduplicated, in text order), excepts applied."""
        hits = self.patterns.matches(doc)
        found: dict[str, list[Span]] = {}
        for key, spans in hits.items():
            if key.endswith(EXCEPT_SUFFIX):
                continue
            cancel = hits.get(key + EXCEPT_SUFFIX, ())
            kept = [
                (s, e) for s, e in spans
                if not any(cs < e and s < ce for cs, ce in cancel)
            ]
            if kept:
                found[key] = [doc[s:e] for s, e in _drop_nested(sorted(kept))]
        return found


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
