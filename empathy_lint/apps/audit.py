"""`empathy-lint audit`: score a whole ticket export (CSV, JSON Lines or JSON; the first two in constant memory).

Rows stream through lint_batch; only aggregates are kept (per family, rule, week and
agent) plus a bounded heap of the worst replies for the report.
"""
from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import itertools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from empathy_lint.run.batch import lint_batch
from empathy_lint.config import Config
from empathy_lint.errors import InputError, unreadable_value
from empathy_lint.findings import Finding
from empathy_lint.read.sources.base import SPREADSHEETS, no_surrogates
from empathy_lint.read.sources.conversation import (TICKET_COLUMNS, ConversationMemory, ReplyChains, column_key,
                                                   comment_roles, conversation_roles, customer_record, is_flag, is_hidden,
                                                   keyed, keyed_role, message_text, message_time, opening_message,
                                                   own_message, reply_chain_keys, role_word, split_conversation, team_answers,
                                                   thread_of, time_order)
from empathy_lint.read.sources import is_record_export
from empathy_lint.read.sources.structured import (BODY_KEYS, CUSTOMER_KEYS, RunCutter, json_error, reply_column,
                                                 row_conversation)
from empathy_lint.read.threads import join_parts

# The reply and customer columns as `check` finds them in the same export (one list).
REPLY_COLUMNS = BODY_KEYS
CUSTOMER_COLUMNS = CUSTOMER_KEYS
AGENT_COLUMNS = ("agent", "agent_name", "author", "assignee", "user", "company")
DATE_COLUMNS = ("date", "created_at", "created", "timestamp", "time", "sent_at", "message_date", "created_date")
ID_COLUMNS = ("id", "ticket_id", "ticket", "reply_id")
URL_COLUMNS = ("ticket_url", "url", "link", "permalink", "ticket_link")
# The conversation a row belongs to, as `check` reads it (CONVERSATION_COLUMNS): a
# ticket id before a row id, so rows `id` m1, m2 of `ticket_id` T1 are one conversation.
THREAD_COLUMNS = TICKET_COLUMNS
FAMILIES = ("acknowledgement", "apology", "defensive", "next-steps", "follow-up")
# What a support lead looks at first: replies with an error, then those that blame or
# take back an apology (non-apologies and defensive phrasing hurt more than an
# omission), then those missing the most families.
HURTFUL = frozenset({"EMP202"})


def severity_key(findings: list[Finding]) -> tuple[int, int, int, int]:
    """(errors, non-apologies and defensive phrases, families missing, warnings): the
    worst reply has the largest key."""
    serious = [f for f in findings if f.severity != "info"]
    errors = sum(f.severity == "error" for f in serious)
    hurtful = sum(f.code in HURTFUL or f.family == "defensive" for f in serious)
    missing = len({f.family for f in serious if f.kind == "require"})
    return errors, hurtful, missing, len(serious)


@dataclass
class Columns:
    reply: str | None = None
    customer: str | None = None
    agent: str | None = None
    date: str | None = None
    id: str | None = None
    url: str | None = None
    thread: str | None = None

    def resolve(self, header: list[str], path: str, reply_required: bool = True) -> "Columns":
        lower = {column_key(h): h for h in header}

        def pick(given: str | None, candidates: tuple[str, ...], name: str, required: bool = False) -> str | None:
            if given:
                if given not in header and column_key(given) not in lower:
                    raise InputError(f"{path}: no column {given!r} (columns: {', '.join(header)})")
                return given if given in header else lower[column_key(given)]
            found = next((lower[c] for c in candidates if c in lower), None)
            if found is None and name == "reply":  # "Macro Body": as `check` reads the export
                keys = list(lower)
                at = reply_column(keys)
                found = lower[keys[at]] if at is not None else None
            if required and found is None:
                raise InputError(f"{path}: no reply column (looked for {', '.join(candidates)}); "
                                 f"name it with --{name}-column")
            return found

        return Columns(pick(self.reply, REPLY_COLUMNS, "reply", reply_required),
                       pick(self.customer, CUSTOMER_COLUMNS, "customer"),
                       pick(self.agent, AGENT_COLUMNS, "agent"), pick(self.date, DATE_COLUMNS, "date"),
                       pick(self.id, ID_COLUMNS, "id"), pick(self.url, URL_COLUMNS, "url"),
                       pick(self.thread, THREAD_COLUMNS, "thread"))


