"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure).

Columns are Unicode code points (`columnKind: unicodeCodePoints`), matching our
offsets; severities map error -> error, warning -> warning, info -> note.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
from typing import Any, TextIO

from empathy_lint.findings import Finding, LineIndex, describe_fix
from empathy_lint.rulebook import Rule
from empathy_lint.write.report import FileReport, Writer as FormatWriter, render_with
from empathy_lint.write.report.json import dumps_indented

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/empathy-lint/empathy-lint"


def _uri(path: str) -> str:
    """A relative URI reference (RFC 3986): spaces, "#", "%" and non-ASCII percent-encoded."""
    if path.startswith("<"):
        return "stdin"
    return quote(Path(path).as_posix(), safe="/:")


def _rule(rule: Rule) -> dict[str, Any]:
    help_text = rule.why + "\n\nSuggestions:\n" + "\n".join(f"- {s}" for s in rule.suggest)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": f"**{rule.message}**\n\n{help_text}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["empathy", rule.family], "kind": rule.kind},
    }


def _result(f: Finding, path: str, text: str, lines: LineIndex) -> dict[str, Any]:
    end_line, end_col = lines.position(f.end)
    region = {"startLine": f.line, "startColumn": f.column, "endLine": end_line,
              "endColumn": max(end_col, f.column + (end_line == f.line)),
              "charOffset": f.start, "charLength": f.end - f.start,
              "snippet": {"text": text[f.start:f.end]}}
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": LEVELS[f.severity],
        "message": {"text": f.message + (f" ({f.reply})" if f.reply else "")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": region}}],
        "properties": {"suggestions": f.suggestions, "family": f.family},
    }
    if f.confidence is not None:
        # SARIF's own `rank` (0-100) is how sure the tool is of a result; also kept as is.
        result["rank"] = round(f.confidence * 100, 1)
        result["properties"]["confidence"] = f.confidence
    if f.fix is not None:
        fs_line, fs_col = lines.position(f.fix.start)
        fe_line, fe_col = lines.position(f.fix.end)
        result["fixes"] = [{
            "description": {"text": describe_fix(text, f.fix)},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(path)},
                "replacements": [{
                    "deletedRegion": {"startLine": fs_line, "startColumn": fs_col,
                                      "endLine": fe_line, "endColumn": fe_col},
                    "insertedContent": {"text": f.fix.replacement},
                }],
            }],
        }]
    return result


class Writer(FormatWriter):
    """Results written as they come; the tool and the rules the results used last
    (`ruleIndex` counts the rules in the order they were first used)."""

    def __init__(self, out: TextIO, *, rules: list[Rule], version: str = "0", **_: Any) -> None:
        super().__init__(out)
        self.rules = {rule.id: rule for rule in rules}
        self.version = version
        self.used: dict[str, int] = {}
        self.results = 0
        self.path, self.text, self.lines = "", "", LineIndex("")
        out.write('{\n  "$schema": ' + json.dumps(SCHEMA) + ',\n  "version": "2.1.0",\n  "runs": [\n    {\n'
                  '      "columnKind": "unicodeCodePoints",\n      "results": [')

    def start_file(self, path: str, text: str) -> None:
        super().start_file(path, text)
        self.path, self.text, self.lines = path, text, LineIndex.of(text)

    def add(self, findings: list[Finding]) -> None:
        super().add(findings)
        for f in findings:
            result = _result(f, self.path, self.text, self.lines)
            if f.code in self.rules:
                result["ruleIndex"] = self.used.setdefault(f.code, len(self.used))
            self.out.write(("," if self.results else "") + "\n        " + dumps_indented(result, 8))
            self.results += 1

    def close(self, known: int | None = None) -> None:
        driver = {"name": "empathy-lint", "version": self.version, "informationUri": INFO_URI,
                  "rules": [_rule(self.rules[code]) for code in self.used]}
        self.out.write(("\n      ]" if self.results else "]") + ',\n      "tool": '
                       + dumps_indented({"driver": driver}, 6) + "\n    }\n  ]\n}\n")


def to_data(reports: list[FileReport], rules: list[Rule], version: str = "0") -> dict[str, Any]:
    """The whole log as one object."""
    return json.loads(render(reports, rules=rules, version=version))


def render(reports: list[FileReport], *, rules: list[Rule], version: str = "0", **_: Any) -> str:
    return render_with(Writer, reports, rules=rules, version=version)
