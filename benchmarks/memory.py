#!/usr/bin/env python3
"""Peak memory for a small vs a large run: lint_batch (streamed) and `check` on a JSONL export.

Usage: python benchmarks/memory.py [--small N] [--large N] [--sizes N ...] [--no-cli] [--no-batch]

Each size runs in a fresh process that streams real replies (repeated from
benchmarks/data/corpus.jsonl) through lint_batch, counting findings without keeping
them, and reports its peak resident set size (ru_maxrss). Then, for each of --sizes
(default 10,000 and 100,000; the issue's figure adds 1,000,000: about 300 MB of export
and 8 minutes on 2 cores), the same replies are written as one JSONL export and
`empathy-lint check --format json --jobs 1` is run on it, reporting the peak RSS of
that process and what it grows by per reply. The export stays on disk (read a run of
records at a time), so the goal is flat.
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="export sizes (replies) for check")
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
        import time

        print("check --format json --jobs 1 on one JSONL export (read a run of records at a time, "
              "findings written as they come):")
        peaks = []
        for n in args.sizes:
            began = time.perf_counter()
            peaks.append(run_check(n))
            print(f"  {n:>9,} replies: peak RSS {peaks[-1]:.0f} MB ({time.perf_counter() - began:.0f} s with the "
                  "export written)", flush=True)
        if len(peaks) > 1:
            small, large = args.sizes[0], args.sizes[-1]
            growth = (peaks[-1] - peaks[0]) * 1024 / (large - small)
            print(f"  ratio {large:,}/{small:,} peak RSS: {peaks[-1] / peaks[0]:.2f} (goal: within 10%, at most 1.10); "
                  f"growth {growth:.3f} KB per reply")


if __name__ == "__main__":
    main()
