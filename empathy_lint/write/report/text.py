"""`--format text`: what a person reads in a terminal before sending a reply."""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any, TextIO

import click

from empathy_lint.findings import Finding, LineIndex
from empathy_lint.write.report import FileReport, Writer as FormatWriter, plural, render_with

SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def visible(ch: str) -> str:
    """How a character is shown: control characters (escape sequences, bell, C1 codes,
    bidi overrides) as \\xNN / \\uNNNN, so text from a reply can never drive the terminal."""
    if ch == "\t":
        return "    "
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"\\x{code:02x}"
    if unicodedata.category(ch) in ("Cf", "Cs", "Co") or code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return ch


def escape(text: str) -> str:
    """`text` with every character shown as `visible` shows it."""
    return "".join(visible(ch) for ch in text) if not text.isprintable() else text


def _width(ch: str) -> int:
    """Terminal columns a character takes as shown (wide CJK/emoji take two)."""
    shown = visible(ch)
    if shown != ch:
        return len(shown)
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# A source line longer than this is shown as a window around the finding: a reply kept
# on one line (a JSONL row, a file with no line breaks) can be 500,000 characters, and
# printing it whole under each of its findings is unreadable and quadratic.
SHOWN_CHARS = 200
CONTEXT_BEFORE = 60
CLIPPED = "\u2026"  # …


def _caret_line(line: str, start_col: int, end_col: int) -> tuple[str, str]:
    """The source line (tabs expanded; a long one clipped to SHOWN_CHARS around the
    finding, with … where it was cut) and a ^^^ line under columns [start, end)."""
    start, end = start_col - 1, max(end_col - 1, start_col - 1)
    before = after = ""
    if len(line) > SHOWN_CHARS:
        low = max(0, min(start - CONTEXT_BEFORE, len(line) - SHOWN_CHARS))
        high = low + SHOWN_CHARS
        before, after = (CLIPPED if low else ""), (CLIPPED if high < len(line) else "")
        line, start, end = line[low:high], start - low, min(end, high) - low
    pad = len(before) + sum(_width(c) for c in line[:start])
    span = sum(_width(c) for c in line[start:end]) or 1
    return before + escape(line) + after, " " * pad + "^" * span


def _describe_fix(finding: Finding, text: str) -> str:
    fix = finding.fix
    assert fix is not None
    before = text[fix.start:fix.end]
    if not fix.replacement:
        return f'remove "{escape(before.strip())}"'
    if len(fix.replacement) == 1 and before[-1:].lower() == fix.replacement.lower():
        return f'remove "{escape(before[:-1].strip())}"'  # deleted a word and re-capitalised the next
    return f'"{escape(before)}" -> "{escape(fix.replacement)}"'


def render_finding(report: FileReport, index: LineIndex, finding: Finding, *, why: str | None,
                   quiet: bool) -> list[str]:
    colour = SEVERITY_COLOURS.get(finding.severity)
    head = (
        click.style(f"{escape(report.path)}:{finding.line}:{finding.column}:", bold=True)
        + " " + click.style(finding.code, fg=colour, bold=True)
        + " " + click.style(f"[{finding.severity}]", fg=colour)
        + " " + escape(finding.message)
        + (click.style(f"  ({escape(finding.reply)})", dim=True) if finding.reply else "")
    )
    lines = [head]
    if quiet:
        return lines
    source_line = index.line_text(finding.line)
    end_line, end_col = index.position(finding.end)
    if end_line != finding.line:
        end_col = len(source_line) + 1
    shown, carets = _caret_line(source_line, finding.column, end_col)
    lines.append("    " + shown)
    lines.append("    " + click.style(carets, fg=colour, bold=True))
    if why:
        lines.append("  " + click.style("why:", dim=True) + " " + why)
    if finding.fix is not None:
        lines.append("  " + click.style("fix:", fg="green") + " " + _describe_fix(finding, report.text))
    for suggestion in finding.suggestions:
        # A suggestion of several lines (a sign-off and the name under it) stays under
        # its label, not at the margin where the next finding's path begins.
        lines.append("  " + click.style("suggest:", fg="green") + " " + suggestion.replace("\n", _UNDER_LABEL))
    return lines


_UNDER_LABEL = "\n" + " " * len("  suggest: ")


def summary(counts: Counter, files: int, replies: int, known: int | None = None) -> str:
    """One line: what was found in what was read (and what a baseline hid)."""
    total = sum(counts.values())
    read = plural(files, "file")
    if replies != files:
        read = f"{plural(replies, 'reply', 'replies')} in {read}"
    hidden = "" if known is None else (
        f"; {plural(known, 'known finding')} in the baseline {'was' if known == 1 else 'were'} not reported")
    if not total:
        return f"No {'new ' if hidden else ''}findings in {read}{hidden}."
    parts = [plural(counts[s], s) if s != "info" else f"{counts[s]} info"
             for s in ("error", "warning", "info") if counts[s]]
    return (f"{plural(total, 'finding')} ({', '.join(parts)}) in {read}{' are new' if hidden else ''}{hidden}. "
            "Run `empathy-lint explain CODE` for more.")


class Writer(FormatWriter):
    """Each finding with its line, carets, why and suggestions as it comes; the summary last
    (neither blank lines nor summary with quiet)."""

    def __init__(self, out: TextIO, *, why: dict[str, str] | None = None, quiet: bool = False,
                 **_: Any) -> None:
        super().__init__(out)
        self.why = why or {}
        self.quiet = quiet
        self.file = FileReport("", "")
        self.index = LineIndex("")

    def start_file(self, path: str, text: str) -> None:
        super().start_file(path, text)
        self.file = FileReport(path, text)
        self.index = LineIndex.of(text)

    def add(self, findings: list[Finding]) -> None:
        super().add(findings)
        for finding in findings:
            lines = render_finding(self.file, self.index, finding, why=self.why.get(finding.code), quiet=self.quiet)
            if not self.quiet:
                lines.append("")
            self.out.write("\n".join(lines) + "\n")

    def close(self, known: int | None = None) -> None:
        # Nothing read (every file named was an error, said on stderr): "No findings in
        # 0 files" would read as a clean pass.
        if not self.quiet and (self.files or self.counts):
            self.out.write(summary(self.counts, self.files, self.replies, known) + "\n")


def render(reports: list[FileReport], **options: Any) -> str:
    """All findings, then a one-line summary (left out with quiet)."""
    return render_with(Writer, reports, **options)
