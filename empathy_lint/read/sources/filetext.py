"""An export's text left on disk: read a run of records at a time, never whole.

A million-row export is hundreds of megabytes of text. `check` needs it run by run
(to read that run's records) and, for the report, a few slices and lines around each
finding. `FileText` gives exactly that: `len()`, slices and a line index, each
decoding only the run it needs from the file. `scan_export` walks the file once, in
bytes, to find where its runs of records start (offset in characters and in bytes,
and the line), checks that it is UTF-8, and collects the suppression directives, so
nothing of the file's size stays in memory.
"""
from __future__ import annotations

import bisect
import codecs
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Iterator

from empathy_lint.errors import InputError, unreadable
from empathy_lint.read.sources.base import ARCHIVE_MAGIC, archive_file, binary_file
from empathy_lint.findings import LineIndex
from empathy_lint.read.suppressions import Directive, find_directives

if TYPE_CHECKING:
    from empathy_lint.read.sources.structured import Records


@dataclass(frozen=True)
class Mark:
    """Where a stretch of the file starts: in characters, in bytes, and on which line."""

    char: int
    byte: int
    line: int  # 1-based, counted as LineIndex counts (\r\n, \r and \n end a line)


class FileText:
    """The text of a UTF-8 file on disk, read a stretch (a run of records) at a time.

    Only what the report needs of a str: len(), slices, and `lines()` in place of a
    LineIndex. The last two stretches read are kept, since findings come in file order.
    """

    def __init__(self, path: Path, marks: list[Mark], end: Mark, directives: list[Directive],
                 blank: bool, stamp: tuple[int, int] = (0, 0)) -> None:
        self.path = path
        self.stamp = stamp  # size and modification time the scan saw: a read checks them
        self.marks = marks  # sorted; marks[0] is the start of the text
        self.end = end  # the end of the text
        self.directives = directives  # every suppression directive of the file
        self.blank = blank  # nothing but white space
        self._chars = [m.char for m in marks]
        self._lines = [m.line for m in marks]
        self._cache: dict[int, tuple[str, LineIndex | None]] = {}

    def __len__(self) -> int:
        return self.end.char

    def __getitem__(self, key: slice) -> str:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("FileText supports plain slices only")
        start, stop, _ = key.indices(self.end.char)
        if start >= stop:
            return ""
        k = self._stretch_of(start)
        parts = []
        while start < stop:
            text = self.stretch(k)
            base = self.marks[k].char
            parts.append(text[start - base:stop - base])
            start = base + len(text)
            k += 1
        return "".join(parts)

    def _stretch_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._chars, offset) - 1)

    def stretch(self, k: int) -> str:
        """The text of stretch `k` (from marks[k] to the next mark or the end)."""
        cached = self._cache.get(k)
        if cached is not None:
            return cached[0]
        start = self.marks[k].byte
        stop = self.marks[k + 1].byte if k + 1 < len(self.marks) else self.end.byte
        chars = (self.marks[k + 1].char if k + 1 < len(self.marks) else self.end.char) - self.marks[k].char
        text = self._read(start, stop)
        if text is None or len(text) != chars:
            raise InputError(f"{self.path}: changed or removed while it was being linted; run again")
        if len(self._cache) >= 2:
            self._cache.pop(next(iter(self._cache)))
        self._cache[k] = (text, None)
        return text

    def _read(self, start: int, stop: int) -> str | None:
        """Bytes [start, stop) as text; None if the file is gone or not as it was scanned."""
        try:
            with self.path.open("rb") as handle:
                if _stamp(handle) != self.stamp:
                    return None
                handle.seek(start)
                return handle.read(stop - start).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _index(self, k: int) -> LineIndex:
        text = self.stretch(k)
        index = self._cache[k][1]
        if index is None:
            index = LineIndex(text)
            self._cache[k] = (text, index)
        return index

    def lines(self) -> "FileLines":
        return FileLines(self)


