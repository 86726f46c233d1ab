"""A rule as the front-ends list it: `rules --format json` and the browser service's
`/v1/rules` give the same objects; `explain` and the editor's hover say the same about
a reply read without its customer."""
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


def assumed_problem_note(how_to_give: str) -> str:
    """Why a rule that rests on the customer's verdict only informs on a reply read
    without the customer's message, and how the user gives it (`--customer` on the
    command line, a `--- customer ---` part in the editor)."""
    return (f"A live reply checked without the customer's message is assumed to answer a problem, so there "
            f"this rule's findings are info, never failing a check: {how_to_give}, or quote their email under "
            "the draft with `>`, to have them warn. So are they where the customer's words leave it unsure "
            "whether anything went wrong and the reply decides.")
