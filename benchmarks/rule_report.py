#!/usr/bin/env python3
"""Per-pattern report on the TUNE split: does every pattern earn its place?

Usage:
    python benchmarks/rule_report.py                 # every judged rule
    python benchmarks/rule_report.py EMP401 EMP501   # some rules
    python benchmarks/rule_report.py --weak          # only patterns with precision < 0.7 or no hit
    python benchmarks/rule_report.py --examples 3    # with a few wrong hits per pattern (tune only)

For each pattern of the rules the labels can judge: hits (replies it matches), precision
(share of hits where the label agrees: for a `require` rule the reply has what the
pattern stands for; for a `forbid` rule the label flags the reply), and unique hits
(replies no other pattern of the same rule matches). A pattern with no hit is dead; one
with low precision fires wrongly; one whose hits are all shared adds nothing. Hits are
counted after the rule's `except` patterns, as the rule sees them; each `except` pattern
is reported too: the replies whose verdict it decides (no match survives, and one would
without it), and its precision there (share where the label agrees the reply lacks what
the cancelled matches stood for).
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.engine.linter import Linter  # noqa: E402
from empathy_lint.errors import RuleError  # noqa: E402
from empathy_lint.run.evaluation import load_records, split  # noqa: E402
from empathy_lint.engine.language import detect_language, is_english  # noqa: E402
from empathy_lint.engine.matching import PatternSet, uncancelled  # noqa: E402
from empathy_lint.engine.pipeline import has_unspaced_script, unspaced_doc  # noqa: E402
from empathy_lint.read.textmap import prepare  # noqa: E402

DATA = ROOT / "tests" / "data"

# What a hit of a rule's pattern claims about the reply, in label terms.
CLAIMS = {
    "EMP101": lambda labels: bool(labels["acknowledgement"]),
    "EMP201": lambda labels: labels["apology"] == "sincere",
    "EMP202": lambda labels: labels["apology"] == "non",
    "EMP401": lambda labels: bool(labels["next_steps"]),
    "EMP501": lambda labels: bool(labels["follow_up"]),
}
DEFENSIVE = lambda labels: bool(labels.get("defensive"))  # noqa: E731


def claim_for(rule_id: str):
    if rule_id in CLAIMS:
        return CLAIMS[rule_id]
    return DEFENSIVE if rule_id.startswith("EMP3") else None


def count(records: list[dict], languages: list[str], linter: Linter, rules: list) -> tuple[dict, dict, list]:
    """(pattern key -> tune replies it matches, excepts applied; except key -> replies
    whose verdict it decides; the (rule, language, patterns, excepts) reported)."""
    # One report per rule and language: the English patterns over the English replies,
    # each `languages:` block over the replies detected in its language.
    parts = [(rule, "en", rule.patterns, rule.excepts) for rule in rules]
    parts += [(rule, code, block.patterns, block.excepts) for rule in rules for code, block in rule.languages.items()]
    patterns = PatternSet(linter.nlp)
    for rule, code, pats, excepts in parts:
        for index, pattern in enumerate(pats):
            patterns.add(f"{rule.id}@{code}#{index}", pattern, lambda detail: RuleError(detail))
        for index, pattern in enumerate(excepts):
            patterns.add(f"{rule.id}@{code}!{index}", pattern, lambda detail: RuleError(detail))
    patterns.finish()
    texts = [prepare(r["reply"], linter.masks_for(r["reply"])).text for r in records]
    # Read as the linter reads them: Japanese and Chinese a character a token (their
    # phrases are compiled so), every other reply through the pipeline.
    docs = (unspaced_doc(linter.nlp, text) if has_unspaced_script(text) else doc
            for text, doc in zip(texts, linter.nlp.pipe(texts)))
    hits: dict[str, list[int]] = defaultdict(list)      # pattern key -> replies it matches, excepts applied
    cancels: dict[str, list[int]] = defaultdict(list)   # except key -> replies whose verdict it decides
    for number, doc in enumerate(docs):
        found = patterns.matches(doc)
        for rule, code, _, _ in parts:
            if code != languages[number]:
                continue
            prefix = f"{rule.id}@{code}"
            excepts = {k: spans for k, spans in found.items() if k.startswith(f"{prefix}!")}
            cancel = [span for spans in excepts.values() for span in spans]
            for key, spans in found.items():
                if key.startswith(f"{prefix}#") and uncancelled(spans, cancel):
                    hits[key].append(number)
            matched = [span for k, spans in found.items() if k.startswith(f"{prefix}#") for span in spans]
            if matched and not uncancelled(matched, cancel):
                # No match survives: the excepts without which one would have decided.
                for key in excepts:
                    others = [span for k, spans in excepts.items() if k != key for span in spans]
                    if uncancelled(matched, others):
                        cancels[key].append(number)
    return hits, cancels, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("rules", nargs="*", help="rule codes (default: every rule the labels judge)")
    parser.add_argument("--weak", action="store_true", help="only dead or imprecise patterns")
    parser.add_argument("--examples", type=int, default=0, help="wrong hits to show per pattern")
    args = parser.parse_args()

    records = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))["tune"]
    languages = ["en" if is_english(r["reply"]) else detect_language(r["reply"]) for r in records]
    linter = Linter()
    rules = [r for r in linter.rules if claim_for(r.id) and r.patterns and (not args.rules or r.id in args.rules)]
    hits, cancels, parts = count(records, languages, linter, rules)

    for rule, code, pats, excepts in parts:
        claim = claim_for(rule.id)
        prefix = f"{rule.id}@{code}"
        keys = [f"{prefix}#{i}" for i in range(len(pats))]
        by_reply: dict[int, int] = defaultdict(int)
        for key in keys:
            for number in set(hits[key]):
                by_reply[number] += 1
        what = "English" if code == "en" else f"'{code}'"
        print(f"\n{rule.id} {rule.name} ({languages.count(code)} {what} tune replies)")
        print(f"  {'hits':>5} {'prec':>5} {'uniq':>5}  pattern")
        for key, pattern in zip(keys, pats):
            replies = sorted(set(hits[key]))
            right = [n for n in replies if claim(records[n]["labels"])]
            precision = len(right) / len(replies) if replies else 0.0
            unique = sum(1 for n in replies if by_reply[n] == 1)
            if args.weak and replies and precision >= 0.7:
                continue
            text = pattern if isinstance(pattern, str) else str(pattern)
            print(f"  {len(replies):5} {precision:5.2f} {unique:5}  {text[:150]}")
            wrong = [n for n in replies if n not in set(right)]
            for n in wrong[: args.examples]:
                print(f"  {'':17}x {records[n]['id']}: {' '.join(records[n]['reply'].split())[:120]}")
        if excepts:
            print(f"  {'decides':>7} {'prec':>5}  except")
        for index, pattern in enumerate(excepts):
            replies = sorted(set(cancels[f"{prefix}!{index}"]))
            wrong = [n for n in replies if claim(records[n]["labels"])]
            precision = 1 - len(wrong) / len(replies) if replies else 0.0
            if args.weak and replies and precision >= 0.7:
                continue
            text = pattern if isinstance(pattern, str) else str(pattern)
            print(f"  {len(replies):7} {precision:5.2f}  {text[:150]}")
            for n in wrong[: args.examples]:
                print(f"  {'':15}x {records[n]['id']}: {' '.join(records[n]['reply'].split())[:120]}")


if __name__ == "__main__":
    main()
