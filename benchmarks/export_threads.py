#!/usr/bin/env python3
"""A ticket export with customer messages and conversations: lint_batch against the floor.

Usage: python benchmarks/export_threads.py [--replies 40000] [--rounds 3]

Issue 28's speed goal: a 40,000-reply export whose records carry the customer's message
and the conversation's earlier messages (`thread`) stays at least 0.7x the floor per
process. The records are the real ones of tests/data/train.jsonl and dev.jsonl (half of
the Twitter pairs have a thread), repeated to the size asked. The floor is spaCy's blank
English + sentencizer + lookup lemmatizer over every text empathy-lint reads (the reply,
the customer's message, the earlier customer messages): what any spaCy-based linter pays
before it checks anything. The customer detector's sentiment is read over its own doc
(no second tokenisation), so the ratio shows the detector's and the rules' cost.
Printed, not asserted: a speed target lives here, never in a timed unit test.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throughput import best_of, empathy_seconds, floor_seconds  # noqa: E402

from empathy_lint.run.evaluation import earlier_customer  # noqa: E402

GOAL = 0.7


def export(replies: int) -> tuple[list[dict], list[str]]:
    """(records as an export holds them, every text the linter reads)."""
    base = []
    for name in ("train.jsonl", "dev.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            base.append({k: record[k] for k in ("id", "reply", "customer", "channel", "kind", "thread")
                         if record.get(k) is not None})
    # Each copy of the labelled set gets ticket numbers of its own, so no copy is spared
    # by the detector's memory of messages it has read; inside a copy, the rows of one
    # conversation share their earlier messages, as in a real export.
    records = []
    for i in range(replies):
        copy = i // len(base)
        record = dict(base[i % len(base)], id=f"r{i}")
        if record.get("customer"):
            record["customer"] = f"{record['customer']} (ticket {copy})"
        if record.get("thread"):
            record["thread"] = [dict(m, text=f"{m['text']} (ticket {copy})") for m in record["thread"]]
        records.append(record)
    texts = []
    for record in records:
        texts.append(record["reply"])
        if record.get("customer"):
            texts.append(record["customer"])
        earlier = earlier_customer(record)
        if earlier:
            texts.append(earlier)
    return records, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--replies", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    records, texts = export(args.replies)
    words = sum(len(t.split()) for t in texts)
    threads = sum(bool(r.get("thread")) for r in records)
    print(f"export: {len(records):,} replies ({threads:,} with a thread), {words:,} words read in all; "
          f"{os.cpu_count()} cores")
    floor_time, lint_time = best_of(args.rounds, lambda: floor_seconds(texts), lambda: empathy_seconds(records, 1))
    floor, lint = words / floor_time, words / lint_time
    verdict = "MET" if lint / floor >= GOAL else "MISSED"
    print(f"  floor (blank + sentencizer + lemmatizer)  {floor:10,.0f} words/s ({floor_time:.1f} s)")
    print(f"  empathy-lint lint_batch, 1 process        {lint:10,.0f} words/s ({lint_time:.1f} s)   "
          f"{lint / floor:.2f}x the floor (goal >= {GOAL}x): {verdict}")


if __name__ == "__main__":
    main()
