"""Markdown replies: YAML front matter for metadata, markdown syntax masked.

A saved-replies file with several sections under same-level headings
("## Duplicate issue", "## Needs reproduction") is split into one reply per
section, named by its heading; `markdown_split: none` turns that off.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import InputError
from ..rulebook import DataLoader
from .base import Document, Reply, checked_meta
from .markup import markdown_masks
from .thread import split_thread

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)", re.S | re.M)
META_KEYS = ("kind", "channel", "disable", "customer", "title", "id")


def front_matter(path: str, text: str) -> tuple[dict[str, Any], int]:
    """(metadata, offset where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        data = yaml.load(match.group(1) or "", Loader=DataLoader)  # noqa: S506 (safe)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise InputError(f"{path}:{line}: invalid YAML front matter: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{path}:2: front matter must be a mapping of keys to values")
    return checked_meta(f"{path}:2: front matter", {k: v for k, v in data.items() if k in META_KEYS}), match.end()


def _headings(text: str, start: int) -> list[re.Match]:
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(text, start)]
    return [m for m in _HEADING.finditer(text, start) if not any(s <= m.start() < e for s, e in fences)]


def _sections(text: str, start: int, split: str) -> list[tuple[str | None, int, int]]:
    headings = _headings(text, start)
    level = None
    if split == "auto":
        counts: dict[int, int] = {}
        for h in headings:
            counts[len(h.group(1))] = counts.get(len(h.group(1)), 0) + 1
        level = min((lvl for lvl, n in counts.items() if n >= 2), default=None)
    elif split in ("h1", "h2", "h3", "h4"):
        level = int(split[1])
    if level is None:
        # One reply; a leading heading is its title, not prose.
        if headings and not text[start:headings[0].start()].strip():
            return [(headings[0].group(2).strip(), headings[0].end(), len(text))]
        return [(None, start, len(text))]
    cuts = [h for h in headings if len(h.group(1)) == level]
    sections = []
    for i, heading in enumerate(cuts):
        end = cuts[i + 1].start() if i + 1 < len(cuts) else len(text)
        # Stop at a higher-level heading that closes the section.
        for other in headings:
            if heading.end() < other.start() < end and len(other.group(1)) < level:
                end = other.start()
                break
        sections.append((heading.group(2).strip(), heading.end(), end))
    return sections


def read_markdown(path: str, text: str, options: dict[str, Any]) -> Document:
    meta, body_start = front_matter(path, text)
    customer, body_start = split_thread(text, body_start)
    if customer:
        meta["customer"] = customer
    document = Document(path, text)
    for name, start, end in _sections(text, body_start, options.get("markdown_split", "auto")):
        body = text[start:end]
        if not body.strip():
            continue
        document.replies.append(Reply.verbatim(body, start, name=name or meta.get("title"),
                                               masks=markdown_masks(body), meta=dict(meta)))
    return document
