"""Real support replies (tests/data, from the labelled eval set) judged like the labels.

Regression cases and F1 floors come from the TUNE split only; the blind split (whole
companies, see empathy_lint/run/evaluation.py) is measured by benchmarks/eval_quality.py
and never read reply by reply.
"""
from __future__ import annotations

import pytest

from conftest import DATA, benchmark_module
from empathy_lint.engine.linter import Context
from empathy_lint.run.evaluation import (FAMILIES, earlier_customer, evaluate, expected, load_records,
                                         readers_agreed, split)

REGRESSION_IDS = [
    line.strip() for line in (DATA / "regression_ids.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Per-family F1 floors on the tune split, a little under the measured figures (README,
# "How good is it?", gives the blind ones). A rule change that drops below one fails.
# (labels of rubric version 2, 2026-12-05: two readers and a third on every disagreement)
F1_FLOORS = {
    "missing-acknowledgement": 0.74,
    "missing-apology": 0.92,
    "non-apology": 0.95,
    "missing-next-steps": 0.77,
    "missing-follow-up": 0.76,
}
# (2026-12-06: `fine_below`, the probability under which a customer needs nothing, is now
# chosen with the detector refitted per fold of tune companies: 0.65. Read in-sample these
# figures flatter the detector, whose L2 strength the folds chose weaker than before, C=1;
# benchmarks/cv_tune.py gives the honest ones, acknowledgement 0.73, apology 0.88, next steps 0.73, follow-up 0.72.)
# The customer verdict the rules gate on (the reply read where the customer's words leave
# it open) against the `problem` label on tune: 0.913 measured, 0.910 for the customer's
# messages alone (a message under `fine_below` counts as no problem). Read with the
# detector fitted on tune; refitted without each reply's company (benchmarks/cv_tune.py)
# 0.852.
DETECTOR_AGREEMENT_FLOOR = 0.90
DEFENSIVE_PRECISION_FLOOR = 0.85
DEFENSIVE_RECALL_FLOOR = 0.71  # 21 of 28 measured (2026-12-06): one reply of slack
CANNED_F1_FLOORS = {"missing-acknowledgement": 0.80, "missing-apology": 0.81, "non-apology": 0.9,
                    "missing-follow-up": 0.78, "defensive": 0.80}
# Findings at warning level are the ones a reader must agree with (issue 28).
WARNING_PRECISION_FLOOR = 0.90


@pytest.fixture(scope="module")
def parts():
    return split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))


@pytest.fixture(scope="module")
def by_id(parts):
    return {r["id"]: r for r in parts["tune"] + parts["canned"]}


@pytest.mark.parametrize("record_id", REGRESSION_IDS)
def test_real_reply_agrees_with_its_labels(linter, by_id, record_id):
    record = by_id[record_id]
    context = Context.for_reply(record.get("customer"), record.get("kind") or "live", record.get("channel"),
                                record["reply"], earlier_customer(record), record.get("title"))
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


def test_regression_cases_are_never_blind(parts):
    blind = {r["id"] for r in parts["blind"]}
    assert REGRESSION_IDS and not blind & set(REGRESSION_IDS)


def test_the_blind_split_is_whole_companies_and_a_quarter(parts):
    tune_companies = {r.get("company") for r in parts["tune"]}
    blind_companies = {r.get("company") for r in parts["blind"]}
    assert not tune_companies & blind_companies
    share = len(parts["blind"]) / (len(parts["blind"]) + len(parts["tune"]))
    assert 0.2 <= share <= 0.3


def test_quality_floors_on_the_canned_macros(parts):
    tallies, _ = evaluate(parts["canned"])
    for family, floor in CANNED_F1_FLOORS.items():
        assert tallies[family].scores()[2] >= floor, family


def test_quality_floors_on_the_tune_split(parts):
    tallies, _ = evaluate(parts["tune"])
    for family, floor in F1_FLOORS.items():
        _, _, f1, _ = tallies[family].scores()
        assert f1 >= floor, f"{family}: F1 {f1:.2f} fell below {floor}"
    precision, recall, _, _ = tallies["defensive"].scores()
    assert precision >= DEFENSIVE_PRECISION_FLOOR
    assert recall >= DEFENSIVE_RECALL_FLOOR


