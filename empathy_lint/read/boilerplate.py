"""Text under a reply that its writer did not write for this customer: the legal
disclaimer a company footer adds ("This email is confidential ... We cannot accept
liability for any viruses"), and the signature under the "-- " line mail clients put
above it (a title, a phone number, a tagline such as "Simply the best way to ship").
The disclaimer's refusals are the lawyers', the tagline is marketing's: both are masked
like a quoted message. The cue phrases are data: rules/context/letter.yaml."""
from __future__ import annotations

import functools
import re

from empathy_lint.rulebook import load_context

_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[re.Pattern, int]:
    """(a pattern finding any cue phrase, how many distinct ones make a disclaimer)."""
    letter = load_context("letter.yaml")
    phrases = sorted(letter["disclaimer_cues"], key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in phrases), re.I), int(letter["disclaimer_min_cues"])


# Word ends every disclaimer has one of (without the first letter, so either case
# matches): a few plain substring tests spare nearly every reply the cue search.
_LIKELY = ("onfidential", "ntended", "iabilit", "irus", "isclaimer", "ddressee", "rivileged")


def disclaimer_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph after the first that reads as legal boilerplate."""
    if not any(word in text for word in _LIKELY):
        return []
    pattern, needed = _cues()
    first = pattern.search(text)
    if first is None:
        return []
    spans = []
    start = 0
    for index, match in enumerate([*_PARAGRAPH_BREAK.finditer(text), None]):
        end = match.start() if match is not None else len(text)
        if index and end > first.start():
            found = {m.group().lower() for m in pattern.finditer(text, start, end)}
            if len(found) >= needed:
                spans.append((start, end))
        if match is not None:
            start = match.end()
    return spans


# The signature delimiter of RFC 3676 ("-- " alone on a line; many clients drop the space).
_SIGNATURE_DELIMITER = re.compile(r"^--[ \t]?(?=\r?$)", re.M)


def signature_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the signature block: from the line after the last "-- " line to the
    end of the text. The delimiter itself stays, where the reply's frame reads it as the
    sign-off it stands for. A bare "--" counts only after a blank line: under a line of
    text it is a Markdown heading's underline."""
    if "--" not in text:
        return []
    last = None
    for match in _SIGNATURE_DELIMITER.finditer(text):
        above = max(match.start() - 1, 0)  # the end of the line above (its "\n")
        previous = text[text.rfind("\n", 0, above) + 1:above]
        if match.group() != "--" or not previous.strip():
            last = match
    if last is None or not text[:last.start()].strip():
        return []  # a delimiter with nothing above it opens no signature of a reply
    start = last.end()
    return [(start, len(text))] if text[start:].strip() else []
