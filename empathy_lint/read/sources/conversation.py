"""The earlier messages of a conversation, as exports and records carry them.

A record may hold the conversation before the reply as a list of messages: `thread` or
`messages` (`{"role": "customer", "text": ...}`, this project's own and chat exports),
Zendesk's ticket `comments` (`author_role`, `body`/`plain_body`), Help Scout's `threads`
(`type: customer`, `body`), Freshdesk's `conversations` (`incoming: true`, `body_text`),
Front's messages (`is_inbound: true`), LiveChat's chat `thread.events` (authors by id, its
`users` by type),
Gorgias's ticket `messages` (`from_agent: false`, `body_text`), Intercom's
`conversation_parts` (its `source` first; `author.type`, `part_type`), Zendesk Chat's
`history` (`sender_type: Visitor`, `msg`; its offline messages are the visitor's own).
A list whose messages all carry a time (`createdAt`, `created_at`, ...) is read in time
order: Help Scout's API lists a conversation's threads newest first, and a data team's
export of one message a row may list the newest first too (`parse_time` reads the ways
exports write a time).
Only the customer's side is kept: that is what the detector reads to decide whether the
customer is (still) in a problem.

An export may also be the conversation alone, with no separate reply: a ticket whose
`comments` hold the customer's messages and the agents' answers. Then each answer is a
reply, read with the customer's messages before it; the customer's own words and the
team's internal notes are never linted (`conversation_roles`). Or it may hold one row per
message, its author in a column of its own (`row_role`): the customer's rows are
remembered for the team's rows after them (`ConversationMemory.heard`, `answered`).
"""
from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Iterator

from empathy_lint.read.placeholders import apply_masks, merge_masks
from empathy_lint.read.sources.base import no_surrogates
from empathy_lint.read.sources.markup import quoted_html
from empathy_lint.read.sources.quotes import quote_spans

# (Zendesk Chat keeps a chat's messages in `history`, each event's text in `msg` and its
# author in `sender_type`, ahead of a `type` that names the event: "chat.msg".)
LIST_KEYS = ("thread", "messages", "comments", "threads", "conversations", "conversation", "history")
ROLE_KEYS = ("role", "author_role", "author_type", "sender_type", "actor_type", "type", "from", "sender", "source",
             "direction")
TEXT_KEYS = ("text", "body_text", "plain_body", "body", "content", "message", "msg", "value")
# A record that is the customer's message itself, with no answer in it: Zendesk Chat's
# offline message (`type: offline_msg`, the visitor's `message`). Never linted.
CUSTOMER_RECORD_TYPES = frozenset({"offline_msg"})
# The columns of a CSV export that name a row's conversation: rows of one conversation
# (or one ticket), in order, are read together; the earlier rows' customer messages
# are the later rows' `earlier`.
# (Salesforce's `ParentId` of an EmailMessage or CaseComment is its case.)
CONVERSATION_COLUMNS = ("conversation_id", "thread_id", "conversation", "thread", "ticket_id", "ticket", "case_id",
                        "case_number", "parent_id", "chat_id", "id")
# ...and those that name a ticket, not a row's own id (rows of one ticket share it).
TICKET_COLUMNS = tuple(c for c in CONVERSATION_COLUMNS if c != "id")
OPENING_KEYS = ("description_text", "description")
INTERCOM_PARTS = "conversation_parts"
INTERCOM_TYPES = frozenset({"conversation_part", "conversation"})
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


