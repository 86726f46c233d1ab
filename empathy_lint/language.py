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
    from .rulebook import load_context

    data = load_context("language.yaml") or {}
    data["sets"] = {lang: frozenset(str(w) for w in words) for lang, words in data["function_words"].items()}
    return data


def detect_language(text: str) -> str:
    """"en", or the ISO 639-1 code of the language the text is written in, or "und"
    (another script we do not name). Texts too short to tell are "en"."""
    text = _NOISE.sub(" ", text)
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    scripts: dict[str, int] = {}
    for char in letters:
        if char.isascii():
            continue
        script = _script(char)
        if script != "LATIN":
            scripts[script] = scripts.get(script, 0) + 1
    other = sum(scripts.values())
    if other * 2 > len(letters):
        top = max(scripts, key=lambda s: scripts[s])
        if top == "CJK" and ("HIRAGANA" in scripts or "KATAKANA" in scripts):
            return "ja"
        return _SCRIPT_LANGUAGE.get(top, "und")
    settings = _settings()
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if len(words) < settings["min_words"]:
        return "en"
    sets = settings["sets"]
    counts = {lang: sum(1 for w in words if w in vocab) for lang, vocab in sets.items()}
    english = counts.pop("en", 0)
    lang, best = max(counts.items(), key=lambda item: item[1], default=("en", 0))
    if best >= settings["min_share"] * len(words) and best >= settings["ratio"] * max(english, 1):
        return lang
    return "en"


def is_english(text: str) -> bool:
    return detect_language(text) == "en"
