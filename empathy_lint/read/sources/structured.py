"""Macro files and helpdesk exports: YAML, JSON (Zendesk, Gorgias, Intercom, Help Scout, Freshdesk, generic), JSONL, CSV.

Each reply keeps a map back to the file, so a finding in a JSON-escaped macro body
still points at the right line and column of the export.
"""
from __future__ import annotations

import itertools
import json
from collections import deque
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import yaml

from empathy_lint.errors import InputError, unreadable_value
from empathy_lint.findings import LineIndex
from empathy_lint.rulebook import DataLoader, yaml_children
from empathy_lint.read.textmap import MappedText
from empathy_lint.read.sources.align import greedy, json_string
from empathy_lint.read.sources.base import TABLE_SUFFIXES, Document, Reply, disable_codes, no_surrogates, text_id
from empathy_lint.read.sources.conversation import (CONVERSATION_COLUMNS, CUSTOMER_ROLES, HIDDEN_KEYS,
                                                   MESSAGE_FLAG_KEYS, MESSAGE_ID_KEYS, MESSAGE_ROLE_KEYS,
                                                   RECIPIENT_KEYS, REPLY_TO_KEYS, ROLE_VALUE_KEYS, TEAM_FLAG_KEYS,
                                                   TICKET_COLUMNS, TIME_COLUMNS,
                                                   ConversationMemory, ReplyChains, column_key, comment_roles,
                                                   conversation_roles, customer_record, is_flag, is_hidden, keyed_role,
                                                   message_text, message_time, opening_message, order_of_times,
                                                   own_message, parse_time, reply_chain_keys, role_word, row_role,
                                                   split_conversation, team_answers, thread_of, time_order)
from empathy_lint.read.sources.markup import html_masks, markdown_masks, quoted_html_messages
from empathy_lint.read.sources.thread import quoted_messages

# The team's side, by the names exports give it: plain ones, then with a prefix that says
# whose words they are ("agent_reply", "Agent Response" in a CSV header) ahead of the
# plain "message", which an export may use for the customer's.
TEAM_BODY_KEYS = ("agent_reply", "agent_response", "agent_message", "support_reply", "support_response",
                  "public_reply", "reply_text", "response_text")
BODY_KEYS = ("reply", *TEAM_BODY_KEYS, "body", "text", "content", "comment_value", "message", "response", "answer",
             "template", "body_text", "plain_body", "text_body", "comment_body",  # (Salesforce: TextBody, CommentBody)
             "msg")  # (Zendesk Chat's history)
HTML_BODY_KEYS = ("comment_value_html", "content_html", "body_html", "html")
TITLE_KEYS = ("title", "name", "subject", "id", "key")
# A chat tool's canned response is known by what an agent types to insert it (Chatwoot's
# `short_code`, Rocket.Chat's `shortcut`): its title for the verdict (`meta["shortcut"]`),
# though the reply keeps the name it had, so a baseline still finds it.
SHORTCUT_KEYS = ("short_code", "shortcut")
# ...and one with no title or shortcut at all, by its tags (LiveChat's canned responses:
# `{"id", "text", "tags": ["damaged", "refund"]}`), joined as a title.
TAGS_KEY = "tags"
# A macro's actions that write the answer to the customer, by the action's `name`:
# Gorgias's `setResponseText` (its text in `arguments.body_html` / `body_text`). Its
# other actions (tags, internal notes, forwards, HTTP calls) are not the reply.
_ACTION_NAME = "name"
# A Zendesk macro's actions that write the comment (in its JSON export and kept as YAML).
COMMENT_FIELDS = ("comment_value", "comment_value_html")
RESPONSE_ACTIONS = frozenset({"setResponseText"})
CUSTOMER_KEYS = ("customer", "customer_message", "question", "request", "inbound")
_LOOKS_HTML = re.compile(r"</?(?:p|br|div|span|a|strong|em|b|i|ul|ol|li)\b[^<>]*>", re.I)  # ([^>]*: quadratic on "<a <a ...")


def _reply(value: str, origin: MappedText, *, name: Any, html_body: bool, meta: dict[str, Any]) -> Reply:
    # A lone surrogate ("\ud800" escaped in JSON) is no character: shown as U+FFFD, same
    # length, so positions still hold.
    value = no_surrogates(value)
    # Helpdesk macros are HTML or markdown-flavoured plain text; neither syntax is prose.
    is_html = html_body or ("<" in value and _LOOKS_HTML.search(value))
    masks = html_masks(value) if is_html else markdown_masks(value)
    if not meta.get("customer"):
        # An answer that quotes the message it answers (a <blockquote>, a mail client's
        # trail, "> " lines, an Outlook header over plain text): that message is the
        # customer's, as in an email draft (the runner reads it for a live reply only).
        # Each reader looks for its opening character or header hint first, so an answer
        # that quotes nothing costs a few substring tests.
        quoted, older = quoted_html_messages(value) if is_html else quoted_messages(value)
        if quoted:
            meta = {**meta, "quoted": quoted, **({"quoted_earlier": older} if older else {})}
    return Reply(value, origin, name=None if name is None else no_surrogates(str(name)), masks=masks, meta=meta,
                 baseline_name=_float_text(name) if _is_title(name) and isinstance(name, int) else None)


def _float_text(number: int) -> str:
    """How empathy-lint up to commit 0607b4b named a record by an integer (its reader
    made every JSON number a float: "12345.0"), which the fingerprints of baselines
    written then still hold."""
    return str(float(str(number)))


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    """A record's metadata. Helpdesk exports put all sorts in these fields (a customer
    object, a numeric id), so only text is taken; a `disable` that is not rule codes is
    an error, since silently ignoring it would report what the author turned off."""
    return _MetaPlan.of(record).meta(record)


def _titled_by_tags(record: dict[str, Any]) -> bool:
    """A record whose only name for what it answers is its list of tags (no title, name
    or subject): a LiveChat canned response."""
    tags = record.get(TAGS_KEY)
    return isinstance(tags, list) and not any(isinstance(record.get(k), str) for k in TITLE_KEYS if k != "id")


@dataclass(frozen=True)
class _MetaPlan:
    """Which of a record's keys make its metadata, decided by its keys and their value
    types alone: worked out once per row shape of an export, applied to every row."""

    text: tuple[str, ...]  # kind, channel, id: taken where text
    number_id: bool        # an id that is a number (not true/false): taken as text
    disable: bool
    customer: str | None
    thread: bool  # the record has a list of the conversation's earlier messages
    shortcut: str | None  # what an agent types to insert a canned response: its title

    @classmethod
    def of(cls, record: dict[str, Any]) -> "_MetaPlan":
        return cls(tuple(k for k in ("kind", "channel", "id") if isinstance(record.get(k), str)),
                   isinstance(record.get("id"), (int, float)) and not isinstance(record.get("id"), bool),
                   record.get("disable") is not None,
                   next((k for k in CUSTOMER_KEYS if isinstance(record.get(k), str)), None),
                   thread_of(record) is not None,
                   next((k for k in SHORTCUT_KEYS if isinstance(record.get(k), str)), None)
                   or (TAGS_KEY if _titled_by_tags(record) else None))

    def meta(self, record: dict[str, Any]) -> dict[str, Any]:
        meta = {k: no_surrogates(record[k]) for k in self.text}
        if self.number_id:
            meta["id"] = text_id(record["id"])
        if self.disable:
            meta["disable"] = disable_codes("record", record["disable"])
        customer = str(record[self.customer]) if self.customer is not None else None  # (positioned: made plain)
        if self.thread:
            customer, earlier = split_conversation(customer, thread_of(record)[1], record)
            if earlier:
                meta["earlier"] = earlier
        if customer is not None:
            meta["customer"] = no_surrogates(customer)
        if "earlier" in meta:
            meta["earlier"] = no_surrogates(meta["earlier"])
        if self.shortcut == TAGS_KEY:
            tags = record.get(TAGS_KEY)
            named = [t for t in tags[:20] if isinstance(t, str) and t] if isinstance(tags, list) else []
            if named:
                meta["shortcut"] = no_surrogates(", ".join(named))
        elif self.shortcut is not None:
            meta["shortcut"] = no_surrogates(record[self.shortcut])
        return meta


