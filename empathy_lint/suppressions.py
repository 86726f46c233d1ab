"""Inline suppressions: `empathy-lint: disable ...` in the comment style a file allows.

    <!-- empathy-lint: disable EMP301 -->              markdown / HTML
    {% comment %} empathy-lint: disable EMP301 {% endcomment %}   Liquid macros
    {# empathy-lint: disable EMP301 #}                 Jinja / Twig
    # empathy-lint: disable EMP301                     YAML, or a line of its own in .txt

Directives: `disable` (whole file; inside one macro of a collection, that macro only),
`disable-next-line`, `disable-line`; with no codes, all rules. Codes may be names or prefixes, comma or space separated. Front matter
`disable: [EMP301]` disables for the whole file too. Directive comments are masked,
so their words are never linted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import Finding, LineIndex
from .placeholders import Mask

# Linear in the line: the codes are one lazy run up to a closing marker (trailing spaces
# are stripped in code, not by a second quantifier that would retry every split of a
# long run of spaces), and whitespace inside the comment markers is spaces/tabs only.
_DIRECTIVE = re.compile(
    r"(?:<!--|\{%-?[ \t]*comment[ \t]*-?%\}|\{#|(?m:^[ \t]*#))[ \t]*empathy-lint:[ \t]*"
    r"(?P<kind>disable-next-line|disable-line|disable|enable)\b(?P<codes>[^\n]*?)"
    r"(?:-->|\{%-?[ \t]*endcomment[ \t]*-?%\}|#\}|$)",
    re.M,
)


@dataclass(frozen=True)
class Directive:
    kind: str
    codes: tuple[str, ...]
    line: int
    start: int
    end: int

    def covers(self, finding: Finding) -> bool:
        if self.codes and not any(_matches(c, finding) for c in self.codes):
            return False
        if self.kind == "disable":
            return True
        if self.kind == "disable-line":
            return finding.line == self.line
        return finding.line == self.line + 1


def _matches(selector: str, finding: Finding) -> bool:
    return (finding.code.startswith(selector.upper()) or finding.name.startswith(selector.lower())
            or finding.family == selector.lower())


def find_directives(text: str) -> list[Directive]:
    if "empathy-lint:" not in text:
        return []
    index = LineIndex(text)
    found = []
    for m in _DIRECTIVE.finditer(text):
        codes = tuple(c for c in re.split(r"[\s,]+", m.group("codes").strip()) if c)
        found.append(Directive(m.group("kind"), codes, index.position(m.start())[0], m.start(), m.end()))
    return found


def directive_masks(text: str) -> list[Mask]:
    """Hide directive comments from the linter."""
    return [(d.start, d.end, " ") for d in find_directives(text)]


def apply(findings: list[Finding], directives: list[Directive], disabled: list[str] | None = None) -> list[Finding]:
    """Findings left after inline directives and a front-matter `disable` list."""
    whole_file = [Directive("disable", tuple(disabled), 0, 0, 0)] if disabled else []
    rules = [d for d in directives + whole_file if d.kind != "enable"]
    return [f for f in findings if not any(d.covers(f) for d in rules)]


def scoped(directives: list[Directive], spans: list[tuple[int, int] | None]) -> list[list[Directive]]:
    """The directives each reply of a file obeys.

    A `disable` inside a record (a macro of a YAML/JSON/CSV list, a section of a
    collection), or between records, covers the record it stands in or the next one;
    before the first record (a file header) it covers the whole file. Line directives
    cover their lines wherever they are. Without spans, every directive holds for all.
    (For a run of an export's records, sources.filetext.directives_near first picks
    the directives that run can obey.)
    """
    if not directives or any(span is None for span in spans) or len(spans) < 2:
        return [directives] * len(spans)
    firsts = min(span[0] for span in spans)  # type: ignore[index]
    out: list[list[Directive]] = [[] for _ in spans]
    for directive in directives:
        if directive.kind != "disable" or directive.start < firsts:
            for kept in out:
                kept.append(directive)
            continue
        owner = next((i for i, span in enumerate(spans) if directive.start < span[1]), None)  # type: ignore[index]
        for i, kept in enumerate(out):
            if owner is None or i == owner:
                kept.append(directive)
    return out
