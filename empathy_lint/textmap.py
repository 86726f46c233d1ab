"""Prepare a reply for the pipeline while remembering where every character came from.

The pipeline sees a normalised copy of the text (curly apostrophes straightened,
soft line wraps folded to spaces, paragraph and list breaks kept as one newline,
placeholders masked); `MappedText.to_source` turns a span of that copy back into
offsets of the text the user wrote, so findings point at the real file.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

# One-to-one substitutions: typographic apostrophes and quotes, odd spaces.
_STRAIGHTEN = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})

# A run of whitespace that contains at least one line break, or 2+ spaces/tabs.
_WHITESPACE_RUN = re.compile(r"[ \t]*(?:\r\n?|\n)[ \t\r\n]*|[ \t]{2,}|\t")
# What starts a new block after a single line break: list items, headings, quotes.
_BLOCK_START = re.compile(r"(?:[-*+\u2022>#]|\d{1,3}[.)])(?=\s)")


@dataclass
class MappedText:
    """The pipeline's text plus, for each of its characters, the source offset."""

    text: str
    source_offsets: array
    source_length: int

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the half-open span text[start:end]."""
        offsets = self.source_offsets
        if end <= start:
            pos = offsets[start] if start < len(offsets) else self.source_length
            return pos, pos
        return offsets[start], offsets[end - 1] + 1


class _Builder:
    """Accumulates pipeline text pieces with their source offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets = array("q")

    def keep(self, text: str, start: int) -> None:
        """Copy text that stands at source offset `start`, char for char."""
        self.parts.append(text)
        self.offsets.extend(range(start, start + len(text)))

    def substitute(self, replacement: str, start: int, end: int) -> None:
        """Put `replacement` where source[start:end] was; all its chars map into that span."""
        self.parts.append(replacement)
        width = max(end - start, 1)
        self.offsets.extend(min(start + i, start + width - 1) for i in range(len(replacement)))

    def build(self, source_length: int) -> MappedText:
        return MappedText("".join(self.parts), self.offsets, source_length)


def _fold(run: str, following: str) -> str:
    """What a whitespace run becomes: a newline for a block break, else a space."""
    breaks = run.count("\n") + run.count("\r") - run.count("\r\n")
    if breaks >= 2 or (breaks == 1 and _BLOCK_START.match(following)):
        return "\n"
    return " "


def prepare(source: str, masks: list[tuple[int, int, str]] | None = None) -> MappedText:
    """Normalise `source` for the pipeline.

    `masks` are (start, end, replacement) spans, sorted and non-overlapping,
    such as placeholders, that the pipeline should see as something neutral.
    """
    builder = _Builder()
    straight = source.translate(_STRAIGHTEN)
    cuts = sorted(masks or [])
    pos = 0

    def copy_plain(end: int) -> None:
        nonlocal pos
        for match in _WHITESPACE_RUN.finditer(straight, pos, end):
            builder.keep(straight[pos:match.start()], pos)
            builder.substitute(_fold(match.group(), straight[match.end():match.end() + 5]),
                               match.start(), match.end())
            pos = match.end()
        builder.keep(straight[pos:end], pos)
        pos = end

    for start, end, replacement in cuts:
        if start < pos:
            continue
        copy_plain(start)
        builder.substitute(replacement, start, end)
        pos = end
    copy_plain(len(straight))
    return builder.build(len(source))
