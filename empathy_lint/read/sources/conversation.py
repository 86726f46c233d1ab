"""The earlier messages of a conversation, as exports and records carry them.

A record may hold the conversation before the reply as a list of messages: `thread` or
`messages` (`{"role": "customer", "text": ...}`, this project's own and chat exports),
Zendesk's ticket `comments` (`author_role`, `body`/`plain_body`), Help Scout's `threads`
(`type: customer`, `body`), Freshdesk's `conversations` (`incoming: true`, `body_text`).
Only the customer's side is kept: that is what the detector reads to decide whether the
customer is (still) in a problem.
"""
from __future__ import annotations

from typing import Any, Iterable

LIST_KEYS = ("thread", "messages", "comments", "threads", "conversations", "conversation")
ROLE_KEYS = ("role", "author_role", "type", "from", "sender", "source", "direction")
TEXT_KEYS = ("text", "body_text", "plain_body", "body", "content", "message", "value")
CUSTOMER_ROLES = frozenset({"customer", "user", "requester", "end-user", "end_user", "enduser", "contact",
                            "client", "inbound", "incoming", "visitor", "lead"})


def join_messages(texts: Iterable[str]) -> str | None:
    """Several customer messages as the one string a reply's metadata carries (`earlier`):
    each stripped, empty ones left out, a blank line between them. None for none."""
    return "\n\n".join(t for t in (text.strip() for text in texts) if t) or None


def split_messages(joined: str | None) -> list[str]:
    """The messages `join_messages` joined (a message's own blank lines split it too:
    its parts are read as messages of the same conversation)."""
    return [part for part in (p.strip() for p in joined.split("\n\n")) if part] if joined else []


def thread_key(record: dict[str, Any]) -> str | None:
    """The key holding the record's list of earlier messages, if any."""
    return next((k for k in LIST_KEYS if isinstance(record.get(k), list)), None)


def _role(message: dict[str, Any]) -> str | None:
    incoming = message.get("incoming")
    if isinstance(incoming, bool):
        return "customer" if incoming else "agent"
    for key in ROLE_KEYS:
        value = message.get(key)
        if isinstance(value, str):
            return value.strip().lower()
    for key in ("author", "createdBy", "created_by", "user"):
        value = message.get(key)
        if isinstance(value, dict):
            for inner in ("role", "type"):
                if isinstance(value.get(inner), str):
                    return value[inner].strip().lower()
    return None


def customer_messages(messages: list[Any]) -> list[str]:
    """The customer's messages in a list of messages, in order (notes and agents left out)."""
    out = []
    for message in messages:
        if not isinstance(message, dict) or _role(message) not in CUSTOMER_ROLES:
            continue
        text = next((message[k] for k in TEXT_KEYS if isinstance(message.get(k), str) and message[k].strip()), None)
        if text is not None:
            out.append(str(text).strip())
    return out


def split_conversation(own: str | None, messages: list[Any]) -> tuple[str | None, str | None]:
    """(the message the reply answers, the earlier customer messages joined) of a record
    whose own customer field is `own` (None: the last customer message is the one)."""
    said = customer_messages(messages)
    if own is None and said:
        own, said = said[-1], said[:-1]
    return own, join_messages(said)
