"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules: in the message, % CR LF become %25 %0D %0A; in
properties also : and , (%3A, %2C), so a colon in a file name cannot break the command.
"""
from __future__ import annotations

from typing import Any

from ..findings import LineIndex
from . import FileReport

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: list[FileReport], **_: Any) -> str:
    lines = []
    for report in reports:
        index = LineIndex(report.text)
        for f in report.findings:
            end_line, end_col = index.position(f.end)
            props = [f"file={escape_property(report.path)}", f"line={f.line}", f"col={f.column}",
                     f"endLine={end_line}", f"endColumn={end_col}",
                     f"title={escape_property(f'{f.code} {f.name}')}"]
            message = f.message
            if f.reply:
                message += f" [{f.reply}]"
            if f.suggestions:
                message += f"\nSuggestion: {f.suggestions[0]}"
            lines.append(f"::{COMMANDS[f.severity]} {','.join(props)}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
