"""Property tests (Hypothesis) over the engine, readers, masking and --fix; see properties.py.

CI runs them with a fixed, modest example budget; `python benchmarks/fuzz.py` runs the
same properties with a large one.
"""
from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings

import properties as props

settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@given(props.texts)
def test_findings_are_in_range_and_round_trip(text):
    props.check_findings_in_range_and_round_trip(text)


@given(props.texts)
def test_masking_never_changes_text_outside_placeholders(text):
    props.check_masking_keeps_text_outside_placeholders(text)


@given(props.texts)
def test_readers_map_every_reply_back_to_the_file(text):
    props.check_readers_round_trip(text)


@given(props.texts)
@example("simply As I said, ")  # found by benchmarks/fuzz.py: one fix makes the next possible
def test_fix_then_recheck(text):
    props.check_fix_then_recheck(text)


@given(props.texts)
def test_prepare_fast_path_matches_its_regex(text):
    props.check_prepare_fast_path_matches_its_regex(text)
