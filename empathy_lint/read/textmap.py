"""Prepare a reply for the pipeline while remembering where every character came from.

The pipeline sees a normalised copy of the text (curly apostrophes straightened,
soft line wraps folded to spaces, paragraph and list breaks kept as one newline,
placeholders masked); `MappedText.to_source` turns a span of that copy back into
offsets of the text the user wrote, so findings point at the real file.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

def _one_to_one_folds() -> dict[int, str]:
    """Letters and spaces NFKC folds to one plain character: fullwidth forms ("Ａｓ"),
    mathematical letters ("𝐀𝐬"), every Unicode space (U+1680, U+2000-U+200A, U+205F,
    U+3000). One character for one, so positions hold without a map."""
    import unicodedata

    folds = {}
    for start, end in ((0xFF01, 0xFF5E), (0x1D400, 0x1D7FF)):
        for code in range(start, end + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded.isascii():
                folds[code] = folded
    for code in (0x1680, *range(0x2000, 0x200B), 0x205F, 0x3000):
        folds[code] = " "
    return folds


# One-to-one substitutions: typographic apostrophes and quotes, odd spaces, fullwidth and
# mathematical letters. (Cyrillic and Greek lookalikes are letters of their own: out of
# reach, as in every linter that does not guess the script.)
_STRAIGHTEN = str.maketrans({
    **_one_to_one_folds(),
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})
# Whether a text holds any of them: one regex scan costs a third of a translate that
# changes nothing, and most texts have none.
# The characters _STRAIGHTEN changes, as a set: "does the text hold one?" is a set test
# over its characters (a regex class of these 800-odd characters took 40 times as long,
# a tenth of an export's time over the floor).
_CURLY = frozenset(chr(c) for c in _STRAIGHTEN)

# A run of whitespace that contains at least one line break, or 2+ spaces/tabs.
_WHITESPACE_RUN = re.compile(r"[ \t]*(?:\r\n?|\n)[ \t\r\n]*|[ \t]{2,}|\t")


def holds_run(text: str) -> bool:
    """Does `text` hold a whitespace run to fold? Only if it holds one of these four
    (tested as substrings, at memchr speed: most replies hold none)."""
    return "\n" in text or "\r" in text or "\t" in text or "  " in text


# Default-ignorable code points (zero-width space and joiners, soft hyphen, word joiner,
# bidi marks and isolates, BOM, variation selectors): invisible, so a writer cannot see
# them, and they must not hide "As\u200b I said" from a rule. Removed for matching;
# offsets still point into the original text.
_INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
              "\u3164\ufe00-\ufe0f\ufeff\uffa0"
              # Tag characters and combining marks laid over a word ("As I sa\u0301id"): no
              # English phrase needs them.
              "\U000e0000-\U000e007f\u0300-\u036f")
# A run of this many characters without a space is not prose (a wall of commas, emoji or
# brackets, a base64 blob). The tokenizer's affix splitting is quadratic in a token's
# length, so such a run is masked: linting stays linear in the text.
LONG_RUN = 200
_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")
_LONG_RUN = re.compile(f"\\S{{{LONG_RUN},}}")
# ...unless it holds letters of a script written without spaces between words (kana, CJK
# ideographs, Thai): then it is a sentence or a paragraph (see _unspaced_breaks). The
# ranges are shared with the pipeline, which splits Japanese and Chinese into characters.
CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"  # kana, ideographs
CJK_MARKS = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # their punctuation
_UNSPACED_LETTER = re.compile(f"[\u0e00-\u0e7f{CJK_LETTERS}]")
PUNCTUATION_RUN = 20
_UNSPACED_BREAK = re.compile(f"[^\\w\\s{_INVISIBLE}]{{{PUNCTUATION_RUN},}}|[{_INVISIBLE}]|[{CJK_MARKS}]")
# Both, to find them in a text that holds one. Whether it does is tested as two cheap
# scans: a character class, then a long run, which only a text of LONG_RUN characters
# can hold (this one regex tries a run at every character).
_SPECIAL = re.compile(f"{_INVISIBLE_CHAR.pattern}|{_LONG_RUN.pattern}")
_LONG_URL = re.compile(r"(?:https?://|www\.)\S*", re.I)

# What starts a new block after a single line break: list items, headings, quotes.
_BLOCK_START = re.compile(r"(?:[-*+\u2022>#]|\d{1,3}[.)])(?=\s)")


@dataclass
class MappedText:
    """The pipeline's text plus a segment table mapping it back to the source.

    Each segment is a run of pipeline characters that is either copied from the
    source character for character, or substituted for a source span (a folded
    whitespace run, a masked placeholder). A table of segments, not one offset
    per character, keeps memory flat for large files.
    """

    text: str
    source_length: int
    starts: list[int] = field(default_factory=list)    # pipeline offset where each segment starts
    sources: list[tuple[int, int, bool]] = field(default_factory=list)  # (source start, source end, copied?)

    def _segment(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def _start(self, offset: int) -> int:
        if offset >= len(self.text):
            return self.source_length
        i = self._segment(offset)
        src_start, _, copied = self.sources[i]
        return src_start + (offset - self.starts[i]) if copied else src_start

    def _end(self, last: int) -> int:
        i = self._segment(last)
        src_start, src_end, copied = self.sources[i]
        return src_start + (last - self.starts[i]) + 1 if copied else src_end

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the half-open span text[start:end]."""
        sources = self.sources
        if len(sources) == 1 and sources[0][2] and start < len(self.text):  # one run copied as it stands
            shift = sources[0][0] - self.starts[0]
            return start + shift, (end if end > start else start) + shift
        begin = self._start(start)
        if end <= start:
            return begin, begin
        return begin, self._end(end - 1)


