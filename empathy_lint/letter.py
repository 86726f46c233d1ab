"""Greetings and sign-offs: the frame around the body of a reply.

Missing content belongs inside the frame: an apology after "Hi Sam,", a follow-up
offer before "Regards, Ana". Agent initials at the end of social replies ("^HSB",
"-Becky", "*TMT") count as a sign-off too. The word lists are data, in
rules/context/letter.yaml.
"""
from __future__ import annotations

import functools
import re

from spacy.tokens import Span

from .rulebook import load_context

_INITIALS = re.compile(r"^[\^\-*~/–—]\s*[A-Za-z]{1,20}$")


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[int, tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    data = load_context("letter.yaml")
    split = lambda phrases: tuple(tuple(p.lower().split()) for p in phrases)  # noqa: E731
    return int(data["max_words"]), split(data["greetings"]), split(data["signoffs"])


def _words(span: Span) -> list[str]:
    return [t.lower_ for t in span if not t.is_punct and not t.is_space]


def _starts_with(words: list[str], phrases: tuple[tuple[str, ...], ...], limit: int) -> bool:
    return any(tuple(words[: len(p)]) == p and len(words) - len(p) <= limit for p in phrases)


def is_greeting(sentence: Span) -> bool:
    """A short sentence that only greets: "Hi Sam,", "Good morning!"."""
    limit, greetings, _ = _lexicon()
    words = [w for w in _words(sentence) if not w.startswith("@")]
    return bool(words) and _starts_with(words, greetings, limit - 1)


def is_signoff(sentence: Span) -> bool:
    """A short closing: "Regards, Ana", "Thanks!", or agent initials like "^HSB"."""
    limit, _, signoffs = _lexicon()
    text = sentence.text.strip()
    if _INITIALS.match(text) or all(_INITIALS.match(t.text) or t.is_punct or t.is_space for t in sentence):
        return True
    words = _words(sentence)
    return bool(words) and _starts_with(words, signoffs, limit - 1) and len(words) <= limit + 1


def is_signature(sentence: Span) -> bool:
    """A name on its own ("Sam", "Ana Lopez"): signs off when it follows a sign-off."""
    words = _words(sentence)
    return 0 < len(words) <= 3 and all(t.is_title or t.is_punct or t.is_space for t in sentence)