def directives_near(directives: list[Directive], run: "Records") -> list[Directive]:
    """The directives (of a whole file, in file order) a run of its records can obey,
    moved to offsets and lines of the run's own text: the file head's (before its first
    record), the run's own, and the line directives on the line before it (a
    disable-next-line); a `disable` of another run's record is that record's alone."""
    starts = [d.start for d in directives]
    head = bisect.bisect_left(starts, run.first)
    low, high = bisect.bisect_left(starts, run.start), bisect.bisect_left(starts, run.end)
    before = low
    while before > head and directives[before - 1].line >= run.index_line - 1:
        before -= 1
    near = [d for d in directives[before:low] if d.kind != "disable"]
    return [replace(d, start=d.start - run.start, end=d.end - run.start, line=d.line - run.index_line + 1)
            for d in directives[:head] + near + directives[max(low, head):high]]


class FileLines:
    """LineIndex's position and line_text over a FileText, reading one stretch at a time."""

    def __init__(self, text: FileText) -> None:
        self.text = text

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        offset = max(0, min(offset, len(text)))
        k = text._stretch_of(offset)
        line, column = text._index(k).position(offset - text.marks[k].char)
        return line + text.marks[k].line - 1, column

    def line_text(self, line: int) -> str:
        text = self.text
        k = max(0, bisect.bisect_right(text._lines, line) - 1)
        return text._index(k).line_text(line - text.marks[k].line + 1)


# ---------------------------------------------------------------- the scan

_BLOCK_BYTES = 1 << 20


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise unreadable(path, exc) from None


def _breaks(raw: bytes) -> int:
    """Line breaks in `raw` as LineIndex counts them (\r\n once, a lone \r too)."""
    return raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")


@dataclass
class _Cursor:
    """Where the scan stands: characters, bytes and line breaks so far."""

    char: int = 0
    byte: int = 0
    line: int = 1
    newlines: int = 0  # "\n" alone, as an error message counts lines
    stamp: tuple[int, int] = (0, 0)  # the file's size and modification time when the scan began

    def mark(self) -> Mark:
        return Mark(self.char, self.byte, self.line)


def _lines(handle: BinaryIO, path: Path, cursor: _Cursor) -> Iterator[tuple[bytes, str]]:
    """The file's lines as bytes and text ("\n"-ended), checked to be UTF-8; the cursor
    is left at each line's start while it is handed out."""
    for raw in _read_lines(handle, path):
        if raw.isascii():
            text = raw.decode("ascii")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}:{cursor.newlines + 1}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                    f"{cursor.byte + exc.start}); save it as UTF-8, or pass --encoding "
                    "(e.g. cp1252, or utf-8:replace)") from None
        yield raw, text
        cursor.char += len(text)
        cursor.byte += len(raw)
        cursor.line += _breaks(raw)
        cursor.newlines += 1


def _read_lines(handle: BinaryIO, path: Path) -> Iterator[bytes]:
    """The handle's lines; a read that fails half-way (a disk error) is the file's error."""
    try:
        yield from handle
    except OSError as exc:
        raise unreadable(path, exc) from None


def _start(handle: BinaryIO, path: Path) -> _Cursor | None:
    """Past a UTF-8 byte-order mark; None for a file to read whole (UTF-16, binary)."""
    try:
        head = handle.read(8192)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        raise InputError(binary_file(str(path)))
    if head.startswith(ARCHIVE_MAGIC):
        raise InputError(archive_file(str(path)))
    skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    handle.seek(skip)
    return _Cursor(byte=skip, stamp=_stamp(handle))


def _stamp(handle: BinaryIO) -> tuple[int, int]:
    info = os.fstat(handle.fileno())
    return info.st_size, info.st_mtime_ns


def _directives(text: str, at: Mark | _Cursor) -> list[Directive]:
    """The directives of `text`, which stands at `at` in the file, at the file's offsets and lines."""
    if "empathy-lint:" not in text:
        return []
    return [replace(d, start=d.start + at.char, end=d.end + at.char, line=d.line + at.line - 1)
            for d in find_directives(text)]


def scan_jsonl(path: Path, size: int) -> tuple[FileText, list["Records"]] | None:
    """A JSONL export's runs of `size` records and its FileText, from one pass over its
    bytes; None when it is not UTF-8 (read it whole, with its codec)."""
    from empathy_lint.read.sources.structured import RunCutter, line_conversation

    with _open(path) as handle:
        cursor = _start(handle, path)
        if cursor is None:
            return None
        skip = cursor.byte
        starts: list[tuple[Mark, int]] = []  # every size-th record: where, and its JSONL line
        directives: list[Directive] = []
        number = 1
        cutter = RunCutter(size)  # (a conversation's rows stay in one run)
        for raw, text in _lines(handle, path, cursor):
            if text.strip():
                if cutter.starts(lambda text=text: line_conversation(text)):
                    starts.append((cursor.mark(), number))
                directives.extend(_directives(text, cursor))
            number += 1
        return _assemble(path, Mark(0, skip, 1), starts, cutter.counts, cursor, directives, not cutter.counts)


