"""Thread files: the conversation so far and the draft reply in one .txt/.md file.

    I ordered a present three weeks ago and it still hasn't arrived.
    --- agent ---
    Sorry to hear that! Could you send me the order number?
    --- customer ---
    It's 12345.
    --- reply ---
    Thanks, Jordan. I've found it...

Everything above a line `--- reply ---` (three or more dashes each side, any case) is the
conversation: parts headed `--- customer ---` or `--- agent ---` (text before the first
heading is the customer's). The last customer part is the message the draft answers; the
earlier customer parts are read with it (an answer such as "It's 12345." is still about
the late parcel). Only the text below `--- reply ---` is linted, with positions in the file.

An email draft carries the conversation its own way: the customer's message quoted under
the reply ("> Your invoice has the wrong VAT number"), older messages quoted deeper
(">> ..."). `quoted_messages` reads them; the quoted lines are never linted.
"""
from __future__ import annotations

import re

from empathy_lint.read.sources.conversation import join_messages

_REPLY_MARKER = re.compile(r"^[ \t]*-{3,}[ \t]*reply[ \t]*-{3,}[ \t]*(?=\r?$)", re.I | re.M)
_PART_MARKER = re.compile(r"^[ \t]*-{3,}[ \t]*(customer|agent)[ \t]*-{3,}[ \t]*(?=\r?$)", re.I | re.M)


def split_thread(text: str, start: int = 0) -> tuple[str | None, int, str | None]:
    """(customer message or None, offset where the reply starts, the earlier customer
    messages or None) for text[start:]."""
    marker = _REPLY_MARKER.search(text, start)
    if marker is None:
        return None, start, None
    head = text[start:marker.start()]
    customer_parts: list[str] = []
    role, at = "customer", 0
    for part in _PART_MARKER.finditer(head):
        if role == "customer" and head[at:part.start()].strip():
            customer_parts.append(head[at:part.start()].strip())
        role, at = part.group(1).lower(), part.end()
    if role == "customer" and head[at:].strip():
        customer_parts.append(head[at:].strip())
    reply_start = marker.end()
    if text.startswith("\r\n", reply_start):
        reply_start += 2
    elif text[reply_start:reply_start + 1] in ("\n", "\r"):
        reply_start += 1
    customer = customer_parts[-1] if customer_parts else None
    earlier = join_messages(customer_parts[:-1])
    return customer, reply_start, earlier


# A quoted line of an email ("> On Monday you wrote: ..."): its depth, then its text.
_QUOTE = re.compile(r"^[ \t]*((?:>[ \t]?)+)([^\n\r]*)", re.M)
# ...and the line an email client puts above the quote ("On Mon, 3 Mar at 10:12, Dana wrote:").
# (A line of a CRLF file ends in "\r": "$" alone would miss it.)
_ATTRIBUTION_LINE = re.compile(r"^[ \t]*On [^\n\r]{1,300}? wrote:[ \t]*(?=\r?$)", re.M)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted line and attribution line of an email draft: the
    customer's words and the client's header for them, not the writer's own."""
    if ">" not in text:
        return []
    return [m.span() for pattern in (_QUOTE, _ATTRIBUTION_LINE) for m in pattern.finditer(text)]


def quoted_messages(text: str, start: int = 0) -> tuple[str | None, str | None]:
    """(the message an email draft answers, the older messages) from its quoted lines:
    those quoted once are the customer's latest message, those quoted deeper are older.
    (None, None) for a text with no quoted line."""
    latest: list[str] = []
    older: list[str] = []
    if ">" not in text:
        return None, None
    for match in _QUOTE.finditer(text, start):
        (latest if match.group(1).count(">") == 1 else older).append(match.group(2).rstrip())
    return "\n".join(latest).strip() or None, "\n".join(older).strip() or None
