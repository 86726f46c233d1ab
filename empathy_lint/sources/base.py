"""What readers produce: documents made of replies, each mapped back to the file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..placeholders import Mask
from ..textmap import MappedText, identity


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
