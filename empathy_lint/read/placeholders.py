"""Find template placeholders ({{first_name}}, {%customer.firstName%}, [Customer Name]).

They are masked before the pipeline: replaced by a neutral stand-in word (or dropped,
for control tags) while offsets keep pointing at the placeholder in the source. The
styles and stand-ins are data in rules/context/placeholders.yaml.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from empathy_lint.errors import ConfigError
from empathy_lint.rulebook import load_context

Mask = tuple[int, int, str]


@dataclass(frozen=True)
class PlaceholderStyles:
    patterns: tuple[tuple[str, re.Pattern], ...]
    drop: frozenset[str]
    stand_ins: tuple[tuple[tuple[str, ...], str], ...]

    def stand_in(self, placeholder: str) -> str:
        lowered = placeholder.lower()
        for keywords, text in self.stand_ins:
            if not keywords or any(k in lowered for k in keywords):
                return text
        return "this"


@functools.lru_cache(maxsize=1)
def _all_styles() -> PlaceholderStyles:
    data = load_context("placeholders.yaml")
    return PlaceholderStyles(
        patterns=tuple((name, re.compile(rx)) for name, rx in data["styles"].items()),
        drop=frozenset(data.get("drop", ())),
        stand_ins=tuple((tuple(s["keywords"]), s["text"]) for s in data["stand_ins"]),
    )


def style_names() -> list[str]:
    return [name for name, _ in _all_styles().patterns]


@functools.lru_cache(maxsize=16)
def _styles(enabled: tuple[str, ...] | None) -> PlaceholderStyles:
    styles = _all_styles()
    if enabled is None:
        return styles
    unknown = set(enabled) - set(style_names())
    if unknown:
        raise ConfigError(f"placeholders: unknown style {sorted(unknown)[0]!r} "
                          f"(known: {', '.join(style_names())})")
    return PlaceholderStyles(tuple(p for p in styles.patterns if p[0] in enabled), styles.drop, styles.stand_ins)


def find_placeholders(text: str, enabled: tuple[str, ...] | None = None) -> list[Mask]:
    """Non-overlapping (start, end, replacement) masks, in text order.

    Styles are tried in the order listed; an earlier style's match wins an overlap.
    """
    styles = _styles(enabled)
    # Every style opens with one of these; most replies have none. (Four substring tests
    # run at memchr speed: a regex character class scans slower.)
    if not ("{" in text or "[" in text or "<" in text or "%" in text):
        return []
    taken: list[Mask] = []  # sorted, non-overlapping: an overlap test is two neighbours
    for name, pattern in styles.patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            at = bisect.bisect_left(taken, (start,))
            if (at and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
                continue
            replacement = "" if name in styles.drop else styles.stand_in(match.group())
            taken.insert(at, (start, end, replacement))
    return taken


def apply_masks(text: str, masks: list[Mask]) -> str:
    """`text` as a reader reads it: each mask's span replaced (masks sorted and not
    overlapping, as `merge_masks` gives them). For text that is read, never pointed into."""
    out, at = [], 0
    for start, end, replacement in masks:
        out += [text[at:start], replacement]
        at = end
    return "".join(out) + text[at:]


def merge_masks(*groups: list[Mask]) -> list[Mask]:
    """Combine mask lists; where two overlap, the earlier-starting (then longer) one wins."""
    merged: list[Mask] = []
    if not any(groups):  # no masks at all: most replies
        return merged
    for mask in sorted((m for g in groups for m in g), key=lambda m: (m[0], -(m[1] - m[0]))):
        if merged and mask[0] < merged[-1][1]:
            continue
        merged.append(mask)
    return merged