class MapBuilder:
    """Accumulates pipeline text pieces with the source spans they stand for."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.starts: list[int] = []
        self.sources: list[tuple[int, int, bool]] = []

    def _add(self, text: str, start: int, end: int, copied: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        self.starts.append(self.length)
        self.sources.append((start, end, copied))
        self.length += len(text)

    def ends_with_space(self) -> bool:
        return not self.parts or self.parts[-1][-1:].isspace()

    def keep(self, text: str, start: int) -> None:
        """Copy text that stands at source offset `start`, char for char."""
        self._add(text, start, start + len(text), True)

    def substitute(self, replacement: str, start: int, end: int) -> None:
        """Put `replacement` where source[start:end] was."""
        self._add(replacement, start, end, False)

    def build(self, source_length: int) -> MappedText:
        return MappedText("".join(self.parts), source_length, self.starts, self.sources)


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
    # Curly quotes and invisible characters are all outside ASCII: an ASCII text (most
    # replies; CPython knows it without a scan) needs neither regex scan.
    plain = source.isascii()
    straight = source.translate(_STRAIGHTEN) if not plain and not _CURLY.isdisjoint(source) else source
    if (not plain and _INVISIBLE_CHAR.search(straight)) or (len(straight) >= LONG_RUN and _LONG_RUN.search(straight)):
        masks = _special_masks(straight, masks or [])
    if not masks and not holds_run(straight):
        # Nothing to fold or mask (most short replies): one segment, copied.
        return MappedText(straight, len(source), [0], [(0, len(source), True)])
    builder = MapBuilder()
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
        if replacement == " " and (builder.ends_with_space() or straight[end:end + 1].isspace() or end == len(straight)):
            replacement = ""  # don't leave two spaces where a mask meets a space: they split phrases
        builder.substitute(replacement, start, end)
        pos = end
    copy_plain(len(straight))
    return builder.build(len(source))


def _special_masks(text: str, masks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """`masks` plus invisible characters (removed) and over-long runs (a stand-in),
    where they do not overlap a mask already given."""
    extra = []
    for match in _SPECIAL.finditer(text):
        start, end = match.span()
        if end - start < LONG_RUN:  # one invisible character
            extra.append((start, end, ""))
        elif _UNSPACED_LETTER.search(match.group()):
            extra.extend(_unspaced_breaks(match.group(), start))
        else:
            extra.append((start, end, " https://example.com " if _LONG_URL.match(match.group()) else " "))
    if not masks:
        return extra
    from empathy_lint.read.placeholders import merge_masks

    return merge_masks(masks, extra)


def _unspaced_breaks(run: str, offset: int) -> list[tuple[int, int, str]]:
    """A long run holding Japanese, Chinese or Thai letters is prose (those scripts put
    no space between words), not a blob: it is kept, with a space after each of its
    punctuation marks ("。", "、", "！"), so no token ends in a long train of affixes;
    invisible characters are removed and a stretch of PUNCTUATION_RUN marks or symbols
    (a wall of "。。。", emoji) becomes a space, as a blob would."""
    breaks = []
    for match in _UNSPACED_BREAK.finditer(run):
        start, end = offset + match.start(), offset + match.end()
        piece = match.group()
        if len(piece) >= PUNCTUATION_RUN:
            breaks.append((start, end, " "))
        elif _INVISIBLE_CHAR.match(piece):
            breaks.append((start, end, ""))
        else:
            breaks.append((start, end, piece + " "))
    return breaks


def identity(text: str, offset: int = 0) -> MappedText:
    """A map for text that stands in the source verbatim at `offset`."""
    builder = MapBuilder()
    builder.keep(text, offset)
    mapped = builder.build(offset + len(text))
    if not text:
        mapped.starts, mapped.sources = [0], [(offset, offset, False)]
    return mapped