def thread_of(record: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """(the key, the messages) of the record's list of messages, if it has one. Intercom
    nests its list (`conversation_parts.conversation_parts`) and keeps the opening message
    apart (`source`): that comes first."""
    for key in LIST_KEYS:
        value = record.get(key)
        if isinstance(value, list):
            return key, in_time_order(value)
    # Help Scout's API embeds a conversation's threads (`?embed=threads`).
    embedded = record.get(EMBEDDED)
    if isinstance(embedded, dict) and isinstance(embedded.get("threads"), list):
        return EMBEDDED, in_time_order(embedded["threads"])
    # LiveChat keeps a chat's messages as its thread's `events`.
    thread = record.get("thread")
    if isinstance(thread, dict) and isinstance(thread.get("events"), list):
        return "thread", thread["events"]
    parts = record.get(INTERCOM_PARTS)
    if isinstance(parts, dict) and isinstance(parts.get(INTERCOM_PARTS), list):
        source = record.get("source")
        return INTERCOM_PARTS, ([source] if isinstance(source, dict) else []) + parts[INTERCOM_PARTS]
    return None


EMBEDDED = "_embedded"
# When a message was written, as exports name it (Help Scout `createdAt`; Zendesk,
# Freshdesk, Intercom, Front `created_at`; Gorgias `created_datetime`; Zoho Desk
# `createdTime`).
TIME_KEYS = ("createdAt", "created_at", "createdTime", "created_time", "created_datetime", "sent_datetime", "sent_at",
             "created", "timestamp", "date", "time")


def message_time(message: Any) -> float | datetime | None:
    """A message's time, comparable with another message's of the same export: a number
    (seconds since 1970, as Intercom and Front give it) or a date (`parse_time`). Its key
    may be written as a header is ("Created Date", "CreatedDate": `column_key`)."""
    if not isinstance(message, dict):
        return None
    for key in TIME_KEYS:
        value = message.get(key)
        if value not in (None, "") and not isinstance(value, (dict, list)):
            return parse_time(value)
    for key, value in message.items():  # a header's words: "Created Date", "EntryTime", "timestamps"
        if not isinstance(key, str) or value in (None, "") or isinstance(value, (dict, list)):
            continue
        if key in TIME_COLUMNS or (not _plain_key(key) and column_key(key) in TIME_COLUMNS):
            return parse_time(value)
    return None


def _plain_key(key: str) -> bool:
    """Is a key spelled as the key lists spell theirs (so `column_key` would not change it)?"""
    return key.islower() and " " not in key and "-" not in key


# Seconds (or milliseconds) since 1970 written as text, as a CSV cell holds them: at least
# nine digits, so a year or a count is not taken for a time.
_EPOCH_TEXT = re.compile(r"\d{9,}(?:\.\d+)?")
# Twitter's API and its support corpus: "Tue Oct 31 22:10:47 +0000 2017".
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def parse_time(value: Any) -> float | datetime | None:
    """A time as exports write it: seconds since 1970 (a number, or its digits as text),
    an ISO 8601 date, an email's date (RFC 2822) or Twitter's; None for anything else
    ("03/02/2026" could be March or February: not guessed)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH_TEXT.fullmatch(text):
        return float(text)
    try:
        if text[:4].isdigit():
            return datetime.fromisoformat(text)
        if text[:3].isalpha():
            if "," in text[:5]:
                return parsedate_to_datetime(text)
            return datetime.strptime(text, _TWITTER_TIME)
    except (ValueError, TypeError, IndexError):
        return None
    return None


def order_of_times(times: list[Any]) -> list[int] | None:
    """The places of `times` oldest first, where every one is known and they are not in
    that order already; None where the list stands as it is. Equal times keep their order."""
    if len(times) < 2 or any(t is None for t in times):
        return None
    try:
        if all(a <= b for a, b in zip(times, times[1:])):
            return None
        return sorted(range(len(times)), key=times.__getitem__)
    except TypeError:  # numbers beside dates, or dates with and without a time zone
        return None


def time_order(messages: list[Any]) -> list[int] | None:
    """The messages' places oldest first, where every one of them says when it was written
    and they are not in that order already (an API that lists the newest first); None
    where the list stands as it is. Messages of the same time keep their order."""
    if len(messages) < 2:
        return None
    times = []
    for message in messages:  # (the first message without a time ends the search: most lists have none)
        time = message_time(message)
        if time is None:
            return None
        times.append(time)
    return order_of_times(times)


def in_time_order(messages: list[Any]) -> list[Any]:
    """The messages oldest first (`time_order`), else the list as it stands."""
    order = time_order(messages)
    return messages if order is None else [messages[i] for i in order]


# A message's `type` where it names the kind of content, not its author (Crisp: text,
# file, animation...).
CONTENT_KINDS = frozenset({"text", "file", "image", "audio", "video", "animation", "picker", "field", "carousel",
                           "attachment", "location", "sticker", "markdown", "html"})


# Messages the customer never sees: Help Scout's `note` and `lineitem` (a status change),
# system lines; Zendesk's `public: false` and Freshdesk's `private: true` say the same, and
# Gorgias's `public: false` or channel `internal-note`.
INTERNAL_ROLES = frozenset({"note", "internal", "lineitem", "system", "private", "system_message"})
INTERNAL_CHANNELS = frozenset({"internal-note", "internal_note"})
# Gorgias marks each message with who sent it: `from_agent` true for the team's; a
# team's own export names the flag its own way (`is_agent`, `outbound`...).
FROM_TEAM = "from_agent"
TEAM_FLAG_KEYS = (FROM_TEAM, "is_agent", "is_staff", "is_admin", "is_operator", "is_support", "is_team",
                  "outbound", "is_outbound", "outgoing", "is_outgoing")
# ...and Freshdesk (`incoming`) and Front (`is_inbound`) mark the customer's: true.
INBOUND_FLAGS = ("incoming", "is_inbound")
# In a conversation whose messages say which way they went (HubSpot, Zoho Desk, Twilio),
# one that went neither way is no message between the two: an internal comment, a
# status change.
DIRECTION = "direction"


def _way(message: dict[str, Any]) -> str | None:
    """"in" or "out" where the message's `direction` says which way it went (in,
    INCOMING, inbound, outbound-api, sent...); None where it says nothing of that."""
    direction = message.get(DIRECTION)
    if not isinstance(direction, str):
        return None
    way = direction.strip().lower()
    if way in _INWARD or way.startswith("inbound"):  # (not "internal": a note's)
        return "in"
    if way.startswith("out") or way == "sent":
        return "out"
    return None


_INWARD = frozenset({"in", "incoming", "received"})


def _role(message: dict[str, Any], requester: Any = None) -> str | None:
    """The message's role, lower-cased: from its own fields, else (Zendesk's API export)
    "customer" when its author is the ticket's requester (an id, or a set of the
    customer's ids: `requesters`) and "agent" when not."""
    role = _own_role(message)
    author = message.get("author_id")
    # (A `type` that names the kind of event, LiveChat's "message", says nothing of who
    # wrote it: the author does.)
    if role not in CUSTOMER_ROLES and role not in INTERNAL_ROLES and requester is not None and author is not None:
        if isinstance(requester, frozenset):
            customer = not isinstance(author, (dict, list)) and author in requester
        else:  # an id of another shape, compared as it stands
            customer = author == requester
        return "customer" if customer else "agent"
    return role


