#!/usr/bin/env python3
"""The readers on hostile shapes, each doubled (issue 32.1): time should about double.

Usage: python benchmarks/hostile_readers.py [--scale 1]

Shapes the adversarial review found superlinear: a marker line `--- a` + spaces + `b`
(27 s at 3,200 spaces: cubic), unclosed links `[a](b` repeated in a .md and in a JSONL
reply (445 s for 1.5 MB), a heading or `**title:**` line of tens of thousands of spaces,
`<a ` repeated in a JSONL reply; and the template-master reading's staff notes,
tables and guide sections. Each is read by load_document at n and 2n; a ratio near
2 is linear, near 4 quadratic. Printed, not asserted (no timed unit test).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.read.sources import load_document  # noqa: E402

SHAPES = {
    "marker.txt": (3_200, lambda n: "--- a" + " " * n + "b\nhello\n"),
    "links.md": (60_000, lambda n: "[a](b" * n),
    "links.jsonl": (60_000, lambda n: json.dumps({"reply": "[a](b" * n}) + "\n"),
    "heading.md": (80_000, lambda n: "# a" + " " * n + "b\n"),
    "title.md": (80_000, lambda n: "**title:** a" + " " * n + "b\n"),
    "tags.jsonl": (60_000, lambda n: json.dumps({"reply": "<a " * n}) + "\n"),
    # The template-master reading (issue 29.1): a staff-note line of ") " runs, a table
    # row of "| " runs, and a file of many short guide and reply sections.
    "note.md": (80_000, lambda n: "### A\nHi Sam,\nok\n_(" + ") " * n + "x\n### B\nHi,\nok\n"),
    "table.md": (80_000, lambda n: "### A\n|" + "| " * n + "x\n### B\nHi,\nok\n"),
    "sections.md": (4_000, lambda n: "".join(f"### Voice {i}\n- rule\n### R {i}\nHi {{{{name}}}},\nok\n"
                                             for i in range(n))),
    # A thread file with no reply line, read as the conversation alone: each agent part
    # carries the customer's recent parts, not all of them.
    "thread.txt": (8_000, lambda n: "".join(f"--- customer ---\nm {i}\n--- agent ---\na {i}\n" for i in range(n))),
    # A chat transcript of many turns, and one turn label after a long run of blanks.
    "transcript.txt": (8_000, lambda n: "".join(f"Customer: m {i}\nAgent: a b c {i}\n" for i in range(n))),
    "blanks.txt": (80_000, lambda n: "Customer: hi there\n" + " " * n + "Agent: a b c\n"),
    # An answer quoting quotes inside quotes: read for the customer's message, 8 deep at most.
    "quotes.jsonl": (20_000, lambda n: json.dumps({"reply": "<p>Hi</p>" + "<blockquote>x " * n}) + "\n"),
    # A Zendesk ticket's comments saved alone, n of them by two authors: a conversation.
    "comments.json": (8_000, lambda n: json.dumps([{"author_id": i % 2, "public": True, "via": {},
                                                    "body": f"m {i} late"} for i in range(n)])),
    # A plain-text answer over an Outlook trail of n headers: read for the customer's message.
    "trail.jsonl": (8_000, lambda n: json.dumps({"reply": "Hi Dana,\nDone.\n\n" + "".join(
        f"From: Dana\nSent: Monday {i}\nSubject: Re: x\n\nm {i}\n\n" for i in range(n))}) + "\n"),
}


def seconds(name: str, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        try:
            load_document(name, text, {})
        except Exception:  # a refusal (too long) is an answer too
            pass
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    for name, (n, make) in SHAPES.items():
        n = int(n * args.scale)
        once, twice = seconds(name, make(n)), seconds(name, make(2 * n))
        print(f"{name:12} n={n:>7,}: {once * 1000:8.1f} ms   2n: {twice * 1000:8.1f} ms   "
              f"ratio {twice / once if once else float('nan'):4.1f}")


if __name__ == "__main__":
    main()
