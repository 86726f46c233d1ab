#!/usr/bin/env python3
"""`check` on one large export: --jobs 1 vs --jobs 2, next to lint_batch on the same records.

Usage: python benchmarks/parallel.py [--replies N] [--rounds R]

Writes an N-reply JSONL export with customer messages (real replies repeated from
benchmarks/data/corpus.jsonl), then times, in fresh processes and alternating so that
machine noise hits every side alike (keeping the best of R rounds):

- `empathy-lint check export.jsonl --format json --jobs 1`
- the same with `--jobs 2` (the export cut into pieces across two workers)
- `lint_batch` over the same records in one process (the API floor for `check`)

and reports wall time, replies per second, the speed-up of --jobs 2 and the peak RSS of
the largest process of each run.
"""
from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent

# Runs a command and prints the peak RSS (MB) of its largest process (a worker or the
# parent), so the figure covers --jobs 2 as well.
MEASURE = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""

BATCH = r"""
import json, sys
from empathy_lint import lint_batch
records = (json.loads(line) for line in open(sys.argv[1], encoding="utf-8"))
print(sum(len(r.findings) for r in lint_batch(records)))
"""


def write_export(path: Path, n: int) -> None:
    corpus = [json.loads(line) for line in (ROOT / "benchmarks" / "data" / "corpus.jsonl").open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as out:
        for i, r in zip(range(n), itertools.cycle(corpus)):
            out.write(json.dumps({"id": i, "reply": r["reply"], "customer": r["customer"],
                                  "channel": r["channel"]}) + "\n")


def measure(command: list[str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def time_sides(replies: int, rounds: int,
               each_round: Callable[[int, dict[str, float]], None] | None = None) -> dict[str, tuple[float, float]]:
    """Best (wall seconds, peak RSS MB) of check --jobs 1, --jobs 2 and lint_batch on one
    `replies`-reply export, the sides alternating within each round; `each_round(round,
    {side: seconds})` sees every round's own times."""
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.jsonl"
        write_export(export, replies)
        check = [sys.executable, "-m", "empathy_lint", "check", "--format", "json", "--fail-on", "never"]
        sides = {
            "check --jobs 1": check + ["--jobs", "1", str(export)],
            "check --jobs 2": check + ["--jobs", "2", str(export)],
            "lint_batch": [sys.executable, "-c", BATCH, str(export)],
        }
        best: dict[str, tuple[float, float]] = {}
        for round_ in range(rounds):
            took = {name: measure(command) for name, command in sides.items()}
            for name, (seconds, rss) in took.items():
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, rss)
            if each_round is not None:
                each_round(round_ + 1, {name: seconds for name, (seconds, _) in took.items()})
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--replies", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    best = time_sides(args.replies, args.rounds)
    print(f"{args.replies:,} replies with customer messages, best of {args.rounds} ({time.strftime('%Y-%m-%d')})")
    for name, (seconds, rss) in best.items():
        print(f"  {name:15} {seconds:7.1f} s  {args.replies / seconds:7.0f} replies/s  peak {rss:5.0f} MB")
    one, two, floor = best["check --jobs 1"][0], best["check --jobs 2"][0], best["lint_batch"][0]
    print(f"  --jobs 2 speed-up: {one / two:.2f}x; check --jobs 1 vs lint_batch: {floor / one:.2f}x its throughput")


if __name__ == "__main__":
    main()
