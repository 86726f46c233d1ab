"""Rules that agree with the product's own advice (issue 29, items 4-6): a limit with a
way forward is not a wall, one phrase gets one verdict, blame we take ourselves is not
condescension, and a removal fix leaves a well-formed sentence."""
from __future__ import annotations

import pytest

from empathy_lint import lint_text


def _codes(text: str) -> set[str]:
    return {f.code for f in lint_text(text)}


@pytest.mark.parametrize("text", [
    "I can't change the limit, but I can raise it with our billing team today.",
    "We are not able to offer a refund, but we can give you a credit right away.",
    "We can't change the date online; instead, our team can do it for you on 1-800-555-0100.",
    "Unfortunately we don't have an ETA at this time.",
    # the way forward in the next sentence, an offer made first, a reason for the customer's sake
    "After testing the trace-routes, there is an issue with their servers right now, it is not on our end. "
    "Please reach out to them for assistance.",
    "We can't refund the ticket online.\n\nIf you still need to travel, please call us and we'll rebook you.",
    "We'll be glad to credit for the time without service, but can't pay for the class.",
    "For security purposes and protection of your account, we will not be able to communicate via email.",
    "Thanks for filing this! Unfortunately I cannot reproduce the problem following the instructions you provided.",
])
def test_a_limit_with_a_way_forward_is_not_a_wall(text):
    assert "EMP306" not in _codes(text)


@pytest.mark.parametrize("text", [
    "There's nothing we can do about the delay.", "We can't refund digital orders.",
    # what follows is no way forward: an apology, an explanation, information withheld
    "Unfortunately, I cannot double compensate for the same flight. I am sorry to disappoint.",
    "We are terribly sorry but we could not offer any options since all the flights are operating as normal.",
    "For your information, we can't refund digital orders.",
])
def test_a_wall_is_still_one(text):
    assert "EMP306" in _codes(text)


@pytest.mark.parametrize("text,dismissal", [
    # Not understood, then what would help: engaging, not dismissing (rubric v2; readers
    # agreed on three such saved replies).
    ("I'm sorry, but we don't understand the problem you are reporting.\n\nPlease provide a simple "
     "repository reproducing the problem.", False),
    ("I'm sorry but we don't understand the problem you are reporting. If the problem still exists please "
     "open a new issue with a reproduction.", False),
    ("I'm sorry, but we don't understand the problem you are reporting.", True),
    ("I'm sorry, but we can't reproduce the problem following the instructions you provided. Remember that "
     "we have a large number of issues to resolve.", True),
])
def test_not_understood_with_what_would_help_is_not_a_dismissal(text, dismissal):
    assert ("EMP308" in _codes(text)) is dismissal


def test_one_phrase_gets_one_verdict():
    codes = [f.code for f in lint_text("We can't refund digital orders.") if f.family != "next-steps"]
    assert "EMP306" in codes and "EMP602" not in codes


@pytest.mark.parametrize("text", ["This was obviously our mistake, and I'm sorry.", "I, obviously, made a mistake.",
                                  "We clearly got this wrong, and I'm sorry."])
def test_blame_we_take_ourselves_is_not_condescension(text):
    assert "EMP307" not in _codes(text)


@pytest.mark.parametrize("text,fixed", [
    ("The fee, obviously, is waived.", "The fee is waived."),
    ("You can, simply, restart it.", "You can restart it."),
    ("Obviously, the fee is waived.", "The fee is waived."),
    ("It takes five days, obviously.", "It takes five days."),
])
def test_a_word_set_off_by_commas_is_removed_with_them(text, fixed):
    (finding,) = [f for f in lint_text(text) if f.fix is not None]
    fix = finding.fix
    assert text[:fix.start] + fix.replacement + text[fix.end:] == fixed


@pytest.mark.parametrize("text,code", [
    ("You must have entered the wrong address.", "EMP304"),
    ("You managed to make a corrupt mesh in the first place.", "EMP304"),
    ("Did you even read the instructions?", "EMP307"),
    ("Read it again and digest it before responding.", "EMP307"),
    ("I already explained this twice.", "EMP308"),
    ("Closing.", "EMP308"),
])
def test_everyday_blame_condescension_and_dismissal_are_defensive(text, code):
    assert code in _codes(text)


@pytest.mark.parametrize("text", [
    "I'll let you know as soon as it's live.",
    "Reply if anything looks off.",
    "Just reply here if it happens again and I'll chase it.",
    "If it hasn't arrived by Friday, just reply here and I'll chase it.",
    "Write back and we'll sort it out.",
    "Reach out any time if the charge shows up again.",
])
def test_everyday_follow_up_forms_count(text):
    reply = "Our team has refunded the second charge. " + text
    assert "EMP501" not in {f.code for f in lint_text(reply)}


def test_a_request_for_details_is_a_next_step_not_a_follow_up():
    """Rubric v2: "let us know your order number" asks for the next step; it does not
    keep the door open."""
    codes = _codes("Please let us know your order number.")
    assert "EMP501" in codes and "EMP401" not in codes


@pytest.mark.parametrize("text", [
    "The fee is waived. Obviously.",
    "It works (obviously).",
    "The fee is - obviously - fine.",
    "\nObviously.",
])
def test_a_removal_that_would_break_the_sentence_is_a_suggestion_only(text):
    """Issue 32.11: the finding stays, with its suggestions, but no fix is applied."""
    (finding,) = [f for f in lint_text(text) if f.code == "EMP307"]
    assert finding.fix is None and finding.suggestions


def test_removals_inside_html_and_csv_bodies_are_not_applied(tmp_path):
    import json

    from conftest import run_cli_fast

    export = tmp_path / "macros.json"
    rows = [{"title": "a", "body_html": "<p>Click <b>obviously</b> here to reset.</p>"},
            {"title": "b", "body_html": "<p>Obviously&nbsp;fine, the fee is waived.</p>"},
            {"title": "c", "body": "The fee is waived.\nObviously."}]
    export.write_text(json.dumps(rows), encoding="utf-8")
    before = export.read_text(encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
    found = [f for f in report["files"][0]["findings"] if f["code"] == "EMP307"]
    assert len(found) == 3 and all(f["fix"] is None for f in found)
    run_cli_fast("check", "--isolated", "--fix", str(export))
    assert export.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("text", [
    "As\u2003I said, no.",              # em space
    "As I said\u3000no.",              # ideographic space
    "As\u205fI said, no.",              # medium mathematical space
    "\uff21\uff53 \uff29 \uff53\uff41\uff49\uff44, no.",  # fullwidth letters
    "\U0001d400\U0001d42c \U0001d408 \U0001d42c\U0001d41a\U0001d422\U0001d41d, no.",  # mathematical bold
    "As I sa\u0301id, no.",            # a combining mark
    "As I\U000e0041 said, no.",         # a tag character
])
def test_unicode_spaces_and_letter_forms_do_not_hide_a_phrase(text):
    """Issue 32.12: folded one character for one, so the finding points at the original."""
    (finding,) = [f for f in lint_text(text) if f.code == "EMP301"]
    assert finding.start == 0 and text[finding.end - 1] in "dD\U0001d41d\uff44"
