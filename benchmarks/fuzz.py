#!/usr/bin/env python3
"""Fuzz the engine, readers, masking and --fix with a large Hypothesis budget.

Usage: python benchmarks/fuzz.py [--examples N] [--seed S]

Runs the same properties as tests/test_properties.py (defined in tests/properties.py),
N generated inputs each (default 3000), and prints how many cases ran per property.
Exits 1 on the first violated property, printing Hypothesis's minimal example.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import properties as props  # noqa: E402

CHECKS = {
    "findings in range, line/col round-trip": props.check_findings_in_range_and_round_trip,
    "masking keeps text outside placeholders": props.check_masking_keeps_text_outside_placeholders,
    "readers map replies back to the file": props.check_readers_round_trip,
    "fix, then re-check": props.check_fix_then_recheck,
    "prepare's fast path matches its regex": props.check_prepare_fast_path_matches_its_regex,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="fuzz empathy-lint's properties")
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    total = 0
    for name, check in CHECKS.items():
        counts = [0]

        def make(check=check, counts=counts):
            def counted(text: str) -> None:
                counts[0] += 1
                check(text)
            return counted

        counted = make()
        run = seed(args.seed)(settings(max_examples=args.examples, deadline=None, database=None,
                                       suppress_health_check=list(HealthCheck))(given(props.texts)(counted)))
        start = time.perf_counter()
        run()
        total += counts[0]
        print(f"  {name:42} {counts[0]:6} cases, no failure ({time.perf_counter() - start:.1f} s)")
    print(f"{total} generated cases, no failure")


if __name__ == "__main__":
    main()