def test_the_verdict_the_rules_gate_on_agrees_with_the_readers(parts):
    from empathy_lint.run.evaluation import detector_agreement

    alone, with_reply, always, n = detector_agreement(parts["tune"])
    assert with_reply / n >= DETECTOR_AGREEMENT_FLOOR
    assert with_reply > alone and alone > always  # the reply adds, and both beat "always a problem"


def test_warnings_on_the_tune_split_are_findings_a_reader_agrees_with(parts):
    """Every family's findings at warning level or above are right at least 90% of the
    time on tune; what the rules are unsure of is info. Missing apology warns, and finds
    most of what it should at that level."""
    tallies, _ = evaluate(parts["tune"], warnings_only=True)
    for family, tally in tallies.items():
        if tally.tp + tally.fp:
            assert tally.scores()[0] >= WARNING_PRECISION_FLOOR, family
    assert tallies["missing-apology"].scores()[1] >= 0.6


def test_what_fails_a_run_wrongly_on_tune_is_the_customer_read_as_in_trouble(parts):
    """Replies that need nothing but get a warning (about 7% of such tune replies) get
    it from missing apology alone, on customers the labels say have no problem: the
    reply-side rules never fail a run wrongly on tune; reading the customer does."""
    _, false_alarm = evaluate(parts["tune"], warnings_only=True)
    assert 0 < false_alarm.fp <= 0.09 * (false_alarm.fp + false_alarm.tn)
    assert set(false_alarm.causes) == {("EMP201", False)}
    assert sum(false_alarm.causes.values()) == false_alarm.fp


def test_read_as_the_labels_read_the_customer_the_rules_come_near_the_readers(parts):
    """Where the gap to the readers is: with the labels' own `problem` in place of the
    detector's verdict, missing apology, next steps and follow-up all rise (apology to
    near perfect), and no reply that needs nothing is warned. The reply-side rules are
    not what holds those three flags back; reading the customer is."""
    gated, false_alarm = evaluate(parts["tune"], labels_gate=True)
    real, _ = evaluate(parts["tune"])
    assert gated["missing-apology"].scores()[2] >= 0.95
    for family in ("missing-apology", "missing-next-steps", "missing-follow-up"):
        assert gated[family].scores()[2] > real[family].scores()[2], family
    assert false_alarm.fp == 0


def test_where_the_two_readers_agreed_the_rules_err_less(parts):
    """A record whose `disputed` names a label a family reads was decided by a third
    reader: errors crowd there. On tune, where both readers agreed on every label a
    family reads, next steps and follow-up score higher than on all of tune, and the
    share of errors on disputed labels is well above (1.4 times) the share of disputed
    records (measured 2026-12-06: next steps 0.45 of errors against 0.19 of records,
    follow-up 0.42 against 0.29)."""
    tune = parts["tune"]
    ack = next(r for r in tune if "acknowledgement" in (r.get("disputed") or []))
    assert not readers_agreed(ack, "missing-acknowledgement") and readers_agreed(ack, "non-apology")
    real, _ = evaluate(tune)
    for family in ("missing-next-steps", "missing-follow-up"):
        agreed = [r for r in tune if readers_agreed(r, family)]
        assert evaluate(agreed)[0][family].scores()[2] > real[family].scores()[2], family
        errors = real[family].misses
        on_disputed = sum(1 for _, rid, _ in errors if not readers_agreed(next(r for r in tune if r["id"] == rid), family))
        assert on_disputed / len(errors) > 1.4 * (1 - len(agreed) / len(tune)), family


