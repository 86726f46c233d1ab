"""The pipeline and text preparation: normalisation that rule authors rely on."""
from __future__ import annotations

import pytest

from empathy_lint.pipeline import get_nlp
from empathy_lint.textmap import prepare


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


def test_offsets_map_back_to_the_source():
    source = "Hi  there,\r\n\r\nI’m  sorry."
    mapped = prepare(source)
    start = mapped.text.index("sorry")
    begin, end = mapped.to_source(start, start + len("sorry"))
    assert source[begin:end] == "sorry"


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
