"""The engine on real sentences: what is flagged, where, and with which fix."""
from __future__ import annotations

import pytest

from empathy_lint import lint_text
from empathy_lint.config import Config
from empathy_lint.engine.linter import Context, Linter
from empathy_lint.errors import ConfigError

BAD = "As I said, there's nothing we can do."
GOOD = ("I'm so sorry your order arrived damaged - I understand how frustrating that is. "
        "I've sent a replacement that will arrive by Friday, and I'll email you the tracking "
        "number as soon as it ships. Let me know if there's anything else I can do.")


def codes(findings):
    return sorted(f.code for f in findings)


def test_defensive_reply_gets_every_family():
    found = codes(lint_text(BAD))
    assert found == ["EMP101", "EMP201", "EMP301", "EMP306", "EMP401", "EMP501"]


def test_empathetic_reply_is_clean():
    assert lint_text(GOOD) == []


def test_forbid_span_points_at_the_phrase_in_the_original_text():
    text = "Hi Sam,\r\n\r\nAs I said, the refund takes 5 days."
    finding = next(f for f in lint_text(text) if f.code == "EMP301")
    assert text[finding.start:finding.end] == "As I said"
    assert (finding.line, finding.column) == (3, 1)


@pytest.mark.parametrize("text,first,last", [
    ("Your parcel ships today. It is tracked.", "Your parcel ships today.", "It is tracked."),
    # Inside the frame: after the greeting, before the sign-off and signature.
    ("Hi Anna,\n\nYour refund is done.\nIt shows in 3 days.\n\nKind regards,\nSam",
     "Your refund is done.", "It shows in 3 days."),
])
def test_missing_content_is_anchored_on_the_body_s_first_or_last_sentence(text, first, last):
    found = {f.code: f for f in lint_text(text)}
    assert text[found["EMP201"].start:found["EMP201"].end] == first  # anchor: start
    assert text[found["EMP501"].start:found["EMP501"].end] == last  # anchor: end


def test_curly_apostrophes_count_as_an_apology():
    assert "EMP201" not in codes(lint_text("I’m sorry the parcel was late."))


def test_fix_keeps_capitalisation():
    finding = next(f for f in lint_text("No problem, I'll resend it.") if f.code == "EMP603")
    assert finding.fix.replacement == "Happy to help"


def test_deleting_a_word_removes_its_space_and_recapitalises():
    text = "Simply click the link."
    finding = next(f for f in lint_text(text) if f.code == "EMP307")
    fixed = text[:finding.fix.start] + finding.fix.replacement + text[finding.fix.end:]
    assert fixed == "Click the link."


def test_non_apology_is_not_an_apology_and_gets_one_verdict():
    """A non-apology is reported as one (EMP202, with what to say instead), not also as
    no apology at all (issue 29: one verdict per apology)."""
    found = codes(lint_text("I'm sorry you feel that way."))
    assert "EMP202" in found and "EMP201" not in found
    found = codes(lint_text("I'm sorry, but we can't reproduce this on our side."))
    assert "EMP202" in found and "EMP201" not in found
    assert "EMP201" in codes(lint_text("We can't reproduce this on our side."))


def test_negated_apology_does_not_count():
    assert "EMP201" in codes(lint_text("You don't need to apologise, the form is here: https://example.com"))


def test_select_and_ignore_most_specific_wins():
    config = Config(select=["EMP3"], ignore=["EMP301"])
    assert codes(lint_text(BAD, config)) == ["EMP306"]


def test_select_by_name_and_family():
    assert codes(lint_text(BAD, Config(select=["as-i-said"]))) == ["EMP301"]
    assert codes(lint_text(BAD, Config(select=["defensive"]))) == ["EMP301", "EMP306"]


def test_unknown_selector_is_a_config_error():
    with pytest.raises(ConfigError, match="EMP999"):
        lint_text(BAD, Config(select=["EMP999"]))


def test_severity_override():
    findings = lint_text(BAD, Config(select=["EMP301"], severity={"EMP301": "error"}))
    assert findings[0].severity == "error"


def test_customer_context_gates_apology_and_next_steps():
    linter = Linter(Config())
    reply = "Glad to hear it! Have a great day."
    happy = codes(linter.lint(reply, Context.for_reply("Thanks, that fixed it!")))
    upset = codes(linter.lint(reply, Context.for_reply("My order is three weeks late and nobody answers")))
    assert "EMP201" not in happy and "EMP401" not in happy
    assert "EMP201" in upset and "EMP401" in upset


def test_canned_macro_without_customer_is_not_asked_to_apologise():
    linter = Linter(Config(kind="canned"))
    assert "EMP201" not in codes(linter.lint("Here are the steps to reset your password."))


