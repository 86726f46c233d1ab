"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules: in the message, % CR LF become %25 %0D %0A; in
properties also : and , (%3A, %2C), so a colon in a file name cannot break the command.
"""
from __future__ import annotations

from typing import Any, TextIO

from empathy_lint.findings import Finding, LineIndex
from empathy_lint.write.report import FileReport, Writer as FormatWriter, render_with

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Writer(FormatWriter):
    """One workflow command per finding, as it comes."""

    def __init__(self, out: TextIO, **_: Any) -> None:
        super().__init__(out)
        self.path = ""
        self.index = LineIndex("")

    def start_file(self, path: str, text: str) -> None:
        super().start_file(path, text)
        self.path, self.index = path, LineIndex.of(text)

    def add(self, findings: list[Finding]) -> None:
        super().add(findings)
        for f in findings:
            end_line, end_col = self.index.position(f.end)
            props = [f"file={escape_property(self.path)}", f"line={f.line}", f"col={f.column}",
                     f"endLine={end_line}", f"endColumn={end_col}",
                     f"title={escape_property(f'{f.code} {f.name}')}"]
            message = f.message
            if f.reply:
                message += f" [{f.reply}]"
            if f.suggestions:
                message += f"\nSuggestion: {f.suggestions[0]}"
            self.out.write(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}\n")


def render(reports: list[FileReport], **_: Any) -> str:
    return render_with(Writer, reports)
