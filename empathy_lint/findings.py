"""Findings: what a rule reports, and how character offsets become line/column.

Offsets are Unicode code points into the ORIGINAL text the user wrote, so every
output format can convert them to what it needs (LSP and SARIF: UTF-16 units).
"""
from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    """Ordered so that `severity >= threshold` answers "does this fail the run?"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (expected error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Fix:
    """Replace text[start:end] with `replacement`: a safe, mechanical rewrite."""

    start: int
    end: int
    replacement: str


def describe_fix(text: str, fix: Fix) -> str:
    """The fix as a sentence a person reads: 'Replace "As I said" with "To recap".' or
    'Remove "obviously".' (a deletion may re-capitalise the next word: still a removal)."""
    original = text[fix.start:fix.end]
    recapitalised = len(fix.replacement) == 1 and original[-1:] == fix.replacement.lower()
    if not fix.replacement or recapitalised:
        removed = (original[:-1] if recapitalised else original).strip(" \t,;*_`")
        return f'Remove "{removed}".'
    return f'Replace "{original}" with "{fix.replacement}".'


@dataclass(slots=True)
class Finding:
    """One problem in one reply. Field names are the stable JSON output schema.

    `reply` names the macro inside a multi-reply file (title or heading), `id` the
    record id of an export; both are None for a plain one-reply file.
    """

    code: str
    name: str
    family: str
    kind: str
    severity: str
    message: str
    start: int
    end: int
    line: int = 0
    column: int = 0
    suggestions: list[str] = field(default_factory=list)
    fix: Fix | None = None
    reply: str | None = None
    id: str | None = None
    # How likely a reader agrees with the finding (0..1), from the fitted confidence model
    # (rules/context/confidence.yaml); None for rules it has no figures for.
    confidence: float | None = None

    @property
    def level(self) -> Severity:
        return Severity.parse(self.severity)

    def __reduce__(self) -> tuple[Any, tuple]:
        """Pickled as its fields in order (pool workers send their findings to the
        parent): half the time both ways of the default for a slotted class."""
        return Finding, (self.code, self.name, self.family, self.kind, self.severity, self.message,
                         self.start, self.end, self.line, self.column, self.suggestions, self.fix,
                         self.reply, self.id, self.confidence)

    def to_dict(self) -> dict[str, Any]:
        """The JSON output's fields (dataclasses.asdict, by hand: it deep-copies every
        value and was a fifth of a large export's JSON report)."""
        fix = self.fix
        return {
            "code": self.code, "name": self.name, "family": self.family, "kind": self.kind,
            "severity": self.severity, "message": self.message, "start": self.start, "end": self.end,
            "line": self.line, "column": self.column, "suggestions": list(self.suggestions),
            "fix": None if fix is None else {"start": fix.start, "end": fix.end, "replacement": fix.replacement},
            "reply": self.reply, "id": self.id, "confidence": self.confidence,
        }


_LINE_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Maps character offsets to 1-based (line, column) and back, in O(log n).

    Lines end at \\n, \\r\\n or a lone \\r, so CRLF and old-Mac files get the
    same positions an editor shows.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # (most replies are one line: two scans at C speed spare the regex's match objects)
        self.starts = [0] + ([m.end() for m in _LINE_BREAK.finditer(text)] if "\n" in text or "\r" in text else [])

    @classmethod
    def of(cls, text: Any) -> Any:
        """The index of a str, or the one a text left on disk keeps (sources.filetext):
        the same position / offset / line_text either way."""
        lines = getattr(text, "lines", None)
        return lines() if lines is not None else cls(text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of `offset`."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Inverse of `position`."""
        return self.starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        """The text of 1-based `line`, without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


# The order of findings in a report: by place in the text, then by rule code.
by_place = operator.attrgetter("start", "code")


def locate(findings: list[Finding], text: str, index: LineIndex | None = None) -> list[Finding]:
    """Fill in line/column for findings whose offsets point into `text` (reuse `index` if given)."""
    index = index or LineIndex(text)
    for finding in findings:
        finding.line, finding.column = index.position(finding.start)
    return findings
