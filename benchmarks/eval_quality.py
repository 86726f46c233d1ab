#!/usr/bin/env python3
"""Measure empathy-lint against labelled replies: per-family precision, recall, F1.

Usage:
    python benchmarks/eval_quality.py FILE.jsonl [--no-context] [--misses N] [--json]

FILE.jsonl holds records like tests/data/dev.jsonl: `reply` and `labels` (required),
optional `id`, `customer`, `kind` (live/canned) and `channel`. See
empathy_lint/evaluation.py for how labels become expected findings.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from empathy_lint.evaluation import evaluate, load_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-context", action="store_true", help="ignore the customer messages")
    parser.add_argument("--misses", type=int, default=5, help="worst misses to list per family")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args()
    records = load_records(args.file)
    tallies, false_alarm = evaluate(records, use_context=not args.no_context)
    if args.json:
        data = {f: dict(zip(("precision", "recall", "f1", "accuracy"), t.scores()), tp=t.tp, fp=t.fp,
                        fn=t.fn, tn=t.tn) for f, t in tallies.items()}
        fa_n = false_alarm.fp + false_alarm.tn
        data["false_alarm_rate"] = false_alarm.fp / fa_n if fa_n else 0.0
        print(json.dumps(data, indent=2))
        return
    print(f"{args.file}: {len(records)} labelled replies"
          f"{' (customer messages ignored)' if args.no_context else ''}\n")
    print(f"{'family':26} {'prec':>6} {'recall':>6} {'F1':>6} {'agree':>6}   tp  fp  fn  tn")
    for family, tally in tallies.items():
        p, r, f1, acc = tally.scores()
        print(f"{family:26} {p:6.2f} {r:6.2f} {f1:6.2f} {acc:6.2f}  {tally.tp:3} {tally.fp:3} {tally.fn:3} {tally.tn:3}")
    fa_n = false_alarm.fp + false_alarm.tn
    if fa_n:
        print(f"\nfalse-alarm rate on replies the labels call fully empathetic: "
              f"{false_alarm.fp}/{fa_n} = {false_alarm.fp / fa_n:.2f} (warning or error findings)")
    if args.misses:
        print("\nworst misses (first per family):")
        for family, tally in tallies.items():
            for what, rid, reply in tally.misses[: args.misses]:
                print(f"  {family:24} {what:11} {rid:10} {' '.join(reply.split())[:110]}")


if __name__ == "__main__":
    main()
