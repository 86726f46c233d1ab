"""LSP positions: character offsets <-> code units in each encoding a client negotiates."""
from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec

from empathy_lint.findings import LineIndex
from empathy_lint.apps.lsp import Positions

ENCODINGS = [types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf32]
# ASCII, Latin-1, BMP, astral (a surrogate pair in UTF-16), a format character, CJK
ALPHABET = list("ab c\n\t") + ["é", "€", "😀", "\u200b", "𝄞", "中", "\r\n"]


def counted_position(text: str, codec: PositionCodec, offset: int) -> tuple[int, int]:
    """The definition: the code units of the line's text before the offset."""
    index = LineIndex(text)
    line, column = index.position(offset)
    return line - 1, codec.client_num_units(index.line_text(line)[: column - 1])


def counted_offset(text: str, codec: PositionCodec, line: int, character: int) -> int:
    """The definition: the first character whose units before it reach `character`."""
    index = LineIndex(text)
    if line >= len(index.starts):
        return len(text)
    units, line_text = 0, index.line_text(line + 1)
    for i, ch in enumerate(line_text):
        if units >= character:
            return index.offset(line + 1, i + 1)
        units += codec.client_num_units(ch)
    return index.offset(line + 1, len(line_text) + 1)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_positions_and_offsets_match_a_count_of_code_units(encoding):
    codec = PositionCodec(encoding=encoding)
    rng = random.Random(20261127)
    for _ in range(150):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
        positions = Positions(text, codec)
        for offset in range(len(text) + 1):
            got = positions.position(offset)
            assert (got.line, got.character) == counted_position(text, codec, offset), (text, offset)
        for line in range(text.count("\n") + 2):
            for character in range(45):
                got = positions.offset(types.Position(line=line, character=character))
                assert got == counted_offset(text, codec, line, character), (text, line, character)


def test_a_long_line_after_an_astral_character_is_counted_in_utf16():
    text = "😀 " + "As I said. " * 20000
    positions = Positions(text, PositionCodec(encoding=types.PositionEncodingKind.Utf16))
    last = text.rindex("As I said")
    assert positions.position(last).character == last + 1  # the emoji is two UTF-16 units
    assert positions.offset(types.Position(line=0, character=last + 1)) == last
