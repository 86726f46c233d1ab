#!/usr/bin/env python3
"""Rewrite tests/data/regression_ids.txt: tune-split replies the linter judges like the labels.

Usage: python benchmarks/regression_set.py

Takes a third of the live replies of the TUNE split (by a hash of the id) (never blind) and every canned macro on
which empathy-lint agrees with the labels in every family. Run it after a deliberate,
explained rule change; tests/test_real_replies.py then keeps those verdicts.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.engine.linter import Context, Linter  # noqa: E402
from empathy_lint.run.evaluation import FAMILIES, earlier_customer, expected, load_records, split  # noqa: E402

DATA = ROOT / "tests" / "data"
HEADER = """\
# Real replies from the TUNE split (tests/data/train.jsonl + dev.jsonl, live replies of
# the tune companies, and the canned macros) on which empathy-lint agrees with the human
# labels in every family: a third of such tune replies (by a hash of the id), and every
# such canned reply.
# Never a blind-split reply (see empathy_lint/run/evaluation.py). tests/test_real_replies.py
# keeps them agreeing: a rule change that breaks one must be deliberate and explained.
# Regenerate after a deliberate change with benchmarks/regression_set.py.
"""


def agrees(linter: Linter, record: dict) -> bool:
    context = Context.for_reply(record.get("customer"), record.get("kind") or "live", record.get("channel"),
                                record["reply"], earlier_customer(record), record.get("title"))
    codes = {f.code for f in linter.lint(record["reply"], context)}
    return all(bool(codes & set(FAMILIES[family])) == want
               for family, want in expected(record).items() if want is not None)


def main() -> None:
    parts = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))
    linter = Linter()
    tune = sorted(r["id"] for r in parts["tune"] if agrees(linter, r))
    canned = sorted(r["id"] for r in parts["canned"] if agrees(linter, r))
    # A third of the tune replies, chosen by a hash of the id rather than by position, so
    # one reply that stops agreeing does not reshuffle all the others.
    picked = [rid for rid in tune if hashlib.sha256(rid.encode()).digest()[0] % 3 == 0] + canned
    (DATA / "regression_ids.txt").write_text(HEADER + "\n".join(picked) + "\n", encoding="utf-8")
    print(f"{len(picked)} regression replies ({len(tune)} tune and {len(canned)} canned agree)")


if __name__ == "__main__":
    main()