def requesters(record: dict[str, Any], messages: list[Any]) -> Any:
    """Who the customer is in a ticket's comments where only author ids say who wrote
    them (Zendesk's API): the ticket's `requester_id` (on the record or its `ticket`),
    the users listed with it whose role is `end-user` (Zendesk) or type `customer`
    (LiveChat), else the author of the first
    public comment (a ticket opens with the requester's description) when someone else
    wrote too. None where the comments carry no author ids. (A `requester_id` that is
    not a plain id is returned as it stands, compared whole.)"""
    authored = [m for m in messages if isinstance(m, dict) and m.get("author_id") is not None]
    if not authored:
        return None
    ticket = record.get("ticket")
    for holder in (record, ticket if isinstance(ticket, dict) else {}):
        requester = holder.get("requester_id")
        if requester is not None:
            return requester if isinstance(requester, (dict, list)) else frozenset([requester])
    users = record.get("users")
    if isinstance(users, list):  # Zendesk's sideloaded users (role end-user), LiveChat's chat users (type customer)
        ends = frozenset(u["id"] for u in users if isinstance(u, dict)
                         and (u.get("role") == "end-user" or u.get("type") == "customer")
                         and u.get("id") is not None and not isinstance(u["id"], (dict, list)))
        if ends:
            return ends
    shown = [m["author_id"] for m in authored
             if m.get("public") is not False and not isinstance(m["author_id"], (dict, list))]
    if _zendesk_comment(authored[0]) and shown and len(set(shown)) > 1:
        return frozenset([shown[0]])
    return None


def comment_roles(items: list[Any]) -> list[str | None] | None:
    """`conversation_roles` of a ticket's comments saved alone (Zendesk's, a bare JSON
    array): only where their authors say who the customer is (`requesters`), so any
    other list of objects stays a list of records."""
    return conversation_roles(items) if requesters({}, items) is not None else None


def _zendesk_comment(message: dict[str, Any]) -> bool:
    """Does it look like a Zendesk ticket comment (its `public` flag and a field only
    comments have, or the `author_id`, `public`, `body` a trimmed export keeps), not some
    other object that happens to name an author (a shared macro with its author and a
    `title`)?"""
    return "public" in message and (message.get("type") in ("Comment", "VoiceComment")
                                    or any(k in message for k in ("plain_body", "html_body", "via"))
                                    or ("author_id" in message and isinstance(message.get("body"), str)
                                        and not any(k in message for k in ("title", "name", "subject"))))


