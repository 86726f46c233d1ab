"""Rule packs: validation errors name file, line, rule and field; YAML stays data."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from empathy_lint.config import Config
from empathy_lint.engine.linter import Linter
from empathy_lint.errors import RuleError
from empathy_lint.rulebook import builtin_rules_dir, load_pack, load_rules

GOOD_RULE = """\
family: house-style
rules:
  - id: ACME101
    name: no-dear-customer
    kind: forbid
    severity: warning
    message: "Use the customer's name."
    why: "Dear customer reads like a form letter and tells the customer nobody looked at who they are."
    patterns: ["dear customer"]
    suggest: ["Hi {first name},"]
    examples:
      flag: ["Dear customer, your order shipped."]
      pass: ["Hi Sam, your order shipped."]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_builtin_packs_load_and_validate():
    rules = load_rules()
    assert len(rules) >= 16
    assert len({r.id for r in rules}) == len(rules)
    assert (builtin_rules_dir() / "schema.json").is_file()


def test_extra_pack_is_loaded_and_runs(tmp_path):
    pack = write(tmp_path, GOOD_RULE)
    rules = load_rules([pack])
    assert rules[-1].id == "ACME101" and rules[-1].family == "house-style"
    linter = Linter(Config(rules=[str(pack)], select=["ACME101"]))
    assert [f.code for f in linter.lint("Dear Customer, thanks.")] == ["ACME101"]


def test_schema_error_names_file_line_rule_and_field(tmp_path):
    pack = write(tmp_path, GOOD_RULE.replace("severity: warning", "severity: warn"))
    with pytest.raises(RuleError) as err:
        load_pack(pack)
    message = str(err.value)
    assert f"{pack}:6:" in message and "ACME101" in message and "'severity'" in message
    assert "\n" not in message


def test_a_rule_reads_another_language_by_its_own_patterns(tmp_path):
    text = GOOD_RULE.replace('    suggest: ["Hi {first name},"]\n', """\
    suggest: ["Hi {first name},"]
    languages:
      es:
        patterns: ["estimado cliente"]
        suggest: ["Hola {nombre},"]
""")
    pack = write(tmp_path, text)
    linter = Linter(Config(rules=[str(pack)], select=["ACME101", "EMP001"]))
    findings = {f.code: f for f in linter.lint("Estimado cliente, su pedido ha sido enviado hoy por la mañana.")}
    assert set(findings) == {"EMP001", "ACME101"}
    assert findings["ACME101"].suggestions == ["Hola {nombre},"]
    assert findings["EMP001"].message.endswith("(detected: es; checked in it: no-dear-customer)")


@pytest.mark.parametrize("block,problem", [
    ("      en:\n        patterns: [hello]\n", "'en' is not one of"),
    ("      sv:\n        patterns: [hej]\n", "'sv' is not one of"),
    ("      es:\n        suggest: [hola]\n", "'patterns' is a required property"),
    ("      es:\n        patterns: [hola]\n        severity: info\n", "severity"),
])
def test_a_bad_language_block_is_a_schema_error(tmp_path, block, problem):
    text = GOOD_RULE.replace('    suggest: ["Hi {first name},"]\n', '    suggest: ["Hi {first name},"]\n    languages:\n' + block)
    with pytest.raises(RuleError, match="ACME101") as err:
        load_pack(write(tmp_path, text))
    assert problem in str(err.value)


def test_a_language_block_names_a_language_the_detector_can_return():
    """The schema lists the codes `detect_language` gives (words for Latin-script
    languages, the script for the rest): a block for any other code would never run."""
    import json

    from empathy_lint.engine import language

    schema = json.loads((builtin_rules_dir() / "schema.json").read_text(encoding="utf-8"))
    listed = schema["$defs"]["rule"]["properties"]["languages"]["propertyNames"]["enum"]
    detected = set(language._settings()["function_words"]) | set(language._SCRIPT_LANGUAGE.values())
    assert set(listed) == detected - {"en"} and len(listed) == len(set(listed))


def test_missing_examples_are_a_schema_error(tmp_path):
    text = GOOD_RULE.replace('      pass: ["Hi Sam, your order shipped."]\n', "")
    with pytest.raises(RuleError, match="examples.*'pass' is a required property"):
        load_pack(write(tmp_path, text))


