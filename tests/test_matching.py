"""Expanding fixed-word token patterns into phrases must not lose matches."""
from __future__ import annotations

from spacy.matcher import Matcher

from empathy_lint.engine.matching import EXCEPT_SUFFIX, PatternSet, expand_classes, expand_with_checks, normalise_token_pattern
from empathy_lint.engine.pipeline import get_nlp
from empathy_lint.rulebook import load_rules
from empathy_lint.read.textmap import prepare


def test_fixed_word_patterns_match_exactly_what_the_matcher_matches(dev_records):
    """Lemma phrases plus checks: {LOWER: help} finds "help", never "helped"."""
    nlp = get_nlp()
    texts = [r["reply"] for r in dev_records] + ["We helped you. Please help! Sorry for the delays, we apologised."]
    docs = list(nlp.pipe(prepare(t).text for t in texts))
    checked = 0
    for rule in load_rules():
        for pattern in rule.patterns + rule.excepts:
            if isinstance(pattern, str):
                continue
            fixed = expand_classes(normalise_token_pattern(pattern))
            patterns = PatternSet(nlp)
            patterns.add("p", fixed, ValueError)
            patterns.finish()
            if not patterns.checked:
                continue
            matcher = Matcher(nlp.vocab)
            matcher.add("p", [fixed])
            for doc in docs:
                assert {(s, e) for _, s, e in matcher(doc)} == patterns.matches(doc).get("p", set()), (rule.id, pattern)
            checked += 1
    assert checked >= 50


def test_anchor_is_the_rarest_run_of_required_words():
    from empathy_lint.engine.matching import choose_anchor

    lemma = lambda attr, w: frozenset() if "'" in w else frozenset([w.lower()])  # noqa: E731  ("shouldn't" splits)
    assert choose_anchor([{"LOWER": "you"}, {"LOWER": {"IN": ["should", "shouldn't"]}}, {"LEMMA": "have"}], lemma) \
        == (0, 2, [["you", "should", "have"]])
    # "if" is a stop word; the wildcard ends the run, so the content words after it anchor.
    assert choose_anchor([{"LOWER": "if"}, {"IS_ALPHA": True, "OP": "{0,6}"}, {"LOWER": {"IN": ["persists", "recurs"]}}],
                         lemma) == (2, 2, [["persists"], ["recurs"]])
    assert choose_anchor([{"LOWER": "a", "OP": "?"}, {"LIKE_NUM": True}], lemma) is None
    assert choose_anchor([{"IS_SENT_START": True, "LEMMA": {"IN": ["dm", "send"]}}], lemma) == (0, 0, [["dm"], ["send"]])
    # A sentence end is in nearly every reply: "not ... . Please contact" anchors on "not".
    step = [{"NORM": {"IN": ["not", "unable"]}}, {"ORTH": {"NOT_IN": [".", "!", "?"]}, "OP": "*"},
            {"ORTH": {"IN": [".", "!", "?"]}}, {"LOWER": "please", "OP": "?"}, {"LEMMA": {"IN": ["contact", "call"]}}]
    assert choose_anchor(step, lemma)[0] == 0
    # ...while a question mark is still rarer than a dozen auxiliaries.
    question = [{"LOWER": {"IN": ["do", "did", "does", "are", "is", "was", "were", "have", "has", "can", "could"]}},
                {"ORTH": {"NOT_IN": [".", "!", "?"]}, "OP": "*"}, {"ORTH": "?"}]
    assert choose_anchor(question, lemma)[:2] == (2, 2)


def _token_patterns(lexicon: list[tuple[str, list]]) -> list[tuple[str, list[dict]]]:
    from empathy_lint.engine.matching import normalise_token_pattern

    return [(key, expand_classes(normalise_token_pattern(p))) for key, p in lexicon if not isinstance(p, str)]


def _rule_and_cue_patterns() -> list[tuple[str, list]]:
    from empathy_lint.rulebook import load_context

    entries = [(rule.id + suffix, p) for rule in load_rules()
               for suffix, patterns in (("", rule.patterns), ("!except", rule.excepts)) for p in patterns]
    lexicon = load_context("customer.yaml")
    for group in [*lexicon["groups"], *lexicon["reply"]]:
        entries += [(group["label"], p) for p in group["patterns"]]
    return entries


