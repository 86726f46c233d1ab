#!/usr/bin/env python3
"""What the readers labelled, on the TUNE split and the canned macros only.

Usage:
    python benchmarks/tune_labels.py defensive          # every labelled defensive phrase, most common first
    python benchmarks/tune_labels.py positive           # the positive phrases
    python benchmarks/tune_labels.py defensive --grep "policy"   # those matching a regular expression

Writing a rule starts from what the readers marked. Listing the labels of
tests/data/train.jsonl and dev.jsonl whole shows blind's too, and a pattern written
after reading them makes the blind figure a tune figure (it happened twice, both
times from a listing of the two files whole; the patterns were taken out again). This lists tune's and the canned macros'
phrases only; blind's are never printed, only counted.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.run.evaluation import load_records, split  # noqa: E402

DATA = ROOT / "tests" / "data"
PHRASE_FIELDS = ("defensive", "positive")


def tune_phrases(records: list[dict], field: str) -> tuple[Counter, int]:
    """(tune and canned phrases of `field`, lower-cased and counted; how many blind
    phrases there are, never their words)."""
    parts = split(records)
    phrases = Counter(phrase.lower() for record in parts["tune"] + parts["canned"]
                      for phrase in record["labels"].get(field) or [])
    hidden = sum(len(record["labels"].get(field) or []) for record in parts["blind"])
    return phrases, hidden


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("field", choices=PHRASE_FIELDS, help="the label field of phrases to list")
    parser.add_argument("--grep", help="only the phrases matching this regular expression")
    args = parser.parse_args()
    phrases, hidden = tune_phrases(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"),
                                   args.field)
    pattern = re.compile(args.grep, re.IGNORECASE) if args.grep else None
    shown = [(phrase, n) for phrase, n in phrases.most_common() if not pattern or pattern.search(phrase)]
    for phrase, n in shown:
        print(f"{n:4}  {phrase}")
    print(f"\n{len(shown)} {args.field} phrase{'' if len(shown) == 1 else 's'} on tune and the canned macros; "
          f"{hidden} more on blind, not listed.")


if __name__ == "__main__":
    main()