def test_malformed_yaml_gives_the_line(tmp_path):
    pack = write(tmp_path, "family: x\nrules:\n  - id: [unclosed\n")
    with pytest.raises(RuleError, match=rf"{pack}:\d+: invalid YAML"):
        load_pack(pack)


def test_python_object_tags_are_refused(tmp_path):
    pack = write(tmp_path, "family: x\nrules: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(RuleError, match="refused"):
        load_pack(pack)


def test_token_pattern_spacy_rejects(tmp_path):
    pack = write(tmp_path, GOOD_RULE.replace('patterns: ["dear customer"]', "patterns: [[{LOWER: {BOGUS: 1}}]]"))
    with pytest.raises(RuleError, match="ACME101: token pattern rejected by spaCy"):
        Linter(Config(rules=[str(pack)]))


def test_a_word_no_token_can_be_is_reported(tmp_path):
    """{LOWER: "can't"} never matches (the tokenizer splits it): say so instead of staying silent."""
    pack = write(tmp_path, GOOD_RULE.replace('patterns: ["dear customer"]',
                                             "patterns: [[{LOWER: we}, {LOWER: {IN: [can't, cannot]}}]]"))
    with pytest.raises(RuleError, match=r"ACME101: token pattern can never match: no token is \"can't\""):
        Linter(Config(rules=[str(pack)]))


def test_duplicate_code_is_reported_with_both_places(tmp_path):
    pack = write(tmp_path, GOOD_RULE.replace("ACME101", "EMP301"))
    with pytest.raises(RuleError, match="already defined at .*defensive.yaml"):
        load_rules([pack])


def test_yes_no_on_stay_words_in_patterns(tmp_path):
    pack = write(tmp_path, GOOD_RULE.replace('patterns: ["dear customer"]', "patterns: [[{LOWER: {IN: [no, on, yes]}}]]"))
    (rule,) = load_pack(pack)
    assert rule.patterns[0][0]["LOWER"]["IN"] == ["no", "on", "yes"]


def test_missing_pack_file(tmp_path):
    with pytest.raises(RuleError, match="not found"):
        load_rules([tmp_path / "nope.yaml"])


def _lemma_lists(node, found: list) -> list:
    """Every {LEMMA: {IN: [...]}} list in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "LEMMA" and isinstance(value, dict) and isinstance(value.get("IN"), list):
                found.append(value["IN"])
            else:
                _lemma_lists(value, found)
    elif isinstance(node, list):
        for item in node:
            _lemma_lists(item, found)
    return found


def test_every_word_a_bundled_pattern_names_as_a_lemma_can_be_one():
    """A LEMMA value is compared with the lemma the pipeline gives a token. A listed word
    whose own lemma is another word ("mould" is read "mold", "stuck" was "stick",
    "number" was "numb") never matched unless that lemma is listed too. Every bundled
    pack, the customer cues and the word classes are held to it."""
    import yaml

    from empathy_lint.engine.pipeline import get_nlp

    nlp = get_nlp()
    rules_dir = builtin_rules_dir()
    classes = yaml.safe_load((rules_dir / "context" / "classes.yaml").read_text(encoding="utf-8"))
    sources = sorted(rules_dir.glob("*.yaml")) + [rules_dir / "context" / "customer.yaml"]
    lists = [values for path in sources for values in _lemma_lists(yaml.safe_load(path.read_text(encoding="utf-8")), [])]
    lists += [values for values in classes.values() if isinstance(values, list)]
    dead = []
    for values in lists:
        words = [w for v in values if isinstance(v, str)
                 for w in (classes[v[1:]] if v.startswith("$") else [v])]
        for word in words:
            doc = nlp(word)
            if len(doc) == 1 and doc[0].lemma_ != word and doc[0].lemma_ not in words:
                dead.append(f"{word} (read as {doc[0].lemma_!r})")
    assert not dead, dead
    # A word that is also one of spaCy's symbols takes its correction from lemmas.yaml too.
    assert [t.lemma_ for t in nlp("number crew stuck best")] == ["number", "crew", "stuck", "best"]
