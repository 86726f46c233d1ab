"""Read the customer's message: does it report a problem, and how strongly?

A small, explainable detector: weighted cue groups from rules/context/customer.yaml
(phrases and token patterns, matched like rules). Rules gate on its verdict with
`when: {customer: problem}`; `cues` says why, for `--explain-context` and tests.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from .errors import RuleError
from .matching import PatternSet
from .pipeline import get_nlp
from .rulebook import context_path, load_context
from .textmap import prepare



@dataclass
class CustomerSignal:
    """The detector's verdict on one customer message."""

    problem: bool
    score: int
    cues: list[str] = field(default_factory=list)


def lexicon_path() -> Path:
    return context_path("customer.yaml")


class CustomerDetector:
    """Weighted cue matching over the shared pipeline."""

    def __init__(self, nlp: Language, lexicon: dict[str, Any], source: str = "customer.yaml") -> None:
        self.nlp = nlp
        self.threshold = int(lexicon.get("threshold", 2))
        self.weights: dict[str, int] = {}
        self.patterns = PatternSet(nlp)
        for group in lexicon.get("groups", []):
            label = group["label"]
            self.weights[label] = int(group["weight"])
            for pattern in group["patterns"]:
                self.patterns.add(label, pattern,
                                  lambda detail, label=label: RuleError(f"{source}: group {label}: {detail}"))
        self.patterns.finish()
        canned = lexicon.get("canned_reply", {})
        self.canned = PatternSet(nlp)
        for label in ("fine", "trouble"):
            for pattern in canned.get(label, []):
                self.canned.add(label, pattern, lambda detail: RuleError(f"{source}: canned_reply: {detail}"))
        self.canned.finish()

    def canned_fine(self, reply: str) -> bool:
        """Does a canned reply speak only of a contribution, with no sign of trouble?"""
        found = self.canned.matches(self.nlp(prepare(reply).text))
        return bool(found.get("fine")) and not found.get("trouble")

    def detect(self, text: str) -> CustomerSignal:
        return self.detect_many([text])[0]

    def detect_many(self, texts: list[str]) -> list[CustomerSignal]:
        """Verdicts for many messages in one stream (no sentence splitting: cues need none)."""
        # Exports of social posts keep HTML escapes ("&gt;All of X IS DOWN&lt;"): unescape,
        # so the words are words (this text is only read, never pointed into).
        docs = self.nlp.pipe((prepare(html.unescape(t)).text for t in texts), disable=["empathy_sentencizer"])
        return [self._verdict(doc) for doc in docs]

    def _verdict(self, doc: Any) -> CustomerSignal:
        seen: dict[tuple[int, int], str] = {}
        for label, spans in sorted(self.patterns.matches(doc).items()):
            for span in spans:
                seen.setdefault(span, label)
        cues = [f"{label}: {doc[start:end].text}" for (start, end), label in sorted(seen.items())]
        score = sum(self.weights[label] for label in set(seen.values()))
        return CustomerSignal(problem=score >= self.threshold, score=score, cues=cues)


@functools.lru_cache(maxsize=1)
def default_detector() -> CustomerDetector:
    return CustomerDetector(get_nlp(), load_context("customer.yaml"), str(lexicon_path()))


def detect(text: str) -> CustomerSignal:
    """Verdict on a customer message with the built-in lexicon."""
    return default_detector().detect(text)


def detect_many(texts: list[str]) -> list[CustomerSignal]:
    """Verdicts on many customer messages, streamed through the pipeline together."""
    return default_detector().detect_many(texts) if texts else []


def canned_reply_is_fine(reply: str) -> bool:
    """With no customer message: does this canned reply answer no problem at all?"""
    return default_detector().canned_fine(reply)
