"""Replies written to probe forms the labelled sets lack (email and chat replies, not
tweets): each with the customer's message it answers, and the verdict a reader gives
under rubric v2. Where the labelled data has no such reply, these keep a rule honest
about the way of speaking it was written for, with the customer's message in play (the
rules' own examples are single sentences with no customer)."""
from __future__ import annotations

import pytest

from empathy_lint import lint_text
from empathy_lint.engine.linter import Context


def _findings(customer: str, reply: str) -> dict[str, str]:
    """Code -> severity of the findings on `reply` answering `customer`."""
    return {f.code: f.severity for f in lint_text(reply, context=Context.for_reply(customer, "live", "email"))}


# (customer, reply, a code the reply must get)
DEFENSIVE = [
    ("Why was my account suspended? I did nothing wrong.",
     "Your account was suspended because you violated section 4.2 of our terms of service. "
     "The decision cannot be appealed.", "EMP306"),
    ("Why was my account suspended? I did nothing wrong.",
     "Your account was suspended because you violated section 4.2 of our terms of service.", "EMP304"),
    ("The invoice you sent has the wrong VAT number on it.",
     "You must have entered the VAT number incorrectly at checkout. You can update it in your account settings.",
     "EMP304"),
    ("The package arrived damaged, the box was crushed and the vase inside is in pieces",
     "Unfortunately, items damaged in transit are the responsibility of the courier. "
     "You will need to contact them directly.", "EMP306"),
    ("Your website says in stock but the store says it isn't.",
     "Stock levels on the website are indicative only and not guaranteed, as stated in our FAQ.", "EMP303"),
    ("I want a refund, the product doesn't do what the ad said.",
     "We don't offer refunds on digital products once downloaded. That was explained at checkout.", "EMP307"),
    ("You double billed me and I'm now overdrawn. I'm furious.",
     "I can't see any double charge on our end. It may be a pending authorisation from your bank.", "EMP308"),
    ("Where is my order? It was supposed to arrive on Friday.",
     "Hi Jo, the tracking shows it was delivered on Friday at 2pm. "
     "Please check with your neighbours before contacting us again.", "EMP308"),
    ("I returned the item 3 weeks ago and still no refund",
     "Refunds take up to 30 days to process. Please be patient.", "EMP308"),
    ("Your app keeps logging me out every five minutes, it's driving me mad",
     "Kindly note that the app logs users out after inactivity for security reasons. This is standard practice.",
     "EMP303"),
    ("I was overcharged on my last bill", "Our billing system is automated and accurate.", "EMP308"),
    ("where's my parcel?? it's 3 days late", "Delivery times are estimates and are not guaranteed.", "EMP306"),
    ("My claim was rejected and nobody will tell me why.",
     "Your claim was reviewed by our assessors and the decision was made in line with your policy wording.",
     "EMP303"),
    ("Your driver was incredibly rude to my elderly mother.", "Our drivers are trained to the highest standards.",
     "EMP308"),
    ("My broadband keeps dropping out every evening.",
     "Our line test is clear, so the issue must be with your equipment.", "EMP304"),
    ("The app deleted my notes after the update.", "There are no issues on our end.", "EMP308"),
    ("I want my deposit back, I cancelled two weeks before.",
     "Once again, the deposit is non-refundable. You agreed to these terms when you booked.", "EMP301"),
    ("I want my deposit back, I cancelled two weeks before.",
     "Once again, the deposit is non-refundable. You agreed to these terms when you booked.", "EMP304"),
    ("This is the fourth time I've written about the same fault.",
     "We have already answered this question. We are not able to discuss this any further.", "EMP306"),
]


@pytest.mark.parametrize("customer,reply,code", DEFENSIVE)
def test_defensive_forms_outside_twitter_are_flagged(customer, reply, code):
    assert code in _findings(customer, reply)


