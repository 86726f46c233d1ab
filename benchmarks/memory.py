#!/usr/bin/env python3
"""Peak memory for a small vs a large run: lint_batch (streamed) and `check` on a JSONL export.

Usage: python benchmarks/memory.py [--small N] [--large N] [--no-cli] [--no-batch]

Each size runs in a fresh process that streams real replies (repeated from
benchmarks/data/corpus.jsonl) through lint_batch, counting findings without keeping
them, and reports its peak resident set size (ru_maxrss). Then the same replies are
written as one JSONL export and `empathy-lint check --format json --jobs 1` is run on
it, reporting the peak RSS of that process and what it grows by per reply (the
export's own text, held while it is linted, is about a third of a kilobyte a reply).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import itertools, json, resource, sys
sys.path.insert(0, {root!r})
from empathy_lint import lint_batch
replies = [json.loads(l) for l in open({corpus!r}, encoding="utf-8")]
records = ({{"id": i, "reply": r["reply"], "customer": r["customer"], "channel": r["channel"]}}
           for i, r in zip(range({n}), itertools.cycle(replies)))
findings = sum(len(result.findings) for result in lint_batch(records))
print(json.dumps({{"replies": {n}, "findings": findings,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(n: int) -> dict:
    code = CHILD.format(root=str(ROOT), corpus=str(ROOT / "benchmarks" / "data" / "corpus.jsonl"), n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


CHECK = r"""
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "empathy_lint", "check", "--format", "json", "--fail-on", "never",
                "--jobs", "1", sys.argv[1]], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def run_check(n: int) -> float:
    """Peak RSS (MB) of `check` on an n-reply JSONL export."""
    import itertools
    import tempfile

    replies = [json.loads(line) for line in (ROOT / "benchmarks" / "data" / "corpus.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.jsonl"
        with export.open("w", encoding="utf-8") as out:
            for i, r in zip(range(n), itertools.cycle(replies)):
                out.write(json.dumps({"id": i, "reply": r["reply"], "customer": r["customer"],
                                      "channel": r["channel"]}) + "\n")
        out_text = subprocess.run([sys.executable, "-c", CHECK, str(export)], capture_output=True, text=True,
                                  check=True).stdout
    return float(out_text.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="peak RSS of lint_batch and check, small vs large input")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--no-cli", action="store_true", help="measure lint_batch only")
    parser.add_argument("--no-batch", action="store_true", help="measure check only")
    args = parser.parse_args()
    if not args.no_batch:
        small, large = run(args.small), run(args.large)
        print("lint_batch (streamed, findings counted and dropped):")
        for r in (small, large):
            print(f"  {r['replies']:>8,} replies: {r['findings']:>8,} findings, peak RSS {r['peak_rss_mb']:.0f} MB")
        print(f"  ratio large/small peak RSS: {large['peak_rss_mb'] / small['peak_rss_mb']:.2f} (goal: flat, about 1.0)")
    if not args.no_cli:
        print("check --format json --jobs 1 on one JSONL export (runs of records read, findings written as they come):")
        small_cli, large_cli = run_check(args.small), run_check(args.large)
        print(f"  {args.small:>8,} replies: peak RSS {small_cli:.0f} MB")
        print(f"  {args.large:>8,} replies: peak RSS {large_cli:.0f} MB")
        growth = (large_cli - small_cli) * 1024 / (args.large - args.small)
        print(f"  ratio large/small peak RSS: {large_cli / small_cli:.2f} (goal: flat); "
              f"growth {growth:.2f} KB per reply")


if __name__ == "__main__":
    main()
