#!/usr/bin/env python3
"""Measure empathy-lint against labelled replies: per-family precision, recall, F1.

Usage:
    python benchmarks/eval_quality.py                  # tune | blind | canned side by side
    python benchmarks/eval_quality.py --misses 10      # plus errors on the TUNE split only
    python benchmarks/eval_quality.py FILE.jsonl ...   # one labelled file of your own
    python benchmarks/eval_quality.py --intervals      # plus how far blind F1 could move
    python benchmarks/eval_quality.py --labels-gate    # the customer read as the labels read it
    python benchmarks/eval_quality.py --disputed       # errors on labels the two readers disputed
    python benchmarks/eval_quality.py --false-alarms   # which rules warn on replies that need nothing

By default it reads tests/data/train.jsonl and tests/data/dev.jsonl and splits the live
replies by company into tune (about 75%) and blind (25%, fixed seed; see
empathy_lint/run/evaluation.py). Rules are changed by reading tune errors only; blind is
read as figures, never reply by reply, so it says how the rules do on support teams
they were not written against. Canned replies (macros) are reported on their own.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.run.evaluation import (FAMILIES, Tally, detector_agreement, evaluate, f1_interval,  # noqa: E402
                                     load_records, readers_agreed, split)

DATA = ROOT / "tests" / "data"


def scores_json(tallies: dict[str, Tally], false_alarm: Tally, agreement: tuple[int, int, int, int]) -> dict:
    data: dict = {f: dict(zip(("precision", "recall", "f1", "accuracy"), t.scores()), tp=t.tp, fp=t.fp,
                          fn=t.fn, tn=t.tn, ranking=t.ranking(), rated=len(t.rated),
                          confidence_sum=round(sum(c for c, _ in t.rated), 1),
                          rated_right=sum(ok for _, ok in t.rated)) for f, t in tallies.items()}
    fa_n = false_alarm.fp + false_alarm.tn
    data["false_alarm_rate"] = false_alarm.fp / fa_n if fa_n else 0.0
    agree, with_reply, always, n = agreement
    data["detector"] = {"agree": agree, "agree_with_reply": with_reply, "always_problem": always, "n": n}
    return data


def print_side_by_side(results: dict[str, dict]) -> None:
    names = list(results)
    print(f"{'family':24}" + "".join(f" | {n + ' (' + str(results[n]['n']) + ')':^26}" for n in names))
    print(f"{'':24}" + " | {:>6} {:>6} {:>6}     ".format("P", "R", "F1") * len(names))
    for family in FAMILIES:
        row = f"{family:24}"
        for name in names:
            s = results[name]["scores"][family]
            if s["tp"] + s["fn"] + s["fp"] == 0:
                row += f" | {'-':>6} {'-':>6} {'-':>6}     "
            else:
                row += f" | {s['precision']:6.2f} {s['recall']:6.2f} {s['f1']:6.2f}     "
        print(row)
    row = f"{'false-alarm rate':24}"
    for name in names:
        row += f" | {results[name]['scores']['false_alarm_rate']:6.2f}" + " " * 19
    print(row)
    for label, key in (("detector agrees", "agree"), ("  with the reply read", "agree_with_reply")):
        row = f"{label:24}"
        for name in names:
            agree, always, n = (results[name]["scores"]["detector"][k] for k in (key, "always_problem", "n"))
            row += f" | {agree / n:6.3f} vs always {always / n:4.2f} " if n else f" | {'-':>6}" + " " * 19
        print(row)


def print_ranking(results: dict[str, dict]) -> None:
    """How well each family's confidence orders its findings (right above wrong), and
    how near their summed confidence comes to the findings a reader agrees with."""
    print_per_family(results, "confidence ranks right findings above wrong (ROC AUC; 0.5 is chance, "
                              "- where one kind is absent)",
                     lambda s: f"{s['ranking']:.2f} ({s['rated']})" if s["ranking"] is not None else "-")
    print_per_family(results, "confidence summed against the findings a reader agrees with (audit's `likely_right`)",
                     lambda s: f"{s['confidence_sum']:.0f} / {s['rated_right']}" if s["rated"] else "-")


def print_per_family(results: dict[str, dict], title: str, cell: Callable[[dict], str]) -> None:
    """One row per family, one cell per part (tune | blind | canned)."""
    names = list(results)
    print(f"\n{title}:")
    print(f"{'family':24}" + "".join(f" | {n:^14}" for n in names))
    for family in FAMILIES:
        print(f"{family:24}" + "".join(f" | {cell(results[name]['scores'][family]):^14}" for name in names))


def print_intervals(tune: dict[str, Tally], blind: dict[str, Tally]) -> None:
    """Is a tune/blind gap the rules fitting tune, or the few companies blind holds?
    Blind F1 over 2,000 bootstrap draws of its companies: a tune F1 inside that interval
    is a gap another draw of teams could show by chance."""
    print("\nblind F1, 90% interval over draws of whole support teams (2,000 bootstrap samples of its companies):")
    print(f"{'family':24}   tune F1  blind F1   interval        tune - blind   positives in blind")
    for family in FAMILIES:
        tune_f1, blind_f1 = tune[family].scores()[2], blind[family].scores()[2]
        low, high = f1_interval(blind[family].outcomes)
        inside = "inside" if low <= tune_f1 <= high else "OUTSIDE"
        positives = blind[family].tp + blind[family].fn
        print(f"{family:24}   {tune_f1:7.2f}  {blind_f1:8.2f}   [{low:.2f}, {high:.2f}]   {tune_f1 - blind_f1:+6.2f} "
              f"({inside})   {positives:5d}")


def print_disputed(parts: dict[str, list[dict]], tallies_by_part: dict[str, dict[str, Tally]]) -> None:
    """How many errors fall on labels the two readers disagreed on (a third reader
    decided them), and the F1 where they agreed, from the run's own tallies (same
    options): aggregates only, blind included."""
    print("\nerrors on labels the two readers disputed, and F1 where they agreed on every label a family reads:")
    names = [n for n in ("tune", "blind") if n in parts]
    by_id = {name: {r["id"]: r for r in parts[name]} for name in names}
    print(f"{'family':24}" + "".join(f" | {n + ': errors, disputed, F1 agreed':38}" for n in names))
    for family in FAMILIES:
        row = f"{family:24}"
        for name in names:
            byid = by_id[name]
            errors = tallies_by_part[name][family].misses
            disputed = sum(1 for _, rid, _ in errors if not readers_agreed(byid[rid], family))
            agreed = {r["id"] for r in parts[name] if readers_agreed(r, family)}
            f1 = tallies_by_part[name][family].subset(agreed).scores()[2]
            row += f" | {len(errors):6d} {disputed:6d} ({disputed / max(1, len(errors)):4.0%})   F1 {f1:4.2f}" + " " * 6
        print(row)


def print_false_alarms(false_alarms: dict[str, Tally]) -> None:
    """Which rules warn on replies that need nothing (every family's label says so), and
    on what customer (`problem` label): aggregates only, blind included."""
    print("\nreplies that need nothing but get a warning, by the rule that warns and the customer's label:")
    for name, tally in false_alarms.items():
        ranked = sorted(tally.causes.items(), key=lambda kv: (-kv[1], str(kv[0])))
        by_rule = ", ".join(f"{code} {count} (problem={problem})" for (code, problem), count in ranked)
        print(f"  {name:8} {tally.fp} of {tally.fp + tally.tn}: {by_rule or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("files", type=Path, nargs="*", help="labelled JSONL (default: tests/data train + dev, split)")
    parser.add_argument("--no-context", action="store_true", help="ignore the customer messages")
    parser.add_argument("--misses", type=int, default=0, help="errors to list per family (tune split only)")
    parser.add_argument("--family", help="list errors of this family only")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--intervals", action="store_true",
                        help="blind F1's 90%% interval over draws of whole support teams, beside tune F1")
    parser.add_argument("--disputed", action="store_true",
                        help="errors on labels the two readers disputed, and F1 where they agreed")
    parser.add_argument("--false-alarms", action="store_true",
                        help="which rules warn on replies that need nothing, and on what customer")
    parser.add_argument("--labels-gate", action="store_true",
                        help="read the customer as the labels do (`problem`): the F1 a perfect detector "
                             "would give, the bound on what reading the customer better can add")
    args = parser.parse_args()

    if args.files:
        parts = {str(f): load_records(f) for f in args.files}
        readable = set(parts)
    else:
        parts = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))
        readable = {"tune", "canned"}
    results: dict[str, dict] = {}
    warnings: dict[str, dict] = {}
    tallies_by_part: dict[str, dict[str, Tally]] = {}
    false_alarms: dict[str, Tally] = {}
    for name, records in parts.items():
        tallies, false_alarm = evaluate(records, use_context=not args.no_context, labels_gate=args.labels_gate)
        tallies_by_part[name] = tallies
        agreement = detector_agreement(records)
        results[name] = {"n": len(records), "scores": scores_json(tallies, false_alarm, agreement)}
        tallies, false_alarm = evaluate(records, use_context=not args.no_context, warnings_only=True,
                                        labels_gate=args.labels_gate)
        false_alarms[name] = false_alarm
        warnings[name] = {"n": len(records), "scores": scores_json(tallies, false_alarm, agreement)}
    if args.json:
        print(json.dumps({"any_severity": results, "warning_or_above": warnings}, indent=2))
        return
    print("findings of any severity (info included):")
    print_side_by_side(results)
    print("\nfindings at warning or above (what fails a run at the default --fail-on):")
    print_side_by_side(warnings)
    print_ranking(results)
    if args.intervals and {"tune", "blind"} <= set(tallies_by_part):
        print_intervals(tallies_by_part["tune"], tallies_by_part["blind"])
    if args.disputed:
        print_disputed(parts, tallies_by_part)
    if args.false_alarms:
        print_false_alarms(false_alarms)
    if args.misses:
        for name in readable & set(parts):
            print(f"\nerrors on {name} (first {args.misses} per family):")
            for family, tally in tallies_by_part[name].items():
                if args.family and family != args.family:
                    continue
                for what, rid, reply in tally.misses[: args.misses]:
                    print(f"  {family:24} {what:11} {rid:10} {' '.join(reply.split())[:150]}")


if __name__ == "__main__":
    main()
