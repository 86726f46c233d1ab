"""Expanding fixed-word token patterns into phrases must not lose matches."""
from __future__ import annotations

from spacy.matcher import Matcher, PhraseMatcher

from empathy_lint.matching import CompiledRules, _lemma_doc, expand_to_phrases, normalise_token_pattern
from empathy_lint.pipeline import get_nlp
from empathy_lint.rulebook import load_rules
from empathy_lint.textmap import prepare


def test_expansion_shapes():
    lemma = lambda w: w.lower()  # noqa: E731
    assert expand_to_phrases([{"LOWER": {"IN": ["we", "i"]}}, {"LEMMA": "be"}], lemma) == [["we", "be"], ["i", "be"]]
    assert expand_to_phrases([{"LOWER": "sorry"}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": "but"}], lemma) is None
    assert expand_to_phrases([{"LOWER": "as", "OP": "?"}, {"LOWER": "per"}], lemma) == [["as", "per"], ["per"]]
    assert expand_to_phrases([{"LOWER": "a", "OP": "*"}], lemma) is None


def test_expanded_patterns_find_everything_the_matcher_finds(dev_records):
    nlp = get_nlp()
    compiled = CompiledRules(nlp, load_rules())
    docs = list(nlp.pipe(prepare(r["reply"]).text for r in dev_records))
    checked = 0
    for rule in load_rules():
        for pattern in rule.patterns + rule.excepts:
            if isinstance(pattern, str):
                continue
            fixed = normalise_token_pattern(pattern)
            sequences = expand_to_phrases(fixed, compiled._lemma_of)
            if sequences is None:
                continue
            matcher, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab, attr="LEMMA")
            matcher.add("p", [fixed])
            phrases.add("p", [_lemma_doc(nlp.vocab, s) for s in sequences])
            for doc in docs:
                by_matcher = {(s, e) for _, s, e in matcher(doc)}
                by_phrases = {(s, e) for _, s, e in phrases(doc)}
                assert by_matcher <= by_phrases, (rule.id, pattern, doc.text[:80])
            checked += 1
    assert checked >= 50


def test_trigger_words():
    from empathy_lint.matching import trigger_words

    assert trigger_words([{"LOWER": "if"}, {"IS_ALPHA": True, "OP": "{0,6}"}, {"LOWER": {"IN": ["still", "again"]}}]) == {"if"}
    assert trigger_words([{"LOWER": "a", "OP": "?"}, {"LIKE_NUM": True}]) is None
    assert trigger_words([{"IS_SENT_START": True, "LEMMA": {"IN": ["dm", "send"]}}]) == {"dm", "send"}


def test_gated_matching_equals_an_ungated_matcher(dev_records):
    """Skipping a token pattern when its trigger words are absent never loses a match."""
    from empathy_lint.matching import PatternSet

    nlp = get_nlp()
    compiled = CompiledRules(nlp, load_rules())
    patterns: PatternSet = compiled.patterns
    plain = Matcher(nlp.vocab)
    for entries in patterns.gated.values():
        for key, pattern in entries:
            plain.add(key, [pattern])
    strings = nlp.vocab.strings
    for doc in nlp.pipe(prepare(r["reply"] + " " + (r.get("customer") or "")).text for r in dev_records):
        expected = {(strings[m], s, e) for m, s, e in plain(doc)}
        found = patterns.matches(doc)
        gated = {(key, s, e) for key, spans in found.items() for s, e in spans if (key, s, e) in expected}
        assert gated == expected, doc.text[:80]