def test_checked_and_anchored_matching_equals_a_plain_matcher(dev_records):
    """Phrases with exact checks, and token patterns run only around their anchor words,
    find exactly what spaCy's Matcher finds with the patterns as written; an `!except`
    pattern is only looked for where its rule has a match (it cancels nothing else)."""
    nlp = get_nlp()
    patterns, plain = PatternSet(nlp), Matcher(nlp.vocab)
    for key, pattern in _token_patterns(_rule_and_cue_patterns()):
        patterns.add(key, pattern, ValueError)
        plain.add(key, [pattern])
    patterns.finish()
    assert len(patterns.anchored) >= 15 and len(patterns.checked) >= 20
    strings = nlp.vocab.strings
    texts = [r["reply"] for r in dev_records] + [r["customer"] for r in dev_records if r.get("customer")]
    compared = skipped = 0
    for doc in nlp.pipe(prepare(t).text for t in texts):
        expected = {(strings[m], s, e) for m, s, e in plain(doc)}
        found = {(key, s, e) for key, spans in patterns.matches(doc).items() for s, e in spans}
        matched = {key for key, _, _ in expected if not key.endswith(EXCEPT_SUFFIX)}
        needed = {m for m in expected if not m[0].endswith(EXCEPT_SUFFIX) or m[0].removesuffix(EXCEPT_SUFFIX) in matched}
        assert needed <= found <= expected, doc.text[:80]
        compared += len(expected)
        skipped += len(expected - found)
    assert compared >= 200 and skipped  # some excepts had nothing to cancel, and were not run


def test_expansion_with_checks_keeps_exact_words():
    patterns = PatternSet(get_nlp())
    strings = get_nlp().vocab.strings
    (checks, sequences, _), = expand_with_checks([{"LOWER": "sorry"}, {"LOWER": {"IN": ["delays", "wait"]}}],
                                              patterns.lemmas_of, strings)
    assert sorted(sequences) == [["sorry", "delay"], ["sorry", "wait"]]
    assert (1, "LOWER", frozenset([strings["delays"], strings["wait"]])) in checks
    optional = expand_with_checks([{"IS_SENT_START": True, "LEMMA": "send"}, {"LOWER": "us", "OP": "?"}],
                                  patterns.lemmas_of, strings)
    assert [c for c, _, _ in optional] == [((0, "IS_SENT_START", frozenset([True])), (1, "LOWER", frozenset([strings["us"]]))),
                                        ((0, "IS_SENT_START", frozenset([True])),)]
    assert expand_with_checks([{"LOWER": "sorry"}, {"IS_PUNCT": True, "OP": "?"}], patterns.lemmas_of, strings) is None


def test_lemmas_of_a_word_include_its_lemmas_inside_special_cases():
    """"ca" is "can" in "cant", "'m" is "be" in "I'm": anchors and expansions must know."""
    patterns = PatternSet(get_nlp())
    assert patterns.lemmas_of("LOWER", "ca") >= {"ca", "can"}
    assert "be" in patterns.lemmas_of("LOWER", "'m")
    assert patterns.lemmas_of("LOWER", "apologised") == {"apologize"}
    assert patterns.lemmas_of("LOWER", "shouldn't") == frozenset()
    assert patterns.lemmas_of("LOWER", "direct message") == frozenset()



def test_word_classes_expand_inside_in_lists():
    """`$action` stands for the class's words, next to words written out."""
    fixed = expand_classes([{"LEMMA": {"IN": ["$contact", "visit"]}}, {"LOWER": "us"}])
    words = fixed[0]["LEMMA"]["IN"]
    assert {"dm", "email", "call", "visit"} <= set(words) and "$contact" not in words
    patterns = PatternSet(get_nlp())
    patterns.add("p", [{"LOWER": {"IN": ["we", "i"]}}, {"LEMMA": "have"}, {"LEMMA": {"IN": ["$action"]}}], ValueError)
    patterns.finish()
    docs = get_nlp().pipe(["We've escalated your case.", "We have a lovely view."])
    assert [bool(patterns.matches(doc)) for doc in docs] == [True, False]


