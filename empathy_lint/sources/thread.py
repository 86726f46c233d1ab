"""Thread files: the customer's message and the draft reply in one .txt/.md file.

    I ordered a present three weeks ago and it still hasn't arrived.
    --- reply ---
    Hi Jordan, I'm so sorry your parcel is late...

Everything above a line `--- reply ---` (three or more dashes each side, any case) is
the customer's message (an optional `--- customer ---` line may head it); only the
text below is linted, with positions in the file.
"""
from __future__ import annotations

import re

_REPLY_MARKER = re.compile(r"^[ \t]*-{3,}[ \t]*reply[ \t]*-{3,}[ \t]*$", re.I | re.M)
_CUSTOMER_MARKER = re.compile(r"^[ \t]*-{3,}[ \t]*customer[ \t]*-{3,}[ \t]*$", re.I | re.M)


def split_thread(text: str, start: int = 0) -> tuple[str | None, int]:
    """(customer message or None, offset where the reply starts) for text[start:]."""
    marker = _REPLY_MARKER.search(text, start)
    if marker is None:
        return None, start
    head = text[start:marker.start()]
    customer_marker = _CUSTOMER_MARKER.search(head)
    if customer_marker:
        head = head[customer_marker.end():]
    reply_start = marker.end()
    if text.startswith("\r\n", reply_start):
        reply_start += 2
    elif text[reply_start:reply_start + 1] in ("\n", "\r"):
        reply_start += 1
    return head.strip() or None, reply_start
