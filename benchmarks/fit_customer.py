#!/usr/bin/env python3
"""Fit the customer detector's cue-group weights, bias and threshold on the tune split.

Usage:
    python benchmarks/fit_customer.py            # fit and print; nothing written
    python benchmarks/fit_customer.py --write    # also store the numbers in customer.yaml

Logistic regression (L2, Newton's method, numpy only) on one binary feature per cue
group of rules/context/customer.yaml, against the `problem` label of the customer
messages in the TUNE split (tests/data train + dev, by company; the blind split is
never read here). The L2 strength and the decision threshold are chosen by
cross-validation over whole companies inside tune, so a weight that only fits one
team's messages does not survive. Then `fine_below`, the score under which a message
shows there is nothing to fix, is chosen for the mean F1 of the rules it switches off
(acknowledgement, next steps, follow-up) on tune. `--write` edits the numbers in place and keeps the
file's comments and layout.
"""
from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from empathy_lint.customer import CustomerDetector, lexicon_path  # noqa: E402
from empathy_lint.evaluation import load_records, split  # noqa: E402
from empathy_lint.pipeline import get_nlp  # noqa: E402
from empathy_lint.rulebook import load_context  # noqa: E402

DATA = ROOT / "tests" / "data"
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> np.ndarray:
    """Weights (last one the bias) minimising log-loss + l2/2 * |w|^2 (bias unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        gradient = xb.T @ (p - y) + penalty * w
        hessian = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(threshold on the score, accuracy) maximising agreement with the labels."""
    best = (0.0, float(((scores >= 0.0) == y).mean()))
    for t in np.unique(np.round(scores, 3)):
        accuracy = float(((scores >= t) == y).mean())
        if accuracy > best[1] + 1e-9:
            best = (float(t), accuracy)
    return best


def company_folds(companies: list[str], folds: int) -> np.ndarray:
    """Fold number per message: whole companies per fold, largest first, balanced."""
    sizes: dict[str, int] = {}
    for c in companies:
        sizes[c] = sizes.get(c, 0) + 1
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for company in sorted(sizes, key=lambda c: (-sizes[c], c)):
        fold = load.index(min(load))
        fold_of[company] = fold
        load[fold] += sizes[company]
    return np.array([fold_of[c] for c in companies])


