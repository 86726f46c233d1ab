"""Every rule's own examples are tests: flag examples must be flagged, pass examples not."""
from __future__ import annotations

import re

import pytest

from empathy_lint.engine import repeated
from empathy_lint.engine.linter import Context
from empathy_lint.rulebook import load_rules

RULES = load_rules()


def _cases(kind: str):
    for rule in RULES:
        examples = rule.examples_flag if kind == "flag" else rule.examples_pass
        for i, example in enumerate(examples):
            yield pytest.param(rule, example, id=f"{rule.id}-{kind}-{i}")


def _item(example):
    if isinstance(example, dict):
        context = Context.for_reply(example.get("customer"), example.get("kind", "live"), example.get("channel"))
        return example["reply"], context
    return example, None


def _as_file(text):
    """Findings for a Markdown file holding `text`, as `check` makes them (a `directive`
    rule judges a file's suppression comments, which only a whole file has)."""
    from empathy_lint.config import Config
    from empathy_lint.read.sources import load_document
    from empathy_lint.run.runner import Job, Runner

    return Runner().run([Job(load_document("example.md", text, Config().readers), Config())]).reports[0].findings


def _lint(linter, rule, example, run):
    """Findings for `example`; a `repeated` rule's examples are judged as one run together."""
    if rule.kind == "directive":
        return _as_file(example)
    if rule.kind != "repeated":
        return linter.lint(*_item(example))
    texts = [_item(e)[0] for e in run]
    results = list(linter.lint_many([_item(e) for e in run], openings=True))
    candidates = [(f, text) for text, findings in zip(texts, results) for f in findings if f.kind == "repeated"]
    kept = repeated.confirm(candidates, {r.id: r for r in RULES})
    findings = results[run.index(example)]
    return [f for f in findings if f.kind != "repeated" or id(f) in kept]


@pytest.mark.parametrize("rule,example", list(_cases("flag")))
def test_flag_example_is_flagged(linter, rule, example):
    codes = [f.code for f in _lint(linter, rule, example, list(rule.examples_flag))]
    assert rule.id in codes, f"{rule.id} should flag: {example!r}"


@pytest.mark.parametrize("rule,example", list(_cases("pass")))
def test_pass_example_is_not_flagged(linter, rule, example):
    codes = [f.code for f in _lint(linter, rule, example, list(rule.examples_pass))]
    assert rule.id not in codes, f"{rule.id} should not flag: {example!r}"


def test_every_rule_has_flag_and_pass_examples():
    missing = [r.id for r in RULES if not r.examples_flag or not r.examples_pass]
    assert not missing, f"rules without both flag and pass examples: {missing}"


def test_every_rule_has_why_and_suggestions():
    for rule in RULES:
        assert len(rule.why.split()) >= 15, f"{rule.id}: `why` should explain, not label"
        assert rule.suggest, rule.id


def test_codes_follow_the_family_numbering():
    hundreds = {"language": "0", "suppression": "0", "acknowledgement": "1", "apology": "2", "defensive": "3", "next-steps": "4",
                "follow-up": "5", "positive-language": "6", "personal-touch": "7"}
    for rule in RULES:
        assert rule.id.startswith("EMP" + hundreds[rule.family]), rule.id


def test_the_five_mission_families_are_present():
    families = {r.family for r in RULES}
    assert {"acknowledgement", "apology", "defensive", "next-steps", "follow-up", "positive-language"} <= families


_QUOTED = re.compile(r'["\u201c]([^"\u201d]{3,80})["\u201d]')


def _words(text: str) -> str:
    return re.sub(r"[^a-z' ]", "", text.lower()).strip()


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind == "forbid"], ids=lambda r: r.id)
def test_every_phrase_a_why_quotes_is_flagged_or_is_the_alternative(rule):
    """A `why` that names a phrase the rule does not flag teaches the wrong thing
    ("no worries" in EMP603's why, while only "no problem" was flagged)."""
    from empathy_lint.config import Config
    from empathy_lint.engine.linter import Linter

    linter = Linter(Config(select=[rule.id]))
    alternatives = [_words(s) for s in rule.suggest] + [_words(v) for v in rule.replace.values()] + [
        _words(e if isinstance(e, str) else e["reply"]) for e in rule.examples_pass]
    for phrase in _QUOTED.findall(rule.why):
        flagged = any(f.code == rule.id for f in linter.lint(phrase, Context(kind="live")))
        assert flagged or any(_words(phrase) in a for a in alternatives), phrase
