"""Map a decoded value (a JSON string, a YAML scalar, a CSV cell) back to file offsets."""
from __future__ import annotations

from empathy_lint.read.textmap import MapBuilder, MappedText


def json_string(raw: str, offset: int) -> tuple[str, MappedText]:
    """Decode the body of a JSON string token (between the quotes) at file `offset`.

    Escapes map to their whole escape sequence, so a finding never splits one.
    """
    n = len(raw)
    if "\\" not in raw:  # most strings: one run copied as it stands
        return raw, MappedText(raw, offset + n, [0], [(offset, offset + n, True)]) if raw else _empty(offset)
    builder = MapBuilder()
    out: list[str] = []
    i, run_start = 0, 0
    simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    while i < n:
        i = raw.find("\\", i)  # to the next escape at C speed: most strings have none
        if i < 0:
            break
        if run_start < i:
            builder.keep(raw[run_start:i], offset + run_start)
            out.append(raw[run_start:i])
        code = raw[i + 1: i + 2]
        if code == "u":
            value = int(raw[i + 2: i + 6], 16)
            end = i + 6
            if 0xD800 <= value < 0xDC00 and raw[end: end + 2] == "\\u":
                low = int(raw[end + 2: end + 6], 16)
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                end += 6
            char = chr(value)
        else:
            char, end = simple.get(code, code), i + 2
        builder.substitute(char, offset + i, offset + end)
        out.append(char)
        i = run_start = end
    if run_start < n:
        builder.keep(raw[run_start:], offset + run_start)
        out.append(raw[run_start:])
    text = "".join(out)
    if not text:
        return text, _empty(offset)
    mapped = builder.build(offset + n)
    mapped.text = text
    return text, mapped


def _empty(offset: int) -> MappedText:
    return MappedText("", offset, [0], [(offset, offset, False)])


def greedy(value: str, source: str, start: int, end: int) -> MappedText:
    """Align `value` with source[start:end], skipping source characters it lacks.

    For YAML block scalars (indentation stripped), folded lines and CSV quoting: each
    value character is matched to the next equal source character; a run of source
    characters it skips (indentation, quotes) is simply not mapped. Characters that
    cannot be found (a folded newline that became a space) map to the current position.
    """
    builder = MapBuilder()
    j = start
    for i, ch in enumerate(value):
        k = j
        limit = min(end, j + 200)
        while k < limit and source[k] != ch and not (ch == " " and source[k] in "\r\n"):
            k += 1
        if k < limit:
            builder.keep(ch, k) if source[k] == ch else builder.substitute(ch, k, k + 1)
            j = k + 1
        else:
            builder.substitute(ch, j, min(j + 1, end))
    mapped = builder.build(end)
    mapped.text = value
    if not value:
        mapped.starts, mapped.sources = [0], [(start, start, False)]
    return mapped
