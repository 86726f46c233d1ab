"""Score empathy-lint against labelled replies (format of tests/data/dev.jsonl).

What a reply "should be flagged for" follows the evaluation rubric:
  missing-acknowledgement  acknowledgement false and problem not false
  missing-apology          problem true and apology not sincere (customer message given)
  non-apology              apology == "non"
  defensive                defensive list non-empty
  missing-next-steps       next_steps false and problem not false
  missing-follow-up        follow_up false and problem not false, except on social
                           when the reply gives a next step
"""
from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from empathy_lint.config import Config
from empathy_lint.engine.linter import Context, Linter
from empathy_lint.read.sources.conversation import customer_messages, join_messages

FAMILIES = {
    "missing-acknowledgement": ("EMP101",),
    # A non-apology finding tells the writer the sincere apology is missing too (EMP201
    # stands aside for it: one verdict per apology).
    "missing-apology": ("EMP201", "EMP202"),
    "non-apology": ("EMP202",),
    "defensive": ("EMP301", "EMP302", "EMP303", "EMP304", "EMP305", "EMP306", "EMP307", "EMP308", "EMP309"),
    "missing-next-steps": ("EMP401",),
    "missing-follow-up": ("EMP501",),
}


def expected(record: dict) -> dict[str, bool | None]:
    """Family -> should be flagged (None: not judged for this record)."""
    labels = record["labels"]
    problem = labels.get("problem")
    open_problem = problem is not False
    next_steps = bool(labels.get("next_steps"))
    social_handover = record.get("channel") == "social" and next_steps
    return {
        "missing-acknowledgement": (not labels["acknowledgement"]) and open_problem,
        "missing-apology": (problem is True and labels["apology"] != "sincere") if record.get("customer") or record.get("kind") == "canned" else None,
        "non-apology": labels["apology"] == "non",
        "defensive": bool(labels.get("defensive")),
        "missing-next-steps": (not next_steps) and open_problem,
        "missing-follow-up": (not labels["follow_up"]) and open_problem and not social_handover,
    }


# The label fields each family's expectation reads (`expected`): a record whose
# `disputed` names none of them is one the two readers agreed on for that family.
FIELDS_READ: dict[str, tuple[str, ...]] = {
    "missing-acknowledgement": ("acknowledgement", "problem"),
    "missing-apology": ("apology", "problem"),
    "non-apology": ("apology",),
    "defensive": ("defensive",),
    "missing-next-steps": ("next_steps", "problem"),
    "missing-follow-up": ("follow_up", "problem", "next_steps"),
}


def readers_agreed(record: dict, family: str) -> bool:
    """Did the two readers agree on every label this family's verdict reads?"""
    return not set(record.get("disputed") or ()) & set(FIELDS_READ[family])


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    # (company, outcome) per reply: what a bootstrap over support teams resamples
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # the record of each outcome
    # For the false-alarm tally: (rule, the customer's `problem` label) of each warning
    # on a reply that needs nothing, so a report can say which rules fail runs wrongly.
    causes: Counter = field(default_factory=Counter)
    # (confidence, right) of each reply the family flagged with a rated finding: does the
    # confidence tell the findings a reader agrees with from the rest?
    rated: list[tuple[float, bool]] = field(default_factory=list)

    def subset(self, ids: set[str]) -> "Tally":
        """The tally of these records alone (their outcomes; no misses listed)."""
        counts = Counter(outcome for rid, (_, outcome) in zip(self.ids, self.outcomes) if rid in ids)
        return Tally(counts["tp"], counts["fp"], counts["fn"], counts["tn"])

    def merge(self, other: "Tally") -> None:
        """Add another tally's counts (folds of a cross-validation scored one by one)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    def add(self, want: bool, got: bool, record: dict) -> None:
        if want and got:
            self.tp += 1
            outcome = "tp"
        elif got:
            self.fp += 1
            outcome = "fp"
            self.misses.append(("false alarm", record["id"], record["reply"]))
        elif want:
            self.fn += 1
            outcome = "fn"
            self.misses.append(("missed", record["id"], record["reply"]))
        else:
            self.tn += 1
            outcome = "tn"
        self.outcomes.append((record.get("company") or "?", outcome))
        self.ids.append(record["id"])

    def ranking(self) -> float | None:
        """The chance that a right finding has a higher confidence than a wrong one (ROC
        AUC, ties counted half; 0.5 is chance), or None without both kinds."""
        right = sorted(c for c, ok in self.rated if ok)
        wrong = sorted(c for c, ok in self.rated if not ok)
        if not right or not wrong:
            return None
        below = bisect.bisect_left
        wins = sum(below(wrong, c) + (bisect.bisect_right(wrong, c) - below(wrong, c)) / 2 for c in right)
        return wins / (len(right) * len(wrong))

    def scores(self) -> tuple[float, float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        n = self.tp + self.fp + self.fn + self.tn
        return p, r, f1, (self.tp + self.tn) / n if n else 1.0


def f1_interval(outcomes: list[tuple[str, str]], level: float = 0.9, rounds: int = 2000,
                seed: int = 2026) -> tuple[float, float]:
    """How far F1 could move on another draw of support teams like these: the central
    `level` interval of F1 over `rounds` bootstrap samples of whole companies (drawn with
    replacement, as the blind split draws companies). Seeded: the same on every run."""
    import random

    by_company: dict[str, Counter] = {}
    for company, outcome in outcomes:
        by_company.setdefault(company, Counter())[outcome] += 1
    companies = list(by_company.values())
    if not companies:
        return 0.0, 0.0
    draw = random.Random(seed)
    scores = []
    for _ in range(rounds):
        total: Counter = Counter()
        for counts in draw.choices(companies, k=len(companies)):
            total.update(counts)
        scores.append(Tally(total["tp"], total["fp"], total["fn"], total["tn"]).scores()[2])
    scores.sort()
    cut = (1 - level) / 2
    return scores[int(cut * (rounds - 1))], scores[int((1 - cut) * (rounds - 1))]


def load_records(path: Path) -> list[dict]:
    """Labelled records; exits with file:line on a malformed one."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"{path}:{number}: not JSON ({exc.msg})")
        if "reply" not in record or "labels" not in record:
            sys.exit(f"{path}:{number}: a labelled record needs 'reply' and 'labels'")
        record.setdefault("id", f"line-{number}")
        records.append(record)
    return records