# ---------------------------------------------------------------- JSON

class _PosStr(str):
    """A decoded JSON string that remembers where its raw body stands in the file."""

    raw_start: int
    raw_end: int


class _PosDict(dict):
    """A JSON object that remembers where it stands in the file."""

    start: int = 0
    end: int = 0


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\r\n]*")


def _parse(text: str, i: int) -> tuple[Any, int]:
    i = _WS.match(text, i).end()
    ch = text[i]
    if ch == '"':
        value, end = json.decoder.scanstring(text, i + 1)
        out = _PosStr(value)
        out.raw_start, out.raw_end = i + 1, end - 1
        return out, end
    if ch == "{":
        obj = _PosDict()
        obj.start = i
        i = _WS.match(text, i + 1).end()
        if text[i] == "}":
            obj.end = i + 1
            return obj, i + 1
        while True:
            key, i = _parse(text, i)
            i = _WS.match(text, i).end() + 1  # the colon
            obj[str(key)], i = _parse(text, i)
            i = _WS.match(text, i).end()
            if text[i] == "}":
                obj.end = i + 1
                return obj, i + 1
            i += 1  # the comma
    if ch == "[":
        arr: list[Any] = []
        i = _WS.match(text, i + 1).end()
        if text[i] == "]":
            return arr, i + 1
        while True:
            item, i = _parse(text, i)
            arr.append(item)
            i = _WS.match(text, i).end()
            if text[i] == "]":
                return arr, i + 1
            i += 1
    for literal, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(literal, i):
            return value, i + len(literal)
    match = _NUMBER.match(text, i)
    number = match.group()
    # As json.loads reads it: an integer stays one (a ticket id 12345 is "12345", not
    # "12345.0"); json.loads has already refused one too long to convert.
    return (float(number) if "." in number or "e" in number or "E" in number else int(number)), match.end()


def _json_reply(value: Any, text: str, *, name: Any, html_body: bool, meta: dict[str, Any]) -> Reply | None:
    if not isinstance(value, _PosStr) or not value.strip():
        return None
    decoded, origin = json_string(text[value.raw_start:value.raw_end], value.raw_start)
    return _reply(decoded, origin, name=name, html_body=html_body, meta=meta)


def _zendesk_value(value: Any) -> Any:
    """Zendesk `comment_value` is a string or ["channel:all", "text"]."""
    if isinstance(value, list):
        strings = [v for v in value if isinstance(v, _PosStr)]
        return strings[-1] if strings else None
    return value


def _body_reply(node: Any, text: str, keys: tuple[str, ...], name: Any, meta: dict[str, Any]) -> Reply | None:
    """The reply under the first of `keys` in `node` that holds text (HTML keys first)."""
    if not isinstance(node, dict):
        return None
    for key in keys:
        if key in node:
            reply = _json_reply(node[key], text, name=name, html_body=key in HTML_BODY_KEYS, meta=meta)
            if reply:
                return reply
    return None


def _records_replies(node: Any, text: str, body_key: str | None, titled: Any = None,
                     users: list | None = None) -> Iterator[Reply]:
    """Walk a parsed export and yield a reply for every macro-like object in it.
    `titled`: the title of the object this one is inside (a Zendesk dynamic content
    item's `name` for its `variants`), for a reply whose own object names none.
    `users`: the users an export lists beside its tickets (Zendesk's `include=users`
    sideload, `{"tickets": [...], "users": [...]}`), which say who each ticket's
    requester is where the ticket does not."""
    if isinstance(node, list):
        # A ticket's comments saved alone (Zendesk's `comments`, without the ticket):
        # its answers are replies, read with the customer's comments before them.
        roles_of_comments = comment_roles(node)
        if roles_of_comments is not None:
            yield from _answers({}, {}, node, roles_of_comments, text, body_key, titled)
            return
        # A list of messages, one per row, the customer's among them: read as a JSONL
        # export of such rows is (`_message_row`).
        roles = [row_role(item) if isinstance(item, dict) and _own_customer(item) is None else None for item in node]
        said = ConversationMemory() if "customer" in roles else None
        order = time_order(node) if said is not None else None
        if order is not None:  # messages, one a row: read in the order they were written
            node, roles = [node[i] for i in order], [roles[i] for i in order]
        conversations = _row_conversations(node) if said is not None else []
        keys = reply_chain_keys(next((item for item in node if isinstance(item, dict)), None)) if said else None
        chains = ReplyChains.of_rows(node, keys) if keys else None
        for k, (item, role) in enumerate(zip(node, roles)):
            if said is not None and role is not None:
                replies = list(_records_replies(item, text, body_key)) if role == "agent" else []
                if chains is not None:  # each row names the message it answers: read up that chain
                    yield from _answering(replies, *chains.answers(item))
                    continue
                yield from _message_row(item, role, replies, said, conversations[k])
            else:
                yield from _records_replies(item, text, body_key, titled, users)
        return
    if not isinstance(node, dict) or customer_record(node):  # (the customer's own words: never linted)
        return
    if isinstance(node.get("users"), list):
        users = node["users"]
    titled_by = _title_key(node)
    own = node[titled_by] if titled_by is not None else None
    name = own if own is not None else _within(titled, node.get("id"))
    meta = _meta(node)
    found = False
    keys = _body_keys(node, body_key)
    for action in node.get("actions", []) if isinstance(node.get("actions"), list) else []:
        if isinstance(action, dict) and action.get("field") in COMMENT_FIELDS:
            reply = _json_reply(_zendesk_value(action.get("value")), text, name=name,
                                html_body=action["field"].endswith("_html"), meta=meta)
        elif isinstance(action, dict) and action.get(_ACTION_NAME) in RESPONSE_ACTIONS:
            reply = _body_reply(action.get("arguments"), text, keys, name, meta)
        else:
            continue
        if reply:
            found = True
            reply.span = _span(node)
            yield reply
    if not found:
        reply = _body_reply(node, text, keys, name, meta)
        if reply:
            found = True
            reply.span = _span(node)
            yield reply
    if not found:
        thread = thread_of(node)
        ticket = node if users is None or "users" in node else {**node, "users": users}
        roles = conversation_roles(thread[1], ticket) if thread else None
        skipped: tuple[str, ...] = ("actions", "labels", "restriction")
        if thread is not None and roles is not None:  # a ticket that is its conversation: its answers are replies
            yield from _answers(node, meta, thread[1], roles, text, body_key, name)
            skipped += (thread[0], "source")  # (Intercom's opening message is in the thread)
        for key, value in node.items():
            if isinstance(value, (list, dict)) and key not in skipped:
                yield from _records_replies(value, text, body_key, own if own is not None else titled, users)


