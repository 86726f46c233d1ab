"""Collections of saved replies in one text or markdown file: where each reply is.

Maintainers keep saved replies in a handful of layouts, all read with no config:

- headings, one reply per section (`## Duplicate issue`, or setext: `Duplicate issue`
  over a `---` or `===` line), with mixed levels (`#`
  categories holding `###` replies): the level whose sections hold the most replies wins;
- a bold title line per reply (`**Title:** Report received`, or `**Report received**`);
- marker lines (`---- Refund processed`, `=== Needs info ===`), or bare `---` lines
  between three or more sections;

and inside a section the reply is

- the code fence that is the whole body (the GitHub saved-replies habit: fenced so it
  can be copied), when it has no language or `text`/`md`/`markdown`; a fence in another
  language (`yaml`) is an example, not a reply;
- the quoted lines (`> Hi {{reporter}}, ...`) when the body is a quote;
- otherwise the body itself.

Lines that introduce a reply rather than belong to it (`Use when: ...`, `Tone: ...`,
`Note: ...`, `**Subject:** ...`, anything before the greeting, a line in parentheses)
are blanked, so nothing is judged or pointed at there; a template master's guide
sections (naming conventions, variables, "to add later") are no replies (apparatus.py).
Blanking keeps every offset: text is replaced by spaces.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from empathy_lint.read.sources.apparatus import guide_sections, lines_of, nonblank_lines, note_lines
from empathy_lint.read.sources.base import Reply

# Each line pattern takes the rest of its line greedily and trims it in Python: a lazy
# part followed by optional blanks and `$` ("(.+?)[ \t#]*$") retried the blanks at every
# character, quadratic (cubic with two such runs) on a line of thousands of spaces.
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+([^\n\r]+)(?=\r?$)", re.M)
# A setext heading (CommonMark): one line underlined with `===` (level 1) or `---`
# (level 2), the line above it blank or the start. (A closing "Thanks," over a rule is
# a signature, not a title.)
_SETEXT = re.compile(r"^( {0,3}[^\s=\-#>|][^\n\r]*)\r?\n {0,3}(={3,}|-{3,})[ \t]*(?=\r?$)", re.M)
# An unclosed fence runs to the end (as in CommonMark): requiring the close made each
# opening rescan the rest of the file, quadratic in a file of unclosed fences.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^\n`]*)\n(.*?)(?:^ {0,3}\1[ \t]*(?=\r?$)|\Z)", re.S | re.M)
_ANY_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*(?=\r?$)|\Z)", re.S | re.M)
_BOLD_TITLE = re.compile(r"^[ \t]*\*\*(?:(?:title|name|reply|macro|template|response)[ \t]*:[ \t]*\*\*[ \t]*(\S[^\n\r]*)"
                         r"|([^*\n]{1,80}?)\*\*(?:[ \t]*:)?[ \t]*)(?=\r?$)", re.M | re.I)
# The name starts with a character that is not the marker's own, so the run of marks
# before it has one reading (with `\S` there, "=====...= a" took minutes).
_NAMED_MARKER = re.compile(r"^[ \t]*(?:-{3,}[ \t]+([^-\s][^\n\r]*)|={2,}[ \t]*([^=\s][^\n\r]*))(?=\r?$)", re.M)


class _SetextHeading:
    """A setext heading read like an ATX heading's match: group(1) its level as `#`s,
    group(2) its title; it spans the title line and the underline."""

    def __init__(self, match: re.Match) -> None:
        self.match = match

    def start(self) -> int:
        return self.match.start()

    def end(self) -> int:
        return self.match.end()

    def group(self, index: int) -> str:
        if index == 1:
            return "#" if self.match.group(2).startswith("=") else "##"
        return self.match.group(1) if index == 2 else self.match.group(index)


def _headings(text: str, start: int) -> list[Any]:
    """The ATX (`## Title`) and setext (`Title` over `---`) headings of text[start:], in order."""
    found: list[Any] = list(_HEADING.finditer(text, start))
    if "---" in text or "===" in text:
        setext = [_SetextHeading(m) for m in _SETEXT.finditer(text, start)
                  if _opens_block(text, start, m.start()) and not m.group(1).rstrip().endswith((",", ":"))]
        if setext:
            found = sorted(found + setext, key=lambda heading: heading.start())
    return found


def _opens_block(text: str, start: int, at: int) -> bool:
    """Is the line at `at` the first of its block (the text's start, or after a blank line)?"""
    if at <= start:
        return True
    previous = text.rfind("\n", start, at - 1)
    return not text[previous + 1:at].strip()


def heading_title(match: Any) -> str:
    """A heading's text without its closing marks ("## Refund ##" -> "Refund")."""
    return match.group(2).rstrip(" \t#").strip()


def marker_name(match: re.Match) -> str | None:
    """A marker line's name ("--- Refund processed ---", "== Refund =="), or None when an
    `==` line does not close with `==` (then it is no marker)."""
    if match.group(1) is not None:
        return match.group(1).rstrip(" \t").rstrip("-").rstrip(" \t").strip()
    closed = match.group(2).rstrip(" \t")
    if len(closed) - len(closed.rstrip("=")) < 2 or not closed.rstrip("="):
        return None
    return closed.rstrip("=").rstrip(" \t").strip()


def bold_title(match: re.Match) -> str:
    return (match.group(1) or match.group(2)).strip()


_SEPARATOR = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*(?=\r?$)", re.M)
_QUOTE_MARK = re.compile(r"^([ \t]{0,3}>[ \t]?)", re.M)
_NOTE = re.compile(
    r"^[ \t]*(?:[*_]{1,2})?(?:use(?: this| it)? (?:when|for|if)|when to use|tone|voice|notes?|agent notes?|"
    r"internal(?: notes?)?|usage|context|purpose|subject|title|tags?|category|shortcut|trigger|"
    r"applies to|audience)\b[^\n:]{0,40}:(?:[*_]{1,2})?[^\n]*$", re.I | re.M)
PLAIN_FENCE_LANGS = frozenset({"", "text", "txt", "md", "markdown", "plain", "plaintext", "email"})
# Separator lines between this many sections at least (two lines): one `---` is a rule
# inside a reply (before a signature, say), not a collection.
MIN_SEPARATED = 3
MIN_SEPARATED_WORDS = 6


@dataclass
class Section:
    """A reply's place in the file: [start, end) of its text, and its name."""

    name: str | None
    start: int
    end: int
    blank: list[tuple[int, int]]  # spans to turn into spaces (quote marks, leading notes)
    region: tuple[int, int] | None = None  # the whole section, title to end


def _outside(matches: list[re.Match], fences: list[tuple[int, int]]) -> list[re.Match]:
    """The matches that do not start inside a code fence (fences are in order, apart)."""
    starts = [s for s, _ in fences]
    out = []
    for m in matches:
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= fences[i][1]:
            out.append(m)
    return out


def body_reply(text: str, start: int, end: int, name: str | None, notes: bool = True) -> list[Section]:
    """The reply (or replies) inside one section's body [start, end); [] for none.

    `notes`: blank leading note lines (in a collection; a lone draft may well open
    with "Note: ...")."""
    blank: list[tuple[int, int]] = []
    # Leading notes and blank lines.
    for pos, line_end in lines_of(text, start, end):
        line = text[pos:line_end]
        if line.strip() and not (notes and _NOTE.fullmatch(line)):
            break
        if line.strip():
            blank.append((pos, line_end))
    else:
        return []
    fences = list(_FENCE.finditer(text, pos, end))
    gaps = zip([pos] + [f.end() for f in fences], [f.start() for f in fences] + [end])
    outside = "".join(text[a:b] for a, b in gaps)
    if fences and not _SETEXT.sub("", _HEADING.sub("", outside)).strip():  # fences (under headings) only
        return [Section(name, f.start(3), f.end(3), [], (start, end)) for f in fences
                if f.group(2).strip().lower() in PLAIN_FENCE_LANGS and f.group(3).strip()]
    if notes:  # staff notes around the reply: before its greeting, in parentheses
        note_spans, reply_lines = note_lines(text, pos, end)
        blank += note_spans
    else:
        reply_lines = nonblank_lines(text, pos, end)
    if reply_lines and all(_QUOTE_MARK.match(text, s, e) for s, e in reply_lines):
        blank += [(m.start(1), m.end(1)) for m in _QUOTE_MARK.finditer(text, pos, reply_lines[-1][1])]
    return [Section(name, start, end, blank, (start, end))]


def single(text: str, start: int) -> Section:
    """The whole of text[start:] as one reply; a leading heading is its title, not prose."""
    fences = [(m.start(), m.end()) for m in _ANY_FENCE.finditer(text, start)]
    headings = _outside(_headings(text, start), fences)
    if headings and not text[start:headings[0].start()].strip():
        return Section(heading_title(headings[0]), headings[0].end(), len(text), [])
    return Section(None, start, len(text), [])


def _cut(text: str, start: int, marks: list[tuple[int, int, str | None]]) -> list[tuple[str | None, int, int]]:
    """Sections after each mark (mark start, mark end, name), up to the next mark."""
    out = []
    for i, (_, mark_end, name) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        out.append((name, mark_end, end))
    return out


def _heading_layouts(text: str, start: int, fences: list[tuple[int, int]]) -> dict[str, list]:
    headings = _outside(_headings(text, start), fences)
    layouts: dict[str, list] = {}
    for level in sorted({len(h.group(1)) for h in headings}):
        if sum(len(h.group(1)) == level for h in headings) < 2:
            continue
        # A section ends at the next heading of its level or above: one pass from the end.
        sections, end = [], len(text)
        for heading in reversed(headings):
            if len(heading.group(1)) == level:
                sections.append((heading_title(heading), heading.end(), end))
            if len(heading.group(1)) <= level:
                end = heading.start()
        layouts[f"h{level}"] = sections[::-1]
    return layouts


def layouts(text: str, start: int, markup: bool = True) -> dict[str, list[tuple[str | None, int, int]]]:
    """Every way of cutting text[start:] into sections that the file's marks allow
    (headings and bold titles only with `markup`: they are markdown)."""
    fences = [(m.start(), m.end()) for m in _ANY_FENCE.finditer(text, start)]
    found = _heading_layouts(text, start, fences) if markup else {}
    bold = _outside(list(_BOLD_TITLE.finditer(text, start)), fences) if markup else []
    if len(bold) >= 2:
        found["bold"] = _cut(text, start, [(m.start(), m.end(), bold_title(m)) for m in bold])
    named = _outside([m for m in _NAMED_MARKER.finditer(text, start) if marker_name(m) is not None], fences)
    if len(named) >= 2:
        found["markers"] = _cut(text, start, [(m.start(), m.end(), marker_name(m)) for m in named])
    # (A setext heading's `---` underline is a separator too: the layout that reads more
    # replies wins, so "Sam" over `---` at the end of each reply stays a signature.)
    separators = _outside(list(_SEPARATOR.finditer(text, start)), fences)
    if len(separators) >= MIN_SEPARATED - 1:
        marks = [(start, start, None)] + [(m.start(), m.end(), None) for m in separators]
        sections = _cut(text, start, marks)
        # Bare rules also set off a greeting or a signature inside one draft ("Hi," ---
        # body --- "Best"): a collection only when every part is a reply of its own.
        if all(len(text[s:e].split()) >= MIN_SEPARATED_WORDS for _, s, e in sections if text[s:e].strip()):
            found["separators"] = sections
    return found


# When two layouts find as many replies, the earlier here wins (deeper headings first).
_PREFERENCE = ["h6", "h5", "h4", "h3", "h2", "h1", "bold", "markers", "separators"]


def collection(text: str, start: int, split: str = "auto", markup: bool = True) -> list[Section] | None:
    """The replies of a collection file, or None when it holds one reply.

    `split`: "auto" picks the layout yielding the most replies (two at least);
    "h1".."h6" cut at that heading level only; "none" never cuts.
    """
    if split == "none":
        return None
    options = layouts(text, start, markup)
    if split != "auto":
        options = {split: options[split]} if split in options else {}
    best: list[Section] | None = None
    best_key: tuple[int, int] = (1, 0)  # at least two replies
    for layout, sections in options.items():
        replies = [r for name, s, e in sections for r in body_reply(text, s, e, name)]
        guides = guide_sections([(r.name, text[r.start:r.end]) for r in replies])
        replies = [r for i, r in enumerate(replies) if i not in guides]
        key = (len(replies), -_PREFERENCE.index(layout))
        if key > best_key:
            best, best_key = replies, key
    return best


def section_reply(text: str, section: Section, meta: dict[str, Any]) -> Reply | None:
    """The Reply for a section (blanked spans turned to spaces), or None if it is empty."""
    body = text[section.start:section.end]
    if section.blank:
        chars = list(body)
        for s, e in section.blank:
            for i in range(s - section.start, e - section.start):
                if chars[i] not in "\r\n":
                    chars[i] = " "
        body = "".join(chars)
    if not body.strip():
        return None
    return Reply.verbatim(body, section.start, name=section.name or meta.get("title"), meta=dict(meta),
                          span=section.region)