# (customer, reply): good replies that share words with the forms above
NOT_DEFENSIVE = [
    ("My flight was cancelled by the storm.",
     "I'm so sorry. The storm was beyond our control, but I've rebooked you on the first flight tomorrow "
     "and emailed the new boarding pass."),
    ("I was charged twice for one order.",
     "I'm sorry about that. I can't see any double charge on our end yet. Please send me a screenshot of "
     "your statement and I'll look into it today."),
    ("I want my deposit back.",
     "I'm afraid we can't refund the deposit, but I can move it to a new date for free."),
    ("My internet keeps dropping.",
     "There are no faults on our side. Could you try restarting the router and tell me if it drops again?"),
    ("I'd like a refund for the late delivery.",
     "We can't normally make exceptions, but I've refunded the delivery charge for you."),
    ("The app is slow after the update.",
     "Sorry about that! Please be patient with the first sync: it can take up to an hour, and I'll check "
     "back with you this afternoon."),
]


@pytest.mark.parametrize("customer,reply", NOT_DEFENSIVE)
def test_a_limit_with_a_way_forward_is_not_defensive(customer, reply):
    assert not {code for code in _findings(customer, reply) if code.startswith("EMP3")}


def test_a_plain_question_answered_with_a_request_fails_no_run():
    """The customer's words leave it unsure whether anything went wrong; the reply asks
    for a detail to act on, which reads as taking up a problem. A verdict the reply
    decided is a guess: on tune, missing-apology warnings resting on one were right 84%
    of the time (77 of 92), against 98% for those resting on the customer's own words.
    The finding stays, at info."""
    customer = "Can I change the delivery address on my order?"
    reply = ("Yes, you can! Go to Orders > Edit address before the order ships (it usually ships within 24 hours). "
             "If the button is greyed out, send me the new address and I'll update it for you.")
    assert _findings(customer, reply).get("EMP201") in (None, "info")
    # The customer's own words still decide: a report of trouble is warned on.
    assert _findings("My order arrived broken and nobody has answered my emails.", reply).get("EMP201") == "warning"


def test_regret_at_leaving_is_no_apology():
    """'Sorry to see you go.' answers the leaving, not what made the customer leave.
    (The customer's words alone leave the detector unsure here; the reply decides, so
    the finding is info: a verdict the reply decided is not sure enough to fail a run.)"""
    found = _findings("I've been a loyal customer for 10 years and this is how you treat me? Cancel my account.",
                      "Sorry to see you go. Your account has been cancelled.")
    assert found.get("EMP201") == "info"
    assert "EMP401" not in found  # the cancellation asked for is done: a step taken


@pytest.mark.parametrize("reply", [
    "Sorry you're having trouble with this. Please try entering it without a space. "
    "If that doesn't work, let me know and I'll place the order for you.",
    "Sorry for the wait. Refunds can take 5-7 working days to appear. "
    "Give it until Friday and, if it's still missing, drop me a line here.",
    "My apologies for the trouble. Maintenance is on the way now. "
    "I'll ring your room afterwards to make sure it's fixed.",
    "I'm so sorry. An engineer is booked for tomorrow 8-12. If it gets worse tonight, call our emergency line "
    "on 0800 123 456.",
])
def test_an_open_door_in_email_wording_is_a_follow_up(reply):
    assert "EMP501" not in _findings("It still doesn't work and I'm fed up.", reply)


def test_owning_the_mistake_in_everyday_words_is_an_apology():
    found = _findings("the app crashed and I lost my draft",
                      "Yikes, what a pain. We messed up with the last release. I've restored your draft from our "
                      "backup; it's in Drafts now. Ping me if it isn't there.")
    assert not {"EMP201", "EMP401", "EMP501"} & set(found)
    assert "EMP201" in _findings("the app crashed and I lost my draft",
                                 "It was not our mistake: the app was updated. Please reinstall it.")


def test_thanks_for_contacting_us_is_no_next_step():
    found = _findings("Hi, my order #55123 has said 'processing' for two weeks. What's going on?",
                      "Hi Maria,\n\nThank you for contacting us. Orders are processed in the order they are "
                      "received.\n\nKind regards,\nCustomer Services")
    assert "EMP401" in found and "EMP201" in found


