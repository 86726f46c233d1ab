"""The parts of a saved-reply collection that are for the team, not for the customer.

A template master opens with a preamble (naming conventions, voice rules, a table of
variables, a "to add later" list) under headings of the same level as its replies, and
its replies carry staff notes: "Use when: ...", "Support channel only, never on social",
a `**Subject:**` line, an `_(then set status: Pending)_` line under the reply. A person
reading the file skips both, and so does the reader:

- a section that neither greets anybody nor holds a template placeholder (outside code)
  is a *guide section*, not a reply, when its title names the document's apparatus
  (rules/context/collections.yaml), when its body is only a table, or when it comes
  before the first reply that greets or holds a placeholder in a file where most do;
- in a reply, the few lines before its greeting are notes, and so are lines wrapped in
  parentheses before or after the text (`(internal: ...)`, `_(then close it)_`).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from empathy_lint.read.placeholders import find_placeholders
from empathy_lint.rulebook import load_context

_CODE_SPAN = re.compile(r"`[^`\n]*`")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
# A whole line in parentheses, emphasis around or inside allowed: "_(then close it)_".
_PARENTHESISED = re.compile(r"^[ \t]*(?:[*_]{1,2})?\([^\n]*\)(?:[*_]{1,2})?[ \t]*(?=\r?$)", re.M)


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern, re.Pattern, int]:
    """(guide-title pattern, greeting-line pattern, most note lines before a greeting)."""
    data = load_context("collections.yaml")
    letter = load_context("letter.yaml")

    def words(phrases: Iterable[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))

    titles = re.compile(rf"^(?:{words(data['guide_titles'])})\b", re.I)
    # A greeting opens its line (a quoted reply's too), as "Hi {{name}}," or "Dear Sam".
    greeting = re.compile(rf"^[ \t]*(?:>[ \t]?)?(?:{words(letter['greetings'])})\b", re.I | re.M)
    return titles, greeting, int(data["max_note_lines_before_greeting"])


def _prose(text: str) -> str:
    return _CODE_SPAN.sub(" ", text)


def speaks_to_someone(text: str) -> bool:
    """A greeting line or a placeholder outside code: the marks of a reply to a customer."""
    prose = _prose(text)
    _, greeting, _ = _lexicon()
    return bool(greeting.search(prose)) or any(replacement for _, _, replacement in find_placeholders(prose))


def is_guide_title(title: str | None) -> bool:
    return bool(title) and bool(_lexicon()[0].match(title.strip()))


def is_table(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(_TABLE_ROW.match(line) for line in lines)


def guide_sections(titled_bodies: list[tuple[str | None, str]]) -> set[int]:
    """The indexes of a collection's sections that are guides, not replies."""
    speaking = [speaks_to_someone(body) for _, body in titled_bodies]
    guides = {i for i, (title, body) in enumerate(titled_bodies)
              if not speaking[i] and (is_guide_title(title) or is_table(body))}
    if sum(speaking) * 2 > len(titled_bodies):  # most replies greet or personalise
        first = speaking.index(True)
        guides.update(range(first))
    return guides


def lines_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:end], without its line break (\n or \r\n)."""
    spans, pos = [], start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        spans.append((pos, stop - 1 if stop > pos and text[stop - 1] == "\r" else stop))
        pos = stop + 1
    return spans


def nonblank_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """lines_of, less the lines that hold only blanks."""
    return [(s, e) for s, e in lines_of(text, start, end) if text[s:e].strip()]


def note_lines(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Staff notes in one reply's body [start, end): (the note lines, to blank; the
    reply's own non-blank lines), each as (start, end) spans."""
    _, greeting, most_before = _lexicon()
    lines = nonblank_lines(text, start, end)
    first, last = 0, len(lines)
    for index, (s, e) in enumerate(lines[:most_before + 1]):
        if greeting.match(text, s, e):
            first = index
            break
    while first < last and _PARENTHESISED.match(text, *lines[first]):
        first += 1
    while last > first and _PARENTHESISED.match(text, *lines[last - 1]):
        last -= 1
    return lines[:first] + lines[last:], lines[first:last]
