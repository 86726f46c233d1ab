"""The spaCy pipeline: blank English + sentence starts + lemmas from normalised forms.

Built once per process and cached. No statistical model and no download: the
tokenizer, the sentencizer's rule and lookup tables from spacy-lookups-data are enough
for phrase and token-pattern rules, and keep a cold start close to `import spacy`.

Why a custom lemma component: spaCy's lookup lemmatizer works on the exact
token text, so "Apologised" stays "Apologised". We look up the lemma of the
token's NORM instead (lower-cased, British spellings mapped to US by the
`lexeme_norm` table), so a rule author writes one base form ("apologize") and
it matches "Apologise", "apologised", "APOLOGIZED".
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

LOOKUPS_CONFIG = {
    "initialize": {
        "lookups": {"@misc": "spacy.LookupsDataLoader.v1", "lang": "en", "tables": ["lexeme_norm"]}
    }
}


def load_lemma_overrides() -> dict[str, str]:
    """Corrections to the lookup table, kept as data in rules/context/lemmas.yaml."""
    from .rulebook import load_context

    data = load_context("lemmas.yaml")
    return {str(k): str(v) for k, v in (data or {}).items()}


def _build_lemma_table() -> dict[int, str]:
    from spacy.lookups import load_lookups
    from spacy.strings import hash_string

    table = dict(load_lookups("en", ["lemma_lookup"], strict=True).get_table("lemma_lookup").items())
    for form, lemma in load_lemma_overrides().items():
        table[hash_string(form)] = lemma
    return table


class NormLemmatizer:
    """Sets token.lemma_ to the lookup lemma of token.norm_."""

    def __init__(self, nlp: Language) -> None:
        self.strings = nlp.vocab.strings
        self.lemma_of_norm: dict[int, int] = {}
        self.table: dict[int, str] = {}

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        from importlib.metadata import version

        from .cache import cached, content_key
        from .rulebook import context_path

        overrides = context_path("lemmas.yaml").read_bytes()
        key = content_key("lemma_lookup", version("spacy-lookups-data"), version("spacy"), overrides)
        # {hash of a form: lemma}: a token's norm hash indexes it directly.
        self.table = cached("lemmas", key, _build_lemma_table)

    def lemma(self, norm: int) -> int:
        """The lemma (string hash) of a token whose norm has hash `norm`."""
        lemma = self.lemma_of_norm.get(norm)
        if lemma is None:
            lemma = self.strings.add(self.table.get(norm, self.strings[norm]))
            self.lemma_of_norm[norm] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        """Works on attribute arrays, not Token objects: creating a Token per word is
        the single largest cost of a pass over a doc."""
        if not len(doc):
            return doc
        table = self.lemma_of_norm
        norms = doc.to_array(NORM).tolist()
        lemmas = list(map(table.get, norms))  # the dict first: the common case
        if None in lemmas:
            lemmas = [lemma or self.lemma(norm) for lemma, norm in zip(lemmas, norms)]
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


class ArraySentencizer:
    """spaCy's rule-based Sentencizer, on attribute arrays; plus line breaks.

    Same rule as spaCy's: after a sentence-final character (".", "!", "?" and their
    counterparts in other scripts, spaCy's own list), the next token that is not
    punctuation starts a sentence. Also, a token after a line break starts one (list
    items, paragraphs, sign-offs). spaCy's version creates a Token object per word,
    which made it the costliest step of the pipeline.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.pipeline import Sentencizer

        strings = nlp.vocab.strings
        self.final = frozenset(strings.add(c) for c in Sentencizer.default_punct_chars)
        self.strings = strings
        self._line_break: dict[int, bool] = {}

    def _is_line_break(self, orth: int) -> bool:
        known = self._line_break.get(orth)
        if known is None:
            known = self._line_break[orth] = "\n" in self.strings[orth]
        return known

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # One flat list per attribute: a list per token would be a container the garbage
        # collector tracks, and the frame keeps these for the doc's lifetime.
        orths, puncts, spaces, stops, alphas = doc.to_array([ORTH, IS_PUNCT, IS_SPACE, IS_STOP, IS_ALPHA]).T.tolist()
        count = len(orths)
        starts = [-1] * count
        starts[0] = 1
        start, seen_final = 0, False
        for i, (orth, is_punct, is_space) in enumerate(zip(orths, puncts, spaces)):
            final = orth in self.final
            if seen_final and not is_punct and not final:
                starts[start] = 1
                start, seen_final = i, False
            elif final:
                seen_final = True
            if is_space and i + 1 < count and not spaces[i + 1] and self._is_line_break(orth):
                starts[i + 1] = 1
        starts[start] = 1
        doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
        # The frame reads these again, and the language test the counts.
        doc.user_data[SENTENCE_COLUMNS] = TokenColumns(orths, puncts, spaces, starts, sum(stops), sum(alphas))
        return doc


class TokenColumns(NamedTuple):
    """Per token: ORTH hash, IS_PUNCT, IS_SPACE, and 1 if it starts a sentence (else -1);
    how many tokens are stop words and how many are words."""

    orths: list[int]
    puncts: list[int]
    spaces: list[int]
    starts: list[int]
    stop_words: int
    words: int


SENTENCE_COLUMNS = "empathy_lint.sentence_columns"


def sentence_columns(doc: Doc) -> TokenColumns:
    """The columns the sentencizer read and wrote, from its own pass (read from the doc
    if another pipeline made it)."""
    found = doc.user_data.get(SENTENCE_COLUMNS)
    if found is not None and len(found.starts) == len(doc):
        return found
    if not len(doc):
        return TokenColumns([], [], [], [], 0, 0)
    orths, puncts, spaces, stops, alphas, starts = doc.to_array(
        [ORTH, IS_PUNCT, IS_SPACE, IS_STOP, IS_ALPHA, SENT_START]).T.tolist()
    return TokenColumns(orths, puncts, spaces, [1 if s == 1 else -1 for s in starts], sum(stops), sum(alphas))


@Language.factory("empathy_sentencizer")
def _make_sentencizer(nlp: Language, name: str) -> ArraySentencizer:
    return ArraySentencizer(nlp)


@Language.factory("empathy_norm_lemmatizer")
def _make_norm_lemmatizer(nlp: Language, name: str) -> NormLemmatizer:
    return NormLemmatizer(nlp)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, built on first use."""
    nlp = spacy.blank("en", config=LOOKUPS_CONFIG)
    nlp.add_pipe("empathy_sentencizer")
    nlp.add_pipe("empathy_norm_lemmatizer")
    nlp.initialize()
    return nlp
