"""A rule as the front-ends list it: `rules --format json` and the browser service's
`/v1/rules` give the same objects."""
from __future__ import annotations

from typing import Any

from empathy_lint.engine.confidence import reported_severity


def rule_data(rule: Any) -> dict[str, Any]:
    """A rule as `rules --format json` and the browser service's `/v1/rules` list it:
    its severity, the severity its findings are reported at once the fitted confidence
    has its say (`reported`), and what `explain` teaches (why, suggestions)."""
    return {"code": rule.id, "name": rule.name, "family": rule.family, "kind": rule.kind,
            "severity": rule.severity, "reported": reported_severity(rule), "message": rule.message,
            "why": " ".join(rule.why.split()) if rule.why else None, "suggestions": list(rule.suggest)}