def _within(titled: Any, number: Any) -> Any:
    """The name of an untitled object inside a titled one: "Refund policy #2"."""
    if titled is None:
        return number
    return titled if number is None else f"{titled} #{number}"


def _answers(node: dict[str, Any], meta: dict[str, Any], messages: list[Any], roles: list[str | None],
             text: str, body_key: str | None, name: Any) -> Iterator[Reply]:
    """The replies of a conversation with no reply of its own (a ticket export's comments):
    each answer of the team, read with the customer's messages before it, as a record with
    `customer` and `thread` is. The customer's messages and internal notes are not the
    team's writing to the customer, and are never linted. `meta` is the ticket's own."""
    ticket = {k: v for k, v in meta.items() if k not in ("customer", "earlier")}
    for message, customer, earlier in team_answers(messages, roles, opening_message(node)):
        for reply in _records_replies(message, text, body_key):
            own = {k: v for k, v in reply.meta.items() if k not in ("customer", "earlier")}
            reply.meta = {**ticket, **own}
            if customer is not None:
                reply.meta["customer"] = customer
            if earlier:
                reply.meta["earlier"] = earlier
            if name is not None:  # the ticket's subject, and which of its messages: "Late delivery #3"
                reply.name = no_surrogates(str(_within(name, reply.name)))
            yield reply


def _span(node: Any) -> tuple[int, int] | None:
    return (node.start, node.end) if isinstance(node, _PosDict) else None


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's parser accepts them; ours refuses)."""
    raise _NotJson(name)


class _NotJson(ValueError):
    """A NaN or Infinity constant."""


def _constant_error(where: str, text: str, exc: _NotJson) -> InputError:
    line = text[: max(text.find(str(exc)), 0)].count("\n") + 1
    return InputError(f"{where}:{line}: invalid JSON: {exc} is not a JSON value")


def json_error(path: str, exc: json.JSONDecodeError) -> InputError:
    """The one-line error for invalid JSON, at its line and column."""
    return InputError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}")


# How far into a .json file to look for a first line that is a whole JSON value (one
# ticket of a JSON Lines export, its comments and all): a longer first line is read as
# one JSON document, as before.
JSON_LINE_PEEK = 16 * 1024 * 1024


def json_lines(head: str) -> bool:
    """Does this .json text hold a JSON value per line (JSON Lines, as Zendesk's full JSON
    export writes it) rather than one document? Its first line is a whole object or
    array, and another begins on a later line. (A pretty-printed document's first line
    is "{" or "[" alone, never a whole value.)"""
    first, newline, rest = head.lstrip("\ufeff").partition("\n")
    first = first.strip()
    if not newline or first[:1] not in ("{", "["):
        return False
    following = rest.lstrip()
    if following[:1] not in ("{", "["):
        return False
    try:
        json.loads(first, parse_constant=_no_constant)
    except (ValueError, _NotJson):
        return False
    return True


def json_lines_file(path: Path) -> bool:
    """`json_lines` of a file on disk, from its first line and the start of the next."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(JSON_LINE_PEEK)
            following = handle.read(64).lstrip()
    except OSError:
        return False  # the reader says what is wrong with it
    if not first.endswith(b"\n"):
        return False
    return json_lines(first.decode("utf-8", "replace") + following.decode("utf-8", "replace"))


def read_json(path: str, text: str, options: dict[str, Any]) -> Document:
    if not text.strip():
        return Document(path, text)  # empty, like any other empty file
    try:
        json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and json_lines(text):
            return read_jsonl(path, text, options)
        raise json_error(path, exc) from None
    except _NotJson as exc:
        raise _constant_error(path, text, exc) from None
    except ValueError as exc:  # a number too long to convert
        raise InputError(f"{path}: invalid JSON: {unreadable_value(exc)}") from None
    tree, _ = _parse(text, 0)
    try:
        document = Document(path, text, in_file_order(list(_records_replies(tree, text, options.get("json_body")))))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    if not document.replies and _holds_messages(tree):
        document.notices.append(no_answer_notice(path))
    elif not document.replies:
        document.replies = _bare_json_replies(tree, text)
    if not document.replies and not document.notices:
        document.notices.append(f"{path}: no replies found (looked for Zendesk and Gorgias macro actions and keys "
                                f"{', '.join(HTML_BODY_KEYS + BODY_KEYS)})")
    return document


def no_answer_notice(path: str) -> str:
    """What to say of an export the readers understood that holds no answer of the team
    (new tickets nobody has answered yet): not that its replies went unseen."""
    return f"{path}: no answer of the team to lint: its conversations hold only the customer's messages (and notes)"


# How much of a parsed JSON export `_holds_messages` looks through: the records near its top.
_MESSAGE_SEARCH_NODES = 5_000


def _holds_messages(tree: Any) -> bool:
    """Does a parsed JSON export hold conversations (a ticket's messages, or messages one a
    record) with the customer's messages among them? Looked for breadth first, near the top."""
    queue, seen = deque([tree]), 0
    while queue and seen < _MESSAGE_SEARCH_NODES:
        node = queue.popleft()
        seen += 1
        if isinstance(node, list):
            if any(isinstance(item, dict) and _own_customer(item) is None and row_role(item) == "customer"
                   for item in node[:50]):
                return True
            queue.extend(node[:50])
        elif isinstance(node, dict):
            thread = thread_of(node)
            if thread is not None and conversation_roles(thread[1], node) is not None:
                return True
            queue.extend(value for value in node.values() if isinstance(value, (list, dict)))
    return False


# How much of an export's start tells what it holds (its header, its first records):
# `holds_messages` and `unattributed_notice` read no more.
EXPORT_HEAD = 65_536


# Reply columns that name the team's side (a CSV of them is the team's answers alone);
# any other ("body", "text", "message") may hold either side of a conversation.
_TEAM_COLUMNS = frozenset({*TEAM_BODY_KEYS, "reply", "response", "answer", "template"})


def unattributed_notice(path: str, head: str) -> str | None:
    """What to say of a CSV or JSON Lines export whose rows share a ticket but do not say
    who wrote each (Zendesk's `ticket_comment` table before it is joined with the users'
    roles): every row is linted as the team's answer, the customer's messages too. None
    for any other export. `head`: the file's start (its header and first rows)."""
    lowered = path.lower()
    if lowered.endswith(TABLE_SUFFIXES):
        shared = _unattributed_columns(path, head)
    elif lowered.endswith((".jsonl", ".ndjson")):
        shared = _unattributed_keys(head)
    else:
        return None
    if shared is None:
        return None
    return (f"{path}: rows share a {shared} but no column says who wrote each, so every row is linted as the "
            "team's answer, the customer's messages too; add a role column (end-user or agent: in a warehouse, "
            "join the users' role)")


def _unattributed_columns(path: str, head: str) -> str | None:
    """The conversation column a CSV's rows share, where nothing says who wrote each row."""
    try:
        layout = _csv_layout(path, head, {})
    except InputError:
        return None
    column = layout.conversation
    if (layout.role is not None or layout.customer is not None or column is None or layout.header[column] == "id"
            or layout.header[layout.body] in _TEAM_COLUMNS):
        return None
    seen: set[str] = set()
    for record in _csv_records(head, layout.delimiter, layout.first):
        conversation = _conversation_of(record, layout)
        if conversation in seen:
            return layout.header[column]
        if conversation is not None:
            seen.add(conversation)
    return None


