"""Plain text: the whole file is one reply."""
from __future__ import annotations

from typing import Any

from .base import Document, Reply


def read_plain(path: str, text: str, options: dict[str, Any]) -> Document:
    return Document(path, text, [Reply.verbatim(text)])