def _own_role(message: dict[str, Any]) -> str | None:
    kind = message.get("type")
    # Intercom: its `type` names the object, not the author; a trimmed export may keep
    # only `part_type` and `author`.
    if (isinstance(kind, str) and kind in INTERCOM_TYPES) or (kind is None and "part_type" in message):
        part = message.get("part_type")
        if isinstance(part, str) and part.lower() != "comment":
            return "note"  # a note, an assignment, a close: nothing the customer reads as an answer
        author = message.get("author")
        written_by = author.get("type") if isinstance(author, dict) else None
        return written_by.strip().lower() if isinstance(written_by, str) else None
    incoming = next((message[k] for k in INBOUND_FLAGS if isinstance(message.get(k), bool)), None)
    if incoming is not None:
        return "customer" if incoming else "agent"
    sent = next((message[k] for k in TEAM_FLAG_KEYS if isinstance(message.get(k), bool)), None)
    if sent is not None:
        return "agent" if sent else "customer"
    # Which way a message went says who wrote it, whatever kind of object its `type` names
    # (HubSpot: `type` MESSAGE, `direction` INCOMING).
    way = _way(message)
    if way is not None:
        return "customer" if way == "in" else "agent"
    for key in ROLE_KEYS:
        value = message.get(key)
        # (A `type` that names the kind of content, Crisp's "text" beside its `from: user`,
        # says nothing of who wrote it.)
        if isinstance(value, str) and not (key == "type" and value.strip().lower() in CONTENT_KINDS):
            return value.strip().lower()
    return next(_nested_authors(message), None)


def customer_messages(messages: list[Any], requester: Any = None) -> list[str]:
    """The customer's messages in a list of messages, in order (notes and agents left out)."""
    out = []
    for message in messages:
        if not isinstance(message, dict) or _role(message, requester) not in CUSTOMER_ROLES:
            continue
        text = message_text(message)
        if text is not None:
            out.append(text)
    return out


def message_text(message: dict[str, Any]) -> str | None:
    """A message's text, the plain body before the HTML one (as the detector reads it);
    the tags of an HTML-only body (Help Scout, Intercom) left out, and what it quotes
    (`own_words`)."""
    text = next((message[k] for k in TEXT_KEYS if isinstance(message.get(k), str) and message[k].strip()), None)
    if text is None:
        text = _parts_text(message.get(MESSAGE_PARTS))
    if text is None:
        return None
    text = own_words(text)
    if "<" in text:
        text = _SPACES.sub(" ", _TAG.sub(" ", text))
    return text.strip() or None


def own_words(text: str) -> str:
    """A message without what it quotes: a customer's email answer carries the
    conversation so far under "On ..., Sam wrote:" (`>` lines, an Outlook header, an
    HTML blockquote or a mail client's trail), and "It works now, thanks!" over a quoted
    "my export keeps failing" is no report of a problem. The whole text where nothing
    else is left (a message that only forwards one)."""
    spans = (quoted_html(text) if "<" in text else []) or quote_spans(text)
    if not spans:
        return text
    own = apply_masks(text, merge_masks([(start, end, "") for start, end in spans]))
    return own if own.strip() else text


# Freshchat keeps a message's text in parts: `message_parts: [{"text": {"content": ...}}]`.
MESSAGE_PARTS = "message_parts"


def _parts_text(parts: Any) -> str | None:
    """The text parts of a message kept in parts, joined; None where it has none."""
    if not isinstance(parts, list):
        return None
    texts = [part["text"]["content"] for part in parts if isinstance(part, dict) and isinstance(part.get("text"), dict)
             and isinstance(part["text"].get("content"), str) and part["text"]["content"].strip()]
    return "\n\n".join(texts) or None


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_SPACES = re.compile(r"[ \t]{2,}")


def conversation_roles(messages: list[Any], ticket: dict[str, Any] | None = None) -> list[str | None] | None:
    """Per message, "customer", "internal" or None (a message for the customer to read,
    the team's answer), if the list is a conversation: at least one message is the
    customer's. None for a list that is not one (macros, say): read as before. `ticket`:
    the record holding the messages, which may say who the customer is (`requesters`)."""
    requester = requesters(ticket or {}, messages)
    directed = any(isinstance(m, dict) and _way(m) is not None for m in messages)
    roles: list[str | None] = []
    for message in messages:
        role = _role(message, requester) if isinstance(message, dict) else None
        if role in CUSTOMER_ROLES:
            roles.append("customer")
        elif role in INTERNAL_ROLES or (isinstance(message, dict) and is_hidden(message)) \
                or (directed and isinstance(message, dict) and _way(message) is None):
            roles.append("internal")
        else:
            roles.append(None)
    # Freshdesk marks each message in or out: a list of answers alone is a conversation
    # too (the customer's opening message is the ticket's description).
    marked = any(isinstance(m, dict) and any(isinstance(m.get(k), bool) for k in (*INBOUND_FLAGS, *TEAM_FLAG_KEYS))
                 for m in messages)
    return roles if "customer" in roles or marked else None


def opening_message(record: dict[str, Any]) -> str | None:
    """The customer's first message where a ticket keeps it outside its list of messages
    (Freshdesk's `description_text`; Zendesk's `description` repeats the first comment)."""
    return next((v.strip() for k in OPENING_KEYS if isinstance(v := record.get(k), str) and v.strip()), None)


