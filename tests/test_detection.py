"""Detection that generalizes (issue 12): the fitted customer detector, word classes and
constructions, informal spellings, the customer's own words, replies in other languages."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import benchmark_module
from empathy_lint.engine.customer import default_detector, detect
from empathy_lint.engine.linter import Context
from empathy_lint.engine.language import detect_language
from empathy_lint.rulebook import load_context


def _codes(linter, reply, customer=None, kind="live", channel=None):
    return {f.code for f in linter.lint(reply, Context.for_reply(customer, kind, channel, reply))}


def _cue_groups(message: str) -> set[str]:
    """The cue groups the detector reads in a message ("failure", "thanks"...)."""
    return {cue.split(":")[0] for cue in default_detector().explain(message)}


def _fit_module():
    return benchmark_module("fit_customer")


def test_acceptance_examples(linter):
    assert _codes(linter, "Glad to hear it! Have a great day.", "Thanks, that fixed it!") == set()
    late = _codes(linter, "Glad to hear it!", "My order is three weeks late and nobody answers")
    assert {"EMP101", "EMP201", "EMP401"} <= late


@pytest.mark.parametrize("message,problem", [
    ("My card was charged twice and nobody answers the phone", True),
    ("the app keeps crashing every time I open it", True),
    ("still waiting for my refund, 3 weeks now", True),
    ("Thanks so much, that fixed it! Love the new app", False),
    ("Do you ship to Spain?", False),
    # a schedule asked about is not time spent waiting
    ("What are your opening hours on Sunday?", False),
])
def test_detector_reads_general_cues(message, problem):
    assert detect(message).problem is problem, default_detector().explain(message)


def test_detector_numbers_are_fitted_and_documented():
    fitted = load_context("customer-weights.yaml")
    fit = fitted["fit"]
    assert fit["script"] == "benchmarks/fit_customer.py"
    assert fit["agreement_cross_validated"] > fit["always_problem_tune"] + 0.05
    weights = fitted["weights"]
    assert weights["failure"] > 0 and weights["thanks"] < 0 and weights["resolution"] < 0
    assert weights["vader-compound"] < 0  # a happier message is less likely a problem
    low, high = fitted["unsure"]
    assert 0 < low <= 0.5 <= high < 1
    detector = default_detector()
    assert set(detector.labels) >= {"failure", "delay", "money", "frustration", "thanks", "other-language",
                                    "vader-compound", "thread", "earlier-failure"}


def test_the_fit_script_keeps_only_shared_lemmas_and_a_band_that_is_sure():
    """benchmarks/fit_customer.py: a lemma is a feature only when many messages from several
    companies use it (no one team's vocabulary); the unsure band leaves out exactly the
    probabilities where the verdicts disagree with the labels."""
    fit = _fit_module()
    lemmas = [frozenset({"refund"})] * 6 + [frozenset({"acme"})] * 9
    companies = ["a", "b", "c", "a", "b", "c"] + ["a"] * 9
    assert fit.lemma_vocabulary(lemmas, companies) == ["refund"]  # "acme" is one company's word
    rng = np.random.default_rng(3)
    p = rng.random(2000)
    y = np.where((p > 0.35) & (p < 0.65), rng.random(2000) < 0.5, p >= 0.5)  # noisy in the middle
    low, high, share, agreement = fit.unsure_band(p, y)
    sure = (p <= low) | (p >= high)
    assert low < 0.5 < high and 0.5 < share < 1 and abs(sure.mean() - share) < 1e-9
    assert agreement >= fit.SURE_AGREEMENT and ((p[sure] >= 0.5) == y[sure]).mean() == agreement
    everything = ((p >= 0.5) == y).mean()
    assert everything < fit.SURE_AGREEMENT  # the band was needed: all verdicts agree less


def test_the_bands_are_read_from_held_out_probabilities_averaged_over_seeded_folds():
    """averaged_over_folds: each message is scored by models that never saw its company
    (a feature only its own company has tells the model nothing about it), and the same
    data gives the same probabilities every run (seeded), so a band's edge does not move
    with which fold a few companies happened to fall in."""
    fit = _fit_module()
    companies = [f"c{i // 10}" for i in range(100)]
    y = np.array([(i // 10) % 2 for i in range(100)])  # each company all one label
    x = np.zeros((100, 11))
    for i in range(100):
        x[i, i // 10] = 1.0  # its company's own marker, which decides its label in-sample
        x[i, 10] = 1.0
    p = fit.averaged_over_folds(x, y, None, companies, 1.0)
    assert np.array_equal(p, fit.averaged_over_folds(x, y, None, companies, 1.0))
    assert np.all(np.abs(p - 0.5) < 0.2)  # held out, the marker is unseen: near the base rate
    from sklearn.linear_model import LogisticRegression
    in_sample = LogisticRegression(C=1.0, max_iter=5000).fit(x, y).predict_proba(x)[:, 1]
    assert np.all(np.abs(in_sample - y) < 0.3)  # what a leak would have given


def test_fine_below_is_taken_from_a_tie_by_fewer_false_alarms():
    """On a flat F1 curve the fit does not follow noise: values within F1_TIE of the best
    are equal, and of those the one that warns least on replies needing nothing wins,
    then the one with fewer wrong findings; a clearly better F1 wins whatever it warns."""
    fit = _fit_module()
    plateaus = [(0.45, 0.749, 0.120, 90), (0.5, 0.741, 0.120, 80), (0.65, 0.7475, 0.078, 85), (0.7, 0.739, 0.078, 70)]
    assert fit.pick_within_tie(plateaus) == (0.65, 0.7475)
    clear = [(0.45, 0.760, 0.120, 90), (0.65, 0.747, 0.078, 70)]
    assert fit.pick_within_tie(clear) == (0.45, 0.760)
    # The gated rules report at info, so the warnings tie: fewer wrong findings decide.
    info_only = [(0.55, 0.783, 0.140, 120), (0.6, 0.784, 0.140, 116), (0.65, 0.782, 0.140, 109)]
    assert fit.pick_within_tie(info_only) == (0.65, 0.782)


def test_sentiment_follows_vader_on_real_messages():
    """The lexicon read over spaCy's tokens gives VADER's own compound score on plain text."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from empathy_lint.engine.pipeline import get_nlp
    from empathy_lint.engine.sentiment import sentiment_of

    vader = SentimentIntensityAnalyzer()
    nlp = get_nlp()
    for text in ("I am not happy with this AT ALL!!", "Love it, thanks so much",
                 "the app is broken but support was great", "Do you ship to Spain?",
                 # a lexicon word that is also a spaCy symbol: its key is the symbol's id
                 "What is my order number"):
        assert abs(sentiment_of(nlp(text)).compound - vader.polarity_scores(text)["compound"]) < 0.02, text


def test_an_answer_in_a_conversation_is_read_with_what_the_customer_said_before():
    """"I did." says nothing alone; after a double charge it is a problem still open. A
    message saying it is fixed, after an outage, is not."""
    alone = detect("I did.")
    after = detect("I did.", "I was charged twice for my order and nobody answers the phone")
    assert after.probability > alone.probability + 0.1 and after.problem
    fixed = detect("it came back on this morning, thanks!", "my internet has been down since yesterday")
    assert not fixed.problem


def test_where_the_customer_leaves_it_open_the_agents_reply_decides(linter):
    """The agent has read the whole conversation: on a message the detector is unsure of
    (a Twitter customer's "how about getting flight 1704 off the ground"), a reply that
    apologises for the delay answers a problem (the more so when it takes the matter up),
    one that cheers answers none."""
    message = "@Delta how about getting flight 1704 off the ground"
    assert detect(message).verdict == "unsure"
    sorry = "I am really sorry for the delay, we'd like to look into this for you."
    cheer = "Awesome! Enjoy, and have a great evening!"
    apology_only = "I am really sorry for the delay. We hope to get you going soon."
    assert "EMP501" in _codes(linter, sorry, message)
    assert {"EMP401", "EMP501"} <= _codes(linter, apology_only, message)
    assert _codes(linter, cheer, message) == set()
    detector = default_detector()
    signal = detect(message)
    groups = detector.reply_groups_many([sorry, cheer, apology_only])
    assert groups == [frozenset({"reply-sorry", "reply-trouble", "reply-takes-up"}), frozenset({"reply-glad"}),
                      frozenset({"reply-sorry", "reply-trouble"})]
    taken_up, cheered, apologised = (detector.with_reply(signal.open_score, g) for g in groups)
    assert taken_up.problem and apologised.problem and cheered.fine
    assert cheered.probability < signal.probability < apologised.probability < taken_up.probability


def test_a_sure_problem_stands_whatever_the_draft_says(linter):
    """The reply decides only what the customer's words leave open: "Glad to hear it!"
    under a crash report is the tone-deaf draft the linter exists to catch."""
    message = "the app keeps crashing every time I open it"
    assert detect(message).verdict == "problem" and detect(message).open_score is None
    assert {"EMP101", "EMP201"} <= _codes(linter, "Glad to hear it! Have a great day.", message)


def test_the_reply_model_is_fitted_and_documented():
    fitted = load_context("customer-reply-weights.yaml")
    assert fitted["fit"]["script"] == "benchmarks/fit_customer.py"
    assert fitted["fit"]["agreement_cross_validated"] > fitted["fit"]["agreement_without_reply_cross_validated"]
    weights = fitted["weights"]
    assert weights["reply-glad"] < 0 < weights["reply-sorry"] and weights["reply-takes-up"] > 0
    assert fitted["fine_below"] == load_context("customer-weights.yaml")["fine_below"]


def test_the_reply_model_weighs_the_customers_words_as_the_first_model_does():
    """The second model is stacked on the first: the customer's words count through the
    first model's score, scaled, not through lemma weights of its own (fitted on a few
    hundred unsure messages, those read "hour" as a train's delay)."""
    first, second = load_context("customer-weights.yaml"), load_context("customer-reply-weights.yaml")
    scale = second["fit"]["scale_of_first_model"]
    assert 0 < scale
    assert set(second["lemmas"]) <= set(first["lemmas"])
    for word, weight in second["lemmas"].items():
        assert weight == pytest.approx(scale * first["lemmas"][word], abs=1e-3), word


def test_without_the_customers_message_a_missing_apology_is_only_a_hint(linter):
    """A live reply checked alone: that something went wrong is assumed, not read, so the
    apology it lacks is info (shown, never failing a run); with a customer who reports
    trouble, the same reply warns."""
    reply = "Please restart the router and try again."
    alone = {f.code: f.severity for f in linter.lint(reply, Context(kind="live"))}
    assert alone["EMP201"] == "info"
    upset = Context.for_reply("My internet has been down for two days and nobody helps", "live", None, reply)
    assert {f.code: f.severity for f in linter.lint(reply, upset)}["EMP201"] == "warning"


def test_a_plain_question_answered_with_the_answer_is_not_asked_for_an_apology(linter):
    for customer, reply in (("What are your opening hours on Sunday?", "We're open 10am to 4pm on Sundays."),
                            ("Can I change the delivery address on my order?",
                             "Sure thing! Just go to Orders > Edit address before it ships."),
                            ("hi can u tell me when the sale starts", "Hi! The summer sale starts Friday at 9am."),
                            ("Can you change the delivery address on my order to 12 High St?",
                             "Sure! I've updated the address to 12 High St.")):
        context = Context.for_reply(customer, "live", None, reply)
        assert "EMP201" not in {f.code for f in linter.lint(reply, context)}, customer


def test_a_request_to_cancel_or_delete_is_no_failure(linter):
    """Something cancelled, removed or deleted on the customer is trouble ("my flight was
    cancelled"); asking for it to be done is a request, and a reply that does it is not
    asked for an apology."""
    for customer, reply in (("I want to cancel my membership.",
                             "Sure, I've cancelled it for you. You won't be charged again."),
                            ("Please delete my data.", "Done: your data has been deleted, and you'll get a confirmation email.")):
        assert "failure" not in _cue_groups(customer), customer
        context = Context.for_reply(customer, "live", None, reply)
        assert "EMP201" not in {f.code for f in linter.lint(reply, context)}, customer
    assert "failure: cancelled" in default_detector().explain("My flight was cancelled and nobody told me.")
    assert detect("They deleted my review!").problem


def test_a_supply_cut_off_is_a_failure():
    """"Our power has been out since 6am" reports trouble, as "the internet is down" does;
    "out" in a request or a release is none ("check out my order", "is the phone out yet")."""
    for message in ("Our power has been out since 6am and we have a newborn.", "The internet went out again last night."):
        assert "failure" in _cue_groups(message), message
        assert detect(message).verdict == "problem", message
    for message in ("Can you check out my order status?", "Is the new phone out yet?"):
        assert "failure" not in _cue_groups(message), message


def test_thanks_typed_in_a_hurry_and_a_one_word_works_are_read():
    """"Thankx", "thnx", "tysm" are thanks as "thanks" is; "Works." (after a handle too)
    says it works again, where "nothing works." does not."""
    for message in ("@AskPlayStation Thankx", "thnx", "tysm!!", "ok thks"):
        assert "thanks" in _cue_groups(message), message
    for message in ("Works. Blame the iOS update.", "@SpotifyCares Works. Blame IOS update.", "@a @b Worked!"):
        assert "resolution" in _cue_groups(message), message
    for message in ("Tried everything and nothing works.", "Works on my laptop but not on my phone"):
        assert "resolution" not in _cue_groups(message), message


def test_a_yes_opening_the_reply_answers_a_question():
    """"Sure thing!", "Yes, you can!", "Of course!" open an answer to a plain question;
    a yes that goes on to name trouble ("Yes, we're aware of the outage") does not."""
    answers = default_detector().reply_groups_many([
        "Sure thing! Just go to Orders > Edit address before it ships.", "Yes, you can! It's under Settings.",
        "Of course! We ship to Canada.", "Yes, we're aware of the outage and working on it."])
    assert ["reply-answer" in groups for groups in answers] == [True, True, True, False]


@pytest.mark.parametrize("message", [
    "seems to be working at this stage. Will let you know if it happens again. Cheers",
    "I got it to work after reinstalling a few times, thanks!",
    "Got it. Thanks!",
])
def test_a_customer_saying_it_works_again_reports_no_problem(message):
    """Rubric v2: a message saying the problem is solved is no problem, even in a
    conversation that was about one."""
    signal = detect(message, "my app keeps skipping songs on my bluetooth speaker")
    assert signal.fine and not signal.problem, default_detector().explain(message)


def test_no_problem_and_never_got_it_to_work_are_read_as_said():
    """"no problem" names no failure; "never got it to work" is not a resolution."""
    explained = default_detector().explain("Hey no problem, it was delivered just fine")
    assert not any(cue.startswith("failure:") for cue in explained)
    assert any(cue.startswith("resolution:") for cue in explained)
    assert not any(cue.startswith("resolution:") for cue in default_detector().explain("I never got it to work"))
    assert detect("I never got it to work", "my app keeps skipping songs").problem


def test_the_verdict_is_three_way():
    verdicts = {detect(m).verdict for m in ("My card was charged twice and nobody answers the phone",
                                            "Thanks so much, that fixed it! Love the new app", "ok")}
    assert verdicts <= {"problem", "no-problem", "unsure"} and {"problem", "no-problem"} <= verdicts


def test_informal_spellings_read_as_the_words_they_stand_for(linter):
    codes = _codes(linter, "sry abt that! pls dm us ur order number and we'll chase it 2day.",
                   "my order never arrived")
    assert "EMP201" not in codes and "EMP401" not in codes


@pytest.mark.parametrize("code,reply", [
    # next steps: a completed action, the team's commitment, "let's", "if ..., DM us", a timeline
    ("EMP401", "We've replied to your DM."),
    ("EMP401", "Our team is working on it right now."),
    ("EMP401", "Let's get this sorted: could you confirm the email on the account?"),
    ("EMP401", "If it happens again, DM us the error code."),
    ("EMP401", "We should have it up by 5pm."),
    # ...an instruction that opens the reply after its @mentions, a request in two words,
    # a retry, a wait while the agent looks, what the agent will need
    ("EMP401", "@115712 Press and hold the reset button for 30 seconds. ^AB"),
    ("EMP401", "@115712 Yes, DM please."),
    ("EMP401", "It's back up, try it now."),
    ("EMP401", "One moment while I take a look."),
    ("EMP401", "I'll need the last four digits of the card."),
    ("EMP401", "Feel free to DM your confirmation number."),
    # follow-up in any form
    ("EMP501", "I'll ring you Tuesday with an update."),
    ("EMP501", "Reply here if it happens again."),
    ("EMP501", "We'll keep you posted."),
    ("EMP501", "Thanks for checking with us, and we are always here for you."),
    # acknowledgement: cognition + complement, evaluations, an apology naming what happened
    ("EMP101", "Totally get it, that's not the experience we want."),
    ("EMP101", "You're right, the charge should not be there."),
    ("EMP101", "I know how annoying a double charge is."),
    ("EMP101", "Sorry you're still having trouble with the router."),
])
def test_constructions_not_sentences_satisfy_their_rule(linter, code, reply):
    assert code not in _codes(linter, reply, "the app is broken and I was charged twice")


@pytest.mark.parametrize("reply", [
    "If you have any other questions, just give us a shout.",
    "Tweet us back if you need further assistance.",
    "Feel free to contact us for assistance in the future.",
    "If we can be of any assistance, please don't hesitate to tweet us about it.",
    "Keep us posted on the arrival of your package!",
])
def test_an_open_door_is_a_follow_up_not_a_next_step(linter, reply):
    """Rubric v2: "reach out any time" offers more contact later; it gives the customer
    nothing to do now."""
    codes = _codes(linter, reply, "the app is broken and I was charged twice")
    assert "EMP401" in codes and "EMP501" not in codes


@pytest.mark.parametrize("reply,steps", [
    ("We'd be happy to help!", False),  # willingness, nothing named
    ("I can see one train running 20 minutes late.", False),  # seeing is not doing
    ("Our staff will do their best.", False),
    ("Thank you for your feedback. We are glad we were able to help.", False),  # done, not to do
    ("I don't want you to feel this way. What's going on?", False),  # an opener
    ("Which train were you on? I can see two running late.", True),
    ("If it happens again, DM us your order number.", True),  # asks for something
    ("Please don't hesitate to email us your receipt.", True),
    ("We'll be happy to assist with the refund: DM us the order number.", True),
])
def test_a_next_step_names_something_to_do(linter, reply, steps):
    assert ("EMP401" not in _codes(linter, reply, "the app is broken and I was charged twice")) is steps


def test_a_reply_naming_the_customers_own_words_acknowledges_them(linter):
    customer = "The battery on my new laptop is broken, it drains in an hour"
    assert "EMP101" not in _codes(linter, "A laptop battery that drains that fast needs a look. Please DM us.", customer)
    assert "EMP101" in _codes(linter, "Please DM us your order number.", customer)


def test_the_name_of_the_account_written_to_is_not_the_customers_matter(linter):
    """train tw-2872, shortened: "Spotify" in a tweet to @SpotifyCares names the company;
    a reply that says it has not named their problem (4 of 4 such tune replies labelled
    unacknowledged), while the words of their matter still count."""
    customer = "@SpotifyCares every time someone sends a Spotify link, it never opens the first time"
    reply = "Don't worry, help's here. Which iPhone model and Spotify version are you on?"
    assert "EMP101" in _codes(linter, reply, customer)
    assert "EMP101" not in _codes(linter, reply, customer.replace("@SpotifyCares ", ""))
    assert "EMP101" not in _codes(linter, "Which app opens when you tap a Spotify link?", customer)


@pytest.mark.parametrize("customer, reply", [
    # train tw-3237's exchange, shortened: the customer's "WIFI" is the agent's "Wi-Fi"
    ("I was disappointed on flight 2468 when WIFI was offered but it never worked",
     "Cooper, I'm sorry about the Wi-Fi! Please report it to our partner Gogo at 1.877.350.0038."),
    ("Where is my pre-order? It was due Tuesday and it still has not arrived",
     "Your preorder ships Friday, tracking to follow."),
])
def test_a_hyphen_dropped_or_added_is_still_the_customers_word(linter, customer, reply):
    assert "EMP101" not in _codes(linter, reply, customer)
    assert "EMP101" in _codes(linter, reply.replace("Wi-Fi", "trouble").replace("preorder", "game"), customer)


@pytest.mark.parametrize("reply", [
    "I'm sorry to hear that, however we would not offer a refund for this.",
    "I do apologize that you feel this way.",
    "We're sorry to hear you're disappointed. If we can be of any assistance, please tweet us.",
])
def test_apology_then_blame_is_a_non_apology(linter, reply):
    assert "EMP202" in _codes(linter, reply, "I want a refund")


@pytest.mark.parametrize("reply", [
    "Unfortunately, we are not able to guarantee seats.",
    "It works on our end.",
    "We operate a strict ID policy at all stores.",
    # a number in the policy's name, an emphatic "do"
    "We operate a Challenge 25 policy in every store.",
    "But we do follow EU regulations with all our products.",
    # no promise, and no way forward; policing the customer's words
    "We can't make any promises about HDMI streaming.",
    "I would ask you please to avoid the use of that type of language.",
    # the fault handed on; a shrug
    "The delay is caused by the courier, not us.",
    "Flights are cancelled for operational reasons. It is what it is.",
    # a refusal, then an errand handed on (not a way forward)
    "We are not responsible for damage in transit. You will need to file a claim with the carrier.",
    # the customer's responsibility in a notice's third person; the report answered by our records
    "Packages marked as delivered are the responsibility of the customer.",
    "Please note that we cannot be held responsible for any future issues.",
    "The invoice is generated automatically and is correct according to our records.",
])
def test_defensive_constructions(linter, reply):
    assert _codes(linter, reply) & {"EMP303", "EMP304", "EMP306", "EMP308", "EMP309"}


@pytest.mark.parametrize("reply", [
    "I can't make any promises, but if you ask nicely a flight attendant may help.",
    "Our privacy policy is linked below if you'd like to read it.",
    "Here's a simple way to do it: open Settings, then Language.",
    "We're unable to refund it after 30 days. You can still send it to the manufacturer for a free repair.",
])
def test_a_limit_with_a_way_forward_is_not_defensive(linter, reply):
    assert not _codes(linter, reply) & {"EMP303", "EMP306", "EMP308", "EMP309"}


@pytest.mark.parametrize("text,language", [
    ("Lamentamos el inconveniente. Por favor síguenos en Twitter para brindarte asistencia.", "es"),
    ("Danke für die schnelle Antwort, ich werde mal nachfragen, was da los ist.", "de"),
    ("ご不便をおかけしております。端末の再起動をお試しください。", "ja"),
    ("Please DM us your order number and we'll take a look.", "en"),
    ("Gracias!", "en"),
])
def test_language_detection(text, language):
    assert detect_language(text) == language


def test_a_reply_in_another_language_is_judged_only_by_the_rules_with_patterns_for_it(linter):
    """Apology and acknowledgement have Spanish patterns: "Lamentamos" is the apology, and
    nothing acknowledges the late order. Next steps and follow-up have none, so they say
    nothing, and the notice names the rules that did check the reply."""
    reply = "Lamentamos el inconveniente. Por favor síguenos en Twitter para brindarte asistencia."
    findings = linter.lint(reply, Context.for_reply("my order is late", "live", "social", reply))
    assert [f.code for f in findings] == ["EMP001", "EMP101"]
    assert "(detected: es; checked in it: missing-acknowledgement, missing-apology)" in findings[0].message
    assert findings[1].suggestions[0].startswith("Entiendo")


def test_a_spanish_reply_without_an_apology_is_asked_for_one_in_spanish_at_info(linter):
    reply = "Hola! Por favor síguenos en Twitter para poder brindarte asistencia por mensajes directos."
    customer = "I was charged twice for the same order and nobody answers my emails"
    findings = {f.code: f for f in linter.lint(reply, Context.for_reply(customer, "live", "social", reply))}
    assert findings["EMP201"].suggestions[0] == "Lamentamos mucho lo ocurrido."
    # The customer's verdict is read with English cues: what rests on it is only info.
    assert findings["EMP201"].severity == "info"
    sorry = "Lo sentimos mucho. " + reply
    assert "EMP201" not in {f.code for f in linter.lint(sorry, Context.for_reply(customer, "live", "social", sorry))}


def test_a_reply_in_a_language_no_rule_reads_gets_only_the_notice(linter):
    reply = "Приносим извинения за неудобства. Пожалуйста, перезагрузите устройство."
    findings = linter.lint(reply, Context.for_reply("my order is late", "live", "social", reply))
    assert [f.code for f in findings] == ["EMP001"] and findings[0].severity == "info"
    assert findings[0].message.endswith("(detected: ru)")


# Real replies of a Japanese support team (tune split), read as one run of characters.
JAPANESE_APOLOGIES = [
    "ご不便をおかけしております。アプリをご利用でしょうか。強制停止>端末の再起動にて改善する場合がございますので、お試しください。",
    "ご迷惑をおかけしております。お届けした商品に問題があった場合、返品・交換にて対応させていただいております。",
    "突然のリプライで、驚かせてしまってすみませんでした。",
    "ご心配をおかけしております。一旦配送業者からの回答をお待ちくださいませ。",
    # Chinese, simplified and traditional: no spaces either.
    "很抱歉给您带来不便。请重新启动设备后再试一次。",
    "對不起，讓您久等了。我們已經為您重新寄出商品。",
]


@pytest.mark.parametrize("reply", JAPANESE_APOLOGIES)
def test_a_japanese_apology_is_found_inside_a_run_of_characters(linter, reply):
    findings = linter.lint(reply, Context.for_reply(None, "live", "social", reply))
    assert [f.code for f in findings] == ["EMP001"]
    assert "checked in it: missing-apology" in findings[0].message


@pytest.mark.parametrize("reply", [
    "アマゾンです。お困りの状況が特定できないのですが、エラーメッセージや画面の状況を教えていただけますか。",
    # "失礼いたします" opens a reply politely ("excuse me"); it apologises for nothing.
    "失礼いたします。当サイトからそのようなメールをお送りすることはございません。",
])
def test_a_japanese_reply_without_an_apology_is_asked_for_one_in_japanese(linter, reply):
    findings = {f.code: f for f in linter.lint(reply, Context.for_reply(None, "live", "social", reply))}
    assert findings["EMP201"].severity == "info"
    assert findings["EMP201"].suggestions[0] == "ご迷惑をおかけして申し訳ございません。"


def test_an_email_length_japanese_reply_is_read_as_japanese_not_masked_as_a_blob(linter):
    """Japanese puts no space between words: a paragraph is one run of 200 characters or
    more. Such a run was masked as a blob (base64, a wall of commas), and the empty reply
    left was judged by the English rules: missing acknowledgement, next steps, follow-up."""
    reply = ("いつもご利用いただき、誠にありがとうございます。ご注文の商品がまだ届いていないとのこと、"
             "ご迷惑をおかけして大変申し訳ございません。配送状況を確認いたしましたところ、配送業者の"
             "倉庫で一時的に保管されていることがわかりました。本日中に再配達の手配をいたしましたので、"
             "明日の午前中にはお届けできる見込みです。お届け日時の変更をご希望の場合は、配送業者の"
             "ウェブサイトからお手続きいただけます。引き続きよろしくお願いいたします。")
    assert len(reply) >= 200 and " " not in reply
    findings = linter.lint(reply, Context.for_reply(None, "live", "email", reply))
    assert [f.code for f in findings] == ["EMP001"]
    assert "(detected: ja; checked in it: missing-apology)" in findings[0].message


def test_a_chinese_reply_without_an_apology_is_asked_for_one_in_chinese(linter):
    reply = "请重新启动设备后再试一次，然后告诉我们结果。"
    findings = {f.code: f for f in linter.lint(reply, Context.for_reply(None, "live", "social", reply))}
    assert findings["EMP201"].suggestions[0] == "很抱歉给您带来不便。"
    assert "(detected: zh; checked in it: missing-apology)" in findings["EMP001"].message


def test_the_customer_detector_reads_a_japanese_message_on_the_pipelines_own_tokens():
    """Only a reply's rule matching reads Japanese a character a token: the detector was
    fitted on the pipeline's own tokens, and reads a message as it was fitted."""
    from empathy_lint.engine.pipeline import get_nlp, unspaced_doc

    message = "注文した商品が届きません。どうしたらいいのでしょうか"
    assert len(get_nlp()(message)) == 1 and len(unspaced_doc(get_nlp(), message)) == len(message)


def test_detector_keeps_recent_evidence_but_judges_by_the_current_weights(monkeypatch):
    """Messages met again (a window at a time, "Yes", "Thanks!") are not read twice, yet a
    verdict always follows the weights as they are now (the fit script changes them)."""
    from empathy_lint.engine import customer
    from empathy_lint.engine.pipeline import get_nlp
    from empathy_lint.rulebook import load_context

    detector = customer.CustomerDetector(get_nlp(), load_context("customer.yaml"))
    late = "My order is three weeks late and nobody answers"
    first = detector.detect(late)
    detector.bias -= 20
    again = detector.detect(late)
    assert first.problem and not again.problem and again.groups == first.groups
    monkeypatch.setattr(customer, "MEMO_SIZE", 3)
    detector.detect_many([f"message number {i}" for i in range(10)])
    assert list(detector._memo) == [f"message number {i}" for i in (7, 8, 9)]


def test_a_verdict_does_not_depend_on_the_order_the_evidence_comes_in():
    """Set order follows string hashing, which differs between processes: a score summed in
    that order flipped verdicts at the threshold from run to run. The sum is exactly
    rounded (math.fsum), whatever the order."""
    from empathy_lint.engine.customer import Evidence
    from empathy_lint.engine.sentiment import Sentiment

    detector = default_detector()
    message = ("@AmericanAir Was my wife/mom. We couldn't believe it! Then she proceeded to try to tell us "
               "how to parent our children. Our children, 6 and 4 were perfect")
    signal = detector.detect(message)
    assert len(signal.groups) >= 4
    sentiment = Sentiment(0.1, 0.2, 0.3)
    scores = {detector._verdict(Evidence(frozenset(order), signal.words, sentiment)).score
              for order in itertools.permutations(sorted(signal.groups))}
    assert len(scores) == 1


@pytest.mark.parametrize("reply, heard", [
    ("Your account is unlocked now, so you can log in again.", True),
    ("Could you DM us the email address on your account?", False),
    ("Please send us the email on your account and we'll take a look.", False),
    ("Thanks for writing in. Can you tell us which account this is?", False),
    ("Let me check that for you. Can I have the email on your account, please?", False),
    ("Let me check that for you. What is your account email?", False),
])
def test_the_customers_words_inside_a_request_are_not_an_acknowledgement(linter, reply, heard):
    """Naming what the customer wrote about shows they were heard; asking for it does not
    ("Could you DM us your account email?" after "my account is locked"): readers marked
    such replies unacknowledged, and the customer's words there only ask."""
    customer = "My account has been locked for two days and I can't log in to pay my bill."
    assert ("EMP101" not in _codes(linter, reply, customer)) is heard


def test_a_word_of_the_customers_said_another_way_is_an_echo(linter):
    """"delivered" and "delivery" are one word said two ways: words are compared by their
    first `echo.root_letters` letters (fitted by benchmarks/fit_echo.py), so a reply that
    names the customer's delivery has named their matter."""
    customer = "My package was never delivered and I paid for next day shipping."
    reply = "The delivery was marked complete by mistake; a replacement goes out today."
    detector = default_detector()
    assert detector.root_letters >= 4
    assert "EMP101" not in _codes(linter, reply, customer)
    stored, detector.root_letters = detector.root_letters, 0
    try:
        assert "EMP101" in _codes(linter, reply, customer)  # whole words only: not named
    finally:
        detector.root_letters = stored


def test_a_welcome_answers_a_newcomers_question_not_a_problem(linter):
    """A plain question from someone moving in is left open by its words; a reply that
    opens with a welcome shows nothing went wrong, so no apology is asked (a welcome pack
    is no welcome)."""
    message = "Just moved into a new flat, how do I set up an account with you?"
    reply = ("Welcome aboard! You can set up your account in a few minutes on our website: click "
             "'Moving home' and enter your first meter readings.")
    assert detect(message).verdict == "unsure"
    detector = default_detector()
    welcome, pack = detector.reply_groups_many([reply, "Sorry, the welcome pack to your new home was late."])
    assert "reply-glad" in welcome and "reply-glad" not in pack
    assert "EMP201" not in _codes(linter, reply, message)
