#!/usr/bin/env python3
"""Tune figures with the customer detector cross-validated: refitted without each fold's companies.

Usage: python benchmarks/cv_tune.py [--folds 5]

`eval_quality.py`'s tune column reads the tune replies with the detector fitted on them,
so it flatters whatever fits tune closely: the second model (the agent's reply weighed
with the customer's words and lemmas) agrees with the labels 0.93 on tune read that way,
and 0.86 when its fit never saw the company it reads. Here the tune companies are split
into folds (GroupKFold); for each, `fit_customer.py`'s models are fitted on everything
else (the tune messages of the other companies and customers.jsonl, less the fold's and
the blind split's companies) and the rules score the fold's replies. The confidence model
and `fine_below` stay as stored in rules/context (fit_customer.py chooses `fine_below` on
these same folds, so that one number is tuned where it is scored). Use it to choose
between two ways of fitting the detector on tune evidence that does not reward
memorising tune.

Printed per family: findings of any severity and at warning level (precision, recall,
F1), the rate of warnings on replies that need nothing, and the detector's agreement with
the `problem` label (the customer's words alone; with the agent's reply read). The blind
split is never read.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import fit_customer  # noqa: E402

from empathy_lint.config import Config  # noqa: E402
from empathy_lint.engine.customer import CustomerDetector, lexicon_path  # noqa: E402
from empathy_lint.engine.linter import Linter  # noqa: E402
from empathy_lint.engine.pipeline import get_nlp  # noqa: E402
from empathy_lint.rulebook import load_context  # noqa: E402
from empathy_lint.run.evaluation import FAMILIES, detector_agreement  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    records = fit_customer.tune_records()
    rows, _ = fit_customer.training_messages()
    detector = CustomerDetector(get_nlp(), load_context("customer.yaml"), str(lexicon_path()), fitted={},
                                reply_fitted={})
    named, lemmas = fit_customer.design(detector, rows)
    fine_below = float((load_context("customer-weights.yaml") or {}).get("fine_below", 0.0))

    linter = Linter(Config())
    folds = fit_customer.fold_models(detector, rows, named, lemmas, records, args.folds)
    any_severity, _ = fit_customer.scored_folds(folds, fine_below, linter)
    warning_level, alarms = fit_customer.scored_folds(folds, fine_below, linter, warnings_only=True)
    tallies = {"any": any_severity, "warning": warning_level}
    agree = with_reply = judged = 0
    for part, fitted, reply_fitted in folds:
        fit_customer.install(fitted, reply_fitted)
        a, w, _, n = detector_agreement(part)
        agree, with_reply, judged = agree + a, with_reply + w, judged + n

    print(f"\ntune, the detector cross-validated by company ({args.folds} folds, {len(records)} replies):")
    print(f"{'family':24} | {'any severity':^20} | {'warning or above':^20}")
    print(f"{'':24} | {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6}")
    for family in FAMILIES:
        cells = [f"{value:6.3f}" for level in ("any", "warning") for value in tallies[level][family].scores()[:3]]
        print(f"{family:24} | {' '.join(cells[:3])} | {' '.join(cells[3:])}")
    rate = alarms.fp / max(1, alarms.fp + alarms.tn)
    print(f"warnings on replies that need nothing: {rate:.3f} ({alarms.fp} of {alarms.fp + alarms.tn})")
    print(f"detector agrees: {agree / judged:.3f}; with the reply read {with_reply / judged:.3f} ({judged} messages)")


if __name__ == "__main__":
    main()
