"""Real support replies (tests/data, from the labelled eval set) judged like the labels."""
from __future__ import annotations

import pytest

from conftest import DATA
from empathy_lint.engine import Context
from empathy_lint.evaluation import FAMILIES, evaluate, expected

REGRESSION_IDS = [
    line.strip() for line in (DATA / "regression_ids.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Per-family F1 floors on the labelled dev set, a little under the measured figures
# (see README, "How good is it?"). A rule change that drops below a floor fails here.
F1_FLOORS = {
    "missing-acknowledgement": 0.80,
    "missing-apology": 0.88,
    "non-apology": 0.85,
    "missing-next-steps": 0.76,
    "missing-follow-up": 0.82,
}
DEFENSIVE_PRECISION_FLOOR = 0.95
DEFENSIVE_RECALL_FLOOR = 0.40


@pytest.fixture(scope="module")
def by_id(dev_records):
    return {r["id"]: r for r in dev_records}


@pytest.mark.parametrize("record_id", REGRESSION_IDS)
def test_real_reply_agrees_with_its_labels(linter, by_id, record_id):
    record = by_id[record_id]
    context = Context.for_reply(record.get("customer"), record.get("kind") or "live", record.get("channel"), record["reply"])
    codes = {f.code for f in linter.lint(record["reply"], context)}
    for family, want in expected(record).items():
        if want is None:
            continue
        got = bool(codes & set(FAMILIES[family]))
        assert got == want, f"{record_id} {family}: expected {'a' if want else 'no'} finding; reply: {record['reply'][:200]}"


def test_regression_set_covers_every_verdict(by_id):
    verdicts = {(f, w) for rid in REGRESSION_IDS for f, w in expected(by_id[rid]).items() if w is not None}
    for family in F1_FLOORS:
        assert (family, True) in verdicts and (family, False) in verdicts, family


def test_quality_floors_on_the_labelled_set(dev_records):
    tallies, _ = evaluate(dev_records)
    for family, floor in F1_FLOORS.items():
        _, _, f1, _ = tallies[family].scores()
        assert f1 >= floor, f"{family}: F1 {f1:.2f} fell below {floor}"
    precision, recall, _, _ = tallies["defensive"].scores()
    assert precision >= DEFENSIVE_PRECISION_FLOOR
    assert recall >= DEFENSIVE_RECALL_FLOOR
