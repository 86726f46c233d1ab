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
    # A spreadsheet saved as text (Excel's "Unicode Text": tab-separated, a .txt) whose
    # header names a reply column: a table, read as a .tsv is.
    if _tab_table(text):
        from empathy_lint.read.sources.structured import read_csv

        return read_csv(path, text, options)
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


def _tab_table(text: str) -> bool:
    """Is the text a tab-separated table: a header row of tab-separated cells naming a
    reply column (as a .tsv's is found: `reply_column`), and a row under it with a tab too?"""
    head, _, rest = text.lstrip("\ufeff").partition("\n")
    if "\t" not in head or len(head) > 2000:
        return False
    from empathy_lint.read.sources.structured import column_key, reply_column

    if reply_column([column_key(cell) for cell in head.split("\t")]) is None:
        return False
    row = next((line for line in rest.split("\n", 20)[:20] if line.strip()), "")
    return "\t" in row
