"""The pipeline and text preparation: normalisation that rule authors rely on."""
from __future__ import annotations

import pytest
import spacy

from empathy_lint.engine.pipeline import OPENING_MARKS, PrimingTokenizer, get_nlp, sentence_columns
from empathy_lint.read.textmap import prepare


def lemmas(text: str) -> list[str]:
    return [t.lemma_ for t in get_nlp()(prepare(text).text)]


def test_pipeline_is_built_once():
    assert get_nlp() is get_nlp()


def test_pipeline_has_no_statistical_components():
    assert get_nlp().pipe_names == ["empathy_sentencizer", "empathy_norm_lemmatizer"]


@pytest.mark.parametrize("word", ["apologize", "Apologise", "apologised", "APOLOGIZED", "apologizes"])
def test_british_and_inflected_forms_share_the_lemma(word):
    assert lemmas(f"We {word}.")[1] == "apologize"


def test_apologies_is_the_noun_apology():
    assert lemmas("Apologies for the wait")[0] == "apology"


def test_curly_and_straight_apostrophes_tokenize_alike():
    assert lemmas("I’m sorry") == lemmas("I'm sorry") == lemmas("I am sorry")


def test_lookup_table_mistakes_are_corrected_from_yaml():
    # The POS-less lookup table says "does" -> "doe"; rules/context/lemmas.yaml fixes it.
    assert lemmas("It does not work")[1] == "do"


def test_paragraph_and_list_breaks_start_sentences():
    doc = get_nlp()(prepare("Hi Anna,\n\nThanks for writing\n- first step\n- second step").text)
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Thanks" in starts and starts.count("-") == 2


def test_soft_line_wrap_does_not_break_a_phrase():
    mapped = prepare("I'm\nsorry about that")
    assert mapped.text == "I'm sorry about that"


def test_what_prepare_straightens_or_removes_is_outside_ascii_so_ascii_text_skips_the_scans():
    """prepare skips its curly-quote and invisible-character scans on an ASCII text: true
    only while every such character is outside ASCII."""
    from empathy_lint.read.textmap import _CURLY, _INVISIBLE_CHAR, _STRAIGHTEN

    assert all(code > 127 for code in _STRAIGHTEN)
    assert not any(chr(c) in _CURLY or _INVISIBLE_CHAR.search(chr(c)) for c in range(128))
    assert _CURLY == {chr(c) for c in _STRAIGHTEN}  # the set test sees every character translated
    # and a text that is not ASCII still has both done
    mapped = prepare("As\u200b I said, it\u2019s done.")
    assert mapped.text == "As I said, it's done."


def test_offsets_map_back_to_the_source():
    source = "Hi  there,\r\n\r\nI’m  sorry."
    mapped = prepare(source)
    start = mapped.text.index("sorry")
    begin, end = mapped.to_source(start, start + len("sorry"))
    assert source[begin:end] == "sorry"


def test_a_text_copied_in_one_run_maps_as_the_segment_table_does():
    """to_source answers a text copied as one run (a JSON string without escapes, most
    replies) by arithmetic: the same offsets as the table's walk, for spans inside,
    empty, reversed, at the end and past it."""
    import random

    from empathy_lint.read.textmap import MappedText

    rng = random.Random(11)
    for _ in range(500):
        n, at = rng.randrange(1, 40), rng.randrange(0, 1000)
        mapped = MappedText("x" * n, at + n + rng.randrange(0, 5), [0], [(at, at + n, True)])
        start, end = rng.randrange(0, n + 3), rng.randrange(0, n + 3)
        walked = mapped._start(start)
        assert mapped.to_source(start, end) == ((walked, walked) if end <= start else (walked, mapped._end(end - 1)))


def test_masked_span_maps_back_to_the_placeholder():
    source = "Hi {{ticket.requester.name}}, I'm sorry"
    start = source.index("{{")
    end = source.index("}}") + 2
    mapped = prepare(source, masks=[(start, end, "Alex")])
    assert mapped.text == "Hi Alex, I'm sorry"
    i = mapped.text.index("Alex")
    assert mapped.to_source(i, i + 4) == (start, end)
    j = mapped.text.index("sorry")
    assert source[slice(*mapped.to_source(j, j + 5))] == "sorry"


def test_sentences_start_where_spacy_s_sentencizer_starts_them_and_after_line_breaks(dev_records):
    """The array sentencizer keeps spaCy's rule (a token after sentence-final punctuation)
    and adds two: the first token after a line break, and the first word after a
    reply's leading @mentions."""
    reference = spacy.blank("en")
    reference.add_pipe("sentencizer")
    texts = [prepare(r["reply"]).text for r in dev_records]
    mentioned = opened = 0
    for ours, theirs in zip(get_nlp().pipe(texts), reference.pipe(texts)):
        after_break = {i + 1 for i, t in enumerate(ours[:-1]) if t.is_space and "\n" in t.text and not ours[i + 1].is_space}
        spacy_starts = {t.i for t in theirs if t.is_sent_start}
        handles = next((i for i, t in enumerate(ours) if not (len(t.text) > 1 and t.text.startswith("@"))), len(ours))
        after_handles = {handles} if 0 < handles < len(ours) else set()
        mentioned += bool(after_handles)
        # An opening mark after a sentence's end and a space starts the next sentence
        # where spaCy starts it at the word behind the mark ("soon. *AFM", "done. (See").
        moved = {t.i: next((u.i for u in theirs[t.i:] if u.is_sent_start), None) for t in ours
                 if t.is_sent_start and t.text in OPENING_MARKS and not theirs[t.i].is_sent_start
                 and t.i and ours[t.i - 1].is_punct and ours[t.i - 1].whitespace_}
        opened += len(moved)
        expected = (spacy_starts - set(moved.values()) - {None}) | set(moved) | after_break | after_handles
        assert {t.i for t in ours if t.is_sent_start} == expected, ours.text
    assert mentioned > 100  # the dev set's Twitter replies open with @mentions
    assert opened  # and some close with initials behind a mark ("*TAC")


