"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure).

Columns are Unicode code points (`columnKind: unicodeCodePoints`), matching our
offsets; severities map error -> error, warning -> warning, info -> note.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
from typing import Any

from ..findings import LineIndex, describe_fix
from ..rulebook import Rule
from . import FileReport

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


def to_data(reports: list[FileReport], rules: list[Rule], version: str) -> dict[str, Any]:
    used = {f.code for r in reports for f in r.findings}
    driver_rules = [r for r in rules if r.id in used] or []
    index = {r.id: i for i, r in enumerate(driver_rules)}
    results = []
    for report in reports:
        lines = LineIndex(report.text)
        for f in report.findings:
            end_line, end_col = lines.position(f.end)
            region = {"startLine": f.line, "startColumn": f.column, "endLine": end_line,
                      "endColumn": max(end_col, f.column + (end_line == f.line)),
                      "charOffset": f.start, "charLength": f.end - f.start,
                      "snippet": {"text": report.text[f.start:f.end]}}
            result: dict[str, Any] = {
                "ruleId": f.code,
                "level": LEVELS[f.severity],
                "message": {"text": f.message + (f" ({f.reply})" if f.reply else "")},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(report.path)},
                                                    "region": region}}],
                "properties": {"suggestions": f.suggestions, "family": f.family},
            }
            if f.code in index:
                result["ruleIndex"] = index[f.code]
            if f.fix is not None:
                fs_line, fs_col = lines.position(f.fix.start)
                fe_line, fe_col = lines.position(f.fix.end)
                result["fixes"] = [{
                    "description": {"text": describe_fix(report.text, f.fix)},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": _uri(report.path)},
                        "replacements": [{
                            "deletedRegion": {"startLine": fs_line, "startColumn": fs_col,
                                              "endLine": fe_line, "endColumn": fe_col},
                            "insertedContent": {"text": f.fix.replacement},
                        }],
                    }],
                }]
            results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "empathy-lint", "version": version, "informationUri": INFO_URI,
                                "rules": [_rule(r) for r in driver_rules]}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(reports: list[FileReport], *, rules: list[Rule], version: str = "0", **_: Any) -> str:
    return json.dumps(to_data(reports, rules, version), indent=2, ensure_ascii=False) + "\n"
