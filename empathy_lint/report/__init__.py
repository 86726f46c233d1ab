"""Output formats. Each module renders a list of FileReport to a string."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..findings import Finding


@dataclass
class FileReport:
    """The findings of one linted file (or stdin), with the text they index."""

    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    replies: int = 1  # how many replies were read from the file


def count_by_severity(reports: list[FileReport]) -> Counter:
    """How many findings of each severity across all reports."""
    return Counter(f.severity for report in reports for f in report.findings)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"
