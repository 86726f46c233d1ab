"""Find reply files and read them as text, with one-line errors for anything unreadable."""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from empathy_lint.errors import InputError, TooLarge, unreadable
from empathy_lint.read.sources.base import (ARCHIVE_MAGIC, RTF_MAGIC, TABLE_SUFFIXES, Document, Reply, archive_file,
                                           binary_file, document_format)

if TYPE_CHECKING:
    from empathy_lint.read.sources.structured import Records

__all__ = ["Document", "Reply", "decode", "read_source", "load_document", "load_records",
           "record_runs", "scan_export", "is_record_export", "REPLY_SUFFIXES", "RECORD_SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".ndjson") + TABLE_SUFFIXES
REPLY_SUFFIXES = TEXT_SUFFIXES + STRUCTURED_SUFFIXES
# Exports of one record after another: read in runs of records, never whole.
RECORD_SUFFIXES = (".jsonl", ".ndjson") + TABLE_SUFFIXES
MAX_BYTES_DEFAULT = 10 * 1024 * 1024


DECODE_HANDLERS = ("strict", "replace", "ignore", "backslashreplace")


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is an error.

    With `encoding` (a codec name, optionally ":replace"), that codec is used instead.
    """
    if encoding:
        codec, _, errors = encoding.partition(":")
        if errors and errors not in DECODE_HANDLERS:
            # namereplace and xmlcharrefreplace only encode; surrogateescape would carry
            # lone surrogates that no report can write.
            raise InputError(f"--encoding {encoding}: error handler {errors!r} cannot be used to read; "
                             f"use one of {', '.join(DECODE_HANDLERS)}")
        try:
            return data.decode(codec, errors or "strict")
        except LookupError:
            raise InputError(f"--encoding: unknown codec {codec!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid {codec} at byte {exc.start} "
                             f"(use --encoding {codec}:replace to replace bad bytes)") from None
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00 starts with FF FE
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-32 at byte {exc.start}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise InputError(binary_file(name))
    if data.startswith(ARCHIVE_MAGIC):  # a workbook, a Word file, a .zip: never a reply, even cut short
        raise InputError(archive_file(name))
    if data.startswith(RTF_MAGIC):  # text, but markup from its first byte: TextEdit's and WordPad's default
        raise InputError(f"{name}: a rich-text (RTF) document, not a text reply: save it as plain text (.txt), "
                         "or pipe the text in (empathy-lint check -)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        document = document_format(name)
        if document is not None:  # a workbook or a PDF is not text in any codec
            raise InputError(document) from None
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8, or pass --encoding (e.g. cp1252, or utf-8:replace)"
        ) from None


def read_source(path: Path, max_bytes: int | None = MAX_BYTES_DEFAULT, encoding: str | None = None) -> str:
    """The text of one reply file (a regular file: no size limit with max_bytes None)."""
    try:
        info = path.stat()
        if max_bytes is not None and info.st_size > max_bytes:
            raise TooLarge(
                f"{path}: {info.st_size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit "
                "(raise it with --max-size)"
            )
        data = (path.read_bytes() if stat.S_ISREG(info.st_mode)
                else read_stream(path, max_bytes or MAX_BYTES_DEFAULT, " (raise the limit with --max-size)"))
    except OSError as exc:
        raise unreadable(path, exc) from None
    return decode(data, str(path), encoding)


def read_stream(path: Path, limit: int, hint: str = "") -> bytes:
    """A file's bytes, never more than `limit`: a pipe, /dev/stdin or a device has no
    size to check first, and `/dev/zero` named by mistake must be an error, not a run
    that never ends."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path}: more than {limit / 1048576:.0f} MB{hint}")
    return data


def reader_for(name: str) -> Callable[[str, str, dict[str, Any]], Document]:
    """The reader for a file name, by extension (plain text for anything unknown)."""
    from empathy_lint.read.sources.markdown import read_markdown
    from empathy_lint.read.sources.plain import read_plain
    from empathy_lint.read.sources.structured import read_csv, read_json, read_jsonl, read_yaml

    suffix = os.path.splitext(name.lower())[1]
    if suffix == ".eml":  # (the email package is imported only for a message file)
        from empathy_lint.read.sources.mail import read_mail

        return read_mail
    return {
        ".md": read_markdown, ".markdown": read_markdown,
        ".yaml": read_yaml, ".yml": read_yaml,
        ".json": read_json, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv, ".tsv": read_csv,
    }.get(suffix, read_plain)


def is_record_export(path: Path) -> bool:
    """Is this file read record by record? JSONL (or NDJSON) and CSV exports, and a .json
    file that holds a JSON value per line (Zendesk's full JSON export, and the many
    tools that write JSON Lines under that name)."""
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        return True
    if suffix != ".json":
        return False
    from empathy_lint.read.sources.structured import json_lines_file

    return json_lines_file(path)


def load_document(name: str, text: str, options: dict[str, Any] | None = None) -> Document:
    """Read the replies in `text`, a file called `name`."""
    try:
        return reader_for(name)(name, text, options or {})
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to read (thousands of levels of brackets or MIME parts)") from None


def record_runs(name: str, text: str, options: dict[str, Any] | None, size: int) -> list["Records"]:
    """An export (JSONL, CSV) cut into runs of `size` records, each read when it is linted."""
    from empathy_lint.read.sources.structured import record_runs as runs

    return runs(name, text, options or {}, size)


def load_records(name: str, text: Any, options: dict[str, Any] | None, records: "Records") -> Document:
    """The replies of one run of records of an export, read from the run's own text
    (`text[records.start:records.end]`; a FileText reads just that from disk): the
    document's text is the run's, and so are its offsets. Line numbers in names and
    errors stay the file's."""
    from dataclasses import replace

    from empathy_lint.read.sources.structured import EXPORT_HEAD, read_csv, read_jsonl

    run = text[records.start:records.end]
    local = replace(records, start=0, end=len(run), first=records.first - records.start)
    if name.lower().endswith(TABLE_SUFFIXES):
        # (the header, and the file's first rows: a column may say who wrote each row by
        # its values alone, "author": "customer", and every run must read it alike)
        return read_csv(name, run, options or {}, local, head=text[:records.first + EXPORT_HEAD])
    return read_jsonl(name, run, options or {}, local)


def scan_export(path: Path, options: dict[str, Any] | None, size: int) -> "tuple[Any, list[Records]] | None":
    """An export (JSONL, CSV) left on disk: its FileText and runs of `size` records, from
    one pass over its bytes; None when it is not UTF-8 (read it whole instead)."""
    from empathy_lint.read.sources.filetext import scan_csv, scan_jsonl

    if path.suffix.lower() in TABLE_SUFFIXES:
        return scan_csv(path, options or {}, size)
    return scan_jsonl(path, size)
