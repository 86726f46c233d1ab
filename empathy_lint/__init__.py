"""empathy-lint: a rule-based linter for drafted customer-service replies.

Public API (imported lazily so that `import empathy_lint` does not load spaCy):
    lint_text(text, config=None, context=None) -> list[Finding]
    lint_batch(texts_or_records, config=None, n_process=1, batch_size=256) -> Iterator[BatchResult]
    load_rules(paths=None) -> list[Rule]
    Finding, Fix, Severity, Rule, Config, Context, Linter, BatchResult
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "lint_text": "engine.linter", "Linter": "engine.linter", "Context": "engine.linter",
    "lint_batch": "run.batch", "BatchResult": "run.batch",
    "load_rules": "rulebook", "Rule": "rulebook",
    "Finding": "findings", "Fix": "findings", "Severity": "findings",
    "Config": "config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'empathy_lint' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
