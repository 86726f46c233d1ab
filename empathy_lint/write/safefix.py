"""Fixes that cannot lose a reply: apply, read the file back, and refuse what changed.

A replacement is prose; the file around it is a container (YAML, JSON, CSV, front
matter). Pasting prose into a container can change what the container means: deleting
"Obviously" from `body: Obviously #1 priority` leaves `body: #1 priority`, a comment, and
the reply is gone. So every fix is checked the only way that is certain: the fixed text
is read again by the same reader, and each reply must read back as its old text with
the fixed spans replaced, with the same name and metadata, and nothing else changed.
When the raw replacement fails, the encodings a container uses for text are tried
(JSON/YAML double-quoted escapes, CSV and YAML single-quote doubling); when none reads
back right, the file is left alone and the reason is reported.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from empathy_lint.errors import InputError
from empathy_lint.findings import Fix
from empathy_lint.read.sources import Document, load_document

Encoder = Callable[[str], str]

_AS_WRITTEN: Encoder = lambda text: text  # noqa: E731

ENCODERS: tuple[tuple[str, Encoder], ...] = (
    ("as written", _AS_WRITTEN),
    ("JSON/YAML string escapes", lambda text: json.dumps(text, ensure_ascii=False)[1:-1]),
    ("CSV quote doubling", lambda text: text.replace('"', '""')),
    ("YAML single-quote doubling", lambda text: text.replace("'", "''")),
)


@dataclass
class FixResult:
    """The fixed text (None: refused), how many fixes it holds, and why it was refused."""

    text: str | None
    count: int
    reason: str = ""


def choose(fixes: list[Fix]) -> list[Fix]:
    """Non-overlapping fixes in text order (the first of two overlapping ones wins)."""
    chosen, last_end = [], -1
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        if fix.start >= last_end:
            chosen.append(fix)
            last_end = fix.end
    return chosen


def splice(text: str, fixes: list[Fix], encode: Encoder) -> str:
    """`text` with each fix applied, `fixes` in text order: the pieces between them
    joined once (a copy of the text per fix was quadratic in a file of thousands)."""
    if any(later.start < earlier.end for earlier, later in zip(fixes, fixes[1:])):
        for fix in reversed(fixes):  # overlapping: as applied one at a time from the end
            text = text[:fix.start] + encode(fix.replacement) + text[fix.end:]
        return text
    pieces, last = [], 0
    for fix in fixes:
        pieces += (text[last:fix.start], encode(fix.replacement))
        last = fix.end
    pieces.append(text[last:])
    return "".join(pieces)


class _SourceOffsets:
    """Where each offset of a reply's text starts and ends in the file, as two sorted
    tables built once per reply: a reply with thousands of fixes (a 500,000-character
    reply repeating one phrase) maps each by bisection instead of a scan of the reply."""

    def __init__(self, reply: Any) -> None:
        origin, length = reply.origin, len(reply.text)
        self.starts = [origin.to_source(k, k)[0] for k in range(length + 1)]
        # ends[b - 1]: where text[:b] ends in the file (b >= 1), never decreasing in b
        self.ends = [origin.to_source(b - 1, b)[1] for b in range(1, length + 1)]

    def local_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets in the reply's text of the file span start:end, or None if it has none."""
        a = bisect.bisect_left(self.starts, start)
        if a >= len(self.starts) or self.starts[a] != start:
            return None
        if end == start:
            return a, a
        b = bisect.bisect_left(self.ends, end, lo=a) + 1  # the shortest text[a:b] reaching `end`
        return (a, b) if b <= len(self.ends) and self.ends[b - 1] == end else None


@dataclass
class ReplyView:
    """One reply of a container as its own text (JSON's "\\n" a line break, a CSV
    cell's "" one quote), with the way back to the file: an edit that has to see the
    reply as a reader does (a name on the reply's last line) is made there."""

    text: str
    start: int  # the file span asked for, in the reply's offsets
    end: int
    offsets: _SourceOffsets

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The file span of the reply's text[start:end]."""
        begin = self.offsets.starts[start]
        return begin, (begin if end == start else self.offsets.ends[end - 1])


def reply_view(name: str, text: str, start: int, end: int,
               options: dict[str, Any] | None = None) -> ReplyView | None:
    """The reply of the file `name` that holds the span start:end, or None (no reply
    holds it whole, or the file does not read)."""
    try:
        document = load_document(name, text, options)
    except InputError:
        return None
    for reply in document.replies:
        first, last = reply.origin.to_source(0, len(reply.text))
        if first <= start <= end <= last:
            offsets = _SourceOffsets(reply)
            span = offsets.local_span(start, end)
            if span is not None:
                return ReplyView(reply.text, span[0], span[1], offsets)
    return None


