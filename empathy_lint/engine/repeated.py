"""Openings many replies share: a script, not a person.

A `repeated` rule gives each reply it applies to a candidate finding at the reply's
opening sentence (after the greeting); only across a whole run can we tell whether
that opening is a stock line. Candidates whose opening at least `min_replies` replies
(and `min_share` of the replies checked) share are kept, with the count in the
message; the rest are dropped.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict

from empathy_lint.findings import Finding
from empathy_lint.rulebook import Rule, load_context
from empathy_lint.read.textmap import prepare

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _greeting() -> re.Pattern[str]:
    """A greeting that opens the sentence ("Hi {{name}}, "), from rules/context/letter.yaml."""
    words = sorted((" ".join(p.split()) for p in load_context("letter.yaml")["greetings"]), key=len, reverse=True)
    return re.compile(r"^(?:%s)\b[^,.!?\n]{0,60}[,!.]\s*" % "|".join(map(re.escape, words)), re.I)


def opening_key(text: str) -> str:
    """How two openings compare: a greeting, case, spacing, apostrophes and end
    punctuation aside."""
    plain = _SPACES.sub(" ", prepare(text).text.lower()).strip()
    return _greeting().sub("", plain).strip(" .!?")


def confirm(candidates: list[tuple[Finding, str]], rules: dict[str, Rule]) -> set[int]:
    """ids of the candidate findings to keep; `candidates` are (finding, its reply's text)."""
    by_rule: dict[str, list[tuple[Finding, str]]] = defaultdict(list)
    for finding, text in candidates:
        by_rule[finding.code].append((finding, opening_key(text[finding.start:finding.end])))
    kept: set[int] = set()
    for code, entries in by_rule.items():
        rule = rules[code]
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding, key in entries:
            groups[key].append(finding)
        for group in groups.values():
            if len(group) >= rule.min_replies and len(group) >= rule.min_share * len(entries):
                for finding in group:
                    finding.message = f"{rule.message} ({len(group)} of the {len(entries)} replies in this file open with it.)"
                    kept.add(id(finding))
    return kept
