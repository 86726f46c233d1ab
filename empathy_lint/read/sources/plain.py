"""Plain text: one reply per file (the part after a thread marker); one per agent part of
a conversation with no reply marker, or per run of agent turns of a chat transcript; or,
in a collection of saved replies cut by marker lines (`---- Refund processed`), one per
section."""
from __future__ import annotations

from typing import Any

from empathy_lint.read.sources.base import Document, Reply
from empathy_lint.read.sources.sections import collection, section_reply
from empathy_lint.read.sources.thread import agent_parts, part_replies, quote_meta, split_thread, transcript_turns


def read_plain(path: str, text: str, options: dict[str, Any]) -> Document:
    # The conversation alone (a thread file with no reply line, a chat transcript): the
    # agent's parts, each with the customer's messages before it.
    parts = agent_parts(text)
    if parts is None:
        parts = transcript_turns(text)
    if parts is not None:
        return Document(path, text, part_replies(text, parts))
    customer, start, earlier = split_thread(text)
    meta = {"customer": customer} if customer else {}
    if earlier:
        meta["earlier"] = earlier
    sections = collection(text, start, options.get("markdown_split", "auto"), markup=False)
    if sections is None:
        if not customer:  # an email draft: the message it answers quoted under it
            meta = quote_meta(text, start)
        return Document(path, text, [Reply.verbatim(text[start:], start, meta=meta)])
    replies = [section_reply(text, section, meta) for section in sections]
    return Document(path, text, [r for r in replies if r is not None])
