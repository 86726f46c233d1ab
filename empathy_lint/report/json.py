"""`--format json`: versioned, stable field names (documented in README)."""
from __future__ import annotations

import json
from typing import Any

from . import FileReport, count_by_severity

FORMAT_VERSION = 1


def to_data(reports: list[FileReport]) -> dict[str, Any]:
    counts = count_by_severity(reports)
    return {
        "version": FORMAT_VERSION,
        "files": [
            {"path": report.path, "findings": [f.to_dict() for f in report.findings]}
            for report in reports
        ],
        "summary": {
            "files": len(reports),
            "findings": sum(counts.values()),
            "error": counts["error"],
            "warning": counts["warning"],
            "info": counts["info"],
        },
    }


def render(reports: list[FileReport], **_: Any) -> str:
    return json.dumps(to_data(reports), indent=2, ensure_ascii=False) + "\n"
