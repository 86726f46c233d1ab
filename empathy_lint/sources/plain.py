"""Plain text: the whole file is one reply (or, in a thread file, the part after the marker)."""
from __future__ import annotations

from typing import Any

from .base import Document, Reply
from .thread import split_thread


def read_plain(path: str, text: str, options: dict[str, Any]) -> Document:
    customer, start = split_thread(text)
    meta = {"customer": customer} if customer else {}
    return Document(path, text, [Reply.verbatim(text[start:], start, meta=meta)])
