"""Read the customer's message: does it report a problem, and how strongly?

A small, explainable detector: weighted cue groups from rules/context/customer.yaml
(phrases and token patterns, matched like rules). Rules gate on its verdict with
`when: {customer: problem}`; `cues` says why, for `--explain-context` and tests.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from .errors import RuleError
from .matching import normalise_token_pattern
from .pipeline import get_nlp
from .rulebook import RuleLoader, builtin_rules_dir
from .textmap import prepare

import yaml


@dataclass
class CustomerSignal:
    """The detector's verdict on one customer message."""

    problem: bool
    score: int
    cues: list[str] = field(default_factory=list)


def lexicon_path() -> Path:
    return builtin_rules_dir() / "context" / "customer.yaml"


class CustomerDetector:
    """Weighted cue matching over the shared pipeline."""

    def __init__(self, nlp: Language, lexicon: dict[str, Any], source: str = "customer.yaml") -> None:
        self.nlp = nlp
        self.threshold = int(lexicon.get("threshold", 2))
        self.weights: dict[str, int] = {}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(nlp.vocab)
        for group in lexicon.get("groups", []):
            label = group["label"]
            self.weights[label] = int(group["weight"])
            texts = [p for p in group["patterns"] if isinstance(p, str)]
            if texts:
                self.phrases.add(label, list(nlp.pipe(prepare(t).text for t in texts)))
            for pattern in (p for p in group["patterns"] if not isinstance(p, str)):
                try:
                    self.tokens.add(label, [normalise_token_pattern(pattern)])
                except (ValueError, KeyError, TypeError) as exc:
                    raise RuleError(f"{source}: group {label}: bad token pattern: {str(exc).splitlines()[0]}") from None

    def detect(self, text: str) -> CustomerSignal:
        doc = self.nlp(prepare(text).text)
        strings = self.nlp.vocab.strings
        seen: dict[tuple[int, int], str] = {}
        for match_id, start, end in list(self.phrases(doc)) + list(self.tokens(doc)):
            seen.setdefault((start, end), strings[match_id])
        cues = [f"{label}: {doc[start:end].text}" for (start, end), label in sorted(seen.items())]
        score = sum(self.weights[label] for label in set(seen.values()))
        return CustomerSignal(problem=score >= self.threshold, score=score, cues=cues)


@functools.lru_cache(maxsize=1)
def default_detector() -> CustomerDetector:
    path = lexicon_path()
    lexicon = yaml.load(path.read_text(encoding="utf-8"), Loader=RuleLoader)  # noqa: S506 (safe)
    return CustomerDetector(get_nlp(), lexicon, str(path))


def detect(text: str) -> CustomerSignal:
    """Verdict on a customer message with the built-in lexicon."""
    return default_detector().detect(text)