def test_a_phrase_rule_keeps_its_severity_until_tune_shows_it_misfires(linter):
    """A forbid rule is silenced to info only when tune shows it below the target
    precision: 2 right of 2 is no such evidence (it used to be, as 2 of 2 smoothed to 0.75),
    6 right of 13 would be."""
    from empathy_lint.rulebook import load_context

    fit = benchmark_module("fit_confidence")
    assert not fit.shown_below_target(0, 0) and not fit.shown_below_target(2, 2)
    assert not fit.shown_below_target(5, 4)
    assert fit.shown_below_target(13, 6) and fit.shown_below_target(9, 5)
    phrase_rules = {code: figures for code, figures in load_context("confidence.yaml")["rules"].items()
                    if "confidence" in figures}
    assert phrase_rules
    for code, figures in phrase_rules.items():  # the stored file follows the script's test
        weak = fit.shown_below_target(figures["tune"]["findings"], figures["tune"]["right"])
        assert (figures["warn_at"] > 1) is weak, code
    reply = "You should have used the reset link we sent. There's nothing we can do now."
    severity = {f.code: f.severity for f in linter.lint(reply)}
    assert severity["EMP304"] == "error"   # blame: 5 of 5 right on tune, keeps its severity
    assert severity["EMP306"] == "error"   # "nothing we can do": 8 of 10 right on tune, not shown weak


def test_warn_at_is_the_lowest_confidence_whose_findings_above_are_shown_right_enough():
    """fit_confidence.warn_level: the lowest cross-validated confidence with at least 92% of
    the findings at or above it right, and enough of them that tune shows 90% (the lower
    bound); the finding it is taken from warns too (it was rounded to nearest, which put
    0.7036 under its own warn_at of 0.704)."""
    import numpy as np

    fit = benchmark_module("fit_confidence")
    confidence = np.array([0.7036] + [0.8] * 20 + [0.95] * 40)
    right = np.array([1] + [1] * 20 + [1] * 40)
    assert fit.warn_level(confidence, right) == (0.703, 1.0, 61)
    # the 20 at 0.8 are half wrong: only the sure ones may warn
    right = np.array([0] + [1, 0] * 10 + [1] * 40)
    assert fit.warn_level(confidence, right)[0] == 0.95
    # 16 right of 17 (0.94) shows nothing: a rule right 80% of the time does that often
    assert fit.warn_level(np.array([0.9] * 17 + [0.5] * 30), np.array([1] * 16 + [0] + [0] * 30))[0] > 1
    assert fit.precision_lower_bound(16, 17) < 0.8 < fit.precision_lower_bound(600, 645)
    # too few findings, all right, still show nothing
    assert fit.warn_level(np.array([0.9] * 5 + [0.5] * 30), np.array([1] * 5 + [0] * 30))[0] > 1


def test_blind_f1_interval_is_drawn_over_whole_companies():
    """f1_interval resamples support teams, not replies: one team's errors move F1 as a
    block, so a few teams give a wide interval, many alike teams a narrow one; seeded."""
    from empathy_lint.run.evaluation import f1_interval

    perfect = [(f"c{i}", "tp") for i in range(20)] + [(f"c{i}", "tn") for i in range(20)]
    assert f1_interval(perfect) == (1.0, 1.0)
    # one good and one bad team, ten replies each: F1 anywhere from 0 to 1 on a redraw
    two_teams = [("good", "tp")] * 10 + [("bad", "fn")] * 10
    assert f1_interval(two_teams) == (0.0, 1.0)
    # forty teams, each with the same mix: F1 hardly moves
    many = [(f"c{i}", o) for i in range(40) for o in ("tp", "tp", "tp", "fn")]
    low, high = f1_interval(many)
    assert low == high == pytest.approx(2 * 0.75 / 1.75)
    mixed = [(f"c{i}", "tp" if i % 3 else "fp") for i in range(30)]
    assert f1_interval(mixed) == f1_interval(mixed) and f1_interval(mixed)[0] < f1_interval(mixed)[1]