def test_agent_initials_and_an_opening_bracket_after_a_sentence_start_the_next_one():
    """spaCy's rule hangs every punctuation mark after a full stop on that sentence; a mark
    that opens what follows it belongs to the next: agent initials ("*AFM", "- Becky"),
    a bracket, a quote. Findings then point at the body, not at the agent's name."""
    nlp = get_nlp()
    for text, last in [("We hope to get you going soon. *AFM", "*AFM"), ("Glad we could help! - Becky", "- Becky"),
                       ("Glad we could help. (See the FAQ.)", "(See the FAQ.)"),
                       ("It is done. \"Great,\" she said.", "\"Great,\" she said.")]:
        assert [s.text for s in nlp(text).sents][-1] == last
    assert [s.text for s in nlp("Sorry! :) We will fix it.").sents] == ["Sorry! :)", "We will fix it."]
    from empathy_lint.engine.linter import body_sentences

    reply = "@116474 Matthew, I am really sorry for the delay. We hope to get you going soon. *AFM"
    start, end = body_sentences(nlp(reply))[-1]
    assert reply[start:end] == "We hope to get you going soon."


def test_an_instruction_after_a_reply_s_mentions_starts_its_sentence():
    doc = get_nlp()("@115712 @AmazonHelp Press and hold the reset button. Thanks")
    assert [t.text for t in doc if t.is_sent_start] == ["@115712", "Press", "Thanks"]
    assert not [t for t in get_nlp()("Email @support for help.") if t.is_sent_start and t.i]


def test_the_frame_s_sentences_are_the_doc_s_sentences_that_hold_a_word(dev_records):
    for doc in get_nlp().pipe(prepare(r["reply"]).text for r in dev_records):
        expected = [(s.start, s.end) for s in doc.sents if any(not (t.is_space or t.is_punct) for t in s)]
        assert sentence_columns(doc).sentences == expected, doc.text


def test_lemmas_are_the_same_with_or_without_the_sentencizer(dev_records):
    """The lemmatizer reads norms from the sentencizer's pass when it ran, else itself."""
    texts = [prepare(r["reply"]).text for r in dev_records]
    nlp = get_nlp()
    with_sentences = [[t.lemma for t in doc] for doc in nlp.pipe(texts)]
    without = [[t.lemma for t in doc] for doc in nlp.pipe(texts, disable=["empathy_sentencizer"])]
    assert with_sentences == without
    assert sum(map(len, with_sentences)) > 5000


def _counting_tokenizer(priming: bool):
    """A fresh spaCy English tokenizer (primed or not) and a list that grows by one at
    every run of its suffix regex."""
    tokenizer = spacy.blank("en").tokenizer
    calls: list[str] = []
    search = tokenizer.suffix_search
    tokenizer.suffix_search = lambda text: calls.append(text) or search(text)
    return (PrimingTokenizer(tokenizer) if priming else tokenizer), calls


def test_a_chunk_after_a_special_case_is_split_by_the_regexes_once_not_at_every_sighting():
    """spaCy does not cache a chunk that follows a special case ("I'm") in its text
    (spaCy issue #13950); the priming tokenizer caches it the first time it is seen."""
    reply = "I'm sorry, please DM us your order number (we'll check it)."
    plain, plain_calls = _counting_tokenizer(priming=False)
    primed, primed_calls = _counting_tokenizer(priming=True)
    for tokenizer, calls in ((plain, plain_calls), (primed, primed_calls)):
        tokenizer(reply)
        calls.clear()
        tokenizer(reply)
    assert plain_calls  # spaCy alone splits "sorry," and "it)." with the regexes again
    assert not [c for c in primed_calls if "'" not in c]  # only chunks holding a special case


def test_priming_does_not_change_a_single_token(dev_records):
    plain = spacy.blank("en").tokenizer
    primed = PrimingTokenizer(spacy.blank("en").tokenizer)
    texts = [prepare(r["reply"]).text for r in dev_records] * 2
    for text in texts:
        assert [(t.text, t.idx, t.norm_, t.whitespace_) for t in primed(text)] == \
               [(t.text, t.idx, t.norm_, t.whitespace_) for t in plain(text)]


def test_reply_lemmas_are_the_words_lowercased_without_signatures_handles_or_numbers():
    """The words the confidence model weighs: lemmas ("charged" -> "charge"), lowercased,
    once each; an agent's initials after a caret or an asterisk ("^JAY", "^kl", "*TMT")
    are a signature, and handles, numbers and punctuation are not words. A markdown
    bullet ("* Open ...") keeps its word."""
    from empathy_lint.engine.pipeline import reply_lemmas

    doc = get_nlp()("@115723 Is the light on top red? We were Charged twice. ^JAY *TMT 2/2 ^kl")
    assert reply_lemmas(doc) == {"be", "the", "light", "on", "top", "red", "we", "charge", "twice"}
    assert "open" in reply_lemmas(get_nlp()("Steps:\n* Open Settings\n* Tap Billing"))
    assert reply_lemmas(doc) is reply_lemmas(doc)  # worked out once per doc