def _unattributed_keys(head: str) -> str | None:
    """The conversation key a JSON Lines export's first rows share, where nothing says
    who wrote each row (no author, no customer message of its own, no conversation list)."""
    seen: set[tuple[str, str]] = set()
    for line in head.split("\n")[:_UNATTRIBUTED_ROWS]:
        row = _loaded(line) if line.strip() else None
        if not isinstance(row, dict):
            continue
        if keyed_role(row) is not None or _own_customer(row) is not None or thread_of(row) is not None:
            return None
        body = next((k for k in _body_keys(row, None) if isinstance(row.get(k), str)), None)
        if body is None or body in _TEAM_COLUMNS:
            return None
        key = _conversation_key(row, TICKET_COLUMNS)
        if key is None:
            continue
        if (key, str(row[key]).strip()) in seen:
            return key
        seen.add((key, str(row[key]).strip()))
    return None


# How many of a JSON Lines export's first rows `_unattributed_keys` reads.
_UNATTRIBUTED_ROWS = 200


def holds_messages(path: str, head: str) -> bool:
    """Is a CSV or JSON Lines export (`head`: its start) one of messages, each naming its
    author, or of conversations: so a file with no reply in it holds no answer yet,
    rather than replies the reader missed?"""
    if path.lower().endswith(TABLE_SUFFIXES):
        try:
            return _csv_layout(path, head, {}).role is not None
        except InputError:
            return False
    line = next((line for line in head.split("\n") if line.strip()), "")
    row = _loaded(line)
    return isinstance(row, dict) and (keyed_role(row) is not None or thread_of(row) is not None)


def _bare_json_replies(tree: Any, text: str) -> list[Reply]:
    """Saved replies with no record around them: a list of reply strings (each named by
    its place, 1, 2, ...) or an object of name -> reply string, every value a string,
    as a YAML file of saved replies may be written too."""
    if isinstance(tree, list) and tree and all(isinstance(item, _PosStr) for item in tree):
        named = [(number, value) for number, value in enumerate(tree, 1)]
    elif isinstance(tree, _PosDict) and tree and all(isinstance(value, _PosStr) for value in tree.values()):
        named = list(tree.items())
    else:
        return []
    replies = [_json_reply(value, text, name=name, html_body=False, meta={}) for name, value in named]
    return [reply for reply in replies if reply is not None]


def read_jsonl(path: str, text: str, options: dict[str, Any], records: "Records | None" = None) -> Document:
    """The replies of a JSONL export; with `records`, of that run of its lines only
    (offsets and line numbers stay the file's)."""
    document = Document(path, text)
    start, end, number = (0, len(text), 1) if records is None else (records.start, records.end, records.line)
    said = ConversationMemory()  # rows of one conversation id, in order, as audit reads them
    chains = _jsonl_chains(text, start, end)
    for offset, number, line in _lines_in_time_order(_jsonl_lines(text, start, end, number), chains is None):
        try:
            replies = _jsonl_record(path, number, line, options, offset, said, chains)
        except InputError as exc:  # one bad record: reported with its line, the others read
            document.errors.append(str(exc))
            replies = []
        for reply in replies:
            reply.span = (offset, offset + len(line))
            reply.name = reply.name or f"line {number}"
            document.replies.append(reply)
    document.replies = in_file_order(document.replies)
    return document


def in_file_order(replies: list[Reply]) -> list[Reply]:
    """Replies as the file lists them, where a reader took their records in another order
    (messages read oldest first): suppressions, fixes and reports place each reply by
    where it stands (a list already in order, or one with a reply of no place, as it is)."""
    if any(reply.span is None for reply in replies):
        return replies
    starts = [reply.span[0] for reply in replies]  # type: ignore[index]
    if all(a <= b for a, b in zip(starts, starts[1:])):
        return replies
    return sorted(replies, key=lambda reply: reply.span[0])  # type: ignore[index]


def _jsonl_lines(text: str, start: int, end: int, number: int) -> Iterator[tuple[int, int, str]]:
    """(offset, line number, line) of each record of text[start:end], blank lines left out.
    Records end at "\n" only: str.splitlines() would also split on U+0085 and U+2028,
    which JSON allows unescaped inside strings."""
    offset = start
    while offset < end:
        cut = text.find("\n", offset, end)
        line = text[offset:end] if cut < 0 else text[offset:cut + 1]
        if line.strip():
            yield offset, number, line
        offset += len(line)
        number += 1


def _lines_in_time_order(lines: Iterator[tuple[int, int, str]], may_order: bool) -> Iterable[tuple[int, int, str]]:
    """A run of JSONL records oldest first where they are messages, one a row, that all
    say when they were written and are not in that order already (`time_order`); else as
    they come. Only such an export is parsed twice: its first row says what it is."""
    if not may_order:
        return lines
    first = next(lines, None)
    if first is None:
        return ()
    lines = itertools.chain([first], lines)
    row = _loaded(first[2])
    if not isinstance(row, dict) or message_time(row) is None or keyed_role(row) is None or thread_of(row) is not None:
        return lines
    lines = list(lines)
    order = time_order([_loaded(line) for _, _, line in lines])
    return lines if order is None else [lines[i] for i in order]


def _loaded(line: str) -> Any:
    """A JSONL record parsed, or None (its error is reported where it is read)."""
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


# A JSON string token, the loop unrolled (a run of plain characters at a time, not one
# alternation per character: five times faster on a row's long strings).
_STRING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


@dataclass(frozen=True)
class _FlatShape:
    """What a flat row's keys and value types decide, worked out once: the rows of an
    export share a shape or a few, so each row costs only its own values."""

    tokens: int                          # string tokens in the row: keys and string values
    bodies: tuple[tuple[str, int], ...]  # body keys holding text, in search order, with their token's index
    name: str | None                     # the key that names the record
    meta: _MetaPlan

    @classmethod
    def of(cls, value: dict[str, Any], body_key: str | None) -> "_FlatShape":
        index, indices = 1, {}
        for key, item in value.items():
            indices[key] = index
            index += 2 if isinstance(item, str) else 1
        bodies = tuple((k, indices[k]) for k in _body_keys(value, body_key) if isinstance(value.get(k), str))
        name = _title_key(value) or ("id" if "id" in value else None)
        return cls(len(value) + sum(isinstance(item, str) for item in value.values()), bodies, name, _MetaPlan.of(value))


_SHAPES: dict[tuple, _FlatShape] = {}
_SHAPES_KEPT = 256  # an export whose every row differs in keys must not grow this without end
_SHAPE_KEYS_KEPT = 64  # nor may rows of thousands of keys fill it: their shapes are not kept


def _flat_shape(value: Any, body_key: str | None) -> _FlatShape | None:
    """The row's shape, or None for a row that is not a flat object (`_is_flat`)."""
    if type(value) is not dict:
        return None
    types = tuple(map(type, value.values()))
    if dict in types or list in types:
        return None
    if len(types) > _SHAPE_KEYS_KEPT:
        return _FlatShape.of(value, body_key)
    key = (tuple(value), types, body_key)
    shape = _SHAPES.get(key)
    if shape is None:
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        shape = _SHAPES[key] = _FlatShape.of(value, body_key)
    return shape


