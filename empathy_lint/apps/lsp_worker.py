"""The language server's worker process: checks one document at a time.

Imported once by the fork server (multiprocessing "forkserver", preloaded), which builds
the pipeline and rules at import; every worker is forked from it already warm. The
server gives each check a time budget and kills the worker that overruns it, so one
pathological document cannot delay the diagnostics of the others. It needs only the
document check (lsp_check), never the server.
"""
from __future__ import annotations

from typing import Any

from empathy_lint.apps.lsp_check import DocumentChecker, Verdict

CHECKER = DocumentChecker()
CHECKER.warm_up()


def ping() -> bool:
    """Makes the pool start its worker (the first check then finds it ready)."""
    return True


def check(uri: str, text: str, settings: dict[str, Any], max_bytes: int, roots: list[str] | None = None) -> tuple:
    """(findings, extra diagnostics, Verdict or None, rules of the findings, log messages)."""
    findings, extra, config, logs = CHECKER.check(uri, text, settings, max_bytes, roots or [])
    if config is None:
        return findings, extra, None, [], logs
    verdict = Verdict(config.fail_on, frozenset(s for s in ("error", "warning", "info") if config.fails(s)))
    codes = {f.code for f in findings}
    rules = [rule for rule in CHECKER.runner.linter(config).rules if rule.id in codes]
    return findings, extra, verdict, rules, logs


def fix_all(uri: str, text: str, settings: dict[str, Any], max_bytes: int, roots: list[str],
            ignored: frozenset[str]) -> tuple:
    """(the document with every safe fix applied, how many, log messages)."""
    return CHECKER.fix_all(uri, text, settings, max_bytes, roots, ignored)
