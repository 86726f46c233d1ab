#!/usr/bin/env python3
"""Cold start: one `empathy-lint check` vs the floor `python -c "import spacy"`.

Usage: python benchmarks/startup.py [--runs N]
Prints the median wall time of each command over N fresh processes and their ratio
(measured in the same run, so machine load affects both sides alike).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

REPLY = "As I said, there's nothing we can do."
COMMANDS = {
    "import spacy": [sys.executable, "-c", "import spacy"],
    "spacy.blank('en')": [sys.executable, "-c", "import spacy; spacy.blank('en')"],
    "empathy-lint check (1 reply)": [sys.executable, "-m", "empathy_lint", "check", "-"],
    "empathy-lint --help": [sys.executable, "-m", "empathy_lint", "--help"],
    "empathy-lint rules": [sys.executable, "-m", "empathy_lint", "rules"],
}


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, input=REPLY, text=True, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="cold start of empathy-lint vs import spacy")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    median_time(COMMANDS["import spacy"], 2)  # warm the OS file cache first
    results = {name: median_time(cmd, args.runs) for name, cmd in COMMANDS.items()}
    floor = results["import spacy"]
    print(f"median of {args.runs} cold processes, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, seconds in results.items():
        print(f"  {name:32} {seconds * 1000:7.0f} ms   {seconds / floor:5.2f}x import spacy")


if __name__ == "__main__":
    main()