def read_rows(path: Path, columns: Columns, progress: Callable[[int], None] | None = None,
              skipped: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a CSV or JSONL export as records {id, reply, customer, agent, date}.

    A JSONL row's own list of earlier messages (`thread`, `messages`, helpdesk comment
    lists) is its conversation, as `check` reads it. An export whose rows are their
    conversation alone (no reply column: a ticket's comments hold both sides) gives a
    record per answer of the team, with the customer's messages before it.

    A bad row (invalid JSON, more cells than the header) is reported in `skipped` with
    its line, and the others are read; without `skipped` it stops the run."""
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        suffix = path.suffix.lower()
        if suffix in (".csv", ".tsv"):
            rows = _csv_rows(handle, path)
        elif is_record_export(path):  # JSONL, NDJSON, a .json file of one record a line
            rows = _jsonl_rows(handle, path)
        elif suffix == ".json":
            rows = _json_rows(handle, path)
        elif suffix in SPREADSHEETS:  # (a helpdesk's report saved as a workbook: the way out)
            raise InputError(f"{path}: a spreadsheet, not a text export: save the sheet as CSV (UTF-8) and audit that")
        else:
            raise InputError(f"{path}: audit reads .csv, .tsv, .jsonl or .json exports")
        resolved = None
        said = ConversationMemory()
        for number, row, size, chains in _with_chains(_time_ordered(rows),
                                                      lambda row: columns.resolve(list(row), str(path),
                                                                                  reply_required=False).reply):
            if isinstance(row, InputError):
                if skipped is None:
                    raise row
                skipped.append(str(row))
                continue
            if customer_record(row):  # the customer's own message (an offline chat message): nothing to score
                continue
            if resolved is None:  # (a conversation with no reply column is scored answer by answer)
                resolved = columns.resolve(list(row), str(path), reply_required=not _is_conversation(row))
            if progress:
                progress(size)
            row = {k: no_surrogates(v) if isinstance(v, str) else v for k, v in row.items()}
            thread = thread_of(row)
            if resolved.reply is None:
                yield from _answers(row, thread[1] if thread else None, resolved, number)
                continue
            reply = row.get(resolved.reply)
            customer = row.get(resolved.customer) if resolved.customer else None
            if is_flag(customer):  # an `inbound` yes/no column, not a message
                customer = None
            # A row with no customer message of its own may be one message of a conversation.
            # (Its author's column as `check` reads the header: "Incoming", "Role".)
            role = keyed_role(row) if thread is None and own_message(customer) is None else None
            if role is None and _ticket_note(row):
                continue  # an internal note of a ticket's (Salesforce's unpublished case comment)
            if role is not None:  # one row per message: the customer's are read, the team's scored
                if chains is not None:  # the row names the message it answers: read up that chain
                    answer = chains.answers(row) if role == "agent" else None
                else:
                    answer = said.message(_conversation(row, resolved), role, reply)
                if answer is not None and isinstance(reply, str) and reply.strip():
                    yield _record(row, resolved, number, reply, *answer)
                continue
            earlier = said.before(_conversation(row, resolved), customer)
            if thread is not None:  # the row carries its conversation: that is the one
                customer, earlier = split_conversation(customer if isinstance(customer, str) else None,
                                                       thread[1], row)
            if not isinstance(reply, str) or not reply.strip():
                continue
            yield _record(row, resolved, number, reply, customer, earlier)


# A message-per-row export whose rows name the message they answer (the Twitter support
# corpus) is read a window of rows at a time: each answer with the chains of its own window
# and the windows either side (that corpus lists an answer above the tweet it answers),
# so memory stays flat on any export.
CHAIN_WINDOW = 2000


Row = tuple[int, dict | InputError, int]  # (line, the row or its error, its size in bytes)


def _first_row(rows: Iterator[Row]) -> tuple[dict | None, Iterator[Row]]:
    """The export's first row that could be read (what its shape is told by), and all the
    rows, that one included, still to come."""
    rows = iter(rows)
    head: list[Row] = []
    for item in rows:
        head.append(item)
        if isinstance(item[1], dict):
            return item[1], itertools.chain(head, rows)
    return None, iter(head)


def _time_ordered(rows: Iterator[Row], window: int = CHAIN_WINDOW) -> Iterator[Row]:
    """A message-per-row export's rows oldest first, a window of rows at a time (cut, as
    `check` cuts its runs, between conversations: RunCutter), where every row of the
    window says when it was written (`time_order`: an export listed newest first); any
    other export as it comes. (An export whose rows name the message each answers is
    read by those chains, whatever its order.)"""
    first, items = _first_row(rows)
    if (first is None or keyed_role(first) is None or thread_of(first) is not None
            or message_time(first) is None or reply_chain_keys(first) is not None):
        yield from items
        return
    cutter, batch = RunCutter(window), []
    for item in items:
        if cutter.starts(lambda row=item[1]: _keyed_conversation(row)) and batch:
            yield from _in_time_order(batch)
            batch = []
        batch.append(item)
    yield from _in_time_order(batch)


def _keyed_conversation(row: Any) -> str | None:
    """The conversation a row names, its header read as words ("Ticket ID")."""
    if not isinstance(row, dict):
        return None
    return row_conversation(keyed(row))


def _in_time_order(batch: list[Row]) -> list[Row]:
    """A window of rows oldest first (`time_order`), a row that could not be read first."""
    read = [item for item in batch if isinstance(item[1], dict)]
    order = time_order([row for _, row, _ in read])
    if order is None:
        return batch
    return [item for item in batch if not isinstance(item[1], dict)] + [read[i] for i in order]


def _with_chains(rows: Iterator[Row], reply_of: Callable[[dict], str | None],
                 window: int = CHAIN_WINDOW) -> Iterator[tuple[int, dict | InputError, int, ReplyChains | None]]:
    """The rows, each with the ReplyChains around it where the export names what each
    message answers (a message-per-row export with an id and an answered-message column:
    `tweet_id`, `in_response_to_tweet_id`), else None. `reply_of`: a row's reply column,
    as the run resolves it (`Columns.resolve`: its text in such an export)."""
    first, batches = _first_row(rows)
    keys = reply_chain_keys(first)
    text = reply_of(first) if keys is not None else None  # (keys: `first` is a row)
    if keys is None or text is None:
        for number, row, size in batches:
            yield number, row, size, None
        return
    before, current = None, list(itertools.islice(batches, window))
    while current:
        after = list(itertools.islice(batches, window))
        held = (row for batch in (before, current, after) for _, row, _ in batch or ())
        chains = ReplyChains.of_rows(held, keys, text)
        for number, row, size in current:
            yield number, row, size, chains
        before, current = current, after


def _record(row: dict[str, Any], columns: Columns, number: int, reply: str, customer: Any, earlier: str | None,
            message: dict[str, Any] | None = None) -> dict[str, Any]:
    """The record of one reply; a message of the row's conversation (an answer of the
    team) gives its own agent and date where it names them."""
    agent = _message_value(message, MESSAGE_AGENT_KEYS) if message else None
    if agent is None and columns.agent:
        # (An `author` column that says "agent" names the row's side, not who wrote it.)
        value = row.get(columns.agent)
        agent = "unknown" if not value or role_word(value) is not None else str(value)
    date = _message_value(message, MESSAGE_DATE_KEYS) if message else None
    return {
        "id": str(row.get(columns.id) or number) if columns.id else str(number),
        "reply": reply,
        "customer": customer,
        "earlier": earlier,
        "agent": agent,
        "date": date if date is not None else (row.get(columns.date) if columns.date else None),
        "url": row.get(columns.url) if columns.url else None,
        "thread": _thread_key(row, columns),
        "channel": row.get("channel"),
        "kind": row.get("kind"),
    }


# Who wrote a message and when, as helpdesk exports name them (Help Scout's `createdBy`
# and `createdAt`, an `author` object).
MESSAGE_AGENT_KEYS = ("author_name", *AGENT_COLUMNS, "createdBy", "created_by")
MESSAGE_DATE_KEYS = (*DATE_COLUMNS, "createdAt", "updated_at")


def _message_value(message: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of `names` the message fills with text (or a person object's name)."""
    for name in names:
        value = message.get(name)
        if isinstance(value, dict):
            value = value.get("name") or " ".join(str(value[k]) for k in ("first", "last")
                                                  if isinstance(value.get(k), str)) or None
        if isinstance(value, str) and value.strip():
            return no_surrogates(value.strip())
    return None


