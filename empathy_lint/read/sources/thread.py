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
from typing import NamedTuple

from empathy_lint.read.sources.base import Reply
from empathy_lint.read.sources.conversation import answered, heard, join_messages
from empathy_lint.read.sources.quotes import QUOTE_LINE, mail_patterns, sender_of, trail_headers

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


class AgentPart(NamedTuple):
    """An agent's part of a conversation in one file (a thread file with no `--- reply
    ---` line, a chat transcript's turns in a row), to be linted with the customer's
    messages before it; `labels` are the turn labels inside it, not read as words."""
    start: int
    end: int
    customer: str | None
    earlier: str | None
    labels: tuple[tuple[int, int], ...] = ()


def agent_parts(text: str, start: int = 0) -> list[AgentPart] | None:
    """A thread file without a `--- reply ---` line is the conversation alone: each
    `--- agent ---` part is a reply to the customer's parts before it (the last of them
    its message, the rest earlier), and the customer's own words are never linted, as in
    a helpdesk export of a whole conversation. None where there is a reply line or no
    agent part (a plain reply, or a saved-replies collection)."""
    if _REPLY_MARKER.search(text, start) is not None:
        return None
    markers = list(_PART_MARKER.finditer(text, start))
    if not any(m.group(1).lower() == "agent" for m in markers):
        return None
    parts: list[AgentPart] = []
    said: list[str] = []
    role, at = "customer", start
    for marker in [*markers, None]:
        end = marker.start() if marker is not None else len(text)
        body = text[at:end]
        if role == "customer":
            if body.strip():
                said = heard(said, body.strip())
        elif body.strip():
            lead = len(body) - len(body.lstrip("\r\n"))
            parts.append(AgentPart(at + lead, end, *answered(said)))
        if marker is not None:
            role, at = marker.group(1).lower(), marker.end()
    return parts


# A chat transcript's turn: an optional time ("[10:02]", "10:02 AM"), then who speaks,
# by role ("Customer:", "Agent (Sam):", "Visitor:", "Support:", "Customer Service:"), at a
# line's start.
_TURN = re.compile(
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp]\.?[Mm]\.?)?[\])]?[ \t]+(?:-[ \t]+)?)?"
    # (one word may name the desk: "Acme Support:", "Customer Service:", "Billing Team:")
    r"(?:[A-Za-z][\w&.'-]{1,30}[ \t]+)?"
    r"(?P<role>customer|visitor|client|user|guest|caller|member|agent|support|service|care|desk|helpdesk|operator|"
    r"advisor|adviser|rep|representative|assistant|staff|team)(?:[ \t]*\([^)\n]{1,40}\))?[ \t]*:[ \t]*",
    re.I | re.M)
_CUSTOMER_ROLES = frozenset({"customer", "visitor", "client", "user", "guest", "caller", "member"})
_PLACEHOLDER_ONLY = re.compile(r"[ \t]*(?:\{\{?[^{}\n]*\}\}?|<<[^<>\n]*>>|%[A-Za-z_]+%|\[[^\[\]\n]*\])[ \t]*(?:\r?\n|$)")


