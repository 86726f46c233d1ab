"""A rule pack's token patterns are checked when it loads (issue 32, items 2 and 9): a
bad REGEX, a nested quantifier, an extension attribute or an attribute this pipeline
cannot set is a one-line file:rule error (exit 2), never an internal error or a hang."""
from __future__ import annotations

import pytest

from conftest import ROOT, run_cli

PACK = """family: house
rules:
  - id: HSE001
    name: bad-one
    kind: forbid
    severity: warning
    message: "x"
    why: "y"
    suggest: ["z"]
    patterns:
      - [{pattern}]
    examples:
      flag: ["a"]
      pass: ["b"]
"""


@pytest.mark.parametrize("pattern,words", [
    ('{TEXT: {REGEX: "("}}', "not a valid regular expression"),
    ('{_: {foo: 1}}', "extension attributes"),
    ("{POS: NOUN}", "needs a tagger"),
    ("{DEP: nsubj}", "needs a parser"),
    ("{ENT_TYPE: ORG}", "needs an entity recogniser"),
    ('{TEXT: {REGEX: "^(a+)+$"}}', "nests quantifiers"),
    ('{LOWER: {REGEX: "^(a|b+)*$"}}', "nests quantifiers"),
    ('{LOWER: a, OP: "{0,30}"}', "makes 30 optional tokens"),
])
def test_a_pattern_this_pipeline_cannot_run_is_refused_at_load(tmp_path, pattern, words):
    pack = tmp_path / "house.yaml"
    pack.write_text(PACK.format(pattern=pattern), encoding="utf-8")
    result = run_cli("check", "--isolated", "--rules", str(pack), str(ROOT / "examples" / "draft.txt"))
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"{pack}:3: rule HSE001" in line and words in line


def test_a_plain_regex_still_works(tmp_path):
    pack = tmp_path / "house.yaml"
    pack.write_text(PACK.format(pattern='{LOWER: {REGEX: "^colou?r$"}}').replace('flag: ["a"]', 'flag: ["Pick a colour."]')
                    .replace('pass: ["b"]', 'pass: ["Pick a shade."]'), encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("Which colour did you order?", encoding="utf-8")
    result = run_cli("check", "--isolated", "--rules", str(pack), "--select", "HSE001", str(draft))
    assert result.returncode == 1 and "HSE001" in result.stdout


def test_a_rules_folder_whose_file_links_outside_is_refused(tmp_path):
    """Issue 32.4: a direct link out of the repository was refused, a link inside a
    `rules:` folder was followed; now both are."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("family: x\nrules: []\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / "rules" / "house.yaml").symlink_to(outside / "secret.yaml")
    (repo / ".empathy-lint.yaml").write_text("rules: [rules]\n", encoding="utf-8")
    (repo / "reply.txt").write_text("As I said, no.", encoding="utf-8")
    result = run_cli("check", "reply.txt", cwd=repo)
    assert result.returncode == 2 and "links outside its rule folder" in result.stderr