# The blind split: whole companies (support teams), chosen by a seeded hash so the split is
# the same on every machine and Python version. Its individual errors are never read;
# only its figures are reported. Change the seed and the figures are no longer comparable.
BLIND_SEED = "empathy-lint-blind-2026"
BLIND_SHARE = 0.25


def blind_companies(records: list[dict], seed: str = BLIND_SEED, share: float = BLIND_SHARE) -> set[str]:
    """Companies drawn (in seeded-hash order) until they hold `share` of the live replies."""
    counts = Counter(r.get("company") or "?" for r in records if r.get("kind", "live") == "live")
    order = sorted(counts, key=lambda c: hashlib.sha256(f"{seed}:{c}".encode()).hexdigest())
    chosen: set[str] = set()
    total, taken = sum(counts.values()), 0
    for company in order:
        if taken >= share * total:
            break
        chosen.add(company)
        taken += counts[company]
    return chosen


def split(records: list[dict]) -> dict[str, list[dict]]:
    """tune / blind (live replies, by company) and canned (macros have no company)."""
    blind = blind_companies(records)
    parts: dict[str, list[dict]] = {"tune": [], "blind": [], "canned": []}
    for record in records:
        if record.get("kind", "live") != "live":
            parts["canned"].append(record)
        else:
            parts["blind" if (record.get("company") or "?") in blind else "tune"].append(record)
    return parts


def evaluate(records: list[dict], use_context: bool = True,
             linter: Linter | None = None, warnings_only: bool = False,
             labels_gate: bool = False) -> tuple[dict[str, Tally], Tally]:
    """Per family, the linter's verdicts against the labels; and how often a reply that
    needs nothing gets a finding above info. With `warnings_only`, a finding counts only
    at warning or error (what fails a run at the default --fail-on). With `labels_gate`,
    the customer is read as the labels read it (`problem`), a sure verdict: what the
    rules would score with a perfect detector, the bound on what reading the customer
    better can give."""
    linter = linter or Linter(Config())
    contexts = Context.many([
        (r.get("customer") if use_context else None, r.get("kind") or "live", r.get("channel"), r["reply"],
         earlier_customer(r) if use_context else None, r.get("title"))
        for r in records
    ], canned_in_pass=True)
    if labels_gate:
        contexts = [_as_labelled(c, r["labels"].get("problem")) for c, r in zip(contexts, records)]
    tallies = {family: Tally() for family in FAMILIES}
    false_alarm = Tally()
    for record, findings in zip(records, linter.lint_many(zip((r["reply"] for r in records), contexts))):
        codes = {f.code for f in findings if not warnings_only or f.severity != "info"}
        want = expected(record)
        for family, family_codes in FAMILIES.items():
            if want[family] is None:
                continue
            tallies[family].add(want[family], bool(codes & set(family_codes)), record)
            rated = [f.confidence for f in findings if f.code in family_codes and f.confidence is not None
                     and (not warnings_only or f.severity != "info")]
            if rated:
                tallies[family].rated.append((max(rated), bool(want[family])))
        if not any(want.values()):
            warned = {f.code for f in findings if f.severity != "info"}
            false_alarm.add(False, bool(warned), record)
            false_alarm.causes.update((code, record["labels"].get("problem")) for code in warned)
    return tallies, false_alarm




def _as_labelled(context: Context, problem: bool | None) -> Context:
    """The context with the labels' `problem` as a sure verdict (its words kept)."""
    if problem is None or (context.probability is None and context.kind != "canned"):
        return context
    return dataclasses.replace(context, problem=problem, fine=problem is False, sure=True, open_score=None,
                               canned_open=False,
                               probability=None if context.probability is None else float(problem))


def earlier_customer(record: dict) -> str | None:
    """The conversation's earlier customer messages of a labelled record, oldest first."""
    return join_messages(customer_messages(record.get("thread") or []))


def detector_agreement(records: list[dict]) -> tuple[int, int, int, int]:
    """(detector agrees with the `problem` label on the customer's messages alone, agrees
    once the agent's reply is read too (the verdict the rules gate on), "always a
    problem" agrees, labelled messages)."""
    from empathy_lint.engine.customer import default_detector

    detector = default_detector()
    judged = [r for r in records if r.get("customer") and r["labels"].get("problem") is not None]
    signals = detector.detect_many([r["customer"] for r in judged], [earlier_customer(r) for r in judged])
    groups = detector.reply_groups_many([r["reply"] for r in judged])
    labels = [r["labels"]["problem"] for r in judged]
    agree = sum(s.problem == label for s, label in zip(signals, labels))
    with_reply = sum((detector.with_reply(s.open_score, g) if s.open_score is not None else s).problem == label
                     for s, g, label in zip(signals, groups, labels))
    always = sum(label is True for label in labels)
    return agree, with_reply, always, len(judged)