def _expected(document: Document, fixes: list[Fix]) -> list[str] | str:
    """Each reply's text after the fixes, or a reason no reply holds one of them."""
    texts = [reply.text for reply in document.replies]
    edits: dict[int, list[Fix]] = {}
    ranges = [reply.origin.to_source(0, len(reply.text)) for reply in document.replies]
    starts, ends = [r[0] for r in ranges], [r[1] for r in ranges]
    # Replies in file order (every reader's): the ones that can hold a fix are a run found
    # by bisection, not a scan of the file's replies per fix (20,000 macros, 20,000 fixes).
    ordered = all(a <= b for a, b in zip(starts, starts[1:])) and all(a <= b for a, b in zip(ends, ends[1:]))
    offsets: dict[int, _SourceOffsets] = {}
    for fix in fixes:
        candidates = (range(bisect.bisect_left(ends, fix.end), bisect.bisect_right(starts, fix.start)) if ordered
                      else range(len(ranges)))
        for index in candidates:
            if not starts[index] <= fix.start <= fix.end <= ends[index]:
                continue
            if index not in offsets:
                offsets[index] = _SourceOffsets(document.replies[index])
            span = offsets[index].local_span(fix.start, fix.end)
            if span is not None:
                edits.setdefault(index, []).append(Fix(*span, fix.replacement))
                break
        else:
            return f"a fix at offset {fix.start} is not inside a reply's text"
    for index, local in edits.items():  # the same fixes, in the reply's own offsets
        texts[index] = splice(texts[index], sorted(local, key=lambda f: f.start), _AS_WRITTEN)
    return texts


def _difference(before: Document, after: Document, expected: list[str]) -> str | None:
    """What reads back differently, or None if only the fixed spans changed."""
    if len(after.replies) != len(before.replies):
        return f"it would hold {len(after.replies)} replies instead of {len(before.replies)}"
    for old, new, want in zip(before.replies, after.replies, expected):
        label = f"reply {old.name!r}" if old.name else "the reply"
        if new.text != want:
            return f"{label} would read back as {new.text[:60]!r}"
        if new.name != old.name or new.meta != old.meta:
            return f"{label} would change its name or fields"
    return None


_LINE_AFTER = re.compile(r"\n(?=[^\r\n])")  # a line break before a line with text on it


def _block_indented(text: str, fixes: list[Fix]) -> list[Fix]:
    """The fixes with each line they add indented as the line they go into: a YAML block
    scalar's lines carry its indentation, and a sign-off written under its last sentence
    must too ("Best,\n  Ana")."""
    indented = []
    for fix in fixes:
        line = text[max(text.rfind("\n", 0, fix.start), text.rfind("\r", 0, fix.start)) + 1:fix.start]
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if not indent:
            indented.append(fix)
            continue
        # (the last line break the fix adds is followed by the text after it)
        following = text[fix.end:fix.end + 1]
        replacement = _LINE_AFTER.sub("\n" + indent, fix.replacement + following)
        indented.append(Fix(fix.start, fix.end, replacement[:len(replacement) - len(following)]))
    return indented


def _candidates(text: str, fixes: list[Fix]) -> Iterator[str]:
    """The file with the fixes applied in each encoding a container uses for text, then,
    for a fix that adds lines, with them indented as the line they go into: made one at
    a time, as each is tried (the first that reads back right is the one kept)."""
    for _, encode in ENCODERS:
        yield splice(text, fixes, encode)
    if any("\n" in fix.replacement for fix in fixes):
        yield splice(text, _block_indented(text, fixes), _AS_WRITTEN)


def _verified(name: str, text: str, before: Document, fixes: list[Fix],
              options: dict[str, Any] | None) -> tuple[str | None, str]:
    """(fixed text that reads back right, "") or (None, why not)."""
    expected = _expected(before, fixes)
    if isinstance(expected, str):
        return None, expected
    reason = ""
    tried: set[str] = set()
    for candidate in _candidates(text, fixes):
        if candidate in tried:
            continue
        tried.add(candidate)
        try:
            after = load_document(name, candidate, options)
        except InputError as exc:
            reason = reason or f"the fixed file would not read ({exc})"
            continue
        difference = _difference(before, after, expected)
        if difference is None:
            return candidate, ""
        reason = reason or difference
    return None, reason


def fix_text(name: str, text: str, fixes: list[Fix], options: dict[str, Any] | None = None) -> FixResult:
    """Apply `fixes` to the file `name` whose text is `text`, verified by reading it back.

    All at once when that reads back right; otherwise one by one, keeping each fix that
    does (so one unsafe fix does not block the safe ones in the same file). `reason`
    then says why the others were refused.
    """
    chosen = choose(fixes)
    if not chosen:
        return FixResult(text, 0)
    try:
        before = load_document(name, text, options)
    except InputError as exc:
        return FixResult(None, 0, f"it cannot be read ({exc})")
    fixed, reason = _verified(name, text, before, chosen, options)
    if fixed is not None:
        return FixResult(fixed, len(chosen))
    if len(chosen) == 1:
        return FixResult(None, 0, reason)
    kept: list[Fix] = []
    first_reason = ""
    for fix in chosen:
        candidate, why = _verified(name, text, before, kept + [fix], options)
        if candidate is not None:
            kept.append(fix)
            fixed = candidate
        else:
            first_reason = first_reason or why
    refused = len(chosen) - len(kept)
    note = f"{refused} of {len(chosen)} fixes left out: {first_reason}"
    return FixResult(fixed, len(kept), note) if kept else FixResult(None, 0, first_reason)


def safe_replacement(name: str, text: str, fix: Fix, options: dict[str, Any] | None = None) -> str | None:
    """The text to put at fix.start:fix.end so the file reads back right (an editor's
    quick fix), or None when no encoding does."""
    result = fix_text(name, text, [fix], options)
    if result.text is None:
        return None
    return result.text[fix.start:len(result.text) - (len(text) - fix.end)]
