"""What readers produce: documents made of replies, each mapped back to the file."""
from __future__ import annotations

import os
import re

from dataclasses import dataclass, field
from typing import Any

from empathy_lint.errors import InputError
from empathy_lint.read.placeholders import Mask
from empathy_lint.read.textmap import MappedText, identity


# Tables of replies: comma, semicolon or tab separated (the delimiter is read from the header).
TABLE_SUFFIXES = (".csv", ".tsv")

@dataclass
class Reply:
    """One reply inside a file.

    `text` is what gets linted; `origin` maps its offsets to offsets in the file's text
    (identity for a .txt file, through escapes and indentation for JSON/YAML/CSV).
    `masks` hide syntax that is not prose (markdown, HTML, directives).
    """

    text: str
    origin: MappedText
    name: str | None = None
    masks: list[Mask] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # Where the record holding this reply (a macro of a YAML/JSON list, a section of a
    # collection) stands in the file: a `disable` directive inside it covers it alone.
    span: tuple[int, int] | None = None
    # The name a baseline fingerprints this reply by, where it is not `name`: a JSON
    # record named by an integer was "12345.0" up to commit 0607b4b, and baselines written
    # then must still match.
    baseline_name: str | None = None

    @classmethod
    def verbatim(cls, text: str, offset: int = 0, **kwargs: Any) -> "Reply":
        return cls(text, identity(text, offset), **kwargs)


@dataclass
class Document:
    """A file (or stdin) and the replies read from it."""

    path: str
    text: str
    replies: list[Reply] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # bad records; the good ones are still linted


# The metadata a reader may attach to a reply, and the one type each must have. Checked
# here, once, at the boundary: a wrong type in a file is the file's error, never a crash
# later in the engine.
STRING_META = ("kind", "channel", "customer", "earlier", "title", "id")


_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """`text` with each lone surrogate ("\\ud800" escaped in JSON: no character) shown as
    U+FFFD, same length: reports and the pipeline can encode every string we keep."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() and _SURROGATE.search(text) else text


def checked_meta(where: str, meta: dict[str, Any]) -> dict[str, Any]:
    """`meta` with ids made strings, or InputError naming `where` and the bad key."""
    out = dict(meta)
    for key in STRING_META:
        value = out.get(key)
        if value is None:
            continue
        if key == "id" and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = text_id(value)
        elif not isinstance(value, str):
            raise InputError(f"{where}: '{key}' must be text, not {type(value).__name__}")
        else:
            out[key] = no_surrogates(value)
    disable = out.get("disable")
    if disable is not None:
        out["disable"] = disable_codes(where, disable)
    return out


def text_id(value: int | float) -> str:
    """A numeric id as text: an integer as written, a float without a needless ".0"."""
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if value.is_integer() else str(value)


def disable_codes(where: str, disable: Any) -> list[str]:
    """A `disable` value as a list of rule codes, or InputError naming `where`."""
    if isinstance(disable, str):
        return [disable]
    if not isinstance(disable, list) or not all(isinstance(code, str) for code in disable):
        raise InputError(f"{where}: 'disable' must be a rule code or a list of rule codes")
    return disable


# Documents a draft (or a table of macros) is often saved as, which are not text: what
# to do instead.
SAVE_AS_TEXT = {
    ".docx": "a Word document", ".doc": "a Word document", ".odt": "an OpenDocument text",
    ".pages": "a Pages document", ".pdf": "a PDF", ".msg": "an Outlook message", ".rtf": "a rich-text document",
    ".xlsx": "an Excel workbook", ".xls": "an Excel workbook", ".ods": "an OpenDocument spreadsheet",
    ".numbers": "a Numbers spreadsheet",
}
SPREADSHEETS = frozenset({".xlsx", ".xls", ".ods", ".numbers"})
RTF_MAGIC = b"{\\rtf"
ARCHIVE_MAGIC = b"PK\x03\x04"  # ZIP: Office and OpenDocument files are ZIP archives


def document_format(name: str) -> str | None:
    """The one-line error for a file saved in a document format by its name (a Word file,
    a workbook...), with the way out; None for any other name."""
    extension = os.path.splitext(name.lower())[1]
    kind = SAVE_AS_TEXT.get(extension)
    if kind is None:
        return None
    way = ("save the email as .eml or .txt" if extension == ".msg"
           else "save the sheet as CSV (UTF-8) and check that" if extension in SPREADSHEETS
           else "save it as plain text (.txt)")
    return f"{name}: {kind}, not a text reply: {way}, or pipe the text in (empathy-lint check -)"


def archive_file(name: str) -> str:
    """The one-line error for a ZIP archive (an Office or OpenDocument file is one), named
    by its format where its name says it."""
    return document_format(name) or (f"{name}: a ZIP archive, not a text reply: unpack it and check the files in it, "
                                     "or pipe the text in (empathy-lint check -)")


def binary_file(name: str) -> str:
    """The one-line error for a file with NUL bytes, with the way out for a document format."""
    return document_format(name) or f"{name}: looks like a binary file (NUL bytes), not a text reply"
