"""Properties of the engine, readers, masking and fixes, shared by the test suite
(small example budget, tests/test_properties.py) and the fuzz run (large budget,
benchmarks/fuzz.py). Each `check_*` function raises AssertionError on a violation.
"""
from __future__ import annotations

import json

import yaml
from hypothesis import strategies as st

from empathy_lint.config import Config
from empathy_lint.engine.linter import Linter
from empathy_lint.errors import InputError
from empathy_lint.findings import LineIndex
from empathy_lint.write.safefix import choose, splice
from empathy_lint.read.placeholders import find_placeholders
from empathy_lint.run.runner import lint_documents
from empathy_lint.read.sources import load_document
from empathy_lint.read.textmap import _STRAIGHTEN, _WHITESPACE_RUN, holds_run, prepare

FRAGMENTS = [
    "As I said, ", "no problem", "simply ", "Obviously", "I'm sorry", "I’m sorry", "sorry, but ",
    "per our policy", "there's nothing we can do", "Let me know", "Please DM us", "within 24 hours",
    "{{ticket.requester.first_name}}", "{% if x %}", "{% endif %}", "[Customer Name]", "{name}",
    "<first_name>", "<!-- empathy-lint: disable EMP301 -->", "# empathy-lint: disable-next-line\n",
    "**bold**", "`code`", "[link](https://x.y)", "&amp;", "<p>", "</p>", "@115712 ", "^HSB",
    "Hi Sam,\n\n", "\r\n", "\r", "\n\n", "\t", "  ", "- item\n", "😀", "é", "\u200b", "\u00a0", "'", '"',
    "{{", "}}", "{%", "%}", "[", "]", "<", ">", "\\", "Regards,\nAna",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)

_LINTER: Linter | None = None


def linter() -> Linter:
    global _LINTER
    if _LINTER is None:
        _LINTER = Linter(Config())
    return _LINTER


def check_findings_in_range_and_round_trip(text: str) -> None:
    try:
        findings = linter().lint(text)
    except InputError:
        return
    index = LineIndex(text)
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text), (f, len(text))
        assert (f.line, f.column) == index.position(f.start)
        assert index.offset(f.line, f.column) == f.start
        if f.fix is not None:  # a deletion may take the comma before the word with it
            assert 0 <= f.fix.start <= f.start <= f.fix.end <= len(text) or f.start <= f.fix.start <= f.fix.end <= len(text)
            assert f.fix.start <= f.end


def check_masking_keeps_text_outside_placeholders(text: str) -> None:
    masks = find_placeholders(text)
    mapped = prepare(text, masks)
    straight = text.translate(_STRAIGHTEN)
    masked = [(s, e) for s, e, _ in masks]
    for seg_start, (src_start, src_end, copied) in zip(mapped.starts, mapped.sources):
        if copied:
            assert mapped.text[seg_start:seg_start + (src_end - src_start)] == straight[src_start:src_end]
        else:
            covered = straight[src_start:src_end]
            inside_mask = any(s <= src_start and src_end <= e for s, e in masked)
            assert inside_mask or not covered.strip(), (covered, masks)
    # Every source character outside masks and whitespace runs reaches the pipeline.
    kept = sum(e - s for s, e, c in mapped.sources if c)
    assert kept <= len(text)


def _assert_origin(document, reply_text: str) -> None:
    (reply,) = document.replies
    assert reply.text == reply_text
    for seg_start, (src_start, src_end, copied) in zip(reply.origin.starts, reply.origin.sources):
        if copied:
            assert document.text[src_start:src_end] == reply.text[seg_start:seg_start + src_end - src_start]


def check_readers_round_trip(reply_text: str) -> None:
    if not reply_text.strip():
        return
    as_json = json.dumps({"macros": [{"title": "t", "actions": [{"field": "comment_value", "value": reply_text}]}]})
    _assert_origin(load_document("m.json", as_json), reply_text)
    as_jsonl = json.dumps({"id": "1", "reply": reply_text}, ensure_ascii=False) + "\n"
    _assert_origin(load_document("m.jsonl", as_jsonl), reply_text)
    if "\r" not in reply_text and '"' not in reply_text:
        as_csv = 'title,reply\nt,"' + reply_text + '"\n'
        document = load_document("m.csv", as_csv)
        if document.replies:
            _assert_origin(document, reply_text)
    as_yaml = yaml.safe_dump([{"title": "t", "body": reply_text}], allow_unicode=True)
    document = load_document("m.yaml", as_yaml)
    parsed = yaml.safe_load(as_yaml)[0]["body"]  # YAML folds some characters (U+0085) itself
    assert [r.text for r in document.replies] in ([parsed], [])
    for reply in document.replies:
        for seg_start, (src_start, src_end, copied) in zip(reply.origin.starts, reply.origin.sources):
            if copied:
                assert document.text[src_start:src_end] == reply.text[seg_start:seg_start + src_end - src_start]


def check_fix_then_recheck(text: str) -> None:
    config = Config(select=["EMP301", "EMP307", "EMP603"])
    try:
        result = lint_documents([load_document("r.txt", text)], lambda _: config)
    except InputError:
        return
    findings = result.reports[0].findings
    chosen = choose([f.fix for f in findings if f.fix is not None])
    fixed, count = splice(text, chosen, lambda replacement: replacement), len(chosen)
    if not count:
        assert fixed == text
        return
    # Bytes outside the fixed spans are untouched: the text before the first fix and
    # after the last one is the same, and so is each stretch between fixes.
    fixes = sorted((f.fix for f in findings if f.fix), key=lambda x: x.start)
    assert fixed.startswith(text[:fixes[0].start])
    assert fixed.endswith(text[fixes[-1].end:])
    # Fixing again, as --fix does (a fix can make another possible: "simply As I said"
    # loses "simply", then "As I said" can become "To recap"), settles within its rounds.
    from empathy_lint.run.checking import MAX_FIX_ROUNDS

    for _ in range(MAX_FIX_ROUNDS):
        again = lint_documents([load_document("r.txt", fixed)], lambda _: config).reports[0].findings
        more = choose([f.fix for f in again if f.fix is not None])
        if not more:
            return
        fixed = splice(fixed, more, lambda replacement: replacement)
    raise AssertionError(f"fixes still pending after {MAX_FIX_ROUNDS} rounds: {text!r}")


def check_prepare_fast_path_matches_its_regex(text: str) -> None:
    """`prepare` skips folding when no run marker occurs; that must be exactly when the
    folding regex finds nothing, or a reply would keep a run the pipeline should not see."""
    straight = text.translate(_STRAIGHTEN)
    assert holds_run(straight) == bool(_WHITESPACE_RUN.search(straight))
