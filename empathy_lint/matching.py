"""Compile rule patterns into as few spaCy matchers as possible.

All phrase patterns of all rules go into one PhraseMatcher on our LEMMA
(lemma of the normalised form), all token patterns into one Matcher, so the
cost of a reply grows with its length, not with the number of rules.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .errors import RuleError
from .rulebook import Rule
from .textmap import prepare

EXCEPT_SUFFIX = "!except"


@dataclass
class RuleMatches:
    """Spans of one rule's patterns in a doc, after `except` patterns cancelled overlaps."""

    hits: list[Span] = field(default_factory=list)


def normalise_token_pattern(pattern: list[dict]) -> list[dict]:
    """Upper-case attribute names so YAML authors may write `lemma:` or `LEMMA:`."""
    fixed = []
    for spec in pattern:
        fixed.append({(k if k in ("_", "OP") or not isinstance(k, str) else k.upper()): v
                      for k, v in spec.items()})
    return fixed


class CompiledRules:
    """The matchers for one set of rules, bound to one pipeline's vocab."""

    def __init__(self, nlp: Language, rules: list[Rule]) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.strings = nlp.vocab.strings
        phrase_keys: list[str] = []
        phrase_texts: list[str] = []
        for rule in rules:
            for key, patterns in ((rule.id, rule.patterns), (rule.id + EXCEPT_SUFFIX, rule.excepts)):
                for pattern in patterns:
                    if isinstance(pattern, str):
                        phrase_keys.append(key)
                        phrase_texts.append(prepare(pattern).text)
                    else:
                        self._add_token_pattern(rule, key, pattern)
        for key, doc in zip(phrase_keys, nlp.pipe(phrase_texts)):
            self.phrases.add(key, [doc])

    def _add_token_pattern(self, rule: Rule, key: str, pattern: list[dict]) -> None:
        try:
            self.tokens.add(key, [normalise_token_pattern(pattern)])
        except (ValueError, KeyError, TypeError) as exc:
            detail = " ".join(str(exc).split())
            if len(detail) > 200:
                detail = detail[:197] + "..."
            raise RuleError(
                f"{rule.source}:{rule.line}: rule {rule.id}: token pattern rejected by spaCy: {detail}"
            ) from None

    def find(self, doc: Doc) -> dict[str, list[Span]]:
        """Rule id -> matched spans (deduplicated, in text order), excepts applied."""
        hits: dict[str, set[tuple[int, int]]] = defaultdict(set)
        matches = list(self.phrases(doc)) if len(self.phrases) else []
        if len(self.tokens):
            matches += self.tokens(doc)
        for match_id, start, end in matches:
            hits[self.strings[match_id]].add((start, end))
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