def test_the_per_pattern_report_judges_except_patterns_too():
    """benchmarks/rule_report.py: every `except` pattern of a rule is listed with the tune
    replies whose verdict it decides, so one that cancels rightful matches shows."""
    import subprocess
    import sys
    from pathlib import Path

    from empathy_lint.engine.linter import Linter

    root = Path(__file__).resolve().parent.parent
    report = subprocess.run([sys.executable, str(root / "benchmarks" / "rule_report.py"), "EMP401"],
                            capture_output=True, text=True, check=True).stdout
    rule = next(r for r in Linter().rules if r.id == "EMP401")
    rows = report.split("decides  prec  except\n", 1)[1].splitlines()
    excepts = [row for row in rows if row[:9].strip().isdigit()]
    assert len(excepts) == len(rule.excepts)
    decided = [int(row.split()[0]) for row in excepts]
    assert sum(decided) > 0


def test_a_finding_confidence_orders_right_above_wrong_by_the_chance_a_pair_is_in_order():
    """Tally.ranking is the ROC AUC: the chance that a right finding's confidence is above a
    wrong one's, a tie counted half; None without both kinds."""
    from empathy_lint.run.evaluation import Tally

    tally = Tally(rated=[(0.9, True), (0.8, True), (0.7, False), (0.8, False)])
    assert tally.ranking() == pytest.approx(3.5 / 4)
    assert Tally(rated=[(0.9, True)]).ranking() is None


def test_the_reply_words_tell_a_pasted_reply_from_one_that_names_the_case(linter, parts):
    """Rubric v2: a reply that could be pasted under any message does not acknowledge the
    customer. The acknowledgement model weighs the reply's words (fitted on tune over
    words seen in at least three teams' findings), so a missing acknowledgement on "DM us
    your details so we can help" is surer than on a reply that names the voucher, the
    shops and the card. On tune, the confidence orders right findings above wrong ones far
    better than the facts alone do (AUC 0.88 in-sample, 0.68 with the facts alone; blind
    0.76 against 0.62)."""
    customer = "I was charged twice for my order and nobody will help me"
    pasted = "Sorry to hear that! Please send us a DM with your details so we can help you further."
    specific = "The voucher can't be used at outlet shops, but the money went back to your card on Monday."
    found = {}
    for reply in (pasted, specific):
        found[reply] = next(f for f in linter.lint(reply, Context.for_reply(customer, reply=reply)) if f.code == "EMP101")
    assert found[pasted].confidence > found[specific].confidence + 0.2
    tallies, _ = evaluate(parts["tune"])
    assert tallies["missing-acknowledgement"].ranking() >= 0.85


def test_reply_words_earn_their_place_in_a_confidence_model():
    """fit_confidence keeps the reply's words only when they lower the cross-validated
    log-loss by more than one standard error of that gain: a word that decides the labels
    is kept, words that are noise are not (the stored model: acknowledgement weighs words,
    apology not)."""
    import random

    from empathy_lint.rulebook import load_context

    fit = benchmark_module("fit_confidence")
    draw = random.Random(7)
    rows, noise = [], []
    for index in range(300):
        company = f"team{index % 10}"
        words = {f"word:{w}": 1.0 for w in ("the", "help", "store", "dm") if draw.random() < 0.5}
        values = {"words": draw.random(), **words}
        rows.append((values, ("word:dm" in values) == (draw.random() < 0.9), company))
        noise.append((values, draw.random() < 0.7, company))
    assert any(name.startswith("word:") for name in fit.fit_require("X", rows)["weights"])
    assert not any(name.startswith("word:") for name in fit.fit_require("Y", noise)["weights"])
    stored = load_context("confidence.yaml")["rules"]
    assert any(name.startswith("word:") for name in stored["EMP101"]["weights"])
    assert not any(name.startswith("word:") for name in stored["EMP201"]["weights"])