def test_a_step_done_in_the_passive_is_a_next_step():
    found = _findings("I was promised a callback yesterday and nobody called.",
                      "Apologies for that. A callback has been booked for today between 2 and 4pm.")
    assert "EMP401" not in found and "EMP201" not in found


def test_an_apology_for_the_customers_expectations_is_a_non_apology():
    found = _findings("My son's birthday cake was delivered squashed. He was so upset.",
                      "We apologise if the cake did not meet your expectations.")
    assert found.get("EMP202") == "warning" and "EMP201" not in found


def test_an_open_door_after_a_step_that_may_fail_is_a_follow_up():
    reply = ("Being locked out with a deadline looming is stressful, so let's get you back in fast. I've sent a "
             "reset link to the email on file. If it doesn't arrive, tell me and I'll reset it by phone.")
    assert "EMP501" not in _findings("I've been locked out of my account since yesterday.", reply)


def test_a_timeline_for_everyone_is_no_next_step_in_this_case():
    customer = "I was charged twice for my subscription this month. I need the extra payment back."
    assert "EMP401" in _findings(customer, "Refunds are processed within 5-10 business days.")
    assert "EMP401" not in _findings(customer, "I've refunded the second charge; it will reach your card within "
                                               "5 business days.")


DISCLAIMER = ("This email and any attachments are confidential and intended solely for the addressee. If you are "
              "not the intended recipient, you should not copy or distribute it. Please notify the sender and "
              "delete it. We cannot accept liability for any viruses transmitted.")


def test_a_legal_footer_is_not_the_agents_words():
    """A company's disclaimer under the signature refuses liability in the lawyers' words:
    no defensive finding there; the same refusal in the reply's body still gets one."""
    reply = ("I'm sorry the refund hasn't arrived. It was issued today and should reach your card by Friday; "
             "I'll let you know if anything changes.\n\nBest regards,\nSam\n\n" + DISCLAIMER)
    found = _findings("Where is my refund?", reply)
    assert not {code for code in found if code.startswith("EMP3")}
    body = "Your data is confidential.\n\nWe cannot accept liability for the lost parcel.\n\nBest,\nSam"
    assert "EMP306" in _findings("My parcel is lost.", body)


def test_a_mail_clients_signature_block_is_not_linted_and_signs_the_email():
    """Thunderbird, Gmail's plain text and most clients put the signature under a "-- "
    line: a title, a phone number, a company tagline. Its words are not this reply's
    ("Simply the best way to ship" is marketing's), and it signs the email."""
    reply = ("Hi Dana,\n\nI'm sorry the parcel is late. I've sent a replacement by express today, and I'll "
             "let you know when it's out for delivery.\n\n-- \nSam Smith | Support Lead\nAcme: simply the "
             "best way to ship. Obviously.\n+44 20 7946 0000\n")
    found = _findings("My parcel is two weeks late.", reply)
    assert "EMP307" not in found and "EMP702" not in found
    # The same words above the line are the reply's own.
    assert "EMP307" in _findings("My parcel is two weeks late.", reply.replace("\n-- \n", "\n\n"))
    # A "--" in a sentence is no signature line, nor is a heading's "--" underline.
    assert "EMP702" in _findings("Where is it?", "Hi Dana, the parcel -- sent Monday -- is on its way.")
    assert "EMP301" in _findings("Where is it?", "Refund\n--\nAs I said, the refund takes five days.")


