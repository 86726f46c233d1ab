#!/usr/bin/env python3
"""Peak memory of lint_batch for 10k vs 100k replies: streaming means it stays flat.

Usage: python benchmarks/memory.py [--small N] [--large N]

Each size runs in a fresh process that streams real replies (repeated from
benchmarks/data/corpus.jsonl) through lint_batch, counting findings without keeping
them, and reports its peak resident set size (ru_maxrss).
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


def main() -> None:
    parser = argparse.ArgumentParser(description="peak RSS of lint_batch, small vs large input")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    small, large = run(args.small), run(args.large)
    for r in (small, large):
        print(f"  {r['replies']:>8,} replies: {r['findings']:>8,} findings, peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"  ratio large/small peak RSS: {large['peak_rss_mb'] / small['peak_rss_mb']:.2f} (goal: flat, about 1.0)")


if __name__ == "__main__":
    main()
