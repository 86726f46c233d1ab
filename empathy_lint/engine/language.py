"""Is a text English? A cautious test so English rules never judge another language.

Two signals, both cheap and linear in the text: the share of letters outside the Latin
script (Japanese, Arabic, Cyrillic...), and for Latin-script text, which language's
common function words it uses (rules/context/language.yaml). Short texts are taken
as English: "Gracias!" is too little to tell, and the English rules say little about it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\{\{.*?\}\}|\{[^{}\n]{0,80}\}")

# Script of a letter, from the first word of its Unicode name; cached per character.
_SCRIPT_LANGUAGE = {
    "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "ARABIC": "ar", "HEBREW": "he",
    "CYRILLIC": "ru", "GREEK": "el", "THAI": "th", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta",
}


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


@functools.lru_cache(maxsize=1)
def _settings() -> dict[str, Any]:
    from empathy_lint.rulebook import load_context

    data = load_context("language.yaml") or {}
    data["sets"] = {lang: frozenset(str(w) for w in words) for lang, words in data["function_words"].items()}
    return data


# Letters of the scripts we name (Greek to Hangul): finding none is the common case,
# and one regex search says so without a Python loop over every character.
_NON_LATIN = re.compile("[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f"
                        "\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def detect_language(text: str) -> str:
    """"en", or the ISO 639-1 code of the language the text is written in, or "und"
    (another script we do not name). Texts too short to tell are "en"."""
    text = _NOISE.sub(" ", text)
    if not text.isascii() and _NON_LATIN.search(text):
        script = _other_script(text)
        if script:
            return script
    settings = _settings()
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if len(words) < settings["min_words"]:
        return "en"
    sets = settings["sets"]
    english = sum(1 for w in words if w in sets["en"])
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in sets.items() if lang != "en"}
    lang, best = max(counts.items(), key=lambda item: item[1], default=("en", 0))
    if best >= settings["min_share"] * len(words) and best >= settings["ratio"] * max(english, 1):
        return lang
    return "en"


def _other_script(text: str) -> str | None:
    """The language of a text whose letters are mostly outside the Latin script, or None."""
    letters = [c for c in text if c.isalpha()]
    scripts: dict[str, int] = {}
    for char in letters:
        if not char.isascii():
            script = _script(char)
            if script != "LATIN":
                scripts[script] = scripts.get(script, 0) + 1
    if sum(scripts.values()) * 2 <= len(letters):
        return None
    top = max(scripts, key=lambda s: scripts[s])
    if top == "CJK" and ("HIRAGANA" in scripts or "KATAKANA" in scripts):
        return "ja"
    return _SCRIPT_LANGUAGE.get(top, "und")


def plainly_english(stop_words: int, words: int) -> bool:
    """A quarter of the words are English stop words ("the", "you", "we"): no other
    language's text comes near that (under 12% on the non-English replies of the
    labelled sets), so such text needs no closer look. Counts come from a doc's arrays."""
    return stop_words >= 2 and stop_words * 4 >= words


def is_english(text: str) -> bool:
    return detect_language(text) == "en"