def scan_csv(path: Path, options: dict[str, Any], size: int) -> tuple[FileText, list["Records"]] | None:
    """A CSV export's runs of `size` rows and its FileText, from one pass over its bytes
    (rows cut exactly as the CSV reader cuts them: quoted line breaks stay inside their
    row); None when it is not UTF-8. InputError for a header without a reply column."""
    from empathy_lint.read.sources.structured import RunCutter, _conversation_of, _csv_layout, _csv_records

    with _open(path) as handle:
        cursor = _start(handle, path)
        if cursor is None:
            return None
        skip = cursor.byte
        lines = _lines(handle, path, cursor)
        texts: list[str] = []  # the lines not yet cut into rows,
        marks: list[Mark] = []  # where each starts in the file,
        offsets: list[int] = []  # and in their joined text
        starts: list[tuple[Mark, int]] = []
        directives: list[Directive] = []
        layout, pos, done = None, 0, False
        cutter = RunCutter(size)
        while not done:
            # At least as much new text as is carried: a row that never ends (an unclosed
            # quote) is parsed again over a text that doubles each time, so the scan stays
            # linear in the file instead of re-reading a growing row per block.
            block_bytes, wanted = 0, max(_BLOCK_BYTES, offsets[-1] + len(texts[-1]) if texts else 0)
            for raw, text in lines:
                offsets.append(offsets[-1] + len(texts[-1]) if texts else 0)
                marks.append(cursor.mark())
                texts.append(text)
                block_bytes += len(raw)
                if block_bytes >= wanted:
                    break
            else:
                done = True
            block = "".join(texts)
            if layout is None:
                if not block.strip():
                    if done:
                        return _assemble(path, Mark(0, skip, 1), [], [], cursor, [], True)
                    continue
                layout = _csv_layout(path, block, options)
                pos = layout.first
            carry = len(block)
            for record in _csv_records(block, layout.delimiter, pos):
                if record[-1][2] >= len(block) and not done:
                    carry = record[0][1]  # this row may go on in the next block
                    break
                if cutter.starts(_conversation_of(record, layout)):
                    starts.append((_mark_at(record[0][1], texts, marks, offsets), 0))
            k = max(0, bisect.bisect_right(offsets, carry) - 1) if carry < len(block) else len(texts)
            cut = offsets[k] if k < len(texts) else len(block)
            if texts:
                directives.extend(_directives(block[:cut], marks[0]))
            texts, marks, offsets = texts[k:], marks[k:], [o - cut for o in offsets[k:]]
            pos = carry - cut
    return _assemble(path, Mark(0, skip, 1), starts, cutter.counts, cursor, directives, False)


def _mark_at(offset: int, texts: list[str], marks: list[Mark], offsets: list[int]) -> Mark:
    """The Mark of `offset` in the joined pending lines (a row may start after a lone \r)."""
    k = bisect.bisect_right(offsets, offset) - 1
    prefix = texts[k][:offset - offsets[k]]
    if not prefix:
        return marks[k]
    return Mark(marks[k].char + len(prefix), marks[k].byte + len(prefix.encode("utf-8")),
                marks[k].line + _breaks(prefix.encode("utf-8")))


def _assemble(path: Path, head: Mark, starts: list[tuple[Mark, int]], counts: list[int], cursor: _Cursor,
              directives: list[Directive], blank: bool) -> tuple[FileText, list["Records"]]:
    from empathy_lint.read.sources.structured import cut_runs

    end = cursor.mark()
    runs = cut_runs([(mark.char, number, mark.line) for mark, number in starts], counts, end.char)
    marks = [mark for mark, _ in starts]
    if not marks or marks[0].char > 0:
        marks.insert(0, head)
    return FileText(path, marks, end, directives, blank, cursor.stamp), runs
