"""Offsets to line/column, in the presence of CRLF, CR and non-ASCII text."""
from __future__ import annotations

import pytest

from empathy_lint.findings import LineIndex, Severity


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_and_column_follow_any_newline_style(newline):
    text = newline.join(["Hi Anna,", "", "As I said, no."])
    index = LineIndex(text)
    offset = text.index("As I said")
    assert index.position(offset) == (3, 1)
    assert index.offset(3, 1) == offset
    assert index.line_text(3) == "As I said, no."


def test_columns_count_characters_not_bytes():
    text = "Café 😀 as I said"
    assert LineIndex(text).position(text.index("as")) == (1, 8)


def test_round_trip_every_offset():
    text = "a\r\nbé\rc\n\nd😀e"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        line, column = index.position(offset)
        assert index.offset(line, column) == offset


def test_severity_order_and_parse():
    assert Severity.parse("ERROR") > Severity.parse("warning") > Severity.parse("info")
    with pytest.raises(ValueError):
        Severity.parse("fatal")


def test_json_fields_are_every_field_of_a_finding():
    """to_dict is written out by hand for speed: it must stay what asdict would give."""
    from dataclasses import asdict

    from empathy_lint.findings import Finding, Fix

    for finding in (Finding("EMP301", "as-i-said", "defensive", "forbid", "warning", "m", 3, 12, 1, 4,
                            ["To recap, ..."], Fix(3, 12, "To recap"), "Billing", "42"),
                    Finding("EMP501", "missing-follow-up", "follow-up", "require", "warning", "m", 0, 5)):
        assert finding.to_dict() == asdict(finding)


def test_a_finding_survives_pickling_with_every_field():
    """Workers send findings to the parent pickled (Finding.__reduce__ lists the fields
    by hand): every field, each set to a value unlike its default, comes back."""
    import dataclasses
    import pickle

    from empathy_lint.findings import Finding, Fix

    values = {"int": 7, "str": "s", "list[str]": ["a", "b"], "Fix | None": Fix(1, 2, "x"), "str | None": "n", "float | None": 0.75}
    finding = Finding(**{f.name: f"{f.name}!" if f.type == "str" else values[f.type]
                         for f in dataclasses.fields(Finding)})
    copy = pickle.loads(pickle.dumps(finding))
    assert copy == finding and copy is not finding
    assert dataclasses.astuple(copy) == dataclasses.astuple(finding)


def test_locate_gives_the_line_index_positions_with_or_without_line_breaks():
    """LineIndex skips its line-break regex on a one-line text (most replies): positions
    from locate must still be those of every break counted (a CRLF once), for offsets
    inside, at the end and past the text, with and without line breaks."""
    import random
    import re

    from empathy_lint.findings import Finding, locate

    def counted(text: str, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(text)))
        ends = [m.end() for m in re.finditer(r"\r\n?|\n", text) if m.end() <= offset]
        return len(ends) + 1, offset - (ends[-1] if ends else 0) + 1

    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice("ab é😀\n\r") if rng.random() < 0.5 else rng.choice("ab é😀")
                       for _ in range(rng.randrange(0, 30)))
        offsets = [rng.randrange(0, len(text) + 3) for _ in range(5)]
        findings = [Finding("EMP101", "n", "f", "forbid", "warning", "m", o, o) for o in offsets]
        assert [(f.line, f.column) for f in locate(findings, text)] == [counted(text, o) for o in offsets]