def _flat_replies(line: str, value: dict[str, Any], body_key: str | None, offset: int = 0,
                  shape: _FlatShape | None = None) -> list[Reply] | None:
    """What _records_replies gives, but the record's span, for a flat object (`_is_flat`:
    every value a string, number, true, false or null: the usual ticket export row), from
    the line's json.loads `value` and the places of its string tokens, without a positioned
    tree; None for a repeated key (the parser decides). The reply's origin is at file offset
    `offset` of the line.

    Only the body's raw span is needed. The line's string tokens are its keys and string
    values in order; a repeated key makes more tokens than the decoded object accounts
    for (its keys and string values are a subset of the line's), so equal counts mean the
    object's order is the line's and the body's token is found by counting. Where no
    quote is escaped (most rows), each quote opens or closes a token, so counting quotes
    does it; else one regex pass finds the tokens."""
    shape = shape or _flat_shape(value, body_key)
    if shape is None:
        return None
    if '\\"' in line:  # an escaped quote: the regex tells string tokens apart
        tokens = [match.span() for match in _STRING_TOKEN.finditer(line)]
        if len(tokens) != shape.tokens:
            return None  # a repeated key: let the parser decide
    else:  # every quote opens or closes a token: counting them is enough
        if line.count('"') != 2 * shape.tokens:
            return None
        tokens = None
    meta = shape.meta.meta(value)  # (a bad `disable` is an error even in a record without a body)
    for body, index in shape.bodies:
        if value[body].strip():
            break
    else:
        return []
    if tokens is not None:
        start, end = tokens[index]
    else:  # the body's quotes are the (2 * index + 1)th and (2 * index + 2)th
        start = -1
        for _ in range(2 * index + 1):
            start = line.find('"', start + 1)
        end = line.find('"', start + 1) + 1
    decoded, origin = json_string(line[start + 1:end - 1], offset + start + 1)
    # No span: read_jsonl gives every reply of a line the line's.
    return [_reply(decoded, origin, name=None if shape.name is None else value[shape.name],
                   html_body=body in HTML_BODY_KEYS, meta=meta)]


def _is_flat(value: Any) -> bool:
    """An object with no object or list inside."""
    return _flat_shape(value, None) is not None