def transcript_turns(text: str) -> list[AgentPart] | None:
    """A chat transcript ("Customer: my app crashes" / "Agent (Sam): Have you tried
    reinstalling?"): the agent's turns in a row are one reply, its labels masked, read
    with the customer's turns before it (those in a row one message); the customer's own
    words are never linted. None unless the text opens on a turn and both sides speak,
    the agent in a sentence (a macro headed "Customer: {{name}}" is no transcript)."""
    if _REPLY_MARKER.search(text) or _PART_MARKER.search(text):
        return None
    turns = list(_TURN.finditer(text))
    if not turns or text[:turns[0].start()].strip():
        return None
    spans = [(m, m.end(), turns[i + 1].start() if i + 1 < len(turns) else len(text)) for i, m in enumerate(turns)]
    agent = [(m, s, e) for m, s, e in spans if m.group("role").lower() not in _CUSTOMER_ROLES]
    if len(agent) == len(spans) or not any(len(text[s:e].split()) >= 3 for _, s, e in agent):
        return None
    if any(_PLACEHOLDER_ONLY.match(text, s, e) for _, s, e in spans):
        return None  # a macro's header fields ("Customer: {{name}}"), not turns
    replies: list[AgentPart] = []
    said: list[str] = []
    block: list[tuple[re.Match, int, int]] = []
    last_role = None
    for m, s, e in [*spans, (None, len(text), len(text))]:
        role = None if m is None else ("customer" if m.group("role").lower() in _CUSTOMER_ROLES else "agent")
        if role != last_role and block:
            if last_role == "customer":
                message = " ".join(text[bs:be].strip() for _, bs, be in block if text[bs:be].strip())
                if message:
                    said = heard(said, message)
            else:
                first, last = block[0][1], block[-1][2]
                end = first + len(text[first:last].rstrip())
                labels = tuple((bm.start() - first, bm.end() - first) for bm, _, _ in block[1:])
                if text[first:end].strip():
                    replies.append(AgentPart(first, end, *answered(said), labels))
            block = []
        if m is not None:
            block.append((m, s, e))
        last_role = role
    return replies


def part_replies(text: str, parts: list[AgentPart], meta: dict | None = None) -> list[Reply]:
    """A reply per agent part ("agent 1", "agent 2"...), each with the customer's messages
    before it as its `customer` and `earlier` (over any of `meta`'s), its turn labels
    masked."""
    replies = []
    for number, part in enumerate(parts, 1):
        own = {k: v for k, v in (meta or {}).items() if k not in ("customer", "earlier")}
        if part.customer:
            own["customer"] = part.customer
        if part.earlier:
            own["earlier"] = part.earlier
        reply = Reply.verbatim(text[part.start:part.end], part.start, name=f"agent {number}", meta=own)
        reply.masks = [(start, end, "\n") for start, end in part.labels]
        replies.append(reply)
    return replies


def quoted_messages(text: str, start: int = 0) -> tuple[str | None, str | None]:
    """(the message an email draft answers, the older messages) from its quoted lines:
    those quoted once are the customer's latest message, those quoted deeper are older.
    (None, None) for a text with no quoted line."""
    headers = [h for h in trail_headers(text) if h[0] >= start]
    if headers:  # Outlook: each message under its header, the latest first
        header_lines = mail_patterns().header_lines
        bodies = [text[end:following].strip() for (_, end), (following, _) in
                  zip(headers, [*headers[1:], (len(text), len(text))])]
        # (Under a line that heads no header of its own, Apple's "Begin forwarded message:",
        # the header lines come first in the body.)
        bodies = [body[m.end():].strip() if (m := header_lines.match(body)) else body for body in bodies]
        # The older ones the customer sent (From: as the latest's), not our own answers.
        senders = [sender_of(text[a:b]) for a, b in headers]
        older = [body for body, sender in zip(bodies[1:], senders[1:]) if sender in (None, senders[0])]
        return bodies[0] or None, join_messages(older[::-1])
    latest: list[str] = []
    older: list[str] = []
    if ">" not in text:
        return None, None
    for match in QUOTE_LINE.finditer(text, start):
        (latest if match.group(1).count(">") == 1 else older).append(match.group(2).rstrip())
    return "\n".join(latest).strip() or None, "\n".join(older).strip() or None


def quote_meta(text: str, start: int = 0) -> dict[str, str]:
    """The metadata a draft's quote gives its reply (`quoted`, `quoted_earlier`): what
    the runner reads as the customer's messages when nothing else names them."""
    quoted, older = quoted_messages(text, start)
    return {k: v for k, v in (("quoted", quoted), ("quoted_earlier", older if quoted else None)) if v}
