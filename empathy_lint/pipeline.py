"""The spaCy pipeline: blank English + sentencizer + lemmas from normalised forms.

Built once per process and cached. No statistical model and no download: the
tokenizer, the sentencizer and lookup tables from spacy-lookups-data are enough
for phrase and token-pattern rules, and keep a cold start close to `import spacy`.

Why a custom lemma component: spaCy's lookup lemmatizer works on the exact
token text, so "Apologised" stays "Apologised". We look up the lemma of the
token's NORM instead (lower-cased, British spellings mapped to US by the
`lexeme_norm` table), so a rule author writes one base form ("apologize") and
it matches "Apologise", "apologised", "APOLOGIZED".
"""
from __future__ import annotations

import functools

import numpy
import spacy
from spacy.attrs import IS_SPACE, LEMMA, NORM
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
    """Sets token.lemma_ to the lookup lemma of token.norm_; marks line-break sentence starts."""

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

    def _lemma(self, norm: int) -> int:
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
        lemmas = [table.get(n) or self._lemma(n) for n in norms]
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        # A token after a line break starts a sentence (list items, paragraphs).
        spaces = doc.to_array(IS_SPACE)
        for i in numpy.flatnonzero(spaces[:-1]).tolist():
            if "\n" in doc[i].text and not spaces[i + 1]:
                doc[i + 1].is_sent_start = True
        return doc


@Language.factory("empathy_norm_lemmatizer")
def _make_norm_lemmatizer(nlp: Language, name: str) -> NormLemmatizer:
    return NormLemmatizer(nlp)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, built on first use."""
    nlp = spacy.blank("en", config=LOOKUPS_CONFIG)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("empathy_norm_lemmatizer")
    nlp.initialize()
    return nlp