# Registers written on 2026-12-07 (an energy supplier, a food-delivery app, an insurer,
# a game's support tickets, a B2B software company, a medical practice, and later an API
# provider, a ticket seller, a marketplace seller, a bank, an online course, a train
# operator's and a brand's Twitter voice):
# (customer, reply, code, whether the reply must get it).
REGISTERS = [
    ("You've taken my direct debit twice this month and now I'm overdrawn.",
     "The duplicate collection occurred because your bank details were updated twice. Please ensure changes are "
     "only submitted once in future.", "EMP304", True),
    ("You've taken my direct debit twice this month and now I'm overdrawn.",
     "Whilst I appreciate your frustration, direct debits are collected in line with the schedule you agreed to.",
     "EMP304", True),
    ("You've taken my direct debit twice this month and now I'm overdrawn.",
     "Sorry for any inconvenience. The second payment was for your previous balance, as set out in your annual "
     "statement.", "EMP303", True),
    ("My bill this month is £340, three times the usual.",
     "Hello, estimated bills are issued where we have not received a valid reading. The bill stands.",
     "EMP401", True),
    ("Why has my premium gone up by 40% when I haven't made a claim?",
     "Premiums are reviewed annually. We are unable to discuss how individual premiums are calculated.",
     "EMP306", True),
    ("Why has my premium gone up by 40% when I haven't made a claim?",
     "I can see why a 40% rise would come as a shock. I've re-run your quote and found a policy that brings it "
     "down to £412 - shall I switch you over?", "EMP401", False),
    ("My claim has been open for 6 weeks and nobody has called me back.",
     "Please be assured that your claim is being dealt with.", "EMP401", True),
    ("servers have been lagging all weekend, cant play ranked at all",
     "Have you tried restarting your router? Most lag issues are caused by the player's connection.",
     "EMP304", True),
    ("servers have been lagging all weekend, cant play ranked at all",
     "Ugh, lag in ranked is the worst. The fix is rolling out tonight, and we'll post on our status page once "
     "it's done.", "EMP501", False),
    ("The receptionist was really rude when I called this morning.",
     "I'm really sorry about that. I've shared your feedback with the practice manager, who will call you by "
     "Friday to talk it through.", "EMP501", False),
    ("you charged me twice for the same order",
     "Our payment system doesn't make mistakes like that, please check with your bank.", "EMP308", True),
    ("my order came 50 mins late and the food was stone cold. not happy",
     "Sorry if the food wasn't up to your standards.", "EMP202", True),
    ("my order came 50 mins late and the food was stone cold. not happy",
     "Sorry for the delay, but we've now refunded your order in full.", "EMP202", False),
    ("my order came 50 mins late and the food was stone cold. not happy",
     "I'm sorry, but we can't refund orders once they have been delivered.", "EMP202", True),
    ("I filled in the form wrong and now my order is stuck.",
     "It's not your fault at all - the form was confusing, and I've corrected the order.", "EMP304", False),
    ("You charged me $450 for a scratch that was already there when I picked up the car.",
     "Any damage not recorded on the rental agreement is the renter's responsibility.", "EMP304", True),
    ("They refused my return in store because I didn't have the receipt.",
     "Returns without a receipt are at the store manager's discretion.", "EMP303", True),
    ("My refund for the return still hasn't shown up after 3 weeks.",
     "I apologize for the delay. I've pushed the refund through today, and I'll check on Friday that it has "
     "reached your card.", "EMP501", False),
    ("My refund for the return still hasn't shown up after 3 weeks.",
     "Sorry for the wait! As stated in our returns policy, refunds take up to 30 days, so you're within time - "
     "I've asked the warehouse to speed yours up.", "EMP303", False),
    ("I want compensation, this has been a complete mess.",
     "We note your comments; however, our position remains unchanged.", "EMP308", True),
    ("I want compensation, this has been a complete mess.",
     "Had you contacted us within the 14-day window, we could have helped.", "EMP304", True),
    # Twelve more registers and a brand's Twitter voice (the twenty-third session):
    ("Your API has been returning 502s for the last hour and our checkout is down.",
     "Hi, our status page shows all systems operational. Please check your integration.", "EMP308", True),
    ("Your API has been returning 502s for the last hour and our checkout is down.",
     "Hi Marco, as per our SLA, credits are only issued for outages over 4 hours.", "EMP303", True),
    ("The concert was cancelled on the day and I still haven't had my refund, it's been 6 weeks.",
     "Hi Dan, refunds for cancelled events are issued by the event organiser, not by us. We are unable to speed "
     "up this process.", "EMP306", True),
    ("The listing said 'brand new' but the headphones arrived scratched and without the box.",
     "Hi, all items are checked before dispatch. The damage must have happened during delivery.", "EMP308", True),
    ("My card was blocked while I was abroad and I couldn't pay for anything for two days.",
     "Hi, sorry about that. The block is lifted now. Thanks, Sam", "EMP401", False),
    ("I paid for the course but I still can't access any of the videos. It's been a week.",
     "Hi, enrolment can take up to 10 working days to process. Thank you for your patience.", "EMP401", True),
    ("@TrainCo the 7:42 is cancelled AGAIN and no replacement bus. how am I meant to get to work",
     "Really sorry, the 7:42 was cancelled due to a signal fault. The 7:58 is running and your ticket is valid "
     "on it. ^RB", "EMP401", False),
    ("@Brand my order is a week late and nobody answers my emails",
     "Sorry, but that's not good enough from us. DM us your order number and we'll chase it today. ^JS",
     "EMP202", False),
    ("@Brand my order is a week late and nobody answers my emails",
     "Sorry, but that's not good enough from us. DM us your order number and we'll chase it today. ^JS",
     "EMP201", False),
    ("@Brand my order is a week late and nobody answers my emails",
     "Sorry for any frustration, but delivery times are estimates only. ^JS", "EMP202", True),
    ("I want a refund for the album I downloaded.",
     "I'm afraid we can't refund digital downloads once they have been accessed. I'm sorry that's not the answer "
     "you hoped for. What I can do is give you a credit for another title.", "EMP306", False),
    ("The app deleted all my notes after the update.",
     "Obviously this isn't the experience we want you to have, and I'm sorry. I've credited your account with "
     "one month free.", "EMP307", False),
    # Fifteen more registers (the twenty-fourth session): a car hire desk, a letting
    # agent, a pharmacy, a pet insurer, furniture delivery, a tour operator, a SaaS
    # billing desk, a phone repair shop, a council, a ride app, a grocer, a game studio,
    # a web host, a photo printer, a dating app, a wearables maker, a university, a
    # mobile network.
    ("I cancelled my subscription last month but you charged me again.",
     "Hi Alex, our records show no cancellation request on your account. Subscriptions renew automatically "
     "until cancelled.", "EMP308", True),
    ("I picked up my phone from repair yesterday and now the screen flickers.",
     "The phone was fully tested before it left the shop. The flickering is likely due to water damage.",
     "EMP308", True),
    ("You substituted my gluten-free bread with normal bread. I'm coeliac, I could have got really ill.",
     "Substitutions can be rejected at the door. Please check your items on delivery in future.", "EMP304", True),
    ("My wedding album arrived with half the photos printed too dark.",
     "Hi Nina, we print exactly what is uploaded. We recommend calibrating your monitor before ordering.",
     "EMP308", True),
    ("My wedding album arrived with half the photos printed too dark.",
     "Hi Nina, we print exactly what is uploaded. We recommend calibrating your monitor before ordering.",
     "EMP201", True),
    ("My fitness tracker stopped charging after 5 months. It's still under warranty.",
     "Hi Leo, the warranty does not cover damage caused by improper charging. Please make sure you use the "
     "original cable.", "EMP304", True),
    ("My website has been down since this morning and I'm losing sales.",
     "Hi Sam, I'm sorry - I know every hour offline costs you. One of our database servers failed at 06:10; "
     "we've moved your site to a healthy server and it's been back up since 11:45. We'll send a full incident "
     "report by Friday, and I've applied a credit for the downtime to your next invoice.", "EMP101", False),
    ("My website has been down since this morning and I'm losing sales.",
     "Hi Sam, I'm sorry - I know every hour offline costs you. One of our database servers failed at 06:10; "
     "we've moved your site to a healthy server and it's been back up since 11:45. We'll send a full incident "
     "report by Friday, and I've applied a credit for the downtime to your next invoice.", "EMP501", False),
    ("My wedding album arrived with half the photos printed too dark.",
     "Hi Nina, I'm so sorry - your wedding photos deserve better than that. We're reprinting the whole album "
     "with the brightness corrected, free of charge, and it will be dispatched by Tuesday. I'll send you the "
     "tracking link as soon as it ships.", "EMP501", False),
    # ...and a brand's Twitter voice in eleven more sectors.
    ("@GameHub servers down AGAIN during the tournament. absolute joke",
     "Server maintenance was announced on our website last week. ^Z", "EMP307", True),
    ("@TechCo my laptop won't turn on after the update",
     "The update has been tested on all supported models. ^CJ", "EMP308", True),
    ("@HotelChain booked a king room, got two singles. front desk didn't care",
     "Room types are subject to availability at check-in. ^RW", "EMP303", True),
    ("@HotelChain booked a king room, got two singles. front desk didn't care",
     "Sorry about the mix-up! Upgrades are subject to availability, but I've asked the hotel to move you to a "
     "king room tonight. ^RW", "EMP303", False),
    ("@FlyNow stuck at JFK for 5 hours, no updates, no food vouchers. this is ridiculous",
     "We're so sorry for the long wait, Tom. Meal vouchers are available at gate B12 - show your boarding pass. "
     "We'll keep you updated here. *JL", "EMP401", False),
    # Live chat: our network "working fine" as the whole answer; a noun that opens a
    # sentence is no instruction ("Wait times are displayed..."); a deadline in the terms
    # is no step in this case.
    ("hi my internet keeps dropping every few minutes", "Our network is working fine in your area.", "EMP308", True),
    ("i've been waiting 40 minutes in this chat queue", "Wait times are displayed before you join the queue.",
     "EMP401", True),
    ("why was i charged a cancellation fee??", "As stated in our terms, cancellations within 24 hours incur a fee.",
     "EMP401", True),
    # Formal letters: a clause of their contract cited at them, a bill "correct as
    # issued", reasons that give none; "please note that" is a notice, not a step; a
    # visit rescheduled for a date is one.
    ("Our invoice for March is £2,400 higher than our contract rate and nobody has explained why.",
     "Dear Ms Patel, please be advised that the March invoice includes the annual uplift set out in clause 7 of "
     "your agreement.", "EMP303", True),
    ("Our invoice for March is £2,400 higher than our contract rate and nobody has explained why.",
     "Dear Ms Patel, kindly note that all invoices are generated automatically and are correct as issued.",
     "EMP308", True),
    ("I have been without hot water for 5 days and the repair has been cancelled twice.",
     "Dear Mr Jones, please note that cancellations are sometimes necessary due to operational reasons.",
     "EMP303", True),
    ("I have been without hot water for 5 days and the repair has been cancelled twice.",
     "Dear Mr Jones, please note that cancellations are sometimes necessary due to operational reasons.",
     "EMP401", True),
    ("I have been without hot water for 5 days and the repair has been cancelled twice.",
     "Dear Mr Jones, we apologise for the inconvenience. Your repair has been rescheduled for 14 March.",
     "EMP401", False),
    # A complaint letter closed in its own words.
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, your feedback has been noted.", "EMP308", True),
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, unfortunately your claim falls outside the scope of your policy.", "EMP303", True),
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, this is our final response to your complaint.", "EMP306", True),
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, your feedback has been noted and passed to our claims team, who will call you on Friday.",
     "EMP308", False),
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, we regret to inform you that your claim has been declined.", "EMP306", True),
    ("I want compensation for the damage your engineer caused to my kitchen floor.",
     "Dear Mr Lee, your claim has been declined as the damage was already there. You can appeal within 28 days "
     "using the link below.", "EMP306", False),
    # A visit fixed for a day is a step; how long such things usually take is not.
    ("My broadband has been down since Monday.", "Sorry about this. Our engineer, Sam, is booked for Thursday 8-12.",
     "EMP401", False),
    ("My broadband has been down since Monday.", "Sorry about this. Faults are usually fixed within 3 working days.",
     "EMP401", True),
    ("My broadband has been down since Monday.", "Sorry about this. Your refund will usually reach you within 3 days.",
     "EMP401", False),
    ("My package never arrived and I've been waiting 3 weeks.",
     "No wonder you're fed up. I've sent a replacement by express delivery.", "EMP101", False),
    # Apologies with the words non-apologies use, that own the failure.
    ("Your engineer didn't turn up and I took a day off work for nothing.",
     "Sorry, but there's no excuse for this. I've booked you the first slot tomorrow and credited your account.",
     "EMP202", False),
    ("Your engineer didn't turn up and I took a day off work for nothing.",
     "Sorry, but there's no excuse for this. I've booked you the first slot tomorrow and credited your account.",
     "EMP201", False),
    ("I was charged twice for my subscription this month.",
     "Apologies, but it looks like our billing system charged you twice. I've refunded the second payment.",
     "EMP202", False),
    ("I was charged twice for my subscription this month.",
     "Sorry for any confusion, but both charges are correct.", "EMP202", True),
    ("Your engineer didn't turn up and I took a day off work for nothing.",
     "Sorry, but there's nothing we can do about the engineer's schedule.", "EMP202", True),
]