def heard(said: list[str], message: str) -> list[str]:
    """The customer's messages so far with `message` last: the one answered and the most
    recent before it, as an export's rows keep them, so a conversation of thousands of
    turns stays linear."""
    return [*said[-ConversationMemory.MESSAGES:], message]


def answered(said: list[str]) -> tuple[str | None, str | None]:
    """(the message an answer replies to, the earlier ones joined): a reply's `customer`
    and `earlier`, from the customer's messages so far (`heard`)."""
    return (said[-1] if said else None), join_messages(said[:-1])


def team_answers(messages: list[Any], roles: list[str | None],
                 opening: str | None = None) -> Iterator[tuple[dict[str, Any], str | None, str | None]]:
    """Each answer of the team in a conversation (`conversation_roles`), with the
    customer's message before it and their earlier ones joined: what a reply's
    `customer` and `earlier` are. Internal notes are skipped; `opening` is the
    customer's first message where the ticket keeps it apart (`opening_message`)."""
    said: list[str] = [no_surrogates(opening)] if opening else []
    for message, role in zip(messages, roles):
        if role == "internal" or not isinstance(message, dict):
            continue
        if role == "customer":
            text = message_text(message)
            text = no_surrogates(text) if text is not None else None
            if text is not None and (not said or said[-1] != text):
                said = heard(said, text)
            continue
        yield message, *answered(said)


# The fields that may mark a message as the team's alone (`is_hidden`, `_team_row`).
# (Salesforce's case comments: `IsPublished` false for the team's internal ones.)
SHOWN_FLAGS = ("public", "is_public", "is_published", "comment_public", "public_comment")
UNSHOWN_FLAGS = ("private", "is_private", "internal", "is_internal")
HIDDEN_KEYS = (*SHOWN_FLAGS, *UNSHOWN_FLAGS, "visibility", "channel", "message_type", "type", "part_type")
# (Zoho Desk's threads: `visibility` private for the team's own.)
_UNSHOWN_VALUES = frozenset({"private", "internal"})


def is_hidden(message: dict[str, Any]) -> bool:
    """A message marked as not shown to the customer (Zendesk `public: false`, Freshdesk
    `private: true`, Salesforce's `IsPublished: false`, Zoho Desk's `visibility: private`,
    Gorgias's `internal-note` channel, Freshchat's `message_type: private`); a CSV writes
    the flags as text ("false", "1")."""
    visibility = message.get("visibility")
    return (any(_yes_no(message.get(k)) is False for k in SHOWN_FLAGS)
            or any(_yes_no(message.get(k)) is True for k in UNSHOWN_FLAGS)
            or (isinstance(visibility, str) and visibility.strip().lower() in _UNSHOWN_VALUES)
            or message.get("channel") in INTERNAL_CHANNELS or message.get("message_type") == "private")


