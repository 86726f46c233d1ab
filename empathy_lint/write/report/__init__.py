"""Output formats. Each module has a `Writer` that writes its format as the run goes
(each file's findings as they come, the summary last), and `render`, the same for
reports already made."""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from empathy_lint.findings import Finding


@dataclass
class FileReport:
    """The findings of one linted file (or stdin), with the text they index."""

    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    replies: int = 1  # how many replies were read from the file


class Writer:
    """A format written as the run goes, so a million-row export's findings need not all
    be held to be reported: `start_file`, then `add` with that file's findings (in file
    order, any number of times), `end_file` with its reply count; `close` at the end.
    The base class keeps the counts every summary needs."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self.out = out
        self.counts: Counter = Counter()
        self.files = 0
        self.replies = 0

    def start_file(self, path: str, text: str) -> None:
        self.files += 1

    def add(self, findings: list[Finding]) -> None:
        self.counts.update(f.severity for f in findings)

    def end_file(self, replies: int) -> None:
        self.replies += replies

    def close(self, known: int | None = None) -> None:
        """`known`: findings a --baseline hid (None without one)."""


class Collector(Writer):
    """Keeps the reports (the API's and the tests' view of a run)."""

    def __init__(self, out: TextIO | None = None, **options: Any) -> None:
        super().__init__(out or io.StringIO())
        self.reports: list[FileReport] = []

    def start_file(self, path: str, text: str) -> None:
        super().start_file(path, text)
        self.reports.append(FileReport(path, text, [], 0))

    def add(self, findings: list[Finding]) -> None:
        super().add(findings)
        self.reports[-1].findings.extend(findings)

    def end_file(self, replies: int) -> None:
        super().end_file(replies)
        self.reports[-1].replies = replies


def write_reports(writer: Writer, reports: list[FileReport], known: int | None = None) -> None:
    """Feed finished reports to a writer."""
    for report in reports:
        writer.start_file(report.path, report.text)
        writer.add(report.findings)
        writer.end_file(report.replies)
    writer.close(known)


def render_with(writer_class: type[Writer], reports: list[FileReport], known: int | None = None,
                **options: Any) -> str:
    """A format's whole text for finished reports, through its Writer."""
    out = io.StringIO()
    write_reports(writer_class(out, **options), reports, known)
    return out.getvalue()


def count_by_severity(reports: list[FileReport]) -> Counter:
    """How many findings of each severity across all reports."""
    return Counter(f.severity for report in reports for f in report.findings)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"
