"""Replies sent in parts ("... 1/2", "2/2 ...") are one answer: the audit judges them together.

On social channels an agent splits a long answer into numbered parts. Judged one by one,
part 1 "misses" the follow-up that part 2 gives. Consecutive rows of an export are
joined into one reply when all of these hold:

- each carries a part marker `k/n` (also `(k/n)`), the first `1/n`, each next `k+1/n`;
- the same agent (when the export has an agent column);
- the same conversation: the thread column (`--thread-column`; found by name:
  conversation_id, thread_id, ...), else the same ticket id, else the same customer
  message; when none of these is in the export, rows are never joined;
- sent within THREAD_MINUTES of each other, when the dates carry a time.

The joined reply keeps the first part's id, agent, date and link, its text is the parts
in order separated by a blank line, and `parts` says how many there were. Streaming is
kept: at most one unfinished answer is held at a time.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

PART = re.compile(r"(?<![\d/])\(?([1-9])/([2-9])\)?(?![\d/])")
THREAD_MINUTES = 15


def part_of(reply: str) -> tuple[int, int] | None:
    """(k, n) when the reply is marked as part k of n, at its start or end."""
    stripped = reply.strip()
    head, tail = stripped[:6], stripped[-40:]  # "(2/2) Let us..." or "... 1/2 ^AB"
    match = PART.search(tail) or PART.search(head)
    if match is None:
        return None
    k, n = int(match.group(1)), int(match.group(2))
    return (k, n) if k <= n else None


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or ("T" not in value and " " not in value.strip()):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def same_answer(first: dict[str, Any], later: dict[str, Any]) -> bool:
    """Could `later` continue the answer `first` began (agent, conversation, time)?"""
    if first.get("agent") != later.get("agent"):
        return False
    key = first.get("thread")
    if key is None or key != later.get("thread"):
        return False
    start, end = _time(first.get("date")), _time(later.get("date"))
    if start is not None and end is not None:
        try:
            return abs((end - start).total_seconds()) <= THREAD_MINUTES * 60
        except TypeError:  # one with a time zone, one without
            return False
    return True


def join_parts(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The records, with the parts of one answer joined (see the module docstring)."""
    held: dict[str, Any] | None = None
    expect: tuple[int, int] | None = None
    last: dict[str, Any] | None = None
    for record in records:
        part = part_of(record["reply"])
        if held is not None and part == expect and same_answer(last, record):
            held["reply"] = held["reply"].rstrip() + "\n\n" + record["reply"].lstrip()
            held["parts"] += 1
            last = record
            if part[0] == part[1]:
                yield held
                held = None
            else:
                expect = (part[0] + 1, part[1])
            continue
        if held is not None:
            yield held
            held = None
        if part is not None and part[0] == 1 and record.get("thread") is not None:
            held, last, expect = {**record, "parts": 1}, record, (2, part[1])
            continue
        yield record
    if held is not None:
        yield held
