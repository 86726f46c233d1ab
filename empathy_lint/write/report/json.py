"""`--format json`: versioned, stable field names (documented in README).

Written as the run goes: each finding is dumped when it comes, so a large export's
report is never built as one object; the text is exactly what json.dumps(indent=2)
gives for `to_data`.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from empathy_lint.findings import Finding
from empathy_lint.write.report import FileReport, Writer as FormatWriter, count_by_severity, render_with

FORMAT_VERSION = 1


_STRING = json.JSONEncoder(ensure_ascii=False).encode  # a str alone goes to the C encoder


def dumps_indented(value: Any, indent: int) -> str:
    """`value` as json.dumps(indent=2, ensure_ascii=False) writes it `indent` spaces deep
    (first line unindented), for the str/int/bool/None/list/dict values of a report.
    By hand because json.dumps with an indent runs its pure-Python encoder: turning a
    large export's findings into JSON took a tenth of the run."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{inner}{_STRING(str(key))}: {dumps_indented(item, indent + 2)}" for key, item in value.items())
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps_indented(item, indent + 2) for item in value) + "\n" + " " * indent + "]"
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + " " * indent)


def finding_json(f: Finding, indent: int) -> str:
    """dumps_indented(f.to_dict(), indent), written straight from the finding's fields:
    the one value a large export's report writes a hundred thousand times. The part
    that is the rule's own (code to message, and the suggestions) is made once per rule."""
    inner, deeper = " " * (indent + 2), " " * (indent + 4)
    key = (f.code, f.name, f.family, f.kind, f.severity, f.message, indent, *f.suggestions)
    head, tail = _RULE_PARTS.get(key) or _rule_parts(key, f, inner, deeper)
    fix = f.fix
    fixed = "null" if fix is None else (
        f'{{\n{deeper}"start": {int(fix.start)},\n{deeper}"end": {int(fix.end)},\n'
        f'{deeper}"replacement": {_STRING(fix.replacement)}\n{inner}}}')
    return (f'{head}{inner}"start": {int(f.start)},\n{inner}"end": {int(f.end)},\n'
            f'{inner}"line": {int(f.line)},\n{inner}"column": {int(f.column)},\n{tail}'
            f'{inner}"fix": {fixed},\n'
            f'{inner}"reply": {"null" if f.reply is None else _STRING(f.reply)},\n'
            f'{inner}"id": {"null" if f.id is None else _STRING(f.id)},\n'
            f'{inner}"confidence": {"null" if f.confidence is None else repr(float(f.confidence))}\n{" " * indent}}}')


# A finding's JSON before its offsets (code to message) and its suggestions, per rule.
_RULE_PARTS: dict[tuple, tuple[str, str]] = {}


def _rule_parts(key: tuple, f: Finding, inner: str, deeper: str) -> tuple[str, str]:
    string = _STRING
    head = (f'{{\n{inner}"code": {string(f.code)},\n{inner}"name": {string(f.name)},\n'
            f'{inner}"family": {string(f.family)},\n{inner}"kind": {string(f.kind)},\n'
            f'{inner}"severity": {string(f.severity)},\n{inner}"message": {string(f.message)},\n')
    suggestions = ("[\n" + ",\n".join(deeper + string(s) for s in f.suggestions) + "\n" + inner + "]"
                   if f.suggestions else "[]")
    if len(_RULE_PARTS) >= 4096:  # rules are few; findings made by hand could be many
        _RULE_PARTS.clear()
    _RULE_PARTS[key] = head, tail = head, f'{inner}"suggestions": {suggestions},\n'
    return head, tail


def summary_data(counts: dict[str, int], files: int, replies: int, known: int | None) -> dict[str, Any]:
    return {
        "files": files,
        "replies": replies,
        "findings": sum(counts.values()),
        "error": counts.get("error", 0),
        "warning": counts.get("warning", 0),
        "info": counts.get("info", 0),
        "baseline": known,  # findings the --baseline hid (null without one)
    }


def to_data(reports: list[FileReport], known: int | None = None) -> dict[str, Any]:
    """The whole report as one object (for callers that want data, not text)."""
    return {
        "version": FORMAT_VERSION,
        "files": [
            {"path": report.path, "findings": [f.to_dict() for f in report.findings], "replies": report.replies}
            for report in reports
        ],
        "summary": summary_data(count_by_severity(reports), len(reports), sum(r.replies for r in reports), known),
    }


class Writer(FormatWriter):
    """Each file's entry opened when it starts, its findings dumped as they come, its
    reply count (known once it is read) and the summary written last."""

    def __init__(self, out: TextIO, **_: Any) -> None:
        super().__init__(out)
        self.in_file = 0
        out.write('{\n  "version": %d,\n  "files": [' % FORMAT_VERSION)

    def start_file(self, path: str, text: str) -> None:
        self.out.write(("," if self.files else "") + '\n    {\n      "path": ' + dumps_indented(path, 6)
                       + ',\n      "findings": [')
        super().start_file(path, text)
        self.in_file = 0

    def add(self, findings: list[Finding]) -> None:
        super().add(findings)
        for finding in findings:
            self.out.write(("," if self.in_file else "") + "\n        " + finding_json(finding, 8))
            self.in_file += 1

    def end_file(self, replies: int) -> None:
        super().end_file(replies)
        self.out.write(("\n      ]" if self.in_file else "]") + ',\n      "replies": %d\n    }' % replies)

    def close(self, known: int | None = None) -> None:
        summary = summary_data(self.counts, self.files, self.replies, known)
        self.out.write(("\n  ]" if self.files else "]") + ',\n  "summary": ' + dumps_indented(summary, 2) + "\n}\n")


def render(reports: list[FileReport], known: int | None = None, **_: Any) -> str:
    return render_with(Writer, reports, known)
