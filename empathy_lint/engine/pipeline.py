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
import re
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy
import spacy
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from empathy_lint.read.textmap import CJK_LETTERS, CJK_MARKS

LOOKUPS_CONFIG = {
    "initialize": {
        "lookups": {"@misc": "spacy.LookupsDataLoader.v1", "lang": "en", "tables": ["lexeme_norm"]}
    }
}


def load_lemma_overrides() -> dict[str, str]:
    """Corrections to the lookup table, kept as data in rules/context/lemmas.yaml."""
    from empathy_lint.rulebook import load_context

    data = load_context("lemmas.yaml")
    return {str(k): str(v) for k, v in (data or {}).items()}


def _build_lemma_table() -> dict[int, str]:
    from spacy.lookups import load_lookups
    from spacy.strings import get_string_id

    table = dict(load_lookups("en", ["lemma_lookup"], strict=True).get_table("lemma_lookup").items())
    for form, lemma in load_lemma_overrides().items():
        # The table's keys are string ids, as a token's norm is: for a word that is also
        # one of spaCy's symbols ("number", "agent", "mark") that is not its hash.
        table[get_string_id(form)] = lemma
    return table


class NormLemmatizer:
    """Sets token.lemma_ to the lookup lemma of token.norm_."""

    def __init__(self, nlp: Language) -> None:
        self.strings = nlp.vocab.strings
        self.lemma_of_norm: dict[int, int] = {}
        self.table: dict[int, str] = {}

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        from importlib.metadata import version

        from empathy_lint.cache import cached, content_key
        from empathy_lint.rulebook import context_path

        overrides = context_path("lemmas.yaml").read_bytes()
        # ("string-ids": the overrides are keyed by string id since 2026-12-05; a table
        # built before, with the hash of a symbol word such as "number", is not reused.)
        key = content_key("lemma_lookup/string-ids", version("spacy-lookups-data"), version("spacy"), overrides)
        # {string id of a form: lemma}: a token's norm id indexes it directly.
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
        columns = kept_columns(doc)
        # The sentencizer read the norms in its pass; a doc from elsewhere is read here.
        norms = columns.norms if columns is not None else doc.to_array(NORM).tolist()
        lemmas = list(map(table.get, norms))  # the dict first: the common case
        if None in lemmas:
            lemmas = [lemma or self.lemma(norm) for lemma, norm in zip(lemmas, norms)]
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        if columns is not None:  # the rules' exact checks read lemmas too
            columns.lemmas = lemmas
        return doc


# Marks that open what follows them: brackets, quotes, and the marks agent initials
# start with ("^HSB", "*AFM", "-Becky", "~JS").
OPENING_MARKS = ("(", "[", "{", '"', "\u201c", "\u2018", "'", "^", "*", "-", "~", "/", "\u2013", "\u2014")


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
        self.opening = frozenset(strings.add(c) for c in OPENING_MARKS)
        self.strings = strings
        self._line_break: dict[int, bool] = {}

    def _is_line_break(self, orth: int) -> bool:
        known = self._line_break.get(orth)
        if known is None:
            known = self._line_break[orth] = "\n" in self.strings[orth]
        return known

    def _is_mention(self, orth: int) -> bool:
        # Not memoised: every customer's handle is a new string.
        text = self.strings[orth]
        return len(text) > 1 and text[0] == "@"

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # One flat list per attribute: a list per token would be a container the garbage
        # collector tracks, and the frame keeps these for the doc's lifetime.
        # NORM is for the lemmatizer after us: one read of the doc serves both.
        orths, norms, puncts, spaces, stops, alphas, spaced = doc.to_array(
            [ORTH, NORM, IS_PUNCT, IS_SPACE, IS_STOP, IS_ALPHA, SPACY]).T.tolist()
        count = len(orths)
        starts = [-1] * count
        starts[0] = 1
        # After a run of sentence-final and other punctuation that a final character
        # opens, the next token starts a sentence: the loop visits the finals only.
        # (itertools.compress picks the indices at C speed: no Python step per token.)
        # A mark that opens after a space opens the next sentence, not this one's tail:
        # "soon. *AFM" (agent initials), "done. (See the FAQ.)", "- Becky".
        final, opening, scanned, positions = self.final, self.opening, 0, range(count)
        for i in compress(positions, map(final.__contains__, orths)):
            if i < scanned:
                continue  # inside the run an earlier final opened
            j = i + 1
            while j < count and (puncts[j] or orths[j] in final) and not (spaced[j - 1] and orths[j] in opening):
                j += 1
            if j < count:
                starts[j] = 1
            scanned = j
        for i in compress(positions, spaces):
            if i + 1 < count and not spaces[i + 1] and self._is_line_break(orths[i]):
                starts[i + 1] = 1
        # "@115768 Reboot your router": the words after a reply's leading @mentions
        # start its first sentence (an instruction opens there, as after a greeting).
        j = 0
        while j < count and self._is_mention(orths[j]):
            j += 1
        if 0 < j < count:
            starts[j] = 1
        doc.from_array([SENT_START], numpy.array(starts, dtype="int64").view("uint64").reshape(-1, 1))
        # The frame reads these again, and the language test the counts.
        doc.user_data[SENTENCE_COLUMNS] = TokenColumns(orths, norms, puncts, spaces, starts, sum(stops), sum(alphas),
                                                       word_sentences(starts, puncts, spaces))
        return doc