def test_social_handover_counts_as_follow_up():
    linter = Linter(Config())
    reply = "Please DM us your order number."
    assert "EMP501" in codes(linter.lint(reply, Context(channel="email")))
    assert "EMP501" not in codes(linter.lint(reply, Context(channel="social")))


def test_blank_text_has_no_findings():
    assert lint_text("   \n\t ") == []


def test_lint_many_matches_lint(dev_records):
    linter = Linter(Config())
    replies = [r["reply"] for r in dev_records[:30]]
    streamed = list(linter.lint_many((r, None) for r in replies))
    assert [codes(f) for f in streamed] == [codes(linter.lint(r)) for r in replies]


def test_agent_initials_are_a_signoff():
    # The finding points at the last sentence of the body: not the initials, and not the
    # @mention, which opens the reply but is no part of what it says.
    text = "@115712 Your order shipped today. ^HSB"
    found = {f.code: f for f in lint_text(text)}
    assert text[found["EMP501"].start:found["EMP501"].end] == "Your order shipped today."


def test_words_in_quotes_or_quoted_lines_are_not_ours():
    quoted = 'You wrote "unfortunately the app is useless, as I said before". Here is the fix: restart it.'
    assert not {"EMP301", "EMP601"} & set(codes(lint_text(quoted)))
    email = "Thanks for writing.\n\n> As I said, there's nothing you can do.\n\nI've refunded you today."
    assert not {"EMP301", "EMP306"} & set(codes(lint_text(email)))
    assert "EMP301" in codes(lint_text("As I said, the refund is on its way."))


def test_negation_and_hesitation():
    assert "EMP201" in codes(lint_text("I'm not sorry about the price change."))
    assert "EMP501" not in codes(lint_text("Your order ships today. Don't hesitate to reach out."))


def test_thread_file_lints_only_the_reply(tmp_path):
    from empathy_lint.run.runner import lint_documents
    from empathy_lint.read.sources import load_document

    text = "As I said, my order is late!\n--- reply ---\nGlad to hear it! Have a great day.\n"
    (report,) = lint_documents([load_document("t.txt", text)], lambda _: Config()).reports
    found = {f.code: f for f in report.findings}
    assert "EMP301" not in found  # the customer's words are not linted
    assert {"EMP201", "EMP401"} <= set(found)  # the customer reports a problem
    assert found["EMP201"].line == 3


def test_email_profile_asks_for_greeting_and_sign_off():
    linter = Linter(Config(channel="email"))
    assert {"EMP701", "EMP702"} <= set(codes(linter.lint("Your refund was issued.")))
    letter = "Hi Sam,\n\nI'm sorry for the wait. Your refund was issued.\n\nBest regards,\nAna"
    assert not {"EMP701", "EMP702"} & set(codes(linter.lint(letter)))
    assert "EMP701" not in codes(Linter(Config(channel="social")).lint("Your refund was issued."))


def test_canned_reply_about_a_contribution_answers_no_problem():
    linter = Linter(Config(kind="canned"))
    thanks = "Thanks for your pull request! We're happy to merge it."
    context = Context.for_reply(None, "canned", None, thanks)
    assert context.problem is False
    assert not {"EMP101", "EMP401", "EMP501"} & set(codes(linter.lint(thanks, context)))
    trouble = "Thanks for your pull request! Sorry, the build is broken."
    assert Context.for_reply(None, "canned", None, trouble).problem is True


