#!/usr/bin/env python3
"""Throughput of lint_batch on real replies, against the floor and against proselint.

Usage: python benchmarks/throughput.py [--words N] [--processes P] [--proselint-sample N]

The corpus is the real replies of benchmarks/data/corpus.jsonl and tests/data/dev.jsonl,
repeated until it holds at least N words (default 1,000,000). Measured in the same run:

  floor      spacy.blank("en") + sentencizer + lemmatizer over the same texts (nlp.pipe):
             what any spaCy-based linter pays before it checks anything
  empathy    lint_batch (all rules, customer context included), 1 process
  empathy/P  lint_batch with P worker processes
  proselint  proselint 0.16 with all its checks registered, on a sample of replies

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


def floor_words_per_second(texts: list[str], words: int) -> float:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return words / (time.perf_counter() - start)


def empathy_words_per_second(records: list[dict], words: int, processes: int) -> float:
    from empathy_lint import lint_batch

    start = time.perf_counter()
    count = sum(1 for _ in lint_batch(records, n_process=processes))
    assert count == len(records)
    return words / (time.perf_counter() - start)


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


def main() -> None:
    parser = argparse.ArgumentParser(description="lint_batch throughput vs the floor and proselint")
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--proselint-sample", type=int, default=300)
    args = parser.parse_args()
    records = load_records(args.words)
    texts = [r["reply"] for r in records]
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(records):,} real replies, {words:,} words; {os.cpu_count()} cores")

    floor = floor_words_per_second(texts, words)
    print(f"  floor (blank + sentencizer + lemmatizer)  {floor:12,.0f} words/s")
    one = empathy_words_per_second(records, words, 1)
    print(f"  empathy-lint lint_batch, 1 process          {one:12,.0f} words/s   {one / floor:.2f}x the floor (goal >= 0.5x)")
    if args.processes > 1:
        many = empathy_words_per_second(records, words, args.processes)
        print(f"  empathy-lint lint_batch, {args.processes} processes        {many:12,.0f} words/s   {many / floor:.2f}x the floor")

    sample = texts[: args.proselint_sample]
    per_reply_proselint = proselint_seconds_per_reply(sample)
    per_reply_empathy = (words / one) / len(texts) * 1.0
    per_reply_empathy = 1 / (one / (words / len(texts)))
    if per_reply_proselint is None:
        print("  proselint: not installed (pip install proselint) - comparison skipped")
    else:
        print(f"  per reply: proselint {per_reply_proselint * 1000:.2f} ms, empathy-lint {per_reply_empathy * 1000:.3f} ms"
              f"   {per_reply_proselint / per_reply_empathy:.0f}x faster (goal >= 20x)")


if __name__ == "__main__":
    main()