def _is_conversation(row: dict[str, Any]) -> bool:
    thread = thread_of(row)
    return thread is not None and conversation_roles(thread[1], row) is not None


def _answers(row: dict[str, Any], messages: list[Any] | None, columns: Columns, number: int) -> Iterator[dict[str, Any]]:
    """A record per answer of the team in a row that is its conversation (as `check`
    reads such a ticket): the customer's messages are context, notes are skipped."""
    roles = conversation_roles(messages, row) if messages is not None else None
    for message, customer, earlier in team_answers(messages, roles, opening_message(row)) if roles else ():
        text = message_text(message)  # (the plain body before the HTML one)
        if text is not None:
            yield _record(row, columns, number, no_surrogates(text), customer, earlier, message)


def _ticket_note(row: dict[str, Any]) -> bool:
    """A row of a ticket's messages that names no author, marked as not shown to the
    customer ("IsPublished" false): never sent, as `check` reads it."""
    named = keyed(row)
    return any(column in named for column in TICKET_COLUMNS) and is_hidden(named)


def _conversation(row: dict[str, Any], columns: Columns) -> str | None:
    """The conversation a row belongs to: its thread column, else its ticket id (rows of
    one ticket are one conversation); None when the export names neither."""
    return _first_value(row, (columns.thread, columns.id))


