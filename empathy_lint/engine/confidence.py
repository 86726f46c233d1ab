"""How sure a finding is: a fitted chance that a reader agrees with it.

A linter earns trust by being right when it warns. Each finding of a rule the model
has figures for gets a confidence (0..1) from rules/context/confidence.yaml, fitted on
the tune split by benchmarks/fit_confidence.py:

- a `require` rule (a missing acknowledgement, apology, next step, follow-up) by a
  logistic model over what the finding rests on: the customer detector's probability
  and whether its verdict is sure, the kind and channel, how long the reply is, whether
  it asks a question, how many of the customer's own words it repeats, which of the
  other families it already has, and, where they earned their place in the fit, the
  reply's own words (a reply pasted under any message against one naming the case);
- a `forbid` rule by its precision on tune (smoothed toward one half for rules that
  rarely fire).

A finding under its rule's `warn_at` is reported at `info`: shown, never failing a run
at the default `--fail-on`. The rest keep their rule's severity. A require rule warns
only from the confidence at which tune's findings are right often enough; a forbid rule
names a phrase and keeps its severity until tune shows it misfires (its `warn_at` is 0,
or above 1 once shown weak).
"""
from __future__ import annotations

import functools
import math
from typing import Any

# The families whose presence in the reply is evidence for the others' findings.
PRESENCE = {"EMP101": "has-acknowledgement", "EMP201": "has-apology",
            "EMP401": "has-next-steps", "EMP501": "has-follow-up"}
ECHO_CAP = 3
CONTENT_CAP = 10
WORDS_SCALE = 40.0


# What a reply's require-findings rest on, worked out once per reply: named feature values.
Facts = dict[str, float]


def logistic(score: float) -> float:
    """The logistic function, without overflow at either end."""
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    z = math.exp(score)
    return z / (1.0 + z)


# A word of the reply as a fact: "word:the", "word:store". Their fitted weights tell a reply
# that names this customer's case ("the store", "your refund") from one that could be
# pasted under any message ("DM us your details so we can help"). Only a rule whose
# model weighs words has them looked up (the reply's lemmas are read for it alone).
WORD = "word:"


def reply_facts(context: Any, words: int, question: bool, echo: int, present: set[str],
                content: int = 0) -> Facts:
    """The named feature values of a reply in its context (zeros left out)."""
    values: dict[str, float] = {}
    probability = getattr(context, "probability", None)
    if probability is not None:
        values["customer-read"] = 1.0
        values["problem-probability"] = probability
        if context.sure:
            values["verdict-sure"] = 1.0
        if context.by_reply:  # decided with the agent's reply: not the customer's words alone
            values["verdict-by-reply"] = 1.0
    if context.kind == "canned":
        values["canned"] = 1.0
        if context.problem is True:
            values["canned-trouble"] = 1.0
    if context.channel == "social":
        values["social"] = 1.0
    values["words"] = min(words, 2 * WORDS_SCALE) / WORDS_SCALE
    if question:
        values["question"] = 1.0
    if echo:
        values["echo"] = min(echo, ECHO_CAP) / ECHO_CAP
    if content:  # words that name something (a product, an order, a place): a specific reply
        values["content"] = min(content, CONTENT_CAP) / CONTENT_CAP
    for code in present:
        name = PRESENCE.get(code)
        if name:
            values[name] = 1.0
    return values


class ConfidenceModel:
    """Per-rule figures: a logistic model (require rules) or a constant (forbid rules),
    and the confidence under which a finding is only `info`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.rules: dict[str, dict[str, Any]] = {str(k): v for k, v in (data.get("rules") or {}).items()}
        # Per rule, its word weights by lemma ("word:store" -> "store"), kept apart so a
        # finding is scored by a lookup per word of the reply.
        self.word_weights: dict[str, dict[str, float]] = {
            code: {name[len(WORD):]: float(w) for name, w in figures["weights"].items() if name.startswith(WORD)}
            for code, figures in self.rules.items() if "weights" in figures}

    def knows(self, code: str) -> bool:
        return code in self.rules

    def needs_facts(self, code: str) -> bool:
        return "weights" in self.rules.get(code, {})

    def never_warns(self, code: str) -> bool:
        """Is the rule's `warn_at` beyond any confidence (its findings are all info)?"""
        return float(self.rules.get(code, {}).get("warn_at", 0.0)) > 1.0

    def needs_words(self, code: str) -> bool:
        """Does this rule's model weigh the reply's words?"""
        return bool(self.word_weights.get(code))

    def rate(self, code: str, facts: Facts | None,
             words: frozenset[str] = frozenset()) -> tuple[float, bool] | None:
        """(confidence, sure enough to warn) for a finding of rule `code`, or None.
        `words`: the reply's lemmas, for a rule that weighs them."""
        figures = self.rules.get(code)
        if figures is None:
            return None
        if "weights" in figures:
            weights = figures["weights"]
            # math.fsum: exact, so the order a set of words comes in cannot move a
            # confidence across a rounding edge from one run to the next.
            terms = [float(figures.get("bias", 0.0))]
            terms += [float(weights[name]) * value for name, value in (facts or {}).items() if name in weights]
            by_word = self.word_weights.get(code)
            if by_word and words:
                terms += [by_word[word] for word in words if word in by_word]
            score = math.fsum(terms)
            confidence = logistic(score)
        else:
            confidence = float(figures.get("confidence", 1.0))
        return round(confidence, 2), confidence >= float(figures.get("warn_at", 0.0))


def reported_severity(rule: Any, model: ConfidenceModel | None = None) -> str:
    """The severity a rule's findings are reported at once the fitted confidence has its
    say: `info` for a rule that never earns a warning on labelled replies, "<severity>
    when sure" for one that warns from a fitted confidence (info under it); a severity
    the user's config chose is kept as set."""
    model = model or default_model()
    figures = model.rules.get(rule.id)
    if not figures or getattr(rule, "severity_chosen", False):
        return rule.severity
    if model.never_warns(rule.id):
        return "info"
    return f"{rule.severity} when sure" if model.needs_facts(rule.id) else rule.severity


@functools.lru_cache(maxsize=1)
def default_model() -> ConfidenceModel:
    from empathy_lint.rulebook import context_path, load_context

    return ConfidenceModel(load_context("confidence.yaml") or {} if context_path("confidence.yaml").exists() else {})
