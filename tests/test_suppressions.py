"""Inline suppressions in each comment style, and the front-matter disable list."""
from __future__ import annotations

import json

from conftest import run_cli_fast as run_cli


def codes(tmp_path, name, text, *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("--format", "json", "--select", "defensive", *args, str(path))
    return sorted(f["code"] for f in json.loads(result.stdout)["files"][0]["findings"])


def test_html_comment_disables_for_the_whole_file(tmp_path):
    text = "<!-- empathy-lint: disable EMP301 -->\nAs I said, there's nothing we can do.\n"
    assert codes(tmp_path, "a.md", text) == ["EMP306"]


def test_disable_next_line_only_covers_the_next_line(tmp_path):
    text = ("<!-- empathy-lint: disable-next-line as-i-said -->\nAs I said, fine.\n\n"
            "As I said, not fine.\n")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP301", str(path)).stdout)
    assert [f["line"] for f in data["files"][0]["findings"]] == [4]


def test_liquid_comment_and_its_words_are_not_linted(tmp_path):
    text = "{% comment %} empathy-lint: disable EMP306 {% endcomment %}There's nothing we can do, as I said."
    assert codes(tmp_path, "a.txt", text) == ["EMP301"]


def test_yaml_comment_with_no_codes_disables_everything(tmp_path):
    text = "# empathy-lint: disable\n- title: x\n  body: As I said, calm down.\n"
    assert codes(tmp_path, "m.yaml", text) == []


def test_front_matter_disable_list(tmp_path):
    text = "---\ndisable: [EMP306]\n---\nAs I said, there's nothing we can do.\n"
    assert codes(tmp_path, "a.md", text) == ["EMP301"]


def test_jinja_comment_disable_line(tmp_path):
    text = "As I said, calm down. {# empathy-lint: disable-line EMP305 #}\nCalm down.\n"
    assert codes(tmp_path, "a.txt", text) == ["EMP301", "EMP305"]