def test_an_unknown_word_class_is_a_rule_error():
    import pytest

    patterns = PatternSet(get_nlp())
    with pytest.raises(ValueError, match=r"unknown word class \$nope"):
        patterns.add("p", [{"LEMMA": {"IN": ["$nope"]}}], ValueError)


def test_a_word_class_at_the_end_is_checked_not_spelled_out():
    """[let, us, $action]: the phrase is "let us", the verb a lemma check after it."""
    nlp = get_nlp()
    strings = nlp.vocab.strings
    pattern = expand_classes([{"LOWER": "let"}, {"LOWER": {"IN": ["us", "'s"]}}, {"LEMMA": {"IN": ["$action"]}}])
    patterns = PatternSet(nlp)
    (checks, sequences, tail), *_ = expand_with_checks(pattern, patterns.lemmas_of, strings)
    assert tail == 1 and ["let", "us"] in sequences and all(len(seq) == 2 for seq in sequences)
    assert any(offset == 2 and attr == "LEMMA" for offset, attr, _ in checks)
    patterns.add("p", pattern, ValueError)
    patterns.finish()
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    for text in ["Let's escalate this now.", "Let us", "Let us know.", "let us check, let's dig"]:
        doc = nlp(text)
        assert patterns.matches(doc).get("p", set()) == {(s, e) for _, s, e in matcher(doc)}, text


def test_a_window_runs_the_matcher_only_where_the_words_it_needs_are_within_reach(monkeypatch):
    """"sorry ... but we": around "sorry" with no "but" in reach the Matcher is not run,
    and where "but" is there it runs and matches as spaCy's Matcher does."""
    from empathy_lint.engine.matching import _AnchoredPattern

    nlp = get_nlp()
    pattern = [{"LEMMA": {"IN": ["sorry", "apologize"]}}, {"IS_PUNCT": False, "OP": "{0,6}"},
               {"LOWER": {"IN": ["but", "however"]}}, {"LOWER": {"IN": ["we", "i"]}}]
    patterns = PatternSet(nlp)
    patterns.add("p", pattern, ValueError)
    patterns.finish()
    runs: list[str] = []
    real = _AnchoredPattern.around
    monkeypatch.setattr(_AnchoredPattern, "around", lambda self, doc, s, e: runs.append(doc.text) or real(self, doc, s, e))
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    for text, runs_matcher in [("Sorry for the wait, we fixed it.", False),
                               ("Sorry for the wait. Twelve words later we say but we did.", False),
                               ("Sorry, but we cannot refund it.", True),
                               ("We apologize for this but I can't help.", True)]:
        doc = nlp(text)
        runs.clear()
        assert patterns.matches(doc).get("p", set()) == {(s, e) for _, s, e in matcher(doc)}, text
        assert bool(runs) == runs_matcher, text


def test_a_sentence_opening_pattern_runs_no_window_where_its_words_are_mid_sentence(monkeypatch):
    """"Calls are recorded." opens with a plural noun (no imperative): the pattern's words
    ("call", "send") are everywhere in replies, but only at a sentence start does the
    Matcher run, and it finds what spaCy's Matcher finds."""
    from empathy_lint.engine.matching import _AnchoredPattern

    nlp = get_nlp()
    pattern = [{"IS_SENT_START": True, "LEMMA": {"IN": ["call", "send"]}, "LOWER": {"REGEX": "[^s]s$"}}]
    patterns = PatternSet(nlp)
    patterns.add("p", pattern, ValueError)
    patterns.finish()
    assert patterns.anchored
    runs: list[int] = []
    real = _AnchoredPattern.around
    monkeypatch.setattr(_AnchoredPattern, "around", lambda self, doc, s, e: runs.append(s) or real(self, doc, s, e))
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    for text, windows in [("We will call you and send calls details.", 0),
                          ("Calls are recorded. We send calls out daily.", 1),
                          ("Send us your number.", 1)]:
        doc = nlp(text)
        runs.clear()
        assert patterns.matches(doc).get("p", set()) == {(s, e) for _, s, e in matcher(doc)}, text
        assert len(runs) == windows, text


