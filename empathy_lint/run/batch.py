"""`lint_batch`: the pure core for volume. Replies in, findings out, streamed.

Input is any iterable of reply strings or records (`{"id", "reply", "customer",
"channel", "kind", "thread", "title"}`, only `reply` required; a canned macro's `title`
says what it answers where its words do not; `thread` or `messages` holds the
conversation's earlier messages, each `{"role", "text"}`); output is an iterator of BatchResult in
input order. Memory stays flat however long the input: it is read lazily and at most
a few chunks are in flight. With n_process > 1, worker processes each build the
pipeline and matchers once and lint whole chunks.
"""
from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from empathy_lint.config import CHANNELS, KINDS, Config, chosen
from empathy_lint.run import heap
from empathy_lint.engine.linter import Context, Linter
from empathy_lint.findings import Finding
from empathy_lint.read.sources.conversation import conversation_roles, split_conversation, thread_of

Record = str | dict[str, Any]


@dataclass
class BatchResult:
    """The findings of one input reply; `index` is its position in the input."""

    index: int
    id: str | None
    findings: list[Finding] = field(default_factory=list)


def _items(chunk: list[Record], config: Config) -> list[tuple[str, Context]]:
    """(reply, context) per record; the chunk's customer messages (and canned replies)
    are judged in one stream (Context.many)."""
    rows: list[tuple[str | None, str, str | None, str, str | None]] = []
    plain: set[int] = set()
    for i, record in enumerate(chunk):
        if isinstance(record, str):
            plain.add(i)  # a bare string: the config's context, nothing judged
            continue
        reply = record.get("reply")
        if not isinstance(reply, str):
            raise ValueError(_no_reply(record))
        customer = record.get("customer")
        customer = customer if isinstance(customer, str) else None
        earlier = record.get("earlier") if isinstance(record.get("earlier"), str) else None
        thread = thread_of(record)
        if thread is not None:  # the conversation's earlier messages (`thread`, `messages`, ...)
            customer, earlier = split_conversation(customer, thread[1], record)
        title = record.get("title")
        rows.append((customer, chosen(record.get("kind"), KINDS, config.kind or "live"),
                     chosen(record.get("channel"), CHANNELS, config.channel), reply, earlier,
                     title if isinstance(title, str) else None))
    judged = iter(Context.many(rows, canned_in_pass=True))
    bare = Context(kind=config.kind or "live", channel=config.channel)
    return [(record, bare) if i in plain else (record["reply"], next(judged)) for i, record in enumerate(chunk)]


def _no_reply(record: dict[str, Any]) -> str:
    """Why a record cannot be linted: no reply, and what to do where it is a whole
    conversation (each team answer is a reply of its own, as `check` reads it)."""
    message = f"record {record.get('id', '?')!r} has no 'reply' string"
    thread = thread_of(record)
    if thread is not None and conversation_roles(thread[1], record) is not None:
        message += (f" (its '{thread[0]}' is a whole conversation: give each team answer as a record of "
                    "its own, with the customer's messages before it in 'thread', or run `empathy-lint check` "
                    "on the export, which does that)")
    return message


def _lint_chunk(linter: Linter, start: int, chunk: list[Record], batch_size: int) -> list[BatchResult]:
    items = _items(chunk, linter.config)
    results = []
    for offset, findings in enumerate(linter.lint_many(items, batch_size=batch_size)):
        record = chunk[offset]
        rid = record.get("id") if isinstance(record, dict) else None
        results.append(BatchResult(start + offset, None if rid is None else str(rid), findings))
    return results


_WORKER: Linter | None = None


def _init_worker(config: Config) -> None:
    global _WORKER
    _WORKER = Linter(config)
    heap.OWN_PROCESS = True
    heap.settle()


def _work(args: tuple[int, list[Record], int]) -> list[BatchResult]:
    assert _WORKER is not None
    return _lint_chunk(_WORKER, *args)


def _chunks(records: Iterable[Record], size: int) -> Iterator[tuple[int, list[Record]]]:
    iterator = iter(records)
    start = 0
    while chunk := list(itertools.islice(iterator, size)):
        yield start, chunk
        start += len(chunk)


def lint_batch(records: Iterable[Record], config: Config | None = None, *, n_process: int = 1,
               batch_size: int = 256, chunk_size: int = 1000) -> Iterator[BatchResult]:
    """Lint many replies; yields one BatchResult per input, in order, as it goes."""
    config = config or Config()
    if n_process <= 1:
        linter = Linter(config)
        with heap.frozen():
            for start, chunk in _chunks(records, chunk_size):
                yield from _lint_chunk(linter, start, chunk, batch_size)
        return
    # fork where the platform has it (workers start in milliseconds); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(n_process, initializer=_init_worker, initargs=(config,)) as pool:
        pending: deque = deque()
        for start, chunk in _chunks(records, chunk_size):
            pending.append(pool.apply_async(_work, ((start, chunk, batch_size),)))
            if len(pending) >= 2 * n_process:  # bounded: read ahead only a few chunks
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
