"""Run settings and rule selection.

`Config` holds what the CLI flags (and, later, config files) decide: which rules
run, at what severity, and when a run fails. Selection follows ruff: codes or
names, prefix match, and the most specific selector wins.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable

from .errors import ConfigError
from .findings import Severity
from .rulebook import Rule, load_rules

KINDS = ("live", "canned")
CHANNELS = ("chat", "email", "sms", "social")


@dataclass
class Config:
    """Settings for one run. Empty `select` means every rule."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    rules: list[str] = field(default_factory=list)
    kind: str = "live"
    channel: str | None = None

    def __post_init__(self) -> None:
        if self.fail_on != "never":
            try:
                Severity.parse(self.fail_on)
            except ValueError:
                raise ConfigError(f"fail-on: {self.fail_on!r} is not one of error, warning, info, never") from None
        if self.kind not in KINDS:
            raise ConfigError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ConfigError(f"channel: {self.channel!r} is not one of {', '.join(CHANNELS)}")

    def fails(self, severity: str) -> bool:
        """Does a finding of this severity make the run fail?"""
        return self.fail_on != "never" and Severity.parse(severity) >= Severity.parse(self.fail_on)

    def active_rules(self) -> list[Rule]:
        """The rules this config runs, with severity overrides applied."""
        rules = select_rules(load_rules(self.rules), self.select, self.ignore)
        return apply_severity(rules, self.severity)


def split_selectors(values: Iterable[str]) -> list[str]:
    """Flatten repeated and comma-separated selector options."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _specificity(selector: str, rule: Rule) -> int:
    """How precisely `selector` names `rule`: 0 not at all, higher is more specific."""
    if selector.upper() == rule.id or selector.lower() == rule.name:
        return 1000
    if selector.upper() == "ALL":
        return 1
    if selector.lower() == rule.family:
        return 2
    if rule.id.startswith(selector.upper()) or rule.name.startswith(selector.lower()):
        return 2 + len(selector)
    return 0


def _check_known(selectors: list[str], rules: list[Rule], option: str) -> None:
    for selector in selectors:
        if not any(_specificity(selector, rule) for rule in rules):
            raise ConfigError(
                f"{option}: {selector!r} matches no rule code, name or family "
                f"(see `empathy-lint rules`)"
            )


def select_rules(rules: list[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    """Rules left after --select/--ignore; on a tie, ignore wins."""
    _check_known(select, rules, "select")
    _check_known(ignore, rules, "ignore")
    chosen = []
    for rule in rules:
        wanted = max((_specificity(s, rule) for s in select), default=0) if select else 1
        unwanted = max((_specificity(s, rule) for s in ignore), default=0)
        if wanted and wanted > unwanted:
            chosen.append(rule)
    return chosen


def apply_severity(rules: list[Rule], overrides: dict[str, str]) -> list[Rule]:
    """Rules with severities overridden by code, name, prefix or family (most specific wins)."""
    if not overrides:
        return rules
    _check_known(list(overrides), rules, "severity")
    for level in overrides.values():
        if level not in ("error", "warning", "info"):
            raise ConfigError(f"severity: {level!r} is not one of error, warning, info")
    result = []
    for rule in rules:
        best = max(overrides, key=lambda s: _specificity(s, rule))
        if _specificity(best, rule):
            rule = dataclasses.replace(rule, severity=overrides[best])
        result.append(rule)
    return result