def _yes_no(value: Any) -> bool | None:
    """A yes/no field, a JSON boolean or a CSV's text ("True", "0", "no"); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _YES else False if word in _NO else None
    return None


def split_conversation(own: str | None, messages: list[Any],
                       ticket: dict[str, Any] | None = None) -> tuple[str | None, str | None]:
    """(the message the reply answers, the earlier customer messages joined) of a record
    (`ticket`) whose own customer field is `own` (None: the last customer message is the one)."""
    said = customer_messages(messages, requesters(ticket or {}, messages))
    if own is None and said:
        own, said = said[-1], said[:-1]
    return own, join_messages(said)


# A message-per-row export (one row per message of a conversation, as helpdesk and chat
# exports give them): the row's author, from these keys (not `type` or `source`, which a
# macro file may use for its own category), or a yes/no flag for the customer's side.
MESSAGE_ROLE_KEYS = ("role", "author_role", "author_type", "sender_type", "actor_type", "from", "sender", "direction")
MESSAGE_FLAG_KEYS = ("inbound", "incoming", "is_inbound", "is_customer", "from_customer")
# Columns that name who wrote a message only when their value is a role word ("author":
# "customer" or "agent" in a hand-made export; in others it is a person's name).
ROLE_VALUE_KEYS = ("author", "speaker", "party", "participant", "who", "user_type", "sent_by", "posted_by", "written_by",
                   "created_by", "by")
TEAM_ROLES = frozenset({"agent", "staff", "support", "admin", "administrator", "operator", "team", "employee",
                        "rep", "representative", "advisor", "adviser", "assistant", "helpdesk", "company", "brand"})
_YES, _NO = frozenset({"true", "yes", "1", "y"}), frozenset({"false", "no", "0", "n"})


# An email export names its sides by address: a shared inbox's ("support@", "help@") is
# the team's. A row whose sender is such an address is the team's; one sent *to* such an
# address is the customer's; where neither names one (agents writing from their own
# addresses), the row is read as before, the team's.
SENDER_ADDRESS_KEYS = ("from", "sender")
RECIPIENT_KEYS = ("to", "recipient")
TEAM_MAILBOXES = frozenset({"support", "help", "helpdesk", "care", "service", "services", "customerservice",
                            "customercare", "customer.service", "customer.care", "customersupport", "team",
                            "hello", "info", "contact", "noreply", "no-reply", "cs", "billing", "sales", "orders",
                            "returns", "feedback", "admin", "enquiries", "inquiries"})
# (A local part starts only where none runs on before it: linear when searched.)
_ADDRESS = re.compile(r"(?<![^\s<>@,;])([^\s<>@,;]+)@[^\s<>@,;]+\.[^\s<>@,;]+")
_ADDRESS_CHARS = 320  # longer is no address (RFC 5321 allows 254): never searched


def _team_mailbox(value: Any) -> bool | None:
    """Is this an address of a shared team inbox (True), someone else's (False), or no
    address at all (None)? "Acme Support <support@acme.com>" reads as its address."""
    if not isinstance(value, str) or len(value) > _ADDRESS_CHARS:
        return None
    value = value.strip()
    if value.endswith(">") and "<" in value:
        value = value[value.rindex("<") + 1:-1]
    found = _ADDRESS.fullmatch(value.strip())
    if found is None:
        return None
    return found.group(1).split("+")[0].lower() in TEAM_MAILBOXES


def _address_side(row: dict[str, Any], sender: str) -> str | None:
    """"agent" or "customer" by the row's addresses (its sender, else its recipient, a
    shared inbox's), or None where they do not say."""
    team = _team_mailbox(sender)
    if team:
        return "agent"
    if team is False and any(_team_mailbox(row.get(k)) for k in RECIPIENT_KEYS):
        return "customer"
    return None


# Where a message names its author as an object ({"author": {"type": "agent"}}).
NESTED_AUTHOR_KEYS = ("author", "sender", "from", "createdBy", "created_by", "user")


def _nested_authors(message: dict[str, Any]) -> Iterator[str]:
    """The `role`, then `type`, of each author object the message names, lower-cased, in
    NESTED_AUTHOR_KEYS order (a conversation's message takes the first; a row of a
    message export the first that is a side)."""
    for key in NESTED_AUTHOR_KEYS:
        value = message.get(key)
        if isinstance(value, dict):
            for inner in ("role", "type"):
                if isinstance(value.get(inner), str):
                    yield value[inner].strip().lower()


def row_role(row: dict[str, Any]) -> str | None:
    """"customer", "internal" or "agent" for a row that names its author (a message of a
    message-per-row export); None for a row that does not (a reply, or a macro)."""
    for key in (*MESSAGE_FLAG_KEYS, *TEAM_FLAG_KEYS):
        value = _yes_no(row.get(key))  # (a list or an object there is no flag: never looked up)
        if value is not None:
            team = value if key in TEAM_FLAG_KEYS else not value  # (Gorgias's `from_agent`: true for the team's)
            return _team_row(row) if team else "customer"
    for key in MESSAGE_ROLE_KEYS:
        value = row.get(key)
        if key in SENDER_ADDRESS_KEYS and isinstance(value, str):
            side = _address_side(row, value)
            if side is not None:
                return _side(side, row)
        if isinstance(value, str) and value.strip():
            # (A direction is read as a message's is: "in", "INCOMING", "received"...)
            role = {"in": "customer", "out": "agent"}.get(_way(row) or "", value.strip().lower()) \
                if key == DIRECTION else value.strip().lower()
            return _side(role, row)
    for key in (*ROLE_VALUE_KEYS, *(k for k in row if isinstance(k, str) and k.endswith("_role"))):
        role = role_word(row.get(key))
        if role is not None:
            return _side(role, row)
    # A chat export's {"sender": {"role": "visitor", "name": ...}}: the first that is a side.
    role = next((word for word in map(role_word, _nested_authors(row)) if word is not None), None)
    return _side(role, row) if role is not None else None


def _side(role: str, row: dict[str, Any]) -> str:
    """"customer", "internal" or "agent" for a row whose author is named `role`."""
    return "customer" if role in CUSTOMER_ROLES else "internal" if role in INTERNAL_ROLES else _team_row(row)


