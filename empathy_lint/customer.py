"""Read the customer's message: does it report a problem, and how strongly?

A small, explainable detector: cue groups named by meaning (failure, delay, money,
frustration, thanks, resolution...) from rules/context/customer.yaml, matched like rules,
and combined by weights fitted with logistic regression on labelled messages
(benchmarks/fit_customer.py). Rules gate on its verdict with
`when: {customer: problem}`; `cues` says why, for `--explain-context` and tests.
"""
from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.attrs import IDX, IS_ALPHA, IS_STOP, IS_UPPER, LEMMA, LENGTH, LIKE_NUM, LIKE_URL
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from .errors import RuleError
from .language import is_english, plainly_english
from .matching import PatternSet
from .pipeline import get_nlp
from .rulebook import context_path, load_context
from .textmap import prepare



@dataclass
class CustomerSignal:
    """The detector's verdict on one customer message: `score` is bias plus the weights
    of the cue groups found (`groups`); `cues` lists each matched words, for humans."""

    problem: bool
    score: float
    fine: bool = False  # score under `fine_below`: nothing to fix, nothing to ask for
    cues: list[str] = field(default_factory=list)
    groups: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # content lemmas, for a reply that names them


def lexicon_path() -> Path:
    return context_path("customer.yaml")


_WORD_COLUMNS = [IS_ALPHA, IS_STOP, LEMMA, LENGTH, IDX, LIKE_NUM, LIKE_URL, IS_UPPER]


def _cue_texts(text: str, found: dict[str, set[tuple[int, int]]], columns: Any) -> list[str]:
    """"group: words" for each match, cut from the text by token offsets (no Span objects)."""
    if columns is None:
        return []
    idx, length = columns[:, 4], columns[:, 3]
    return [f"{label}: {text[idx[start]:idx[end - 1] + length[end - 1]]}"
            for (start, end), label in sorted((span, label) for label, spans in found.items() for span in spans)]

# Evidence computed here, not matched: their weights are fitted like the groups'.
# A message that takes many words usually tells a story of something gone wrong; a few
# words are often an answer in a thread ("Yes it is").
LONG_MESSAGE_WORDS = 15
SHORT_MESSAGE_WORDS = 6
# Distinct customer messages whose verdicts are kept (a few megabytes at most).
MEMO_SIZE = 8192


