"""Markdown replies: YAML front matter for metadata, markdown syntax masked.

A saved-replies file (sections under headings, bold titles or marker lines; see
sections.py) is split into one reply per section, named by its heading;
`readers.markdown_split: none` turns that off, `h2`/`h3`... picks the heading level.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from empathy_lint.errors import InputError
from empathy_lint.rulebook import DataLoader
from empathy_lint.read.sources.base import Document, checked_meta
from empathy_lint.read.sources.markup import markdown_masks
from empathy_lint.read.sources.sections import body_reply, collection, section_reply, single
from empathy_lint.read.sources.thread import agent_parts, part_replies, split_thread

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
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


def read_markdown(path: str, text: str, options: dict[str, Any]) -> Document:
    meta, body_start = front_matter(path, text)
    parts = agent_parts(text, body_start)
    if parts is not None:  # the conversation alone: each agent part, with the customer's before it
        replies = part_replies(text, parts, meta)
        for reply in replies:
            reply.masks = markdown_masks(reply.text)
        return Document(path, text, replies)
    customer, body_start, earlier = split_thread(text, body_start)
    if customer:
        meta["customer"] = customer
    if earlier:
        meta["earlier"] = earlier
    document = Document(path, text)
    split = options.get("markdown_split", "auto")
    sections = collection(text, body_start, split)
    if sections is None:
        one = single(text, body_start)
        sections = body_reply(text, one.start, one.end, one.name, notes=False)
    for section in sections:
        reply = section_reply(text, section, meta)
        if reply is not None:
            reply.masks = markdown_masks(reply.text)
            document.replies.append(reply)
    return document
