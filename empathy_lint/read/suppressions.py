"""Inline suppressions: `empathy-lint: disable ...` in the comment style a file allows.

    <!-- empathy-lint: disable EMP301 -->              markdown / HTML
    {% comment %} empathy-lint: disable EMP301 {% endcomment %}   Liquid macros
    {# empathy-lint: disable EMP301 #}                 Jinja / Twig
    # empathy-lint: disable EMP301                     YAML, or a line of its own in .txt

Directives: `disable` (whole file; inside one macro of a collection, that macro only),
`disable-next-line`, `disable-line`; with no codes (or `all`), all rules. Codes may be
names, prefixes or families, comma or space separated; ` -- ` ends them and starts the
reason (`disable EMP303 -- the policy is quoted on purpose`). Front matter
`disable: [EMP301]` disables for the whole file too. Directive comments are masked,
so their words are never linted. A directive that silences nothing, or names no rule,
is reported at the file's end (`stale`, rule EMP002), as ruff's unused `noqa`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from typing import Iterable

from empathy_lint.config import names, names_rule
from empathy_lint.findings import Finding, LineIndex
from empathy_lint.rulebook import Rule
from empathy_lint.read.placeholders import Mask

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
        if self.codes and not any(names(c, finding.code, finding.name, finding.family) for c in self.codes):
            return False
        if self.kind == "disable":
            return True
        if self.kind == "disable-line":
            return finding.line == self.line
        return finding.line == self.line + 1


def _codes(written: str) -> tuple[str, ...]:
    """The codes of a directive: up to ` -- `, after which comes the reason."""
    written = written.strip()
    if written.startswith("--"):
        return ()
    codes = written.split(" --", 1)[0]
    return tuple(c for c in re.split(r"[\s,]+", codes) if c)


def find_directives(text: str) -> list[Directive]:
    if "empathy-lint:" not in text:
        return []
    index = LineIndex(text)
    found = []
    for m in _DIRECTIVE.finditer(text):
        found.append(Directive(m.group("kind"), _codes(m.group("codes")), index.position(m.start())[0],
                               m.start(), m.end()))
    return found


def directive_masks(text: str) -> list[Mask]:
    """Hide directive comments from the linter."""
    return [(d.start, d.end, " ") for d in find_directives(text)]


@dataclass
class Scope:
    """The directives one reply obeys: its `disable`s, and the file's line directives by
    line (one dict shared by every reply of the file, so a file of thousands of macros
    with a `disable-line` each costs a lookup per finding, not a scan of them all)."""

    disables: list[Directive] = field(default_factory=list)
    by_line: dict[int, list[Directive]] = field(default_factory=dict)

    def covering(self, finding: Finding) -> list[Directive]:
        """The directives that silence `finding` (each is then in use)."""
        return [d for d in (*self.disables, *self.by_line.get(finding.line, ()),
                             *self.by_line.get(finding.line - 1, ())) if d.covers(finding)]


def apply(findings: list[Finding], scope: Scope, disabled: list[str] | None = None,
          used: set[int] | None = None, offset: int = 0) -> list[Finding]:
    """Findings left after inline directives and a front-matter `disable` list. The
    start of each directive that silenced one (plus `offset`: a run's place in its
    file) is added to `used`."""
    if not (scope.disables or scope.by_line or disabled):  # most replies of an export
        return findings
    whole_file = Directive("disable", tuple(disabled), 0, 0, 0) if disabled else None
    kept = []
    for finding in findings:
        covering = scope.covering(finding)
        if covering:
            if used is not None:
                used.update(d.start + offset for d in covering)
        elif not (whole_file and whole_file.covers(finding)):
            kept.append(finding)
    return kept


def stale(directives: Iterable[Directive], used: set[int], active: list[Rule], loaded: list[Rule]
          ) -> list[tuple[Directive, str]]:
    """Directives to report, each with what is wrong: a code that names no rule of
    `loaded`, or a directive that silenced nothing in this run (`used`: the starts of
    those that did). A directive naming a rule this run did not check (`--select`,
    `ignore`) is not judged: it may well be in use."""
    found = []
    active_ids = {rule.id for rule in active}
    for directive in directives:
        if directive.kind == "enable":  # (an ESLint habit: here a `disable` holds for its whole macro)
            found.append((directive, "`enable` has no effect: a `disable` covers its whole file or macro; "
                                     "use disable-line or disable-next-line for a line"))
            continue
        unknown = [c for c in directive.codes if not any(names_rule(c, rule) for rule in loaded)]
        if unknown:
            found.append((directive, "names no rule: " + ", ".join(unknown)))
        elif directive.start not in used and all(
                rule.id in active_ids for c in directive.codes for rule in loaded if names_rule(c, rule)):
            found.append((directive, "no finding here for it to silence"))
    return found


def scoped(directives: list[Directive], spans: list[tuple[int, int] | None]) -> list[Scope]:
    """The directives each reply of a file obeys.

    A `disable` inside a record (a macro of a YAML/JSON/CSV list, a section of a
    collection), or between records, covers the record it stands in or the next one;
    before the first record (a file header) or after the last it covers the whole file.
    Line directives cover their lines wherever they are. Without spans, every directive
    holds for all. (For a piece of a file cut for the workers, the caller scopes over
    all the file's records and takes the piece's; for a run of an export's records,
    sources.filetext.directives_near first picks the directives that run can obey.)
    """
    by_line: dict[int, list[Directive]] = {}
    for directive in directives:
        if directive.kind in ("disable-line", "disable-next-line"):
            by_line.setdefault(directive.line, []).append(directive)
    disables = [d for d in directives if d.kind == "disable"]
    if not disables or any(span is None for span in spans) or len(spans) < 2:
        return [Scope(disables, by_line)] * len(spans)  # one scope, read only, for all
    ends = [span[1] for span in spans]  # type: ignore[index]
    ordered = all(a <= b for a, b in zip(ends, ends[1:]))
    first = min(span[0] for span in spans)  # type: ignore[index]
    everywhere: list[Directive] = []
    own: list[list[Directive]] = [[] for _ in spans]
    for directive in disables:
        owner = (bisect.bisect_right(ends, directive.start) if ordered
                 else next((i for i, end in enumerate(ends) if directive.start < end), len(ends)))
        if directive.start < first or owner == len(ends):  # the file's head, or after its last record
            everywhere.append(directive)
        else:
            own[owner].append(directive)
    return [Scope(everywhere + mine, by_line) for mine in own]