def role_word(value: Any) -> str | None:
    """A cell that names a role ("Customer", "agent", "note"), lower-cased, else None (a
    person's name, a number)."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    return word if word in CUSTOMER_ROLES or word in TEAM_ROLES or word in INTERNAL_ROLES else None


def keyed_role(row: dict[str, Any]) -> str | None:
    """`row_role` of a row whose keys are a header as written ("Incoming", "Role"), read
    as the key lists spell them (`column_key`), as `check` reads a CSV header."""
    role = row_role(row)
    if role is None and any(isinstance(k, str) and k != column_key(k) for k in row):
        role = row_role(keyed(row))
    return role


def keyed(row: dict[str, Any]) -> dict[Any, Any]:
    """A row whose keys are a header as written ("Ticket ID", "Incoming"), keyed as the key
    lists spell them (`column_key`)."""
    return {column_key(k) if isinstance(k, str) else k: v for k, v in row.items()}


def _team_row(row: dict[str, Any]) -> str:
    """"internal" for a row of the team's that the customer never sees (marked not
    public, or a note by its `type`: Crisp's `type: note`; an Intercom part that is no
    `comment`: a note, an assignment), else "agent"."""
    kind, part = row.get("type"), row.get("part_type")
    if isinstance(part, str) and part.strip() and part.strip().lower() != "comment":
        return "internal"
    return "internal" if is_hidden(row) or (isinstance(kind, str) and kind.strip().lower() in INTERNAL_ROLES) else "agent"


def is_flag(value: Any) -> bool:
    """A yes/no cell ("True", "0"): a role flag, not a customer's message."""
    return _yes_no(value) is not None


def own_message(value: Any) -> str | None:
    """A row's customer cell when it holds a message: text, not blank, not a yes/no flag
    (an `inbound` column). A row without one may be a message of its own (`row_role`)."""
    return value if isinstance(value, str) and value.strip() and not is_flag(value) else None


# A message-per-row export whose rows name the message they answer (the Twitter support
# corpus: `tweet_id`, `in_response_to_tweet_id`): its conversations are chains of replies.
# (Not `parent_id`: some exports name the ticket a message belongs to with it.)
REPLY_TO_KEYS = ("in_response_to_tweet_id", "in_response_to_id", "in_response_to", "in_reply_to_status_id",
                 "in_reply_to_id", "in_reply_to", "reply_to_id")
MESSAGE_ID_KEYS = ("tweet_id", "message_id", "id")


def column_key(name: str) -> str:
    """A header cell as the keys are spelled: spreadsheets write "Agent Response" or
    "agent-response" for agent_response, Salesforce "TextBody" and "ParentId" for
    text_body and parent_id."""
    return _SEPARATORS.sub("_", _CAMEL_HUMP.sub("_", name.strip())).lower()


_SEPARATORS = re.compile(r"[\s\-]+")
_CAMEL_HUMP = re.compile(r"(?<=[A-Za-z0-9])(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])")

# A time column as a CSV header names it (`column_key`): the keys above, and the date
# columns of reports ("Message Date", Salesforce's "CreatedDate" and its chat entries'
# "EntryTime", an email's "Sent Date"; Zendesk Chat's history as Fivetran loads it, `timestamps`).
TIME_COLUMNS = frozenset({column_key(k) for k in TIME_KEYS}
                         | {"message_date", "created_date", "sent_date", "entry_time", "timestamps"})


def customer_record(record: Any) -> bool:
    """Is this record the customer's own message, with no answer of the team in it
    (`CUSTOMER_RECORD_TYPES`)?"""
    kind = record.get("type") if isinstance(record, dict) else None
    return isinstance(kind, str) and kind in CUSTOMER_RECORD_TYPES


def reply_chain_keys(row: Any) -> tuple[str, str] | None:
    """(its id's key, the key naming the message it answers) of a row of a message-per-row
    export that names both (and its author: `row_role`); None for any other row."""
    if not isinstance(row, dict) or keyed_role(row) is None:
        return None
    keys = {column_key(k): k for k in row if isinstance(k, str)}
    own = next((keys[k] for k in MESSAGE_ID_KEYS if k in keys), None)
    answers = next((keys[k] for k in REPLY_TO_KEYS if k in keys), None)
    return (own, answers) if own and answers else None


