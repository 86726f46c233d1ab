"""Placeholders are masked: never flagged, never breaking a phrase, offsets intact."""
from __future__ import annotations

import pytest

from empathy_lint import lint_text
from empathy_lint.config import Config
from empathy_lint.errors import ConfigError
from empathy_lint.read.placeholders import find_placeholders


@pytest.mark.parametrize("placeholder", [
    "{{ticket.requester.first_name}}", '{{first_name|fallback:"there"}}', "{%customer.firstName%}",
    "[Customer Name]", "<first_name>", "{customer_name}", "%FIRST_NAME%",
])
def test_each_style_is_found(placeholder):
    text = f"Hi {placeholder}, thanks"
    (mask,) = find_placeholders(text)
    assert text[mask[0]:mask[1]] == placeholder


def test_placeholder_does_not_break_the_apology():
    codes = {f.code for f in lint_text("Hi {{name}}, I'm sorry {{ticket.requester.first_name}} your order is late.")}
    assert "EMP201" not in codes


def test_liquid_conditionals_keep_their_content():
    codes = {f.code for f in lint_text("{% if delayed %}I'm so sorry for the delay.{% endif %} Your order ships today.")}
    assert "EMP201" not in codes


def test_markdown_links_and_lowercase_brackets_are_not_placeholders():
    assert find_placeholders("see [the docs](https://x.y) or [our policy]") == []


def test_placeholder_styles_can_be_limited_and_are_validated():
    config = Config(placeholders=["double-brace"], select=["EMP201"])
    assert lint_text("[Customer Name] I'm sorry.", config) == []
    with pytest.raises(ConfigError, match="unknown style 'mustache'"):
        lint_text("Hi", Config(placeholders=["mustache"]))