def test_the_gain_of_the_words_is_judged_by_its_own_spread_over_companies():
    """Two models scored on the same findings: the error that counts is that of their
    difference, companies being the units (the folds hold out whole companies). A gain
    every company shares is sure however much the losses themselves vary; one company's
    windfall is not; one company alone tells nothing."""
    import numpy as np

    fit = benchmark_module("fit_confidence")
    teams = [f"team{i % 6}" for i in range(60)]
    steady = np.full(60, 0.02)
    assert fit.gain_standard_error(steady, teams) < 1e-9
    windfall = np.array([0.3 if team == "team0" else 0.0 for team in teams])
    # (six equal companies, one with all the gain: the error equals the gain, so "more
    # than one standard error" is not met)
    assert abs(fit.gain_standard_error(windfall, teams) - windfall.mean()) < 1e-12
    assert fit.gain_standard_error(steady, ["solo"] * 60) == float("inf")
    # By hand: companies of 2 and 1 findings with gains summing to 0.4 and 0.0.
    mean = 0.4 / 3
    by_hand = np.sqrt(2 / 1 * ((0.4 - 2 * mean) ** 2 + (0.0 - mean) ** 2)) / 3
    assert abs(fit.gain_standard_error(np.array([0.1, 0.3, 0.0]), ["a", "a", "b"]) - by_hand) < 1e-12


def test_folds_scored_one_by_one_add_up_to_the_whole(parts):
    """Cross-validation (benchmarks/cv_tune.py, fit_customer's fine_below) scores each fold
    of tune companies on its own and merges the tallies: the sum must be the tally of the
    replies read together."""
    records = parts["tune"][:120]
    whole, whole_alarms = evaluate(records)
    merged = {family: type(tally)() for family, tally in whole.items()}
    alarms = type(whole_alarms)()
    for fold in (records[:50], records[50:]):
        found, false_alarm = evaluate(fold)
        for family, tally in found.items():
            merged[family].merge(tally)
        alarms.merge(false_alarm)
    for family, tally in whole.items():
        assert (merged[family].tp, merged[family].fp, merged[family].fn, merged[family].tn) == \
            (tally.tp, tally.fp, tally.fn, tally.tn), family
        assert merged[family].scores() == tally.scores()
    assert (alarms.fp, alarms.tn) == (whole_alarms.fp, whole_alarms.tn)
    assert sum(t.tp + t.fp + t.fn + t.tn for t in merged.values()) > 0


def test_the_per_pattern_report_reads_japanese_replies_as_the_linter_does(linter):
    """rule_report.count: a Japanese or Chinese reply is read a character a token, as the
    linter reads it and as its phrases are compiled. Read through the English tokenizer,
    every Japanese apology pattern showed no hit on tune (one run of characters is one
    token), and the report called patterns dead that the linter uses."""
    report = benchmark_module("rule_report")
    records = [{"reply": "ご迷惑をおかけしております。アプリをご利用でしょうか。"},
               {"reply": "アプリをご利用でしょうか。"},
               {"reply": "Sorry about the delay, your parcel ships today."}]
    apology = [rule for rule in linter.rules if rule.id == "EMP201"]
    hits, _, _ = report.count(records, ["ja", "ja", "en"], linter, apology)
    japanese = apology[0].languages["ja"].patterns
    assert hits[f"EMP201@ja#{japanese.index('ご迷惑')}"] == [0]
    assert not any(hits[f"EMP201@ja#{i}"] for i in range(len(japanese)) if i != japanese.index("ご迷惑"))
    assert any(numbers == [2] for key, numbers in hits.items() if key.startswith("EMP201@en#"))


def test_the_label_listing_never_shows_a_blind_phrase(parts):
    """benchmarks/tune_labels.py lists what the readers marked on tune and the canned
    macros; blind's phrases are counted, never printed (a listing of train and dev whole
    once showed them, and two patterns written after it had to be taken out)."""
    listing = benchmark_module("tune_labels")
    records = parts["tune"] + parts["blind"] + parts["canned"]
    phrases, hidden = listing.tune_phrases(records, "defensive")
    blind = {p.lower() for r in parts["blind"] for p in r["labels"].get("defensive") or []}
    tune = {p.lower() for r in parts["tune"] + parts["canned"] for p in r["labels"].get("defensive") or []}
    assert hidden == sum(len(r["labels"].get("defensive") or []) for r in parts["blind"]) > 0
    assert set(phrases) == tune and not (set(phrases) & (blind - tune))