def cross_validated_scores(x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    scores = np.zeros(len(y))
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        w = fit_logistic(x[train], y[train], l2)
        scores[test] = x[test] @ w[:-1] + w[-1]
    return scores


# The families a "fine" verdict switches off: acknowledgement, next steps, follow-up.
GATED = ("missing-acknowledgement", "missing-apology", "missing-next-steps", "missing-follow-up")


def fit_fine_below(records: list[dict], weights: np.ndarray, bias: float, threshold: float,
                   labels: list[str]) -> tuple[float, float]:
    """(fine_below, mean F1 of the gated families on tune): the score under which a message
    counts as fine (and so no problem either), chosen for the verdicts it gates rather
    than for agreement alone."""
    from empathy_lint import customer
    from empathy_lint.config import Config
    from empathy_lint.engine import Linter
    from empathy_lint.evaluation import evaluate

    detector = customer.default_detector()
    detector.weights.update(zip(labels, (float(w) for w in weights)))
    detector.bias, detector.threshold = bias, threshold
    linter = Linter(Config())
    best = (threshold, -1.0)
    for candidate in np.arange(threshold - 1.5, threshold + 1.51, 0.25):
        detector.fine_below = float(candidate)
        tallies, _ = evaluate(records, linter=linter)
        score = float(np.mean([tallies[f].scores()[2] for f in GATED]))
        print(f"  fine_below {candidate:+.2f}: mean F1 of {', '.join(GATED)} = {score:.3f}")
        if score > best[1] + 1e-9:
            best = (float(candidate), score)
    return best


def write_numbers(path: Path, labels: list[str], weights: np.ndarray, bias: float, threshold: float,
                  fit: dict, fine_below: float) -> None:
    """Rewrite the numbers in place: each group's `weight:` line, `bias`, `threshold`, `fit`."""
    text = path.read_text(encoding="utf-8")
    for label, weight in zip(labels, weights):
        pattern = re.compile(rf"(- label: {re.escape(label)}\n\s+weight: )[-0-9.]+")
        text, count = pattern.subn(rf"\g<1>{weight:.2f}", text)
        if count != 1:
            sys.exit(f"{path}: cannot find the weight line of group {label!r}")
    text = re.sub(r"(?m)^bias: [-0-9.]+", f"bias: {bias:.2f}", text)
    text = re.sub(r"(?m)^threshold: [-0-9.]+", f"threshold: {threshold:.2f}", text)
    text = re.sub(r"(?m)^fine_below: [-0-9.]+", f"fine_below: {fine_below:.2f}", text)
    block = "fit:\n" + "".join(f"  {k}: {v}\n" for k, v in fit.items())
    text = re.sub(r"(?m)^fit:\n(?:  .*\n)+", block, text)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--write", action="store_true", help="store the fitted numbers in customer.yaml")
    args = parser.parse_args()

    tune = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))["tune"]
    tune = [r for r in tune if r.get("customer") and r["labels"].get("problem") is not None]
    detector = CustomerDetector(get_nlp(), load_context("customer.yaml"), str(lexicon_path()))
    labels = detector.labels
    signals = detector.detect_many([r["customer"] for r in tune])
    x = np.array([[1.0 if label in s.groups else 0.0 for label in labels] for s in signals])
    y = np.array([1.0 if r["labels"]["problem"] else 0.0 for r in tune])
    folds = company_folds([r.get("company") or "?" for r in tune], FOLDS)

    results = []
    for l2 in L2_GRID:
        scores = cross_validated_scores(x, y, folds, l2)
        threshold, accuracy = best_threshold(scores, y)
        results.append((accuracy, -l2, l2, threshold))
        print(f"l2={l2:5}: cross-validated accuracy {accuracy:.3f} at threshold {threshold:+.2f}")
    cv_accuracy, _, l2, threshold = max(results)
    w = fit_logistic(x, y, l2)
    weights, bias = w[:-1], float(w[-1])
    train_accuracy = float((((x @ weights + bias) >= threshold) == y).mean())
    always = float(y.mean())
    print(f"\nchosen l2={l2}; threshold {threshold:+.2f}; bias {bias:+.2f}")
    print(f"tune accuracy {train_accuracy:.3f} (cross-validated by company {cv_accuracy:.3f}); "
          f"'always a problem' {always:.3f}; {len(y)} messages")
    for label, weight, share in sorted(zip(labels, weights, x.mean(axis=0)), key=lambda t: -t[1]):
        print(f"  {label:16} {weight:+6.2f}   (in {share:5.1%} of messages)")
    print("\nfine_below (score under which no acknowledgement, next step or follow-up is asked):")
    all_tune = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))["tune"]
    fine_below, gated_f1 = fit_fine_below(all_tune, weights, bias, threshold, labels)
    print(f"chosen fine_below {fine_below:+.2f} (mean F1 {gated_f1:.3f})")
    if args.write:
        companies = len({r.get("company") for r in tune})
        fit = {
            "date": f'"{datetime.date.today().isoformat()}"',
            "script": "benchmarks/fit_customer.py",
            "data": f"tune split ({len(y)} labelled customer messages, {companies} companies)",
            "l2": l2,
            "accuracy_tune": round(train_accuracy, 3),
            "accuracy_cross_validated": round(cv_accuracy, 3),
            "always_problem_tune": round(always, 3),
            "gated_mean_f1_tune": round(gated_f1, 3),
        }
        write_numbers(lexicon_path(), labels, weights, bias, threshold, fit, fine_below)
        print(f"\nwrote {lexicon_path()}")


if __name__ == "__main__":
    main()