def _is_title(value: Any) -> bool:
    """A value that names a record: text or a number (true and false are no title)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


# One decoder for every row (json.loads with an option builds a new one per call).
_ROW_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _jsonl_chains(text: str, start: int, end: int) -> ReplyChains | None:
    """The reply chains of a run of JSON Lines, where its rows name the message each
    answers (`reply_chain_keys` of its first row); None for any other export (its first
    line is parsed again only if it names such a key)."""
    offset = start
    while offset < end:
        cut = text.find("\n", offset, end)
        line = text[offset:end if cut < 0 else cut]
        if line.strip():
            break
        offset = end if cut < 0 else cut + 1
    else:
        return None
    if not any(key in line for key in REPLY_TO_KEYS):
        return None
    try:
        keys = reply_chain_keys(json.loads(line))
    except (ValueError, RecursionError):  # (a bad line is reported where it is read)
        return None
    if keys is None:
        return None

    def rows() -> Iterator[Any]:
        for row in text[start:end].split("\n"):
            try:
                yield json.loads(row) if row.strip() else None
            except (ValueError, RecursionError):
                continue
    return ReplyChains.of_rows(rows(), keys)


def _jsonl_record(path: str, number: int, line: str, options: dict[str, Any], offset: int = 0,
                  said: ConversationMemory | None = None, chains: ReplyChains | None = None) -> list[Reply]:
    """The replies of one JSONL line standing at file offset `offset`, or InputError
    naming the file and the line. With `said`, a row with no list of earlier messages of
    its own gets those of the rows before it in its conversation."""
    body_key = options.get("json_body")
    try:
        row = line.rstrip("\r\n")
        # (json.loads says what a byte-order mark inside the file is; the decoder does not)
        value = _ROW_DECODER.decode(row) if not row.startswith("\ufeff") else json.loads(row)
        shape = _flat_shape(value, body_key)
        flat = shape is not None
        tree = None if flat else _parse(line, 0)[0]  # (a row of `null` parses to None too)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except _NotJson as exc:
        raise InputError(f"{path}:{number}: invalid JSON: {exc} is not a JSON value") from None
    except ValueError as exc:  # a number too long to convert
        raise InputError(f"{path}:{number}: invalid JSON: {unreadable_value(exc)}") from None
    except RecursionError:  # that record's error, not the file's
        raise InputError(f"{path}:{number}: nested too deeply to read (thousands of levels of brackets)") from None
    try:
        replies = _flat_replies(line, value, body_key, offset, shape) if flat else None
        if replies is None:  # nested, a repeated key, or not an object
            replies = list(_records_replies(_parse(line, 0)[0] if flat else tree, line, body_key))
            for reply in replies:
                _shift(reply.origin, offset)
        if said is not None and isinstance(value, dict) and thread_of(value) is None:
            customer = _own_customer(value)
            role = row_role(value) if customer is None else None
            if role is not None and chains is not None:  # it names the message it answers
                return _answering(replies, *chains.answers(value)) if role == "agent" else []
            if role is not None:  # one row per message: the customer's are read, the team's linted
                return _message_row(value, role, replies, said)
            earlier = said.before(row_conversation(value), customer)
            for reply in replies if earlier else ():
                reply.meta["earlier"] = no_surrogates(earlier)
        return replies
    except InputError as exc:
        raise InputError(f"{path}:{number}: {exc}") from None


def _own_customer(row: dict[str, Any]) -> str | None:
    """The customer message a row carries itself (a yes/no flag is none)."""
    return next((message for k in CUSTOMER_KEYS if (message := own_message(row.get(k))) is not None), None)


def _row_conversations(rows: list[Any]) -> list[str | None]:
    """Each row's conversation (`row_conversation`), for a JSON array of messages: where
    only their `id`s name one and no two rows share it (Front's "msg_1", "msg_2"), those
    are the messages' own ids, and the rows are one conversation in order."""
    named = [row_conversation(row) for row in rows]
    only_ids = all(not isinstance(row, dict) or next((k for k in CONVERSATION_COLUMNS if row.get(k) is not None), "id")
                   == "id" for row in rows)
    values = [v for v in named if v is not None]
    if only_ids and len(values) > 1 and len(set(values)) == len(values):
        return [None] * len(rows)
    return named


def _message_row(row: dict[str, Any], role: str, replies: list[Reply], said: ConversationMemory,
                 conversation: Any = ...) -> list[Reply]:
    """A row of a message-per-row export: a customer's message is remembered for the
    answers after it in its conversation (and not linted), an internal note skipped, an
    answer of the team linted with the customer's messages before it. `conversation`:
    the row's, where the caller decided it (`_row_conversations`)."""
    text = message_text(row) if role == "customer" else None
    conversation = row_conversation(row) if conversation is ... else conversation
    answer = said.message(conversation, role, no_surrogates(text) if text is not None else None)
    return [] if answer is None else _answering(replies, *answer)


def _answering(replies: list[Reply], customer: str | None, earlier: str | None) -> list[Reply]:
    """The replies of one answer of the team, given the customer's message it answers
    and their earlier ones."""
    for reply in replies:
        if customer is not None:
            reply.meta["customer"] = customer
        if earlier:
            reply.meta["earlier"] = earlier
    return replies


def _shift(mapped: MappedText, offset: int) -> MappedText:
    mapped.sources = [(s + offset, e + offset, copied) for s, e, copied in mapped.sources]
    mapped.source_length += offset
    return mapped


# ---------------------------------------------------------------- YAML

def _scalar_reply(node: yaml.Node, text: str, *, name: Any, html_body: bool, meta: dict[str, Any]) -> Reply | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        return None
    origin = greedy(node.value, text, node.start_mark.index, node.end_mark.index)
    return _reply(node.value, origin, name=name, html_body=html_body, meta=meta)


def _yaml_replies(node: yaml.Node, text: str, body_key: str | None, name: Any = None) -> Iterator[Reply]:
    if isinstance(node, yaml.SequenceNode):
        if node.value and all(isinstance(item, yaml.ScalarNode) for item in node.value):
            # A list of reply strings, each named by its place (1, 2, ...) or its list's key.
            for number, item in enumerate(node.value, 1):
                reply = _scalar_reply(item, text, name=number if name is None else f"{name} #{number}",
                                      html_body=False, meta={})
                if reply and len(reply.text.split()) >= 3:
                    yield reply
            return
        for item in node.value:
            yield from _yaml_replies(item, text, body_key)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    pairs = [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    plain = {k: v.value for k, v in pairs if isinstance(v, yaml.ScalarNode)}
    title = next((plain[k] for k in TITLE_KEYS if k in plain), None)
    if title is None:
        named = _key_ending(plain, _TITLE_ENDINGS)
        title = plain[named] if named is not None else name
    # A Zendesk macro kept as YAML (macros as code): its comment actions are the reply,
    # as in its JSON export; its other actions (status, tags, subject) are not.
    found = False
    for value, html_body in _yaml_comment_actions(dict(pairs).get("actions")):
        reply = _scalar_reply(value, text, name=title, html_body=html_body, meta=_meta(plain))
        if reply:
            found = True
            reply.span = (node.start_mark.index, node.end_mark.index)
            yield reply
    if found:
        return
    keys = _body_keys(plain, body_key)
    for key in keys:
        value = dict(pairs).get(key)
        if value is not None:
            reply = _scalar_reply(value, text, name=title, html_body=key in HTML_BODY_KEYS, meta=_meta(plain))
            if reply:
                reply.span = (node.start_mark.index, node.end_mark.index)
                yield reply
            return
    for key, value in pairs:
        if isinstance(value, yaml.ScalarNode):
            reply = _scalar_reply(value, text, name=key, html_body=False, meta={})
            if reply and len(reply.text.split()) >= 3:
                yield reply
        else:
            yield from _yaml_replies(value, text, body_key, name=key)


def _yaml_comment_actions(actions: Any) -> Iterator[tuple[yaml.Node, bool]]:
    """(the text node, is it HTML) of each Zendesk comment action in a YAML list of
    actions (`field: comment_value` or `comment_value_html`; its value a string or
    ["channel:all", "text"])."""
    if not isinstance(actions, yaml.SequenceNode):
        return
    for action in actions.value:
        if not isinstance(action, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in action.value if isinstance(k, yaml.ScalarNode)}
        field, value = fields.get("field"), fields.get("value")
        if not isinstance(field, yaml.ScalarNode) or field.value not in COMMENT_FIELDS:
            continue
        if isinstance(value, yaml.SequenceNode):
            value = next((v for v in reversed(value.value) if isinstance(v, yaml.ScalarNode)), None)
        if value is not None:
            yield value, field.value.endswith("_html")


_SAFE_TAG = re.compile(r"^tag:yaml\.org,2002:(?:str|int|float|bool|null|map|seq|timestamp|binary|merge|omap|set|value)$")


def _foreign_tag(node: yaml.Node) -> yaml.Node | None:
    """The first node with a tag that would construct an object (!!python/...), if any."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:  # an alias met again (or a recursive one): looked at already
            continue
        seen.add(id(current))
        if not _SAFE_TAG.match(current.tag or ""):
            return current
        stack.extend(yaml_children(current))
    return None


def read_yaml(path: str, text: str, options: dict[str, Any]) -> Document:
    loader = DataLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "constructor" in str(exc) or "could not determine" in str(exc):
            problem = "tags that construct objects are not allowed"
        raise InputError(f"{where}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    document = Document(path, text)
    foreign = _foreign_tag(root) if root is not None else None
    if foreign is not None:
        raise InputError(f"{path}:{foreign.start_mark.line + 1}: YAML tag {foreign.tag!r} is not allowed "
                         "(macro files are plain data)")
    if root is not None:
        try:
            document.replies = list(_yaml_replies(root, text, options.get("yaml_body")))
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
    if not document.replies:
        document.notices.append(f"{path}: no replies found (set yaml_body in the config to name the key)")
    return document


# ---------------------------------------------------------------- CSV

def _csv_records(text: str, delimiter: str, start: int = 0,
                 end: int | None = None) -> Iterator[list[tuple[str, int, int]]]:
    """RFC 4180 records as lists of (value, raw start, raw end), from `start` (a record's
    first character) up to `end` (where a record starts, or the end of the text)."""
    i, n = start, len(text) if end is None else end
    while i < n:
        record: list[tuple[str, int, int]] = []
        while True:
            start = i
            if i < n and text[i] == '"':
                i += 1
                chunks = []
                while i < n:
                    if text[i] == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            chunks.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    chunks.append(text[i])
                    i += 1
                value = "".join(chunks)
                while i < n and text[i] not in (delimiter, "\r", "\n"):
                    i += 1
            else:
                while i < n and text[i] not in (delimiter, "\r", "\n"):
                    i += 1
                value = text[start:i]
            record.append((value, start, i))
            if i < n and text[i] == delimiter:
                i += 1
                continue
            if text.startswith("\r\n", i):
                i += 2
            elif i < n:
                i += 1
            break
        if any(v.strip() for v, _, _ in record):
            yield record


@dataclass(frozen=True)
class _CsvLayout:
    delimiter: str
    header: list[str]
    body: int
    title: int | None
    customer: int | None
    first: int  # where the first record after the header starts
    conversation: int | None = None  # the column naming the row's conversation
    role: int | None = None  # the column naming the row's author (a message-per-row export)
    # The columns that may mark a team's row as an internal note (`HIDDEN_KEYS`: private, public...).
    hidden: tuple[int, ...] = ()
    # A message-per-row export whose rows name the message they answer: the row's own id
    # and that of the message it answers (`ReplyChains`).
    message_id: int | None = None
    reply_to: int | None = None
    # A message-per-row export's time column: its rows are read oldest first (`time_order`).
    time: int | None = None
    # Its recipient columns (`to`), read with the role column (`row_role`: a shared inbox's address).
    recipients: tuple[int, ...] = ()


def _role_of(record: list[tuple[str, int, int]], layout: _CsvLayout) -> str | None:
    """row_role of a CSV row: "customer", "internal" or "agent" where the export names
    each message's author; None for a row of replies."""
    column = layout.role
    if column is None or column >= len(record):
        return None
    return row_role({layout.header[i]: record[i][0] for i in (*layout.hidden, *layout.recipients, column)
                     if i < len(record)})


def _is_note(record: list[tuple[str, int, int]], layout: _CsvLayout) -> bool:
    """Is this row of a ticket's messages, in an export with no author column, marked
    as not shown to the customer ("IsPublished" false, "Private" true)?"""
    return bool(layout.hidden) and is_hidden({layout.header[i]: record[i][0] for i in layout.hidden
                                               if i < len(record)})


def _conversation_of(record: list[tuple[str, int, int]], layout: _CsvLayout) -> str | None:
    """The conversation a CSV row belongs to (its conversation or ticket id), if named."""
    return _cell(record, layout.conversation)


# A record's conversation id, or a function giving it (worked out only where needed).
Conversation = str | None | Callable[[], str | None]


class RunCutter:
    """Where the runs of an export start: every `size` records, but not between two
    rows of one conversation (a row reads the customer's earlier messages from the rows
    before it in its run), unless one conversation goes on for four runs' worth.
    `counts` holds how many records each run has."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.counts: list[int] = []
        self.last: Conversation = None

    def starts(self, conversation: Conversation = None) -> bool:
        """Does the next record, of `conversation`, start a run? (`conversation` may be a
        function giving it: it is worked out only where a run may start.)"""
        counts, previous = self.counts, self.last
        new = not counts
        if counts and counts[-1] >= self.size:
            here = _known(conversation)
            new = counts[-1] >= 4 * self.size or here is None or here != _known(previous)
            conversation = here  # worked out: the next record's test reads it as it is
        self.last = conversation
        if new:
            counts.append(1)
        else:
            counts[-1] += 1
        return new


def _known(conversation: Conversation) -> str | None:
    return conversation() if callable(conversation) else conversation


def row_conversation(row: Any) -> str | None:
    """The conversation a JSONL row belongs to (its conversation or ticket id), if named."""
    key = _conversation_key(row)
    return None if key is None else str(row[key]).strip()


def _conversation_key(row: Any, keys: tuple[str, ...] = CONVERSATION_COLUMNS) -> str | None:
    """The first of `keys` naming the conversation a row belongs to (a plain id, not blank)."""
    if not isinstance(row, dict):
        return None
    return next((key for key in keys if isinstance(value := row.get(key), (str, int, float))
                 and not isinstance(value, bool) and str(value).strip()), None)


def line_conversation(line: str) -> str | None:
    """row_conversation of a JSONL line (None for a line that is not JSON, or nested too
    deeply to read: the reader reports that line when it reads it)."""
    try:
        return row_conversation(json.loads(line))
    except (ValueError, RecursionError):
        return None


# A header the key lists do not spell, named the way spreadsheets of macros are ("Macro
# Body", "Canned Response", "Macro Name"): the one column ending in such a word is taken,
# unless its first word says it is the customer's side or a note.
_BODY_ENDINGS = ("body", "reply", "response", "template", "answer")
_TITLE_ENDINGS = ("name", "title")
_NOT_THE_REPLY = ("customer", "client", "user", "requester", "question", "inbound", "internal", "private", "note",
                  # a helpdesk's metrics: "First Response" (a time), "Satisfaction Response" (the customer's)
                  "first", "last", "avg", "average", "median", "mean", "total", "satisfaction", "csat", "survey")


def _column_ending(header: list[str], endings: tuple[str, ...]) -> int | None:
    """The index of the only column named "<something>_<ending>", or None."""
    found = [i for i, key in enumerate(header)
             if "_" in key and key.rsplit("_", 1)[1] in endings and key.split("_", 1)[0] not in _NOT_THE_REPLY]
    return found[0] if len(found) == 1 else None


def _key_ending(node: dict, endings: tuple[str, ...]) -> str | None:
    """The key of the only entry of `node` named like `endings` ("Macro Body"), as it is
    spelled in the node, or None (`_column_ending` for a record's keys)."""
    keys = [k for k in node if isinstance(k, str)]
    at = _column_ending([column_key(k) for k in keys], endings)
    return None if at is None else keys[at]


def _title_key(record: dict) -> str | None:
    """The key of a JSON record's title: the first of TITLE_KEYS (not its id) holding
    one, else the only key named like one ("macro_name")."""
    key = next((k for k in TITLE_KEYS if k != "id" and _is_title(record.get(k))), None)
    if key is None:
        key = _key_ending(record, _TITLE_ENDINGS)
    return key if key is not None and _is_title(record[key]) else None


def _body_keys(record: dict, body_key: str | None) -> tuple[str, ...]:
    """The keys a JSON or YAML record's reply may be under, in order: the config's
    (`json_body`, `yaml_body`), else the known ones (HTML first), else, where the record
    has none of them, the only key named like one ("macro_body", "canned_response")."""
    if body_key:
        return (body_key,)
    keys = HTML_BODY_KEYS + BODY_KEYS
    named = None if any(k in record for k in keys) else _key_ending(record, _BODY_ENDINGS)
    return keys if named is None else keys + (named,)


def reply_column(header: list[str], wanted: str | None = None) -> int | None:
    """The index of a table's reply column among its header keys (`column_key`): the
    config's `csv_body` if set, else the first of BODY_KEYS, else the only column named
    like one ("Macro Body"); None when there is none."""
    candidates = (column_key(wanted),) if wanted else BODY_KEYS
    found = next((header.index(c) for c in candidates if c in header), None)
    return found if found is not None or wanted else _column_ending(header, _BODY_ENDINGS)


# How many of a CSV's first rows `_role_by_value` reads.
_ROLE_ROWS = 200


def _role_by_value(text: str, delimiter: str, first: int, header: list[str]) -> int | None:
    """A column whose name may hold a person ("author") but whose cells in the first rows
    are all role words, the customer's among them ("customer", "agent"): it says who
    wrote each row."""
    candidates = [i for i, c in enumerate(header) if c in ROLE_VALUE_KEYS or c.endswith("_role")]
    for column in candidates:
        seen = _role_words(text, delimiter, first, column)
        if seen is not None and seen & CUSTOMER_ROLES and seen - CUSTOMER_ROLES:
            return column
    return None


def _role_words(text: str, delimiter: str, first: int, column: int) -> set[str] | None:
    """The role words a column's cells hold in the first rows, or None where one of them
    is something else (a person's name). (Until 2026-12-08 reaching the row limit, or the
    cut-off last row of a large export's start, counted as something else: a column of
    sides was read only in exports of under 200 rows.)"""
    seen: set[str] = set()
    for n, record in enumerate(_csv_records(text, delimiter, first)):
        if n >= _ROLE_ROWS or (record[-1][2] >= len(text) and not text.endswith(("\n", "\r"))):
            break  # (enough rows; or the last of a file's start, perhaps cut short)
        cell = record[column][0] if column < len(record) else ""
        if not cell.strip():
            continue
        word = role_word(cell)
        if word is None:
            return None
        seen.add(word)
    return seen


def _csv_layout(path: str, text: str, options: dict[str, Any]) -> _CsvLayout:
    """The delimiter and the columns a CSV export's header names, or InputError."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    head = next(iter(_csv_records(text, delimiter)), [])
    header = [column_key(v) for v, _, _ in head]
    wanted = options.get("csv_body")
    body_col = reply_column(header, wanted)
    if body_col is None:
        looked = wanted or ", ".join(BODY_KEYS)
        raise InputError(f"{path}:1: no reply column in the header (looked for {looked}); "
                         "set csv_body in the config")
    first = head[-1][2] if head else len(text)
    first += 2 if text.startswith("\r\n", first) else 1 if first < len(text) else 0
    title_col = next((header.index(c) for c in TITLE_KEYS if c in header), None)
    if title_col is None:
        title_col = _column_ending(header, _TITLE_ENDINGS)
    role = next((header.index(c) for c in (*MESSAGE_FLAG_KEYS, *TEAM_FLAG_KEYS, *MESSAGE_ROLE_KEYS) if c in header), None)
    if role is None:
        role = _role_by_value(text, delimiter, first, header)
    reply_to = next((header.index(c) for c in REPLY_TO_KEYS if c in header), None) if role is not None else None
    message_id = next((header.index(c) for c in MESSAGE_ID_KEYS if c in header), None) if reply_to is not None else None
    if message_id is None:
        reply_to = None
    time = next((i for i, c in enumerate(header) if c in TIME_COLUMNS), None) if role is not None else None
    # The flags that mark an internal note are read where rows are a ticket's messages:
    # with an author column, or (all the team's, Salesforce's case comments) a ticket's.
    tickets = role is not None or any(c in header for c in TICKET_COLUMNS)
    hidden = tuple(header.index(c) for c in HIDDEN_KEYS if c in header) if tickets else ()
    # (An email export's recipients say whose a message is where its sender does not.)
    recipients = tuple(header.index(c) for c in RECIPIENT_KEYS if c in header) if role is not None else ()
    return _CsvLayout(delimiter, header, body_col, title_col,
                      next((header.index(c) for c in CUSTOMER_KEYS if c in header), None), first,
                      next((header.index(c) for c in CONVERSATION_COLUMNS if c in header), None), role, hidden,
                      message_id, reply_to, time if reply_to is None else None, recipients)


def _cell(record: list[tuple[str, int, int]], column: int | None) -> str | None:
    """A CSV row's cell, stripped; None for a column it does not have or a blank."""
    if column is None or column >= len(record):
        return None
    return record[column][0].strip() or None


def _in_time_order(records: Iterator[list[tuple[str, int, int]]],
                   column: int | None) -> Iterable[list[tuple[str, int, int]]]:
    """A run of message rows oldest first by their `column` of times, where every row
    has a time and they are not in that order already (an export newest first); else
    as they come. (Findings are put in file order when they are reported.)"""
    if column is None:
        return records
    records = list(records)
    order = order_of_times([parse_time(r[column][0]) if column < len(r) else None for r in records])
    return records if order is None else [records[i] for i in order]


def _reply_chains(text: str, layout: _CsvLayout, start: int, end: int | None) -> ReplyChains | None:
    """The messages of a run of rows by id, where the export names what each answers."""
    if layout.reply_to is None:
        return None
    chains = ReplyChains()
    for record in _csv_records(text, layout.delimiter, start, end):
        message_id = _cell(record, layout.message_id)
        if message_id is not None:
            body = record[layout.body][0] if layout.body < len(record) else None
            chains.add(message_id, _role_of(record, layout), no_surrogates(body) if body else None,
                       _cell(record, layout.reply_to))
    return chains


def read_csv(path: str, text: str, options: dict[str, Any], records: "Records | None" = None,
             head: str | None = None) -> Document:
    """The replies of a CSV export; with `records`, of that run of its rows only (its
    header row and first rows in `head` when `text` is the run's own text)."""
    if not text.strip():
        return Document(path, text)  # empty, like any other empty file
    layout = _csv_layout(path, text if head is None else head, options)
    header, body_col, title_col, customer_col = layout.header, layout.body, layout.title, layout.customer
    start, end = (layout.first, None) if records is None else (records.start, records.end)
    document = Document(path, text)
    said = ConversationMemory()  # rows of one conversation id, in order, as audit reads them
    chains = _reply_chains(text, layout, start, end)
    for record in _in_time_order(_csv_records(text, layout.delimiter, start, end), layout.time):
        customer = record[customer_col][0] if customer_col is not None and customer_col < len(record) else None
        if is_flag(customer):  # an `inbound` yes/no column, not a message
            customer = None
        # A row with no customer message of its own may be one message of a conversation.
        role = _role_of(record, layout) if own_message(customer) is None else None
        if role is None and layout.role is None and _is_note(record, layout):
            continue  # an internal note of a ticket's: never sent, never linted
        if role is not None:  # one row per message: the customer's are read, the team's linted
            if body_col >= len(record):
                continue
            if chains is not None:  # the row names the message it answers: read up that chain
                answer = chains.answered(_cell(record, layout.reply_to)) if role == "agent" else None
            else:
                answer = said.message(_conversation_of(record, layout), role, no_surrogates(record[body_col][0]))
            if answer is None:
                continue
            customer, earlier = answer
        else:
            earlier = said.before(_conversation_of(record, layout), customer)
        if body_col >= len(record):
            continue
        value, start, end = record[body_col]
        if not value.strip():
            continue
        quoted = text[start:start + 1] == '"'
        origin = greedy(value, text, start + quoted, end - quoted)
        meta = {header[i]: cell[0] for i, cell in enumerate(record) if i < len(header) and i != body_col}
        reply_meta = {k: meta[k] for k in ("kind", "channel", "id") if k in meta}
        if customer is not None:
            reply_meta["customer"] = customer
        if earlier:
            reply_meta["earlier"] = earlier
        name = record[title_col][0] if title_col is not None and title_col < len(record) else None
        reply = _reply(value, origin, name=name, html_body=False, meta=reply_meta)
        reply.span = (record[0][1], record[-1][2])
        document.replies.append(reply)
    document.replies = in_file_order(document.replies)
    return document


# ---------------------------------------------------------------- exports in runs of records

@dataclass(frozen=True)
class Records:
    """A run of whole records of an export (JSONL lines, CSV rows): text[start:end] of
    the file, its first record on 1-based `line`. Read only when it is linted, so a
    million-row export never holds a million replies at once."""

    start: int
    end: int
    line: int
    count: int
    first: int  # where the file's first record starts: a directive before it is the file's
    index_line: int = 1  # the line `start` stands on as LineIndex counts lines (\r ends one too)


def record_runs(path: str, text: str, options: dict[str, Any], size: int) -> list[Records]:
    """The export cut into runs of `size` records (InputError for a CSV without a reply
    column, as reading it whole would give)."""
    starts: list[tuple[int, int]] = []  # (offset, line) of the record each run starts at
    cutter = RunCutter(size)
    if path.lower().endswith(TABLE_SUFFIXES):
        if not text.strip():
            return []
        layout = _csv_layout(path, text, options)
        for record in _csv_records(text, layout.delimiter, layout.first):
            if cutter.starts(_conversation_of(record, layout)):
                starts.append((record[0][1], 0))
    else:
        offset, number = 0, 1
        while offset < len(text):
            cut = text.find("\n", offset)
            end = len(text) if cut < 0 else cut + 1
            line = text[offset:end]
            if line.strip() and cutter.starts(lambda line=line: line_conversation(line)):
                starts.append((offset, number))
            offset, number = end, number + 1
    index = LineIndex(text)
    return cut_runs([(start, line, index.position(start)[0]) for start, line in starts], cutter.counts, len(text))


def cut_runs(starts: list[tuple[int, int, int]], counts: list[int], end: int) -> list[Records]:
    """The runs of an export ending at `end`, from where each starts (offset, the
    reader's line, LineIndex's line) and how many records each holds (RunCutter.counts)."""
    return [Records(start, starts[k + 1][0] if k + 1 < len(starts) else end, line,
                    counts[k], starts[0][0], index_line)
            for k, (start, line, index_line) in enumerate(starts)]