class CustomerDetector:
    """Cue groups matched over the shared pipeline, combined by fitted weights."""

    def __init__(self, nlp: Language, lexicon: dict[str, Any], source: str = "customer.yaml") -> None:
        self.nlp = nlp
        self.bias = float(lexicon.get("bias", 0.0))
        self.threshold = float(lexicon.get("threshold", 0.0))
        self.fine_below = float(lexicon.get("fine_below", self.threshold))
        self.weights: dict[str, float] = {b["label"]: float(b["weight"]) for b in lexicon.get("builtin", [])}
        self.patterns = PatternSet(nlp)
        for group in lexicon.get("groups", []):
            label = group["label"]
            self.weights[label] = float(group["weight"])
            for pattern in group["patterns"]:
                self.patterns.add(label, pattern,
                                  lambda detail, label=label: RuleError(f"{source}: group {label}: {detail}"))
        self.patterns.finish()
        self._memo: dict[str, tuple[frozenset[str], list[str], frozenset[str]]] = {}
        self.generic = frozenset(str(w) for w in lexicon.get("echo", {}).get("ignore", ()))
        canned = lexicon.get("canned_reply", {})
        self.canned = PatternSet(nlp)
        for label in ("fine", "trouble"):
            for pattern in canned.get(label, []):
                self.canned.add(label, pattern, lambda detail: RuleError(f"{source}: canned_reply: {detail}"))
        self.canned.finish()

    @property
    def labels(self) -> list[str]:
        """Every kind of evidence, in a fixed order (the fit script's feature columns)."""
        return list(self.weights)

    def canned_problems(self, replies: list[str]) -> list[bool | None]:
        """What canned replies' own words say they answer: True for trouble (a crash, an
        outage, a refund, a delay), False for a contribution with no sign of trouble,
        None when they do not say."""
        out: list[bool | None] = []
        docs = self.nlp.pipe((prepare(r).text for r in replies), disable=["empathy_sentencizer"])
        for doc in docs:
            found = self.canned.matches(doc)
            out.append(True if found.get("trouble") else False if found.get("fine") else None)
        return out

    def detect(self, text: str) -> CustomerSignal:
        return self.detect_many([text])[0]

    def detect_many(self, texts: list[str]) -> list[CustomerSignal]:
        """Verdicts for many messages in one stream (no sentence splitting: cues need none).

        The verdicts of the last MEMO_SIZE distinct messages are kept: a ticket export read a
        window at a time meets the same short answers ("Yes", "Thanks!", "DM sent") again
        and again."""
        memo = self._memo
        fresh = [t for t in dict.fromkeys(texts) if t not in memo]
        # Exports of social posts keep HTML escapes ("&gt;All of X IS DOWN&lt;"): unescape,
        # so the words are words (this text is only read, never pointed into).
        plain = [prepare(html.unescape(t)).text for t in fresh]
        docs = self.nlp.pipe(plain, disable=["empathy_sentencizer"])
        for text, doc, plain_text in zip(fresh, docs, plain):
            memo[text] = self._evidence(doc, plain_text)
        verdicts = [self._verdict(*memo[t]) for t in texts]
        while len(memo) > MEMO_SIZE:
            memo.pop(next(iter(memo)))  # the oldest first (dicts keep insertion order)
        return verdicts

    def _verdict(self, groups: frozenset[str], cues: list[str], words: frozenset[str]) -> CustomerSignal:
        """The verdict from a message's evidence, by the weights as they are now (the fit
        script changes them between runs)."""
        # fsum: the exact sum, whatever order the set gives the groups in. A plain sum
        # follows string hashing, which differs between processes, and a score at the
        # threshold then changed the verdict from one run to the next.
        score = math.fsum([self.bias, *(self.weights.get(label, 0.0) for label in groups)])
        fine = score < self.fine_below  # nothing to fix: then no apology is due either
        return CustomerSignal(problem=score >= self.threshold and not fine, score=score, fine=fine,
                              cues=list(cues), groups=groups, words=words)

    def _evidence(self, doc: Any, text: str) -> tuple[frozenset[str], list[str], frozenset[str]]:
        """The cue groups found in a message, the matched words, its content words."""
        found = self.patterns.matches(doc)
        groups = {label for label, spans in found.items() if spans}  # each group is its own evidence
        columns = doc.to_array(_WORD_COLUMNS) if len(doc) else None
        cues = _cue_texts(text, found, columns)
        if columns is not None:
            alpha, length, like_num, like_url, upper = (columns[:, i] for i in (0, 3, 5, 6, 7))
            words = int(alpha.sum())
            if words >= LONG_MESSAGE_WORDS:
                groups.add("long")
            elif words < SHORT_MESSAGE_WORDS:
                groups.add("short")
            if like_num.any() or like_url.any():
                groups.add("detail")
            if (upper & alpha & (length >= 4)).any():
                groups.add("shouting")
            if not plainly_english(int(columns[:, 1].sum()), words) and not is_english(text):
                groups.add("other-language")
        return frozenset(groups), cues, self._content(doc, columns)

    def content_words(self, doc: Any) -> frozenset[str]:
        """Lemmas that carry the message's content ("battery", "refund", "charge"): no
        stop words, no handles or links, none of the generic support words (`echo.ignore`)."""
        return self._content(doc, doc.to_array(_WORD_COLUMNS) if len(doc) else None)

    def _content(self, doc: Any, columns: Any) -> frozenset[str]:
        """content_words from the attribute array: the filter runs on whole columns and
        only the distinct lemmas left are looked up (no Token object per word)."""
        if columns is None:
            return frozenset()
        keep = (columns[:, 0] == 1) & (columns[:, 1] == 0) & (columns[:, 3] > 2)
        strings, generic, found = doc.vocab.strings, self.generic, set()
        for lemma in set(columns[keep, 2].tolist()):
            word = strings[lemma].lower()
            if word not in generic and word not in STOP_WORDS:
                found.add(word)
        return frozenset(found)


@functools.lru_cache(maxsize=1)
def default_detector() -> CustomerDetector:
    return CustomerDetector(get_nlp(), load_context("customer.yaml"), str(lexicon_path()))


def detect(text: str) -> CustomerSignal:
    """Verdict on a customer message with the built-in lexicon."""
    return default_detector().detect(text)


def detect_many(texts: list[str]) -> list[CustomerSignal]:
    """Verdicts on many customer messages, streamed through the pipeline together."""
    return default_detector().detect_many(texts) if texts else []


def content_words(doc: Any) -> frozenset[str]:
    """Content lemmas of a reply's doc, by the same test as a customer message's."""
    return default_detector().content_words(doc)


def canned_problems(replies: list[str]) -> list[bool | None]:
    """With no customer message: does each canned reply answer a problem (None: its
    words do not say)? In one stream through the pipeline."""
    return default_detector().canned_problems(replies) if replies else []
