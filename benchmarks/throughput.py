#!/usr/bin/env python3
"""Throughput of lint_batch on real replies, against the floor and against proselint.

Usage: python benchmarks/throughput.py [--words N] [--processes P] [--proselint-sample N]

The corpus is the real replies of benchmarks/data/corpus.jsonl and tests/data/dev.jsonl,
repeated until it holds at least N words (default 1,000,000). Measured in the same run:

  floor      spacy.blank("en") + sentencizer + lemmatizer over the same texts (nlp.pipe):
             what any spaCy-based linter pays before it checks anything
  alone      lint_batch over the replies alone (all rules), 1 process
  context    lint_batch over the records with their customer messages (judged too), 1 and
             P processes, against the floor over replies and customer messages together
  proselint  proselint 0.16 with all its checks registered, on a sample of replies,
             against empathy-lint and the floor timed on the same sample

Each figure is the best of --rounds runs, floor and empathy-lint alternating, so a noisy
machine's slow spells do not fall on one side only.

Goals: empathy >= 0.5x the floor's words/s; >= 20x faster per reply than proselint.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_records(min_words: int) -> list[dict]:
    base = []
    for path in (ROOT / "benchmarks" / "data" / "corpus.jsonl", ROOT / "tests" / "data" / "dev.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            base.append({k: record.get(k) for k in ("id", "reply", "customer", "channel", "kind")})
    records, words = [], 0
    while words < min_words:
        for record in base:
            records.append(record)
            words += len(record["reply"].split())
    return records


def floor_seconds(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return time.perf_counter() - start


def empathy_seconds(records: list, processes: int) -> float:
    from empathy_lint import lint_batch

    start = time.perf_counter()
    count = sum(1 for _ in lint_batch(records, n_process=processes))
    assert count == len(records)
    return time.perf_counter() - start


def proselint_seconds_per_reply(texts: list[str]) -> float | None:
    try:
        import proselint.checks
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    CheckRegistry().register_many(proselint.checks.__register__)
    start = time.perf_counter()
    for text in texts:
        LintFile("reply.txt", text).lint()
    return (time.perf_counter() - start) / len(texts)


def best_of(rounds: int, *measures):
    """Run the measures in turn, `rounds` times, and keep each one's best (least) time:
    alternating keeps a noisy machine's slow spells from landing on one side only."""
    best = [float("inf")] * len(measures)
    for _ in range(rounds):
        for i, measure in enumerate(measures):
            best[i] = min(best[i], measure())
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description="lint_batch throughput vs the floor and proselint")
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--proselint-sample", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="alternate floor and empathy-lint this many times")
    args = parser.parse_args()
    records = load_records(args.words)
    texts = [r["reply"] for r in records]
    customers = [r["customer"] for r in records if r.get("customer")]
    words = sum(len(t.split()) for t in texts)
    customer_words = sum(len(t.split()) for t in customers)
    print(f"corpus: {len(records):,} real replies, {words:,} words; {len(customers):,} with the customer's "
          f"message ({customer_words:,} words more); {os.cpu_count()} cores")

    print("replies alone (as in a repository of canned replies):")
    floor_time, alone_time = best_of(args.rounds, lambda: floor_seconds(texts), lambda: empathy_seconds(texts, 1))
    floor, alone = words / floor_time, words / alone_time
    print(f"  floor (blank + sentencizer + lemmatizer)       {floor:10,.0f} words/s")
    print(f"  empathy-lint lint_batch, 1 process             {alone:10,.0f} words/s   {alone / floor:.2f}x the floor (goal >= 0.5x)")

    print("replies with their customer messages (a ticket export; the floor reads both texts too):")
    both = words + customer_words
    floor_time, one_time = best_of(args.rounds, lambda: floor_seconds(texts + customers),
                                   lambda: empathy_seconds(records, 1))
    floor_both, one = both / floor_time, both / one_time
    print(f"  floor over replies and customer messages       {floor_both:10,.0f} words/s")
    print(f"  empathy-lint lint_batch, 1 process             {one:10,.0f} words/s   {one / floor_both:.2f}x the floor (goal >= 0.5x)")
    if args.processes > 1:
        many = both / empathy_seconds(records, args.processes)
        print(f"  empathy-lint lint_batch, {args.processes} processes           {many:10,.0f} words/s   {many / floor_both:.2f}x the floor")

    # The per-reply comparison times all three on the same replies: the proselint sample.
    sample = texts[: args.proselint_sample]
    per_reply_proselint = proselint_seconds_per_reply(sample)
    floor_sample, empathy_sample = best_of(args.rounds, lambda: floor_seconds(sample),
                                           lambda: empathy_seconds(sample, 1))
    per_reply_empathy = empathy_sample / len(sample)
    per_reply_floor = floor_sample / len(sample)
    if per_reply_proselint is None:
        print("proselint: not installed (pip install -e '.[bench]') - comparison skipped")
    else:
        print(f"per reply: proselint {per_reply_proselint * 1000:.3f} ms, empathy-lint {per_reply_empathy * 1000:.3f} ms: "
              f"{per_reply_proselint / per_reply_empathy:.1f}x faster (goal >= 20x); the floor alone takes "
              f"{per_reply_floor * 1000:.3f} ms, so 20x proselint needs {20 * per_reply_floor / per_reply_proselint:.2f}x the floor's speed")


if __name__ == "__main__":
    main()