# A reply that dismisses the customer's report or blames them answers a problem, even
# where the customer's words left the detector unsure and the reply alone would have
# called the message fine: the rules gated on the customer then run, at info.
RIDE = "My driver took a huge detour and I was charged double the estimate."
DISMISSAL = "Fares may vary from the estimate due to traffic and route changes. The fare charged is correct."


def test_a_reply_that_dismisses_the_report_answers_a_problem():
    from empathy_lint.engine.linter import Linter

    context = Context.for_reply(RIDE, "live", "email")
    assert not context.sure  # the customer's words alone leave it open
    # Read with a neutral reply, the message is fine: nothing is asked.
    neutral = context.read_reply(Linter().nlp("Fares may vary from the estimate due to traffic."))
    assert neutral.fine
    found = _findings(RIDE, DISMISSAL)
    assert found.get("EMP308") == "warning"
    assert found.get("EMP201") == "info" and found.get("EMP401") == "info"
    # A refusal alone does not presume a problem: it also answers a plain request.
    assert "EMP201" not in _findings(RIDE, "Fares may vary from the estimate due to traffic. "
                                           "We are not able to assist with this request.")
    # Nor does a dismissal quoted back in the customer's own words: it is not the reply's.
    quoted = 'Fares may vary from the estimate due to traffic. Your message said "The fare charged is correct."'
    assert "EMP308" not in _findings(RIDE, quoted)
    assert "EMP201" not in _findings(RIDE, quoted)


