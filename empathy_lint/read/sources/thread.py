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

import functools
import re
from typing import NamedTuple

from empathy_lint.read.sources.base import Reply
from empathy_lint.read.sources.conversation import answered, heard, join_messages
from empathy_lint.rulebook import load_context

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


# A quoted line of an email ("> On Monday you wrote: ..."): its depth, then its text.
_QUOTE = re.compile(r"^[ \t]*((?:>[ \t]?)+)([^\n\r]*)", re.M)


def _phrases(words: list[str]) -> str:
    """An alternation of phrases, longest first, any run of blanks between words."""
    return "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


class _MailPatterns(NamedTuple):
    attribution: re.Pattern  # "On Mon, 3 Mar at 10:12, Dana wrote:" over quoted lines
    original: re.Pattern  # "-----Original Message-----"
    header: re.Pattern  # Outlook's "From: ... Sent: ... Subject: ..." block
    hints: tuple[str, ...]  # strings one of which a text with a trail holds
    sender: re.Pattern  # the sender named in a header
    header_lines: re.Pattern  # header lines in any order ("From: / Subject: / Date:" under Apple's forward line)


@functools.lru_cache(maxsize=1)
def _mail_patterns() -> _MailPatterns:
    """How mail clients set off the message answered, in every language of
    rules/context/mail.yaml. A line of a CRLF file ends in "\r": "$" alone would miss it."""
    mail = load_context("mail.yaml")
    sender, fields, subject = (_phrases(mail[key]) for key in ("header_from", "header_fields", "header_subject"))
    original = _phrases(mail["original_message"])
    forward = _phrases(mail["forward_line"])
    colon = r"\*?[ \t]*:\*?"
    opens = "|".join(rf"{_phrases([first])}[ \t][^\n\r]{{1,300}}?[ \t]{_phrases([verb])}"
                     for first, verb in mail["attribution"])
    return _MailPatterns(re.compile(rf"^[ \t]*(?:{opens})(?:[ \t][^\n\r]{{1,160}}?)?[ \t]*:[ \t]*(?=\r?$)", re.M),
            re.compile(rf"^[ \t]*(?:-{{2,}}[ \t]*(?:{original})[ \t]*-{{2,}}|(?:{forward})[ \t]*:)[ \t]*(?=\r?$)",
                       re.M | re.I),
            re.compile(rf"^[ \t]*(?:_{{10,}}[ \t]*\r?\n[ \t]*)?\*?(?:{sender}){colon}[ \t]+[^\n\r]+\r?\n"
                       rf"(?:[ \t]*\*?(?:{fields}){colon}[^\n\r]*\r?\n){{1,5}}"
                       rf"[ \t]*\*?(?:{subject}){colon}[^\n\r]*"
                       # (Gmail's forward puts To: and Cc: under the Subject:)
                       rf"(?:\r?\n[ \t]*\*?(?:{fields}){colon}[^\n\r]*){{0,3}}(?=\r?$)", re.M | re.I),
            tuple(f"\n{bold}{word}" for word in mail["header_from"] for bold in ("", "*")) + ("--",),
            re.compile(rf"(?:{sender}){colon}[ \t]+([^\n\r]+)", re.I),
            re.compile(rf"(?:[ \t]*\*?(?:{sender}|{fields}|{subject}){colon}[^\n\r]*(?:\r?\n|$))+", re.I))


def _trail_headers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each header of an Outlook-style trail, in order; a header block
    right under an "Original Message" line is one header with it."""
    if "\n" not in text:  # a trail is lines under the reply: a one-line reply has none
        return []
    patterns = _mail_patterns()
    if not any(hint in text for hint in patterns.hints):  # a few substring tests: most replies have no trail
        return []
    found = sorted([m.span() for m in patterns.original.finditer(text)] +
                   [m.span() for m in patterns.header.finditer(text)])
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


def _sender(header: str) -> str | None:
    """Who a trail header says sent its message ("Dana <dana@example.com>"), lower-cased."""
    match = _mail_patterns().sender.search(header)
    return " ".join(match.group(1).lower().split()) if match else None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted line and attribution line of an email draft, and of
    an Outlook-style trail (its first header to the end): the customer's words and the
    client's headers for them, not the writer's own."""
    spans = [m.span() for pattern in (_QUOTE, _mail_patterns().attribution) for m in pattern.finditer(text)] \
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
        header_lines = _mail_patterns().header_lines
        bodies = [text[end:following].strip() for (_, end), (following, _) in
                  zip(headers, [*headers[1:], (len(text), len(text))])]
        # (Under a line that heads no header of its own, Apple's "Begin forwarded message:",
        # the header lines come first in the body.)
        bodies = [body[m.end():].strip() if (m := header_lines.match(body)) else body for body in bodies]
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


def quote_meta(text: str, start: int = 0) -> dict[str, str]:
    """The metadata a draft's quote gives its reply (`quoted`, `quoted_earlier`): what
    the runner reads as the customer's messages when nothing else names them."""
    quoted, older = quoted_messages(text, start)
    return {k: v for k, v in (("quoted", quoted), ("quoted_earlier", older if quoted else None)) if v}