def cell_text(value: Any) -> str | None:
    """A cell as text: stripped, None for a blank, a missing cell or a list or object."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return no_surrogates(str(value).strip()) or None


_WHOLE_FLOAT = re.compile(r"(\d+)\.0+")


def _same_id(value: str | None) -> str | None:
    """An id as another row names it: "3.0" is 3 (an export written through a table
    library keeps an id column with blanks as floats, as the Twitter corpus's
    `in_response_to_tweet_id` is)."""
    if not value:
        return None
    whole = _WHOLE_FLOAT.fullmatch(value)
    return whole.group(1) if whole else value


class ReplyChains:
    """The messages of an export that names, on each row, the message it answers: each
    answer of the team is read with the message it answers and the customer's messages
    up the chain, wherever those rows stand. (The Twitter support corpus lists a
    conversation's tweets newest first, but not always: read in file order, an answer
    met the customer's later tweet, or none.)"""

    STEPS = 50  # how far up a chain is followed (a chain of tweets may loop in a bad export)

    def __init__(self, answers_key: str | None = None) -> None:
        self.messages: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> (role, text, answers)
        self.answers_key = answers_key  # the column naming the message a row answers, where rows are dicts

    def add(self, message_id: str, role: str | None, text: str | None, answers: str | None) -> None:
        """A message; a customer's is kept in its own words (`own_words`, once, however
        many answers read up through it)."""
        message_id = _same_id(message_id)
        if message_id:
            if role == "customer" and text:
                text = own_words(text).strip() or None
            self.messages[message_id] = (role, text, _same_id(answers))

    @classmethod
    def of_rows(cls, rows: Iterable[Any], keys: tuple[str, str], text_key: str | None = None) -> "ReplyChains":
        """The chains of rows that are objects (`reply_chain_keys`): each message's text
        from `text_key`, else as a message's text is read (`message_text`)."""
        chains = cls(answers_key=keys[1])
        for row in rows:
            if isinstance(row, dict):
                text = cell_text(row.get(text_key)) if text_key else message_text(row)
                chains.add(cell_text(row.get(keys[0])) or "", keyed_role(row), text, cell_text(row.get(keys[1])))
        return chains

    def answers(self, row: dict[str, Any]) -> tuple[str | None, str | None]:
        """`answered` for a row of the team, from the message it names."""
        return self.answered(cell_text(row.get(self.answers_key)) if self.answers_key else None)

    def answered(self, answers: str | None) -> tuple[str | None, str | None]:
        """(the customer's message an answer replies to, their earlier ones joined, oldest
        first): from the message named `answers` up its chain. (None, None) where the
        chain holds no customer message in this export."""
        said: list[str] = []
        seen: set[str] = set()
        answers = _same_id(answers)
        while answers and answers not in seen and len(seen) < self.STEPS and len(said) < ConversationMemory.MESSAGES:
            seen.add(answers)
            found = self.messages.get(answers)
            if found is None:
                break
            role, text, answers = found
            if role == "customer" and text:
                said.append(text)
        said.reverse()
        return answered(said)


class ConversationMemory:
    """The customer messages met so far in each conversation of an export (rows come in
    order): a row's earlier messages are what its conversation said before it. Only the
    most recent conversations are kept, so memory stays flat on any export."""

    KEPT = 4096
    MESSAGES = 8

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}

    def before(self, conversation: str | None, customer: Any) -> str | None:
        """The earlier customer messages of this row's conversation; remembers its own."""
        if conversation is None:
            return None
        messages = self.seen.pop(conversation, [])
        # (Only their own words: an emailed message quotes the conversation so far.)
        text = own_words(customer).strip() if isinstance(customer, str) and customer.strip() else None
        # Parts of one reply (or a second reply) to the same message: not an earlier message.
        prior = messages[:-1] if text and messages and messages[-1] == text else messages
        if text and (not messages or messages[-1] != text):
            messages = [*messages, text][-self.MESSAGES:]
        self.seen[conversation] = messages  # most recent last
        if len(self.seen) > self.KEPT:
            self.seen.pop(next(iter(self.seen)))
        return join_messages(prior)

    def heard(self, conversation: str | None, message: str) -> None:
        """A customer's message, a row of its own (a message-per-row export). Rows that
        name no conversation are read as one, in order."""
        self.before(conversation or "", message)

    def message(self, conversation: str | None, role: str, text: Any) -> tuple[str | None, str | None] | None:
        """One row of a message-per-row export, whose author is `role` (`row_role`): a
        customer's message is remembered for the answers after it, an internal note
        skipped (None for both: nothing to lint); an answer of the team gets the
        customer's messages before it, as `answered`."""
        if role == "customer":
            if isinstance(text, str) and text.strip():
                self.heard(conversation, text)
            return None
        return self.answered(conversation) if role == "agent" else None

    def answered(self, conversation: str | None) -> tuple[str | None, str | None]:
        """(the customer's latest message, their earlier ones joined) for an answer of the
        team in a message-per-row export."""
        messages = self.seen.get(conversation or "", [])
        return (messages[-1] if messages else None), join_messages(messages[:-1])