def _thread_key(row: dict[str, Any], columns: Columns) -> str | None:
    """What tells two rows are one conversation (threads.py): the thread column, else
    the ticket id, else the customer's message; None when the export has none."""
    return _first_value(row, (columns.thread, columns.id, columns.customer))


def _first_value(row: dict[str, Any], names: tuple[str | None, ...]) -> str | None:
    """"column:value" of the first named column the row fills with a value (not a list
    of messages: a JSONL row's `thread` may be its conversation, not its id), or None."""
    for column in names:
        value = row.get(column) if column else None
        if value not in (None, "") and not isinstance(value, (list, dict)):
            return f"{column}:{value}"
    return None


def _jsonl_rows(handle: io.TextIOBase, path: Path) -> Iterator[tuple[int, dict | InputError, int]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        size = len(line.encode("utf-8"))
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, InputError(f"{path}:{number}: invalid JSON: {exc.msg}"), size
            continue
        except ValueError as exc:  # a number too long to convert
            yield number, InputError(f"{path}:{number}: invalid JSON: {unreadable_value(exc)}"), size
            continue
        if not isinstance(row, dict):
            yield number, InputError(f"{path}:{number}: each line must be a JSON object"), size
            continue
        yield number, row, size


# Where a helpdesk's JSON export keeps its records: Zendesk `tickets`, Help Scout
# `_embedded.conversations`, Gorgias `data`, Intercom `conversations`, a bare list...
RECORD_LIST_DEPTH = 2


def _record_list(tree: Any, depth: int = RECORD_LIST_DEPTH) -> list[dict[str, Any]] | None:
    """The list of records in a parsed JSON export: the document itself if it is a list of
    objects, else the first such list among its values (a level or two down); a single
    ticket that is its own conversation is a list of one."""
    if isinstance(tree, list):
        if not tree or not all(isinstance(item, dict) for item in tree):
            return None
        # A ticket's comments saved alone (Zendesk's, by author id): one conversation.
        if comment_roles(tree) is not None:
            return [{"comments": tree}]
        return tree
    if not isinstance(tree, dict):
        return None
    thread = thread_of(tree)
    if thread is not None:
        # Help Scout's `_embedded.conversations` is a list of conversations, each with its
        # own `threads`; a Freshdesk ticket's `conversations` are its messages.
        items = thread[1]
        if items and all(isinstance(item, dict) and thread_of(item) is not None for item in items):
            return items
        return [tree]
    if depth:
        for value in tree.values():
            found = _record_list(value, depth - 1) if isinstance(value, (list, dict)) else None
            if found:
                # Zendesk's `include=users` lists the users beside the tickets: they say
                # who each ticket's requester is, as `check` reads them.
                users = tree.get("users")
                if isinstance(users, list) and found is not users:
                    found = [row if "users" in row else {**row, "users": users} for row in found]
                return found
    return None


def _json_rows(handle: io.TextIOBase, path: Path) -> Iterator[tuple[int, dict | InputError, int]]:
    """The records of a JSON export read whole (an API dump of tickets or conversations),
    numbered in order; a JSON document is parsed at once, unlike a JSONL export."""
    text = handle.read()
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as exc:
        raise json_error(str(path), exc) from None
    except ValueError as exc:  # a number too long to convert
        raise InputError(f"{path}: invalid JSON: {unreadable_value(exc)}") from None
    records = _record_list(tree)
    # Messages, one a record (a chat's API dump): in the order they were written, as `check` reads them.
    order = time_order(records) if records and any(keyed_role(r) == "customer" for r in records) else None
    if order is not None:
        records = [records[i] for i in order]
    if not records:
        raise InputError(f"{path}: no list of records found (audit reads a JSON list of tickets, conversations "
                         "or rows, or an object holding one)")
    size = max(1, len(text.encode("utf-8")) // len(records))
    for number, row in enumerate(records, 1):
        yield number, row, size


MAX_CSV_FIELD = 10 * 1024 * 1024


def _csv_rows(handle: io.TextIOBase, path: Path) -> Iterator[tuple[int, dict | InputError, int]]:
    sample = handle.read(4096)
    handle.seek(0)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max((",", ";", "\t"), key=sample.split("\n")[0].count)
    # A reply field as long as `check` reads (csv's own limit, 131,072 characters, stopped
    # the whole audit on one long reply).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_FIELD))
    reader = csv.DictReader(handle, delimiter=delimiter)
    try:
        reader.fieldnames  # the header is read now, so line numbers count from it
    except csv.Error as exc:
        raise InputError(f"{path}:1: invalid CSV header: {exc}") from None
    while True:
        first_line = reader.line_num + 1  # where the next row starts (a row may span lines)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}:{first_line}: invalid CSV: {exc}") from None
        if None in row:  # more cells than the header names: DictReader keys them None
            yield first_line, InputError(f"{path}:{first_line}: this row has more cells than the header"), 0
            continue
        yield first_line, row, sum(len(v or "") for v in row.values() if isinstance(v, str)) + len(row)


def week_of(value: Any) -> str | None:
    """ISO week ("2026-W47") of a date or timestamp string, or None if it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for parse in (lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")),
                  lambda t: dt.datetime.strptime(t[:30], "%a %b %d %H:%M:%S %z %Y")):
        try:
            year, week, _ = parse(text).isocalendar()
            return f"{year}-W{week:02d}"
        except ValueError:
            continue
    return None


@dataclass
class Audit:
    """Aggregates of an audit; `to_json` is the summary, `worst` feeds the HTML report."""

    replies: int = 0
    flagged: int = 0
    families: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    # Per rule, the sum of its findings' confidences: how many of them a reader would
    # likely agree with (on the blind split, within 5% of the count readers agreed with).
    likely_right: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    names: dict[str, str] = field(default_factory=dict)
    weeks: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    agents: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    agent_weeks: dict[str, dict[str, Counter]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    worst: list[tuple[tuple[int, ...], int, dict]] = field(default_factory=list)
    keep_worst: int = 20
    joined: int = 0  # answers sent in parts, judged as one reply (threads.py)
    skipped: list[str] = field(default_factory=list)  # bad rows, each with its line

    def add(self, record: dict[str, Any], findings: list[Finding]) -> None:
        self.replies += 1
        if record.get("parts", 1) > 1:
            self.joined += 1
        serious = [f for f in findings if f.severity != "info"]
        if serious:
            self.flagged += 1
        for family in {f.family for f in serious}:
            self.families[family] += 1
        for f in findings:
            self.rules[f.code] += 1
            self.names[f.code] = f.name
            if f.confidence is not None:
                self.likely_right[f.code] += f.confidence
        week = week_of(record.get("date"))
        if week:
            self.weeks[week]["replies"] += 1
            self.weeks[week]["flagged"] += bool(serious)
        if record.get("agent") is not None:
            agent = self.agents[record["agent"]]
            agent["replies"] += 1
            agent["flagged"] += bool(serious)
            for f in serious:
                agent["rule:" + f.code] += 1
            for family in {f.family for f in serious}:
                agent["family:" + family] += 1
            if week:
                self.agent_weeks[record["agent"]][week]["replies"] += 1
                self.agent_weeks[record["agent"]][week]["flagged"] += bool(serious)
        score = severity_key(findings)
        if any(score):
            item = (score, -self.replies, {"id": record.get("id"), "agent": record.get("agent"),
                                           "url": record.get("url"), "rank": list(score),
                                           "parts": record.get("parts", 1),
                                           "reply": record["reply"], "customer": record.get("customer"),
                                           "findings": [f.to_dict() for f in findings]})
            if len(self.worst) < self.keep_worst:
                heapq.heappush(self.worst, item)
            elif item[:2] > self.worst[0][:2]:
                heapq.heapreplace(self.worst, item)

    def to_json(self) -> dict[str, Any]:
        rate = lambda n, d: round(n / d, 4) if d else 0.0  # noqa: E731
        return {
            "version": 1,
            "replies": self.replies,
            "joined_answers": self.joined,
            "flagged_replies": self.flagged,
            "flagged_rate": rate(self.flagged, self.replies),
            "families": {f: {"replies": n, "rate": rate(n, self.replies)} for f, n in sorted(self.families.items())},
            "rules": {code: {"name": self.names[code], "count": n,
                             **({"likely_right": round(self.likely_right[code], 1)} if code in self.likely_right else {})}
                      for code, n in self.rules.most_common()},
            "weeks": {w: {"replies": c["replies"], "flagged": c["flagged"], "rate": rate(c["flagged"], c["replies"])}
                      for w, c in sorted(self.weeks.items())},
            "agents": {a: {"replies": c["replies"], "flagged": c["flagged"], "rate": rate(c["flagged"], c["replies"]),
                           "pass_rate": rate(c["replies"] - c["flagged"], c["replies"]),
                           "families": {f: rate(c["replies"] - c["family:" + f], c["replies"]) for f in FAMILIES},
                           "weeks": {w: rate(n["flagged"], n["replies"]) for w, n in sorted(self.agent_weeks[a].items())},
                           "top_rules": [k[5:] for k, _ in Counter({k: v for k, v in c.items() if k.startswith("rule:")}).most_common(3)]}
                       for a, c in sorted(self.agents.items(), key=lambda kv: -kv[1]["replies"])},
            "worst": [item for _, _, item in sorted(self.worst, reverse=True)],
        }


def run_audit(path: Path, columns: Columns, config: Config, *, n_process: int = 1, keep_worst: int = 20,
              progress: Callable[[int], None] | None = None, join: bool = True) -> Audit:
    """Lint every reply of the export (the parts of one answer joined, unless not
    `join`) and aggregate the findings."""
    audit = Audit(keep_worst=keep_worst)
    records = read_rows(path, columns, progress, audit.skipped)
    if join:
        records = join_parts(records)
    held: dict[int, dict[str, Any]] = {}

    def feed() -> Iterator[dict[str, Any]]:
        for i, record in enumerate(records):
            held[i] = record
            yield record

    for result in lint_batch(feed(), config, n_process=n_process):
        audit.add(held.pop(result.index), result.findings)
    return audit
