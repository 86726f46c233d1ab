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
(">> ..."); or, as Outlook writes it, unquoted under a header ("-----Original
Message-----", or "From: ... Sent: ... Subject: ..."), older messages under further
headers. `quoted_messages` reads them; the quoted lines and the trail are never linted.
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


# Outlook's trail: the message answered, unquoted, under a header of its own.
_ORIGINAL_MESSAGE = re.compile(r"^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}[ \t]*(?=\r?$)", re.M | re.I)
_HEADER_BLOCK = re.compile(r"^[ \t]*(?:_{10,}[ \t]*\r?\n[ \t]*)?\*?From:\*?[ \t]+[^\n\r]+\r?\n"
                           r"(?:[ \t]*\*?(?:Sent|Date|To|Cc|Bcc):\*?[^\n\r]*\r?\n){1,5}"
                           r"[ \t]*\*?Subject:\*?[^\n\r]*(?=\r?$)", re.M | re.I)


def _trail_headers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each header of an Outlook-style trail, in order; a header block
    right under an "Original Message" line is one header with it."""
    if not _TRAIL_HINT.search(text):  # one scan: most replies have no trail
        return []
    found = sorted([m.span() for m in _ORIGINAL_MESSAGE.finditer(text)] +
                   [m.span() for m in _HEADER_BLOCK.finditer(text)])
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    # A header with nothing written above it heads the text itself (an email template
    # opening "From: ... Subject: ..."): no trail, and nothing of it is skipped.
    if merged and not text[:merged[0][0]].strip():
        return []
    return merged


_TRAIL_HINT = re.compile(r"from:|original message", re.I)
_FROM = re.compile(r"From:\*?[ \t]+([^\n\r]+)", re.I)


def _sender(header: str) -> str | None:
    """Who a trail header says sent its message ("Dana <dana@example.com>"), lower-cased."""
    match = _FROM.search(header)
    return " ".join(match.group(1).lower().split()) if match else None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted line and attribution line of an email draft, and of
    an Outlook-style trail (its first header to the end): the customer's words and the
    client's headers for them, not the writer's own."""
    spans = [m.span() for pattern in (_QUOTE, _ATTRIBUTION_LINE) for m in pattern.finditer(text)] \
        if ">" in text else []
    headers = _trail_headers(text)
    if headers:
        spans = [span for span in spans if span[1] <= headers[0][0]] + [(headers[0][0], len(text))]
    return spans


def quoted_messages(text: str, start: int = 0) -> tuple[str | None, str | None]:
    """(the message an email draft answers, the older messages) from its quoted lines:
    those quoted once are the customer's latest message, those quoted deeper are older.
    (None, None) for a text with no quoted line."""
    headers = [h for h in _trail_headers(text) if h[0] >= start]
    if headers:  # Outlook: each message under its header, the latest first
        bodies = [text[end:following].strip() for (_, end), (following, _) in
                  zip(headers, [*headers[1:], (len(text), len(text))])]
        # The older ones the customer sent (From: as the latest's), not our own answers.
        senders = [_sender(text[a:b]) for a, b in headers]
        older = [body for body, sender in zip(bodies[1:], senders[1:]) if sender in (None, senders[0])]
        return bodies[0] or None, join_messages(older[::-1])
    latest: list[str] = []
    older: list[str] = []
    if ">" not in text:
        return None, None
    for match in _QUOTE.finditer(text, start):
        (latest if match.group(1).count(">") == 1 else older).append(match.group(2).rstrip())
    return "\n".join(latest).strip() or None, "\n".join(older).strip() or None