_IS_ONE = (1).__eq__


def word_sentences(starts: list[int], puncts: list[int], spaces: list[int]) -> list[tuple[int, int]]:
    """The sentences that hold a word (a token neither space nor punctuation), as
    (start, end) token ranges, from each token's sentence start (1) and flags."""
    bounds = list(compress(range(len(starts)), map(_IS_ONE, starts)))
    bounds.append(len(starts))
    ranges = []
    for k in range(len(bounds) - 1):
        start, end = bounds[k], bounds[k + 1]
        # The first token is a word in most sentences: the scan rarely goes further.
        if not (spaces[start] or puncts[start]) or any(not (spaces[i] or puncts[i]) for i in range(start + 1, end)):
            ranges.append((start, end))
    return ranges


@dataclass(slots=True)
class TokenColumns:
    """Per token: ORTH and NORM hashes, IS_PUNCT, IS_SPACE, and 1 if it starts a sentence
    (else -1); how many tokens are stop words and how many are words; the LEMMA hashes
    once the lemmatizer has set them (None before: it fills them in, on this doc's own
    columns, without a copy)."""

    orths: list[int]
    norms: list[int]
    puncts: list[int]
    spaces: list[int]
    starts: list[int]
    stop_words: int
    words: int
    sentences: list[tuple[int, int]]
    lemmas: list[int] | None = None


SENTENCE_COLUMNS = "empathy_lint.sentence_columns"


def kept_columns(doc: Doc) -> TokenColumns | None:
    """The columns our pipeline kept on `doc` in its own pass, if they are still this
    doc's (None for a doc another pipeline made, or one changed since)."""
    found = doc.user_data.get(SENTENCE_COLUMNS)
    return found if found is not None and len(found.orths) == len(doc) else None


def sentence_columns(doc: Doc) -> TokenColumns:
    """The columns the sentencizer read and wrote, from its own pass (read from the doc
    if another pipeline made it)."""
    found = kept_columns(doc)
    if found is not None:
        return found
    if not len(doc):
        return TokenColumns([], [], [], [], [], 0, 0, [], [])
    orths, norms, puncts, spaces, stops, alphas, starts, lemmas = doc.to_array(
        [ORTH, NORM, IS_PUNCT, IS_SPACE, IS_STOP, IS_ALPHA, SENT_START, LEMMA]).T.tolist()
    starts = [1 if s == 1 or not i else -1 for i, s in enumerate(starts)]
    return TokenColumns(orths, norms, puncts, spaces, starts, sum(stops), sum(alphas),
                        word_sentences(starts, puncts, spaces), lemmas)


# Lemma hash -> the lowercased word, or None for what is not a word ("@115723", "4", "!").
_WORD_OF: dict[int, str | None] = {}
_WORD_MEMO_SIZE = 100_000
_NOT_SEEN = object()
# A mark before an agent's initials ("^JS", "^kl", "*TMT"): what follows a caret, or an
# asterisk and capitals, is a signature, not a word ("* Open Settings", a markdown
# bullet, keeps its word).
_CARET, _ASTERISK = hash_string("^"), hash_string("*")
_SIGNATURE_MARKS = frozenset((_CARET, _ASTERISK))


def reply_lemmas(doc: Doc) -> frozenset[str]:
    """The distinct lowercased lemmas of a doc's words, signatures left out: the words
    the confidence model weighs. Read from the sentencizer's columns (no Token objects),
    each distinct lemma looked up once, once per doc."""
    found = doc.user_data.get("empathy_lint.lemmas")
    if found is not None:
        return found
    columns = sentence_columns(doc)
    lemmas = columns.lemmas if columns.lemmas is not None else doc.to_array([LEMMA]).tolist()
    distinct, orths, strings = set(lemmas), columns.orths, doc.vocab.strings
    if not _SIGNATURE_MARKS.isdisjoint(orths):
        distinct.difference_update(lemmas[i] for i in range(1, len(orths))
                                   if orths[i - 1] == _CARET
                                   or (orths[i - 1] == _ASTERISK and strings[orths[i]].isupper()))
    words = set()
    for lemma in distinct:
        word = word_of(lemma, strings)
        if word is not None:
            words.add(word)
    found = doc.user_data["empathy_lint.lemmas"] = frozenset(words)
    return found