@pytest.mark.parametrize("macro,problem", [
    # Its own words say it answers trouble: asked for an apology like a live reply.
    ("Your refund has been issued and will reach your card in 3-5 days.", True),
    ("The outage is over; the dashboard works again.", True),
    ("This crash is fixed in 2.4.1. Please upgrade.", True),
    ("We merged the fix for the crash you reported; it ships on Friday.", True),
    # ...waiting on something, or a glitch, or a known issue, in any words
    ("Thanks for your patience while I work on this. Expect an update within 2 days.", True),
    ("It's likely a temporary glitch: close and reopen the app.", True),
    ("We're aware of an issue affecting some customers and our team is on it.", True),
    # ...investigating something now
    ("Thanks for flagging this! We're looking into it now.", True),
    ("We've got you! DM us and we'll take a closer look.", True),
    ("I've added this to your case and I'm continuing to look into it.", True),
    # ...thanked for a report: someone met a fault
    ("Thanks for reporting this issue. It duplicates #12, so please follow that one.", True),
    ("Thank you for your report! Could you attach the log?", True),
    # A contribution with no sign of trouble: nothing to apologize for.
    ("Thank you for your contribution! We'll review the PR this week.", False),
    # ...and the words of an appeal path name no trouble the customer met.
    ("Thanks for your pull request. We are closing it; if you think we're wrong in closing it, reply here.", False),
    ("We're removing you from the moderator team. If you think we did this in error, let us know.", False),
    # ...but trouble outside the appeal still counts.
    ("Thanks for your pull request! The build is broken; if you think this is in error, re-run it.", True),
    # A welcome, a question praised, a how-to: no problem (rubric v2), so nothing is asked.
    ("Here is how to export your data: open Settings, then Export.", False),
    ("Welcome to Example! Your workspace is ready. Here's a two-minute video to get you started.", False),
    ("Great question! The Team plan is $12 per user per month, billed annually.", False),
    ("To reset your password:\n\n1. Go to Settings > Security.\n2. Click Reset password.", False),
    # ...unless trouble is named too.
    ("To fix the crash:\n\n1. Update to 4.2.1.\n2. Restart the app.", True),
    ("To reset your password, open Settings and click Reset.", False),
    ("To fix the crash, update to 4.2.1 and restart the app.", True),
    ("Your last payment didn't go through, so your plan is paused. To keep using the app, please update "
     "your card.", None),
    # A refund is trouble ("your refund is on its way"), but a how-to or an answer to a
    # question names one as part of the process.
    ("Your refund of {{amount}} has been approved and will arrive within 5 days.", True),
    ("Thanks for getting in touch. To return an item:\n1. Print the label.\n2. Drop it at a post office.\n\n"
     "Your refund is issued within 5 days of the item reaching us.", False),
    ("Thank you for asking. We don't price match other retailers, but if you spot a lower price on our own "
     "site within 14 days, we'll refund the difference.", False),
    ("Thanks for your interest in the Model S. It's out of stock; new stock is due in two weeks.", False),
    # Refunds in general, or a refund policy, state a rule: not a refund of theirs.
    ("Per our refund policy, refunds are only possible within 14 days of delivery.", None),
    # Praise answered is no problem either, unless trouble is named too.
    ("Thanks for the kind words! We'll pass them on to the team.", False),
    ("So glad you're enjoying the new app! Tell your friends.", False),
    ("So glad you like the new look! The crash some of you saw yesterday is fixed in 2.1.", True),
    # A chat greeting macro is written before anyone has said what is wrong.
    ("Hi {{name}}! How can I help you today?", False),
    ("Hello, what can I do for you?", False),
    ("Exports were down during this morning's outage. How can I help?", True),
    # Thanks for a purchase or a sign-up, a celebration: notices, not answers to trouble.
    ("Thanks for your order! It will ship within 2 business days.", False),
    ("Thanks for subscribing to our newsletter!", False),
    ("Happy birthday from all of us at Acme! 🎉", False),
    ("You can change your delivery address under Account > Orders.", False),
    ("The app crashes on start for some of you. You can turn off auto-sync in Settings until the fix ships.", True),
    ("Thanks for your order. The blue one is delayed by a week.", True),
    # Neither: the canned default (no apology asked); looking into a request is no trouble.
    ("Thanks for the idea! We'll look into it for a future version.", None),
    ("Looking for another challenge? Please take a look at our open issues.", None),
    # ...nor does help offered for later under a how-to.
    # (a how-to, so no problem at all: its steps follow a comma)
    ("To reset your password, go to Settings, then Account. Let me know if you have any trouble!", False),
    ("Open Settings > Export to download your data. If you run into any problems, reply here.", None),
    ("Your subscription has been cancelled as requested. We're sorry to see you go!", None),
    ("The issue tracker is for bugs only. Please ask questions on our forum.", None),
    # ...but trouble outside the offer still counts.
    ("Exports failed during yesterday's outage. If you run into any more problems, reply here.", True),
    ("We'd love to take a look at your proposal.", None),
])
def test_a_macro_is_judged_by_its_own_words(macro, problem):
    context = Context.for_reply(None, "canned", None, macro)
    assert context.problem is problem
    found = codes(Linter(Config(kind="canned")).lint(macro, context))
    assert ("EMP201" in found) is (problem is True)