def test_an_open_repeat_reaches_a_long_sentence_not_the_rest_of_the_reply():
    """A "*" is looked for within REPEAT_REACH tokens of the pattern's word: a limit and
    its "but" 30 words apart still match; a reply that never ends a sentence no longer
    makes every window the rest of the reply (quadratic time: benchmarks/linear.py)."""
    from empathy_lint.engine.matching import REPEAT_REACH

    nlp = get_nlp()
    patterns = PatternSet(nlp)
    patterns.add("p", [{"NORM": "not"}, {"ORTH": {"NOT_IN": ["."]}, "OP": "*"}, {"LOWER": "but"}], ValueError)
    patterns.finish()
    near = nlp("We can not " + "really " * 30 + "but we can.")
    assert patterns.matches(near).get("p")
    far = nlp("We can not " + "really " * (REPEAT_REACH + 5) + "but we can.")
    assert not patterns.matches(far).get("p")


def test_cancelled_spans_are_those_any_except_overlaps():
    """uncancelled finds by bisection what a scan of every `!except` span finds."""
    import random

    from empathy_lint.engine.matching import uncancelled

    chooser = random.Random(5)
    for _ in range(2000):
        spans = [(s, s + chooser.randint(1, 5)) for s in (chooser.randint(0, 40) for _ in range(chooser.randint(0, 8)))]
        cancel = [(s, s + chooser.randint(1, 6)) for s in (chooser.randint(0, 40) for _ in range(chooser.randint(0, 8)))]
        scanned = [(s, e) for s, e in spans if not any(cs < e and s < ce for cs, ce in cancel)]
        assert uncancelled(spans, cancel) == scanned, (spans, cancel)


def test_check_columns_from_the_pipeline_s_own_reads_equal_a_read_of_the_doc(dev_records):
    """Exact checks read LOWER/NORM/ORTH/SENT_START/LEMMA/LIKE_* from the columns the
    sentencizer and lemmatizer kept and a table by word: the same values as the doc's."""
    from empathy_lint.engine.matching import _CHECK_ARRAY, _LexicalColumns

    nlp = get_nlp()
    lexical = _LexicalColumns(nlp.vocab)
    sentence = _CHECK_ARRAY.index("SENT_START")
    texts = [prepare(r[field]).text for r in dev_records for field in ("reply", "customer") if r.get(field)]
    for doc in nlp.pipe(texts):
        ours = [list(column) for column in lexical.columns(doc)]
        read = doc.to_array(_CHECK_ARRAY).T.tolist()
        ours[sentence] = [value == 1 for value in ours[sentence]]
        read[sentence] = [value == 1 for value in read[sentence]]
        assert ours == read, doc.text
    assert lexical.lowers and lexical.likes  # the tables were used, not the fallback read


def test_check_columns_stay_right_when_their_word_tables_fill_and_start_again(monkeypatch):
    """The LOWER and LIKE_* tables start again when full (a long run of new words): the
    columns made while they empty mid-doc still equal a read of the doc."""
    from empathy_lint.engine import matching

    monkeypatch.setattr(matching, "LEXICAL_TABLE_SIZE", 3)
    nlp = get_nlp()
    lexical = matching._LexicalColumns(nlp.vocab)
    texts = ["Visit https://example.com or mail help@example.com within 3 days, order 12345.",
             "Ten orders, 4 refunds and www.acme.io: thanks!", "Visit https://example.com today."]
    for doc in nlp.pipe(texts):
        columns = lexical.columns(doc)
        assert [list(column) for column in columns[5:]] == doc.to_array(matching._CHECK_ARRAY[5:]).T.tolist()
        assert columns[0] == doc.to_array("LOWER").tolist()
    assert len(lexical.likes) <= 3 and len(lexical.lowers) <= 3
