#!/usr/bin/env python3
"""Fit `echo` (shared content words that count as naming the customer's issue) on tune.

Usage:
    python benchmarks/fit_echo.py            # F1 per candidate value, per rule that has `echo`,
                                             # then per `echo.root_letters` (customer.yaml)

A reply that repeats the customer's own content words ("your refund", "the battery")
names what they wrote about. For each rule with an `echo:` field, this tries 1-4 shared
words (and none) on the TUNE split only and prints the family's precision, recall and
F1, so the value in the YAML is the one the data chose, not a guess.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.run import evaluation  # noqa: E402
from empathy_lint.config import Config  # noqa: E402
from empathy_lint.engine.customer import default_detector  # noqa: E402
from empathy_lint.engine.linter import Linter  # noqa: E402

DATA = ROOT / "tests" / "data"
ROOT_LETTERS = (0, 4, 5, 6, 7)
FAMILY_OF = {codes[0]: family for family, codes in evaluation.FAMILIES.items()}


def main() -> None:
    tune = evaluation.split(evaluation.load_records(DATA / "train.jsonl")
                            + evaluation.load_records(DATA / "dev.jsonl"))["tune"]
    base = Config().active_rules()
    for rule in [r for r in base if r.echo and r.id in FAMILY_OF]:
        family = FAMILY_OF[rule.id]
        print(f"{rule.id} {rule.name} (now echo: {rule.echo}); {family} on tune ({len(tune)} replies)")
        for value in (0, 1, 2, 3, 4):
            rules = [dataclasses.replace(r, echo=value) if r.id == rule.id else r for r in base]
            tallies, _ = evaluation.evaluate(tune, linter=Linter(Config(), rules=rules))
            p, r, f1, _ = tallies[family].scores()
            print(f"  echo {value}: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
        # A word said two ways ("delivered", "delivery") is one word if the first
        # `root_letters` letters agree (0: whole words only).
        detector = default_detector()
        stored = detector.root_letters
        print(f"  root_letters (now {stored}), at echo {rule.echo}:")
        try:
            for letters in ROOT_LETTERS:
                detector.root_letters = letters
                tallies, _ = evaluation.evaluate(tune, linter=Linter(Config(), rules=base))
                p, r, f1, _ = tallies[family].scores()
                print(f"    {letters}: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
        finally:
            detector.root_letters = stored


if __name__ == "__main__":
    main()
