"""What a rule pack's token patterns may ask of this pipeline, checked when the pack loads.

The pipeline is blank English with a sentencizer and lemmas: no tagger, parser or entity
recogniser, so a pattern on POS, TAG, MORPH, DEP or ENT_* would never match (spaCy only
says so when a document arrives, as an internal error), and no extension attributes
are registered (`_`). A `REGEX` must compile, and may not nest quantifiers
(`(a+)+`, `(x*)*`): Python's regex engine backtracks on those for exponential time, and
a repository's config can point at any pack. Nor may an `OP` range make a long run of
optional tokens (`"{0,30}"`): spaCy's Matcher tries every way through such a run, time
that doubles with each token (22 of them: 3 s on one sentence); `"*"` does the same
work in linear time. Each problem is a one-line error naming the file and rule (via the
caller's `on_error`).
"""
from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser lives in re._parser
    from re import _constants as sre_constants, _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

NEEDS_MODEL = {"POS": "a tagger", "TAG": "a tagger", "MORPH": "a morphologizer", "DEP": "a parser",
               "HEAD": "a parser", "ENT_TYPE": "an entity recogniser", "ENT_IOB": "an entity recogniser",
               "ENT_ID": "an entity recogniser", "ENT_KB_ID": "an entity recogniser"}
# How far an unbounded repeat ("*", "+", "{2,}") reaches from its anchor (matching.py):
# a long sentence. A pattern runs in a window around each anchor word, so with no bound
# a reply that never ends a sentence (200,000 characters of "we cannot ..., we do not
# ...,") made every anchor's window the rest of the reply: quadratic time, a run that
# never ended. Past this reach a "*" no longer matches, which no sentence of a reply needs.
REPEAT_REACH = 40
# The most optional tokens one `OP` range may make ("{0,10}"); {0,14} already costs
# 13 ms a sentence, and each token more doubles it.
MAX_OPTIONAL_RUN = 10
_RANGE = re.compile(r"\{(\d*),(\d+)\}")
_REPEATS = tuple(op for op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                              getattr(sre_constants, "POSSESSIVE_REPEAT", None)) if op is not None)


def pattern_problem(pattern: Any) -> str | None:
    """Why a token pattern cannot run here, or None."""
    if not isinstance(pattern, list):
        return None
    for spec in pattern:
        if not isinstance(spec, dict):
            continue
        problem = _range_problem(spec.get("OP"))
        if problem:
            return problem
        for attr, value in spec.items():
            name = str(attr).upper()
            if name in NEEDS_MODEL:
                return (f"token attribute {attr} needs {NEEDS_MODEL[name]}, which this pipeline does not have "
                        "(blank English: use LOWER, NORM, LEMMA, word classes or phrases)")
            if name == "_":
                return "extension attributes (_) are not available: no extension is registered"
            problem = _regex_problem(value)
            if problem:
                return f"token attribute {attr}: {problem}"
    return None


def _range_problem(op: Any) -> str | None:
    found = _RANGE.fullmatch(op) if isinstance(op, str) else None
    optional = int(found[2]) - int(found[1] or 0) if found else 0
    if optional > MAX_OPTIONAL_RUN:
        return (f"OP {op!r} makes {optional} optional tokens, which spaCy's Matcher tries every way "
                f"through (time doubling with each); allow at most {MAX_OPTIONAL_RUN}, or use \"*\" "
                f"(it reaches {REPEAT_REACH} tokens)")
    return None


def _regex_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    for op, argument in value.items():
        if str(op).upper() != "REGEX":
            continue
        if not isinstance(argument, str):
            return "REGEX must be a string"
        try:
            parsed = sre_parse.parse(argument)
        except re.error as exc:
            return f"REGEX {argument!r} is not a valid regular expression ({exc})"
        if _nested_repeat(parsed, False):
            return (f"REGEX {argument!r} nests quantifiers (like (a+)+), which can take exponential "
                    "time; write it without the inner or outer repeat")
    return None


def _nested_repeat(items: Any, inside: bool) -> bool:
    """Does a repeat that can match more than once hold another such repeat?"""
    for op, argument in items:
        if op in _REPEATS:
            _, high, body = argument
            many = high > 1
            if many and inside:
                return True
            if _nested_repeat(body, inside or many):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(argument[-1], inside):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested_repeat(branch, inside) for branch in argument[1]):
                return True
    return False
