"""`--format json`: versioned, stable field names (documented in README)."""
from __future__ import annotations

import json
from typing import Any

from . import FileReport, count_by_severity

FORMAT_VERSION = 1


def to_data(reports: list[FileReport], known: int | None = None) -> dict[str, Any]:
    counts = count_by_severity(reports)
    return {
        "version": FORMAT_VERSION,
        "files": [
            {"path": report.path, "replies": report.replies, "findings": [f.to_dict() for f in report.findings]}
            for report in reports
        ],
        "summary": {
            "files": len(reports),
            "replies": sum(r.replies for r in reports),
            "findings": sum(counts.values()),
            "error": counts["error"],
            "warning": counts["warning"],
            "info": counts["info"],
            "baseline": known,  # findings the --baseline hid (null without one)
        },
    }


def render(reports: list[FileReport], known: int | None = None, **_: Any) -> str:
    return json.dumps(to_data(reports, known), indent=2, ensure_ascii=False) + "\n"