@pytest.mark.parametrize("customer,reply,code,present", REGISTERS)
def test_forms_of_other_registers_are_read_as_meant(customer, reply, code, present):
    assert (code in _findings(customer, reply)) is present


# Warm replies that use the words of the newer defensive patterns (records, checks and
# tests, availability, an announcement, careless handling, a policy) kindly: no warning
# or error, so no CI run fails on them.
DAMAGED = "My order arrived damaged and I need it for Saturday."
WARM_WITH_DEFENSIVE_WORDS = [
    "I'm so sorry it arrived damaged. Our records show a replacement in stock at the Leeds warehouse, so I've "
    "sent it by next-day delivery - it will be with you Friday.",
    "Sorry about this! Every parcel is checked before it leaves us, so something went wrong on the way, and "
    "that's on us to fix: a replacement ships today.",
    "So sorry! Replacements are subject to availability, but I've reserved one for you and it ships today.",
    "I'm sorry it arrived damaged. The new delivery slots were announced on our website yesterday, and I've "
    "booked you the first one: Friday 8-10am.",
    "Sorry for the trouble! The damage was caused by improper handling at our depot, not by you, and I've raised "
    "it with the depot manager.",
    "So sorry - you deserve better. Our policy is to refund damaged items in full, so I've done that, and a "
    "replacement ships today as well.",
    "I'm really sorry. There's no excuse for this; I've refunded you and the replacement arrives Friday.",
]


@pytest.mark.parametrize("reply", WARM_WITH_DEFENSIVE_WORDS)
def test_warm_replies_with_defensive_words_fail_no_run(reply):
    found = _findings(DAMAGED, reply)
    assert not {code: severity for code, severity in found.items() if severity in ("warning", "error")}