@pytest.mark.parametrize("macro", [
    "Thanks for the report. After review, this is working as intended, per our policy.",
    "Thanks for reporting this. It's expected behaviour: the export skips archived items.",
    "Thank you for your report! This isn't a bug: the setting is off by default.",
    "Thanks for the report. What you're seeing is how exports work today: archived projects are left out.",
    "Thanks for reaching out! This looks like a usage question rather than a bug, so please ask it on the forum.",
])
def test_a_macro_that_finds_no_fault_is_asked_for_an_apology_only_at_info(macro):
    """A "works as intended" note answers a report, and readers still want the apology
    (dev's cn-72, cn-87), but its own words say nothing went wrong: the finding is shown,
    never failing a run (issue 28)."""
    context = Context.for_reply(None, "canned", None, macro)
    assert context.problem is True and not context.sure
    (apology,) = [f for f in Linter(Config(kind="canned")).lint(macro, context) if f.code == "EMP201"]
    assert apology.severity == "info"
    # The same report answered with a fault found asks at warning level.
    fixed = "Thanks for the report. The export skipped archived items; the fix ships on Friday."
    context = Context.for_reply(None, "canned", None, fixed)
    (apology,) = [f for f in Linter(Config(kind="canned")).lint(fixed, context) if f.code == "EMP201"]
    assert apology.severity == "warning"


def test_a_multi_line_signature_is_part_of_the_sign_off():
    """The missing follow-up belongs after the last sentence of the body, not on the
    signature: the editor must not underline "Kind regards, / Ana / team / company"."""
    reply = ("Hi Sam,\n\nYour refund was issued today and will reach your card in 3-5 days.\n\n"
             "Kind regards,\nAna Lopez\nCustomer Care Team\nAcme Inc.\n")
    (finding,) = [f for f in Linter(Config(channel="email")).lint(reply) if f.code == "EMP501"]
    assert reply[finding.start:finding.end] == "Your refund was issued today and will reach your card in 3-5 days."
    # A sentence that opens like a sign-off but goes on is body, not signature.
    reply = "Your refund was issued.\nThanks, I will send the new card tomorrow.\n"
    (finding,) = [f for f in Linter().lint(reply) if f.code == "EMP501"]
    assert reply[finding.start:finding.end] == "Thanks, I will send the new card tomorrow."


@pytest.mark.parametrize("name", ["Ana", "Ana Lopez", "The Acme Team", "{{agent.name}}"])
def test_a_name_on_the_last_line_signs_the_reply_off(name):
    """An email often ends with the writer's name alone, no "Regards," above it (a macro
    with a placeholder for it): the missing follow-up belongs after the body, not on the
    name, where the editor's fix would write "Ana Let me know if that helps"."""
    from empathy_lint.read.sources import load_document
    from empathy_lint.run.runner import lint_documents

    body = "Your order is held up at the depot and should reach you by Friday."
    for text in (f"Hi Sam,\n\n{body}\n\n{name}\n", f"Hi Sam,\n\n{body}\n{name}\n"):  # (a line of its own either way)
        (report,) = lint_documents([load_document("reply.md", text)], lambda _: Config(kind="canned")).reports
        (finding,) = [f for f in report.findings if f.code == "EMP501"]
        assert text[finding.start:finding.end] == body, text


@pytest.mark.parametrize("last", ["Enjoy!", "Thanks again for your patience", "Ships Friday."])
def test_a_last_line_that_says_something_is_body(last):
    """Only a line that names who writes signs off: one that ends as a sentence does, or
    has words in lower case, is part of what the reply says."""
    text = f"Your order is held up at the depot and should reach you by Friday.\n\n{last}\n"
    (finding,) = [f for f in Linter().lint(text) if f.code == "EMP501"]
    assert text[finding.start:finding.end] == last


def test_a_canned_reply_judged_in_the_linters_pass_gets_the_same_findings():
    """A macro with no customer message is judged by its own words. In a run it is judged
    in the linter's own pass over it (`canned_in_pass`) instead of being read a second
    time; every real canned reply of dev.jsonl gets the same findings either way."""
    import json
    from pathlib import Path

    lines = (Path(__file__).parent / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    macros = [r["reply"] for r in map(json.loads, lines) if r.get("kind") == "canned" and not r.get("customer")]
    assert len(macros) >= 50
    # ...and a how-to whose "To return an item:" opens a sentence after a greeting: a
    # sentence start either way.
    macros.append("Thanks for getting in touch. To return an item:\n1. Print the label.\n\n"
                  "Your refund is issued within 5 days of the item reaching us.")
    linter = Linter(Config(kind="canned"))
    rows = [(None, "canned", None, macro) for macro in macros]
    waiting = Context.many(rows, canned_in_pass=True)
    assert all(c.canned_open and c.problem is None for c in waiting)

    def seen(contexts):
        return [[(f.code, f.severity, f.confidence) for f in found]
                for found in linter.lint_many(zip(macros, contexts))]

    read_first = Context.many(rows)
    assert {c.problem for c in read_first} == {True, False, None}
    assert seen(waiting) == seen(read_first)