def word_of(key: int, strings: Any) -> str | None:
    """The lowercased word a string hash (an ORTH or LEMMA value) stands for, or None for
    what is not a word ("@115723", "4", "!"); each hash is looked up once."""
    word = _WORD_OF.get(key, _NOT_SEEN)
    if word is _NOT_SEEN:
        text = strings[key].lower() if key in strings else ""
        word = text if text.isalpha() else None
        if len(_WORD_OF) >= _WORD_MEMO_SIZE:
            _WORD_OF.clear()
        _WORD_OF[key] = word
    return word


@Language.factory("empathy_sentencizer")
def _make_sentencizer(nlp: Language, name: str) -> ArraySentencizer:
    return ArraySentencizer(nlp)


@Language.factory("empathy_norm_lemmatizer")
def _make_norm_lemmatizer(nlp: Language, name: str) -> NormLemmatizer:
    return NormLemmatizer(nlp)


# Chunks whose tokenization spaCy keeps (its default is 10,000): replies and customer
# messages of one export hold more distinct chunks than that, and each kept one costs
# tens of bytes.
TOKENIZER_CACHE_CHUNKS = 100_000


class PrimingTokenizer:
    """spaCy's tokenizer, with its cache kept useful (spaCy issue #13950).

    spaCy caches how each whitespace-separated chunk ("us.", "DM", "help!") splits, so
    a chunk seen before costs a lookup instead of the prefix, suffix and infix regexes.
    But once a text holds a tokenizer special case ("I'm", "don't", ":)"), nothing after
    it in that text is cached, and in replies that is most chunks: in a long run they
    paid the regexes at every sighting. So the chunks of a text not seen before are
    tokenized first on their own, special cases left out, which caches them; the text
    itself then finds them cached. spaCy's cache stops growing at `max_cache_size`
    chunks; so does this.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.seen: set[str] | None = set()  # None once spaCy's cache is full
        self.specials = tokenizer.rules or {}

    def __call__(self, text: str) -> Doc:
        seen = self.seen
        if seen is not None:
            chunks = text.split()
            if not seen.issuperset(chunks):  # one C call in the common case: all seen
                self._prime([chunk for chunk in chunks if chunk not in seen])
        return self.tokenizer(text)

    def _prime(self, fresh: list[str]) -> None:
        assert self.seen is not None
        self.seen.update(fresh)
        specials = self.specials
        # A chunk holding a special case ("I'm", "(don't).") is never cached, and would
        # stop the ones after it being cached: special cases and chunks with an
        # apostrophe are left out.
        primed = [chunk for chunk in fresh if "'" not in chunk and "\u2019" not in chunk and chunk not in specials]
        if primed:
            self.tokenizer(" ".join(primed))
        if len(self.seen) >= self.tokenizer.max_cache_size:
            self.seen = None

    def __getattr__(self, name: str) -> Any:
        if name == "tokenizer":  # not set yet (a copy being built): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)  # rules, vocab, explain ...


# Japanese and Chinese write words with no space between them: spaCy's English tokenizer
# keeps a whole run ("ご迷惑をおかけしております。端末の") as one token, where no phrase can
# be found. Their characters (kana, ideographs, their punctuation and full-width forms)
# are a token each in `unspaced_doc`.
CJK_CHARACTER = f"[{CJK_MARKS}{CJK_LETTERS}\uff00-\uffef]"  # (and the full-width letters and digits)
_CJK = re.compile(CJK_CHARACTER)


def has_unspaced_script(text: str) -> bool:
    """Does `text` hold Japanese or Chinese characters?"""
    return not text.isascii() and _CJK.search(text) is not None


@functools.lru_cache(maxsize=4)
def _unspaced_tokenizer(nlp: Language) -> Tokenizer:
    """The pipeline's tokenizer, with each Japanese or Chinese character split off (built
    on first need: most runs never meet one)."""
    base = getattr(nlp.tokenizer, "tokenizer", nlp.tokenizer)
    return Tokenizer(nlp.vocab, rules=base.rules, prefix_search=base.prefix_search, suffix_search=base.suffix_search,
                     infix_finditer=compile_infix_regex([*nlp.Defaults.infixes, CJK_CHARACTER]).finditer,
                     token_match=base.token_match, url_match=base.url_match)


def unspaced_doc(nlp: Language, text: str) -> Doc:
    """`text` through the pipeline with each Japanese or Chinese character a token, so a
    rule's phrase in those languages ("申し訳", "抱歉") is found inside a run of them.
    Only such text is read this way: the customer detector, fitted on the pipeline's
    own tokens, reads every message as before."""
    doc = _unspaced_tokenizer(nlp)(text)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, built on first use."""
    nlp = spacy.blank("en", config=LOOKUPS_CONFIG)
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
    nlp.tokenizer = PrimingTokenizer(nlp.tokenizer)
    nlp.add_pipe("empathy_sentencizer")
    nlp.add_pipe("empathy_norm_lemmatizer")
    nlp.initialize()
    return nlp
