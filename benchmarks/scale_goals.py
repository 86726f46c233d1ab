#!/usr/bin/env python3
"""The four scale goals of a large ticket export, measured in one run, each against its goal.

Usage: python benchmarks/scale_goals.py [--replies N] [--rounds R] [--memory-sizes N N]
                                        [--words W] [--alone-rounds R] [--json FILE]

1. `check --jobs 2` vs `--jobs 1` on one N-reply JSONL export with customer messages
   (default 100,000): goal >= 1.6x faster.
2. `check --jobs 1` vs `lint_batch` over the same records: goal >= 0.85x its throughput
   (within 15%).
3. Peak RSS of `check` on a small and a large export (default 10,000 and 1,000,000
   replies; the large one takes about 6 minutes here): goal within 10% (ratio <= 1.10).
4. `lint_batch` over replies alone vs the floor (blank spaCy + sentencizer +
   lemmatizer) on W words of real replies (default 200,000), best of 8 rounds (each
   side takes seconds, and a slow spell of this machine can outlast 3 rounds: 0.44x
   with 3 rounds and 0.52x with 6, the same morning): goal >= 0.5x.

Timed sides alternate within each round and each keeps its best of R rounds, so a slow
spell of a noisy machine does not land on one side only (see parallel.py and
throughput.py, whose measures these are). Prints the machine, the date, each figure
and whether it meets its goal; --json writes the same as data.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import memory  # noqa: E402  (the benchmarks' own modules, run from this folder)
import parallel  # noqa: E402
import throughput  # noqa: E402


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores{', ' + model if model else ''}; Python {platform.python_version()}"


def print_round(round_: int, took: dict[str, float]) -> None:
    """A round's own times and ratios (its sides minutes apart at most): how far the noise moves them."""
    print(f"    round {round_}: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in took.items())
          + f"; --jobs 2 {took['check --jobs 1'] / took['check --jobs 2']:.2f}x, check/lint_batch "
          f"{took['lint_batch'] / took['check --jobs 1']:.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--replies", type=int, default=100_000, help="replies in the export for goals 1 and 2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-sizes", type=int, nargs=2, default=[10_000, 1_000_000], metavar="N")
    parser.add_argument("--words", type=int, default=200_000, help="words of replies for goal 4")
    parser.add_argument("--alone-rounds", type=int, default=8, help="rounds for goal 4")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.chdir(HERE.parent)  # `python -m empathy_lint` is this checkout's
    began = time.strftime("%Y-%m-%d %H:%M")
    print(f"{began}; {machine()}", flush=True)
    results = []

    def report(goal: str, figure: float, target: float, higher_is_better: bool, detail: str) -> None:
        met = figure >= target if higher_is_better else figure <= target
        results.append({"goal": goal, "figure": round(figure, 3), "target": target, "met": met, "detail": detail})
        print(f"  {'MET   ' if met else 'MISSED'} {goal}: {figure:.2f} ({detail})", flush=True)

    print(f"1-2. one export of {args.replies:,} replies with customer messages, best of {args.rounds}:", flush=True)
    best = parallel.time_sides(args.replies, args.rounds, print_round)
    one, two, batch = (best[side][0] for side in ("check --jobs 1", "check --jobs 2", "lint_batch"))
    report("check --jobs 2 speed-up over --jobs 1 (>= 1.6)", one / two, 1.6, True, f"{one:.1f} s / {two:.1f} s")
    report("check --jobs 1 throughput / lint_batch's (>= 0.85)", batch / one, 0.85, True,
           f"lint_batch {batch:.1f} s, check {one:.1f} s")

    small, large = args.memory_sizes
    print(f"3. peak RSS of check --jobs 1 on exports of {small:,} and {large:,} replies:", flush=True)
    peaks = [memory.run_check(n) for n in (small, large)]
    report(f"peak RSS {large:,} / {small:,} replies (<= 1.10)", peaks[1] / peaks[0], 1.10, False,
           f"{peaks[0]:.0f} MB / {peaks[1]:.0f} MB")

    print(f"4. replies alone vs the floor, {args.words:,} words, best of {args.alone_rounds}:", flush=True)
    records = throughput.load_records(args.words)
    texts = [r["reply"] for r in records]
    words = sum(len(t.split()) for t in texts)
    floor_time, alone_time = throughput.best_of(args.alone_rounds, lambda: throughput.floor_seconds(texts),
                                                lambda: throughput.empathy_seconds(texts, 1))
    report("lint_batch on replies alone / the floor (>= 0.5)", floor_time / alone_time, 0.5, True,
           f"{words / alone_time:,.0f} vs {words / floor_time:,.0f} words/s")

    print(f"{sum(r['met'] for r in results)} of {len(results)} goals met; "
          f"{began} to {time.strftime('%H:%M')}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"date": began, "machine": machine(), "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
