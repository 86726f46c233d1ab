"""VADER's sentiment lexicon read over the pipeline's own tokens.

VADER (Hutto & Gilbert, 2014; the `vaderSentiment` package) is a rule-based lexicon of
7,500 words, slang and emoticons rated for valence by people, built for social media
text. Its own analyser splits text again by whitespace; here the words come from the
doc the detector already made, so a customer message is tokenised once. What VADER
does beyond the lexicon and matters for support messages is kept: a negation within
three words flips and damps a word ("not happy"), boosters ("very", "so") strengthen
it, a word in capitals among lower-case words shouts, "but" shifts the weight to what
follows it, and exclamation marks add emphasis.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IS_ALPHA, IS_UPPER, LOWER
from spacy.strings import get_string_id

# VADER's constants (vaderSentiment.vaderSentiment): the same numbers, so the scores
# mean what VADER's do.
_NEGATION_SCALAR = -0.74
_EXCLAMATION = 0.292
_NORMALISE_ALPHA = 15.0
_COLUMNS = [LOWER, IS_UPPER, IS_ALPHA]


@dataclass(frozen=True)
class Sentiment:
    """Shares of positive and negative valence and VADER's compound score (-1..1)."""

    negative: float = 0.0
    positive: float = 0.0
    compound: float = 0.0


class _Lexicon:
    """VADER's tables keyed by the string id spaCy gives a lower-case word (its hash, or
    for a word that is also a spaCy symbol, "number", the symbol's id: what the LOWER
    column holds)."""

    def __init__(self) -> None:
        from vaderSentiment import vaderSentiment as vader

        lexicon_text = vader.SentimentIntensityAnalyzer().lexicon_full_filepath
        self.valence: dict[int, float] = {}
        for line in lexicon_text.splitlines():
            word, _, rest = line.partition("\t")
            if word and rest:
                self.valence[get_string_id(word.lower())] = float(rest.split("\t", 1)[0])
        self.negations = {get_string_id(w) for w in vader.NEGATE} | {get_string_id("n't"), get_string_id("never")}
        self.boosters = {get_string_id(w): v for w, v in vader.BOOSTER_DICT.items() if " " not in w}
        self.caps_boost = float(vader.C_INCR)
        self.but = {get_string_id("but")}
        self.exclamation = get_string_id("!")
        # Every key a token may need a step for: lexicon words and "but" (the "!" count
        # is taken from the column).
        self.keys = frozenset({*self.valence, *self.but})


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


def sentiment_of(doc: Any, columns: tuple[list[int], list[int], list[int]] | None = None) -> Sentiment:
    """The message's sentiment from its tokens (a doc of the shared pipeline). `columns`,
    when the caller has them, are the doc's LOWER, IS_UPPER and IS_ALPHA columns as
    lists: the doc is not read again."""
    if not len(doc):
        return Sentiment()
    lex = _lexicon()
    lower, upper, alpha = columns if columns is not None else doc.to_array(_COLUMNS).T.tolist()
    # Only the few words of the lexicon (and "but", "!") need a step.
    keys = lex.keys
    hits = [i for i, key in enumerate(lower) if key in keys]
    if not hits:
        return Sentiment()
    words = sum(alpha)
    shouting = sum(1 for u, a in zip(upper, alpha) if u and a)
    shouting_differs = 0 < shouting < words
    scored: list[tuple[int, float]] = []  # (token index, valence) of the lexicon's words
    but_at = None
    for i in hits:
        key = lower[i]
        if key in lex.but:
            if but_at is None:
                but_at = i
            continue
        valence = lex.valence.get(key)
        if valence is None:
            continue
        if upper[i] and shouting_differs:
            valence += lex.caps_boost if valence > 0 else -lex.caps_boost
        for back in (1, 2, 3):
            if i - back < 0:
                break
            before = lower[i - back]
            boost = lex.boosters.get(before)
            if boost is not None and back == 1:
                valence += boost if valence > 0 else -boost
            if before in lex.negations:
                valence *= _NEGATION_SCALAR
                break
        scored.append((i, valence))
    if but_at is not None:
        scores = [v * (0.5 if i < but_at else 1.5) for i, v in scored]
    else:
        scores = [v for _, v in scored]
    total = math.fsum(scores)
    if total:
        bangs = min(4, lower.count(lex.exclamation)) * _EXCLAMATION
        total += bangs if total > 0 else -bangs
    positive = math.fsum(s for s in scores if s > 0)
    negative = abs(math.fsum(s for s in scores if s < 0))
    # Words outside the lexicon (and lexicon words a negation zeroed) are the neutral mass.
    neutral = words - len(scores) + sum(1 for s in scores if s == 0)
    mass = positive + negative + max(neutral, 0)
    compound = total / math.sqrt(total * total + _NORMALISE_ALPHA)
    return Sentiment(negative / mass if mass else 0.0, positive / mass if mass else 0.0, compound)
