"""The conversation before the reply is read wherever a user has it (issue 28): an answer
such as "I did." is about the problem told earlier, in thread files, JSON/JSONL records,
helpdesk exports' comment lists, repeated --customer, and the batch API."""
from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli_fast

EARLIER = "I was charged twice for my order last week and nobody answers the phone."
ANSWER = "I did."
REPLY = "Thanks. Our team will refund the second charge within 3 days."


def _codes(result) -> set[str]:
    assert result.returncode in (0, 1), result.stderr
    return {f["code"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}


def test_a_thread_file_with_several_parts_reads_the_earlier_customer_messages(tmp_path):
    both = tmp_path / "thread.txt"
    both.write_text(f"{EARLIER}\n--- agent ---\nSorry about that! Did you pay by card?\n--- customer ---\n"
                    f"{ANSWER}\n--- reply ---\n{REPLY}\n", encoding="utf-8")
    alone = tmp_path / "alone.txt"
    alone.write_text(f"{ANSWER}\n--- reply ---\n{REPLY}\n", encoding="utf-8")
    assert "EMP201" in _codes(run_cli_fast("check", "--isolated", "--format", "json", str(both)))
    assert "EMP201" not in _codes(run_cli_fast("check", "--isolated", "--format", "json", str(alone)))


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_thread_file_with_no_reply_line_lints_each_agent_part_never_the_customer(tmp_path, suffix):
    """The conversation alone, as a helpdesk export of a whole ticket is read: each agent
    part with the customer's parts before it; the customer's own words are not linted."""
    path = tmp_path / f"thread{suffix}"
    text = (f"{EARLIER}\n--- agent ---\nDid you pay by card?\n--- customer ---\n{ANSWER}\n"
            f"--- agent ---\n{REPLY}\n")
    path.write_text(text, encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    findings = report["files"][0]["findings"]
    lines = text.splitlines()
    linted = {lines[f["line"] - 1] for f in findings}
    assert linted <= {"Did you pay by card?", REPLY}, linted  # never the customer's lines
    second = {f["code"] for f in findings if lines[f["line"] - 1] == REPLY}
    assert "EMP201" in second  # "I did." answers the double charge told earlier
    assert {f.get("reply") for f in findings} <= {"agent 1", "agent 2"}


def test_a_chat_transcript_lints_the_agents_turns_with_the_customers_before_them(tmp_path):
    """A transcript ("Visitor: ..." / "Agent (Sam): ..."): the agent's turns in a row are
    one reply, the labels between them not read as words; the customer's turns are the
    context, never linted."""
    path = tmp_path / "chat.txt"
    text = ("[10:01] Visitor: hi, I was charged twice for my order last week\n"
            "[10:02] Agent (Sam): Thanks for waiting!\n"
            "[10:02] Agent (Sam): As I said, refunds take 5 days.\n"
            "[10:04] Visitor: I did.\n"
            "[10:05] Agent (Sam): Thanks. Our team will refund the second charge within 3 days.\n")
    path.write_text(text, encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    findings = report["files"][0]["findings"]
    lines = text.splitlines()
    assert not {f["line"] for f in findings} & {1, 4}  # never the visitor's lines
    as_said = [f for f in findings if f["code"] == "EMP301"]
    assert [(f["line"], f["reply"]) for f in as_said] == [(3, "agent 1")]
    assert lines[2][as_said[0]["column"] - 1:].startswith("As I said")
    assert "EMP201" in {f["code"] for f in findings if f["reply"] == "agent 2"}  # "I did." is about the charge
    assert report["files"][0]["replies"] == 2


@pytest.mark.parametrize("label", ["Customer Service", "Acme Support (Jo)", "Billing Team"])
def test_a_transcripts_agent_may_be_named_by_its_desk(tmp_path, label):
    """"Customer Service:" is the agent's side, not the customer's."""
    path = tmp_path / "chat.txt"
    path.write_text(f"Customer: my app crashes every time I open it\n{label}: Per our policy we only support "
                    "the latest version.\n", encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    findings = report["files"][0]["findings"]
    assert {f["line"] for f in findings} == {2}
    assert {f["reply"] for f in findings} == {"agent 1"}


def test_a_macro_headed_with_role_fields_is_no_transcript(tmp_path):
    path = tmp_path / "macro.txt"
    path.write_text("Customer: {{name}}\nAgent: {{agent}}\n\nHi {{name}}, your refund is on its way.\n",
                    encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 1
    assert {f.get("reply") for f in report["files"][0]["findings"]} <= {None}


@pytest.mark.parametrize("name,text", [
    ("export.json", '[{"id": 1, "body_html": "<p>Hi Dana,</p><p>Your refund was issued today.</p>'
                    '<blockquote><p>I was charged twice for my order and I am furious.</p></blockquote>"}]'),
    ("export.json", '[{"id": 1, "body": "Hi Dana,\\n\\nYour refund was issued today.\\n\\n'
                    '> I was charged twice for my order and I am furious."}]'),
    ("draft.eml", "From: Support <s@example.com>\nTo: Dana <d@example.com>\nSubject: Re: charge\n"
                  "Content-Type: text/html; charset=utf-8\n\n<p>Hi Dana,</p><p>Your refund was issued today.</p>"
                  '<div class="gmail_quote"><div>On Mon, 3 Mar 2026, Dana wrote:</div>'
                  "<blockquote>I was charged twice for my order and I am furious.</blockquote></div>\n"),
    # A plain-text answer over Outlook's header, with no "<" or ">" anywhere in it.
    ("export.json", '[{"id": 1, "body": "Hi Dana,\\n\\nYour refund was issued today.\\n\\nSam\\n\\n'
                    '-----Original Message-----\\nFrom: Dana Smith\\nSent: Monday, March 3, 2026 10:01 AM\\n'
                    'To: Support\\nSubject: Charged twice\\n\\nI was charged twice for my order and I am furious."}]'),
])
def test_an_answer_that_quotes_the_customer_is_read_with_their_message(tmp_path, name, text):
    """A helpdesk export's answer or an HTML email draft quoting the message it answers (a
    <blockquote>, a mail client's trail, "> " lines): that message is the customer's, so a
    live reply to a complaint is asked for its apology at warning, as a plain-text draft is."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--kind", "live", "--format", "json", str(path)).stdout)
    severity = {f["code"]: f["severity"] for f in report["files"][0]["findings"]}
    assert severity.get("EMP201") == "warning"


def test_an_answer_over_an_outlook_trail_saying_it_is_solved_is_asked_for_nothing(tmp_path):
    """The message quoted under a plain-text answer is read even with no quote mark in it:
    a customer writing "it works now, thank you" reports no problem, so the thanks
    needs no apology, next step or follow-up (it was asked for all three, and an
    acknowledgement, while only quotes with "<" or ">" were read)."""
    body = ("Hi Dana,\n\nThanks, glad it works now.\n\nSam\n\n-----Original Message-----\nFrom: Dana Smith\n"
            "Sent: Monday, March 3, 2026 10:01 AM\nSubject: Re: login\n\nIt works now, thank you so much!\n")
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "body": body}]), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--kind", "live", "--format", "json", str(path)).stdout)
    assert report["files"][0]["findings"] == []


ZENDESK_COMMENTS = [
    {"id": 1, "author_id": 100, "public": True, "body": "I was charged twice for my order and I'm furious.",
     "via": {"channel": "email"}},
    {"id": 2, "author_id": 200, "public": False, "body": "Internal: obviously wrong, per our policy ignore."},
    {"id": 3, "author_id": 200, "public": True, "body": "Hi Dana, per our policy refunds take 10 days."},
]


@pytest.mark.parametrize("shape", [
    {"ticket": {"id": 42, "requester_id": 100}, "comments": ZENDESK_COMMENTS},
    {"comments": ZENDESK_COMMENTS, "users": [{"id": 100, "role": "end-user"}, {"id": 200, "role": "agent"}]},
    {"comments": ZENDESK_COMMENTS, "count": 3},  # the comments endpoint's page: the requester opened it
    ZENDESK_COMMENTS,                             # ...and its comments saved alone
])
def test_a_zendesk_tickets_comments_by_author_id_lint_only_the_agents_public_answers(tmp_path, shape):
    """Zendesk's API names a comment's author by id only. The customer's comment was
    linted as a reply, and the internal note (`public: false`) warned as if sent. The
    customer is the requester (the ticket's `requester_id`, the sideloaded end-users, else
    the author of the first public comment); only the agent's public answer is linted,
    read with the customer's message (a missing apology warns)."""
    path = tmp_path / "ticket.json"
    path.write_text(json.dumps(shape), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    findings = report["files"][0]["findings"]
    assert report["files"][0]["replies"] == 1
    assert {f["id"] for f in findings} == {"3"}
    assert {f["code"]: f["severity"] for f in findings}.get("EMP201") == "warning"


TRIMMED_COMMENTS = [  # a team's own export: the comment triple, none of the API's other fields
    {"author_id": 200, "public": True, "body": "Hi Dana, we've spotted a problem with your last payment."},
    {"author_id": 100, "public": True, "body": "Yes, I was charged twice for my order and I'm furious."},
    {"author_id": 200, "public": True, "body": "Per our policy refunds take 10 days."},
]


@pytest.mark.parametrize("shape, answers", [
    # the tickets endpoint with `include=users`: the users beside the tickets, not in each
    ({"tickets": [{"id": 42, "comments": TRIMMED_COMMENTS}],
      "users": [{"id": 100, "role": "end-user"}, {"id": 200, "role": "agent"}]}, 2),
    # ...and a ticket the customer opened, with only the comment triple kept
    ({"tickets": [{"id": 42, "comments": TRIMMED_COMMENTS[1:]}]}, 1),
])
def test_tickets_beside_their_users_and_trimmed_comments_lint_only_the_team(tmp_path, shape, answers):
    """A ticket list with Zendesk's sideloaded users beside it, or comments trimmed to
    `author_id`, `public` and `body`: every comment was linted as a reply, the customer's
    "I was charged twice" asked for an apology, and `audit` stopped with "no reply
    column". Now the users listed beside the tickets (or the first public comment's
    author) say who the customer is: only the team's answers are linted, the last read
    with the customer's message (its missing apology warns)."""
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(shape), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == answers
    findings = report["files"][0]["findings"]
    assert all("charged twice" not in path.read_text()[f["start"]:f["end"]] for f in findings)
    last = [f for f in findings if "Per our policy" in path.read_text()[f["start"]:f["end"] + 40]]
    assert {f["code"]: f["severity"] for f in last}.get("EMP201") == "warning"
    audit = run_cli_fast("audit", str(path))
    assert audit.returncode == 0 and json.loads(audit.stdout)["replies"] == answers


def test_front_messages_mark_the_customers_with_is_inbound(tmp_path):
    """Front's conversation messages (`is_inbound`, each with its own "msg_..." id): the
    customer's message was linted as a reply, and each message, its own id taken for a
    conversation's, was read alone. Now the answer is read with the message before it."""
    messages = {"_results": [
        {"id": "msg_1", "is_inbound": True, "body": "I was charged twice for my order and I'm furious."},
        {"id": "msg_2", "is_inbound": False, "body": "Hi Dana, per our policy refunds take 10 days."},
    ]}
    findings = _json_findings(tmp_path / "front.json", messages)
    assert {f["id"] for f in findings} == {"msg_2"}
    assert {f["code"]: f["severity"] for f in findings}.get("EMP201") == "warning"


def _json_findings(path, data) -> list[dict]:
    """`check --format json`'s findings on `data` saved as JSON at `path`."""
    path.write_text(json.dumps(data), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    return report["files"][0]["findings"]


@pytest.mark.parametrize("thanks", [
    "It works now, thank you so much!\n\nOn Mon, Dec 7, 2026 at 10:01 AM Sam <sam@acme.com> wrote:\n"
    "> Sorry about that! We fixed a bug on our side, could you try again?\n>\n> On Mon, Dana wrote:\n"
    ">> My export keeps failing with error 500. This is really frustrating and broken.",
    "<p>It works now, thank you so much!</p><div class=\"gmail_quote\"><div>On Mon, Sam wrote:</div><blockquote>"
    "Sorry about that! We fixed a bug.<blockquote>My export keeps failing, this is broken.</blockquote>"
    "</blockquote></div>",
    "It works now, thank you so much!\n\nFrom: Sam\nSent: Monday, December 7, 2026 10:01 AM\nSubject: Re: export"
    "\n\nSorry about that! We fixed a bug on our side.\n\nFrom: Dana\nSent: Monday\nSubject: export\n\n"
    "My export keeps failing with error 500. This is broken.",
])
def test_a_customers_emailed_reply_is_read_without_the_conversation_it_quotes(tmp_path, thanks):
    """A customer answering by email quotes the conversation so far: "It works now,
    thank you" over a quoted "my export keeps failing" was read as a problem, so the
    agent's "Great to hear!" was warned for a missing apology."""
    conversation = {"id": 10, "_embedded": {"threads": [
        {"id": 1, "type": "customer", "body": "My export keeps failing with error 500."},
        {"id": 2, "type": "message", "body": "Sorry about that! We fixed a bug on our side, could you try again?"},
        {"id": 3, "type": "customer", "body": thanks},
        {"id": 4, "type": "message", "body": "Great to hear, Dana!"},
    ]}}
    path = tmp_path / "conversation.json"
    path.write_text(json.dumps(conversation), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert not [f for f in report["files"][0]["findings"] if f["id"] == "4"]


def test_a_customer_message_given_whole_is_read_for_its_own_words(tmp_path):
    """The same for a customer's email given with --customer, or in an export's customer
    column: the conversation it quotes is not what they say now."""
    thanks = ("It works now, thank you so much!\n\nOn Mon, Sam wrote:\n> Sorry about that! We fixed a bug.\n"
              ">> My export keeps failing, this is broken and I am furious.\n")
    customer, reply = tmp_path / "customer.txt", tmp_path / "reply.txt"
    customer.write_text(thanks, encoding="utf-8")
    reply.write_text("Great to hear, Dana!\n", encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", "--customer", str(customer), str(reply))
    assert json.loads(result.stdout)["files"][0]["findings"] == []
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"id": 1, "customer": thanks, "reply": "Great to hear, Dana!"}) + "\n",
                      encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    assert json.loads(result.stdout)["files"][0]["findings"] == []
    # ...and wherever else it comes from: a thread file's customer part, the batch API.
    thread = tmp_path / "thread.txt"
    thread.write_text(f"--- customer ---\n{thanks}--- reply ---\nGreat to hear, Dana!\n", encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", str(thread))
    assert json.loads(result.stdout)["files"][0]["findings"] == []
    from empathy_lint import lint_batch

    (batch,) = lint_batch([{"id": 1, "customer": thanks, "reply": "Great to hear, Dana!"}])
    assert batch.findings == []


def test_livechat_chats_read_their_thread_events_by_author(tmp_path):
    """LiveChat's archive: a chat's `users` say who is the customer, its `thread.events`
    hold the messages (each `type: message`, naming its author by id). The customer's
    message was linted as a reply; now only the agent's is, read with it."""
    chat = {"id": "chat1", "users": [{"id": "v1", "type": "customer"}, {"id": "a1", "type": "agent"}],
            "thread": {"events": [
                {"type": "message", "author_id": "v1", "text": "I was charged twice for my order and I'm furious."},
                {"type": "system_message", "text": "Chat transferred to Sam"},
                {"type": "message", "author_id": "a1", "text": "Hi Dana, per our policy refunds take 10 days."}]}}
    path = tmp_path / "chats.json"
    path.write_text(json.dumps({"chats": [chat]}), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 1
    severity = {f["code"]: f["severity"] for f in report["files"][0]["findings"]}
    assert severity["EMP201"] == "warning" and "EMP303" in severity  # the agent's words, the customer read
    audited = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert audited["replies"] == 1


def test_a_list_of_macros_naming_their_authors_is_still_a_list_of_macros(tmp_path):
    """Only Zendesk-shaped comments are read as a conversation: templates that record who
    wrote them (`author_id`) and whether they are shared (`public`) are each a reply."""
    macros = [{"id": 1, "author_id": 5, "public": True, "title": "Late", "body": "As I said, it ships soon."},
              {"id": 2, "author_id": 6, "public": True, "title": "Policy", "body": "Per our policy, no refunds."}]
    path = tmp_path / "macros.json"
    path.write_text(json.dumps(macros), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 2
    assert {"EMP301", "EMP303"} <= {f["code"] for f in report["files"][0]["findings"]}


def test_jsonl_records_and_helpdesk_comment_lists_carry_the_conversation(tmp_path):
    rows = [
        {"id": "ours", "customer": ANSWER, "reply": REPLY, "thread": [
            {"role": "customer", "text": EARLIER}, {"role": "agent", "text": "Did you pay by card?"}]},
        {"id": "zendesk", "reply": REPLY, "comments": [
            {"author_role": "end-user", "plain_body": EARLIER}, {"author_role": "agent", "plain_body": "Card?"},
            {"author_role": "end-user", "plain_body": ANSWER}]},
        {"id": "freshdesk", "reply": REPLY, "conversations": [
            {"incoming": True, "body_text": EARLIER}, {"incoming": False, "body_text": "Card?"},
            {"incoming": True, "body_text": ANSWER}]},
        {"id": "alone", "customer": ANSWER, "reply": REPLY},
    ]
    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
    by_id: dict[str, set[str]] = {}
    for finding in report["files"][0]["findings"]:
        by_id.setdefault(finding["id"], set()).add(finding["code"])
    for rid in ("ours", "zendesk", "freshdesk"):
        assert "EMP201" in by_id.get(rid, set()), rid
    assert "EMP201" not in by_id.get("alone", set())


def test_customer_given_more_than_once_is_the_conversation_oldest_first(tmp_path):
    reply = tmp_path / "reply.txt"
    reply.write_text(REPLY + "\n", encoding="utf-8")
    first, last = tmp_path / "first.txt", tmp_path / "last.txt"
    first.write_text(EARLIER, encoding="utf-8")
    last.write_text(ANSWER, encoding="utf-8")
    both = run_cli_fast("check", "--isolated", "--format", "json", "--customer", str(first),
                        "--customer", str(last), str(reply))
    assert "EMP201" in _codes(both)
    assert "EMP201" not in _codes(run_cli_fast("check", "--isolated", "--format", "json",
                                               "--customer-text", ANSWER, str(reply)))
    texts = run_cli_fast("check", "--isolated", "--format", "json", "--customer-text", EARLIER,
                         "--customer-text", ANSWER, str(reply))
    assert "EMP201" in _codes(texts)


def test_the_batch_api_reads_messages():
    from empathy_lint import lint_batch

    results = list(lint_batch([
        {"id": "a", "reply": REPLY, "messages": [{"role": "user", "text": EARLIER},
                                                {"role": "assistant", "text": "Card?"},
                                                {"role": "user", "text": ANSWER}]},
        {"id": "b", "reply": REPLY, "customer": ANSWER},
    ]))
    codes = {r.id: {f.code for f in r.findings} for r in results}
    assert "EMP201" in codes["a"] and "EMP201" not in codes["b"]


def test_the_batch_api_tells_a_zendesk_requester_by_author_id_as_check_does():
    """Zendesk's API comments name no role: the requester's are the customer's. Read so,
    the customer says all is well and no apology is asked; unread, the reply would be
    judged with no customer message (a problem assumed)."""
    from empathy_lint import lint_batch

    thanks = "It works again now, thank you so much for the quick help!"
    record = {"id": "z", "reply": "Glad to hear it! Enjoy your weekend.", "requester_id": 9,
              "comments": [{"author_id": 4, "body": "Could you try restarting the app?"},
                           {"author_id": 9, "body": thanks}]}
    (result,) = lint_batch([record])
    (alone,) = lint_batch([{k: v for k, v in record.items() if k != "requester_id"}])
    assert "EMP201" not in {f.code for f in result.findings}
    assert "EMP201" in {f.code for f in alone.findings}


@pytest.mark.parametrize("who", [{"ticket": {"requester_id": 9}}, {"users": [{"id": 9, "role": "end-user"}]}])
def test_the_batch_api_finds_the_customer_where_check_does(who):
    """The requester named on the ticket, or the sideloaded end-user: lint_batch read only
    a top-level `requester_id`, so it judged the reply with no customer message."""
    from empathy_lint import lint_batch

    record = {"id": "z", "reply": "Glad to hear it! Enjoy your weekend.", **who,
              "comments": [{"author_id": 4, "body": "Could you try restarting the app?"},
                           {"author_id": 9, "body": "It works again now, thank you so much for the quick help!"}]}
    (result,) = lint_batch([record])
    assert "EMP201" not in {f.code for f in result.findings}


def test_an_exports_conversation_memory_keeps_the_customers_own_words():
    """Rows of one conversation (a CSV or JSONL export, check and audit alike): a customer
    message remembered as a later row's earlier one is their own words too."""
    from empathy_lint.read.sources.conversation import ConversationMemory

    said = ConversationMemory()
    said.before("t1", "Still broken.\n\nOn Mon, Sam wrote:\n> Sorry! Could you restart it?")
    assert said.before("t1", "Any news?") == "Still broken."


def test_the_batch_api_says_what_to_do_with_a_whole_conversation():
    """One result per record: a ticket that is its conversation (no `reply`) holds
    several answers, and the error says how to give them, not only that `reply` is
    missing."""
    from empathy_lint import lint_batch

    ticket = {"id": "t1", "comments": [{"author_role": "end-user", "body": "My order never came."},
                                       {"author_role": "agent", "body": "Sorry! I've sent a new one."}]}
    with pytest.raises(ValueError, match=r"record 't1' has no 'reply' string \(its 'comments' is a whole "
                                         r"conversation: give each team answer as a record"):
        list(lint_batch([ticket]))
    # a list that is not a conversation (no customer message) gets the plain message
    with pytest.raises(ValueError, match=r"record 'm' has no 'reply' string$"):
        list(lint_batch([{"id": "m", "messages": [{"title": "Refund", "text": "Here is your refund."}]}]))


def test_audit_reads_the_rows_of_one_conversation_together(tmp_path):
    """Rows of one conversation id, in order: the second row's reply answers "I did.",
    which is about the double charge of the first row."""

    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["conversation_id", "customer", "reply"])
        writer.writerow(["c1", EARLIER, "I'm so sorry about that. Did you pay by card?"])
        writer.writerow(["c1", ANSWER, REPLY])
        writer.writerow(["c2", ANSWER, REPLY])
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    flagged = {w["id"]: {f["code"] for f in w["findings"]} for w in summary["worst"]}
    rows = {w["customer"]: w for w in summary["worst"]}
    assert any("EMP201" in codes for codes in flagged.values()), flagged
    assert len([w for w in summary["worst"] if "EMP201" in {f["code"] for f in w["findings"]}]) == 1, rows


def test_audit_takes_the_ticket_id_over_a_row_id_as_check_does(tmp_path):
    """Rows with an id of their own and their ticket's `ticket_id`: the ticket is the
    conversation (each row was read alone, so "I did." lost the double charge)."""

    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "ticket_id", "customer", "reply"])
        writer.writerow(["m1", "T1", EARLIER, "I'm so sorry about that. Did you pay by card?"])
        writer.writerow(["m2", "T1", ANSWER, REPLY])
        writer.writerow(["m3", "T2", ANSWER, REPLY])
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    audited = {w["id"] for w in summary["worst"] if "EMP201" in {f["code"] for f in w["findings"]}}
    assert audited == {"m2"}
    assert _emp201_lines(run_cli_fast("check", "--isolated", "--format", "json", str(export))) == {3}


def _findings_by_line(result) -> dict[int, set[str]]:
    assert result.returncode in (0, 1), result.stderr
    by_line: dict[int, set[str]] = {}
    for finding in json.loads(result.stdout)["files"][0]["findings"]:
        by_line.setdefault(finding["line"], set()).add(finding["code"])
    return by_line


def _one_message_a_line(head: str, messages: list[dict], tail: str) -> str:
    return head + "\n" + ",\n".join(json.dumps(m) for m in messages) + "\n" + tail + "\n"


def test_a_ticket_that_is_its_conversation_lints_only_the_teams_answers(tmp_path):
    """A helpdesk export with no reply field: the comments are the conversation. The
    customer's words and internal notes are not the team's writing and are never linted;
    each answer is read with the customer's messages before it."""
    export = tmp_path / "helpscout.json"
    export.write_text(_one_message_a_line('[{"id": 101, "subject": "Refund", "threads": [', [
        {"type": "customer", "body": EARLIER},                                                 # line 2
        {"type": "note", "body": "VIP, as I said in Slack. Obviously refund them."},           # line 3
        {"type": "message", "body": "Thanks. The second charge will drop off."},               # line 4
        {"type": "customer", "body": "You should have fixed it. As I said, it's still there."},  # line 5
        {"type": "message", "body": "Sorry about that, I've refunded it now."},                # line 6
    ], "]}]"), encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    by_line = _findings_by_line(result)
    assert by_line and set(by_line) <= {4, 6}, by_line
    # The first answer meets a double charge: an apology is due (alone it could not know).
    assert "EMP201" in by_line[4]
    assert {f["id"] for f in json.loads(result.stdout)["files"][0]["findings"]} == {"101"}


def test_zendesk_comments_are_told_apart_by_the_requester_and_public_flag(tmp_path):
    export = tmp_path / "tickets.json"
    export.write_text(_one_message_a_line('{"tickets": [{"id": 55, "requester_id": 9, "comments": [', [
        {"id": 1, "author_id": 9, "public": True, "body": "My blender arrived broken and I'm furious."},
        {"id": 2, "author_id": 3, "public": False, "body": "As I said, obviously a courier issue."},
        {"id": 3, "author_id": 3, "public": True, "body": "Thanks for writing in. We've sent a replacement."},
    ], "]}]}"), encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert set(by_line) == {4}, by_line  # the public answer only: not the customer, not the note
    assert "EMP201" in by_line[4]  # the broken blender, read as the answer's customer message


def test_a_chat_export_row_with_messages_and_no_reply_lints_the_agents_turns(tmp_path):
    export = tmp_path / "chats.jsonl"
    rows = [{"id": "c1", "messages": [{"role": "user", "text": "You should have told me my order never shipped!"},
                                      {"role": "assistant", "text": "We've shipped it now; tracking is in your email."}]}]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
    findings = report["files"][0]["findings"]
    answer = export.read_text(encoding="utf-8").index("We've shipped")
    assert findings and all(f["column"] - 1 >= answer for f in findings), findings
    assert "EMP304" not in {f["code"] for f in findings}  # "you should have" is the customer's
    assert "EMP201" in {f["code"] for f in findings}


def test_audit_reads_a_jsonl_rows_own_thread_as_check_does(tmp_path):
    export = tmp_path / "export.jsonl"
    rows = [{"id": "t1", "customer": ANSWER, "reply": REPLY, "thread": [
                {"role": "customer", "text": EARLIER}, {"role": "agent", "text": "Did you pay by card?"}]},
            {"id": "t2", "customer": ANSWER, "reply": REPLY}]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    audited = {w["id"]: {f["code"] for f in w["findings"]} for w in summary["worst"]}
    checked: dict[str, set[str]] = {}
    for finding in json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)["files"][0]["findings"]:
        checked.setdefault(finding["id"], set()).add(finding["code"])
    assert "EMP201" in audited.get("t1", set()) and "EMP201" in checked.get("t1", set())
    assert "EMP201" not in audited.get("t2", set()) | checked.get("t2", set())


def test_audit_of_conversation_rows_scores_each_answer_of_the_team(tmp_path):
    """Rows with no reply column, each a ticket's whole conversation: one reply per
    answer of the team, with its own agent and date; the customer's words and internal
    notes are not scored."""
    export = tmp_path / "tickets.jsonl"
    rows = [{"id": 7, "threads": [
        {"type": "customer", "body": EARLIER},
        {"type": "note", "body": "As I said, obviously a duplicate charge."},
        {"type": "message", "body": "Thanks. The second charge will drop off.", "createdBy": {"name": "Ana"},
         "createdAt": "2026-11-02T10:00:00Z"},
        {"type": "customer", "body": "You should have fixed it by now!"},
        {"type": "message", "body": "I'm so sorry. I've refunded it; you'll see it within 3 days. Let me know if "
                                    "anything else comes up.", "createdBy": {"name": "Ana"}}]}]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    assert summary["replies"] == 2
    assert list(summary["agents"]) == ["Ana"]
    scored = {f["code"] for w in summary["worst"] for f in w["findings"]}
    assert not scored & {"EMP301", "EMP304", "EMP307"}  # the note's and the customer's words
    first = next(w for w in summary["worst"] if w["reply"].startswith("Thanks."))
    assert first["customer"] == EARLIER and "EMP201" in {f["code"] for f in first["findings"]}


def _conversation_csv(path, filler: int) -> int:
    """An export (CSV, or JSONL by the path's suffix): `filler` one-row conversations,
    then conversation c1 in two rows (the double charge, then "I did."), then c2's lone
    "I did.". Returns the line of c1's answer."""

    rows = [[f"f{i}", "Is the store open on Sunday?", "Yes, from 9 to 5. Have a lovely weekend!"] for i in range(filler)]
    rows += [["c1", EARLIER, "I'm so sorry about that. Did you pay by card?"], ["c1", ANSWER, REPLY], ["c2", ANSWER, REPLY]]
    header = ["conversation_id", "customer", "reply"]
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(dict(zip(header, row))) + "\n" for row in rows), encoding="utf-8")
        return filler + 2
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return filler + 3


def _emp201_lines(result) -> set[int]:
    assert result.returncode in (0, 1), result.stderr
    return {f["line"] for f in json.loads(result.stdout)["files"][0]["findings"] if f["code"] == "EMP201"}


@pytest.mark.parametrize("name", ["export.csv", "export.jsonl"])
def test_check_reads_rows_of_one_conversation_together(tmp_path, name):
    """As audit does: "I did." in a row of conversation c1 answers the double charge of
    the row before; the same words opening c2 report nothing."""
    export = tmp_path / name
    answer = _conversation_csv(export, 0)
    assert _emp201_lines(run_cli_fast("check", "--isolated", "--format", "json", str(export))) == {answer}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_export_cut_into_runs_keeps_each_conversation_in_one_run(tmp_path, suffix):
    """An export is linted in runs of 500 rows; c1's two rows fall on rows 500 and 501,
    where a run would start. Both readers of an export (on disk, and read whole in
    another encoding) keep the conversation in one run."""
    from empathy_lint.run.checking import RUN_RECORDS

    export = tmp_path / ("export" + suffix)
    answer = _conversation_csv(export, RUN_RECORDS - 1)
    assert _emp201_lines(run_cli_fast("check", "--isolated", "--format", "json", str(export))) == {answer}
    latin = tmp_path / ("latin" + suffix)
    latin.write_bytes(export.read_text(encoding="utf-8").encode("latin-1"))
    assert _emp201_lines(run_cli_fast("check", "--isolated", "--format", "json", "--encoding", "latin-1",
                                      str(latin))) == {answer}


def test_runs_are_cut_every_size_records_but_not_inside_a_conversation():
    from empathy_lint.read.sources.structured import RunCutter

    cutter = RunCutter(2)
    starts = [cutter.starts(c) for c in ["a", "b", "b", "b", "c", "d", None, None, None]]
    assert starts == [True, False, False, False, True, False, True, False, True]
    assert cutter.counts == [4, 2, 2, 1]  # each run's records: its share of the work
    endless = RunCutter(2)
    assert sum(endless.starts("same") for _ in range(20)) == 3  # a new run every 4 runs' worth


def test_a_freshdesk_ticket_opens_with_its_description_and_hides_private_notes(tmp_path):
    """Freshdesk keeps the customer's first message in the ticket's description, and
    its conversations may hold only the team's answers and notes."""
    export = tmp_path / "freshdesk.json"
    export.write_text(_one_message_a_line(
        '{"id": 31, "description_text": "My blender arrived broken and nobody replies to my emails.", "conversations": [', [
            {"incoming": False, "private": True, "body_text": "As I said, obviously the courier."},    # line 2
            {"incoming": False, "private": False, "body_text": "Thanks for writing in. We've sent a replacement."},
        ], "]}"), encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert set(by_line) == {3}, by_line
    assert "EMP201" in by_line[3]  # the broken blender of the description


def test_a_gorgias_ticket_lints_the_teams_public_messages_only(tmp_path):
    """Gorgias marks each of a ticket's `messages` with `from_agent`; an internal note is
    the team's too, on the `internal-note` channel (and not `public`). The customer's
    message and the note were linted as replies before."""
    export = tmp_path / "gorgias-ticket.json"
    export.write_text(_one_message_a_line('{"id": 5001, "subject": "Broken mug", "messages": [', [
        {"from_agent": False, "public": True, "channel": "email",
         "body_text": "My mug arrived smashed. Obviously I want a refund, as I said on the phone."},      # line 2
        {"from_agent": True, "channel": "internal-note", "body_text": "As I said, obviously the courier."},
        {"from_agent": True, "public": False, "channel": "email", "body_text": "Calm down, we checked it."},
        {"from_agent": True, "public": True, "channel": "email",
         "body_text": "Per our policy, breakages must be reported within 24 hours."},                    # line 5
    ], "]}"), encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert set(by_line) == {5}, by_line
    assert {"EMP201", "EMP303"} <= set(by_line[5])  # the smashed mug asks for an apology


def test_gorgias_messages_one_a_row_are_told_apart_by_from_agent(tmp_path):
    rows = [{"ticket_id": 9, "from_agent": False, "channel": "email", "body_text": "My mug arrived smashed, obviously."},
            {"ticket_id": 9, "from_agent": True, "channel": "internal-note", "body_text": "As I said, the courier."},
            {"ticket_id": 9, "from_agent": True, "channel": "email",
             "body_text": "Per our policy, breakages must be reported within 24 hours."}]
    export = tmp_path / "messages.jsonl"
    export.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert set(by_line) == {3}, by_line
    assert {"EMP201", "EMP303"} <= set(by_line[3])


def _ticket(number: int, answer: str) -> dict:
    return {"id": number, "requester_id": 7, "comments": [
        {"id": 1, "author_id": 7, "public": True, "plain_body": "My blender arrived broken, I'm so upset."},
        {"id": 2, "author_id": 9, "public": True, "plain_body": answer}]}


@pytest.mark.parametrize("name", ["export.json", "export.ndjson"])
def test_a_json_export_of_one_ticket_a_line_is_read_as_json_lines(tmp_path, name):
    """Zendesk's full JSON export (and many tools) write a JSON value per line under .json;
    .ndjson is the same format. Each line is a record, read in runs like a .jsonl export;
    it was 'invalid JSON: Extra data' (or, as .ndjson, plain text)."""
    export = tmp_path / name
    export.write_text(json.dumps(_ticket(1, "Per our policy, breakages must be reported within a day.")) + "\n"
                      + json.dumps(_ticket(2, "I'm so sorry it arrived broken! I've sent a new one today.")) + "\n",
                      encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert {"EMP201", "EMP303"} <= by_line[1], by_line
    assert not {"EMP201", "EMP303"} & by_line.get(2, set())
    audited = run_cli_fast("audit", str(export))
    assert audited.returncode == 0, audited.stderr
    assert json.loads(audited.stdout)["replies"] == 2


def test_a_json_lines_file_is_fixed_in_place_like_a_json_one(tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_ticket(1, "Obviously it was the courier.")) + "\n"
                      + json.dumps(_ticket(2, "Sorry! A new one ships today.")) + "\n", encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--fix", "--select", "EMP307", str(export))
    assert result.returncode in (0, 1), result.stderr
    lines = export.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["comments"][1]["plain_body"] for line in lines] == [
        "It was the courier.", "Sorry! A new one ships today."]


def test_one_json_document_with_something_after_it_is_still_an_error(tmp_path):
    bad = tmp_path / "macros.json"
    bad.write_text('{\n  "title": "Refund", "body": "As I said, no."\n}\n{"title": "x"}\n', encoding="utf-8")
    result = run_cli_fast("check", "--isolated", str(bad))
    assert result.returncode == 2
    assert "invalid JSON: Extra data" in result.stderr


def test_an_intercom_conversation_lints_the_teams_comments_only(tmp_path):
    """Intercom keeps the opening message in `source` and the rest in a nested
    `conversation_parts` list; the author's type says whose a part is, `part_type` which
    parts are messages at all (notes and assignments are not)."""
    export = tmp_path / "intercom.json"
    part = {"type": "conversation_part"}
    export.write_text(_one_message_a_line('{"type": "conversation", "id": "147", "source": {"type": "conversation", '
                                          '"body": "<p>My blender arrived broken and I want a refund.</p>", '
                                          '"author": {"type": "user"}}, "conversation_parts": {"conversation_parts": [', [
        {**part, "part_type": "note", "body": "<p>As I said, obviously a courier issue.</p>", "author": {"type": "admin"}},
        {**part, "part_type": "comment", "body": "<p>Thanks for writing in. We've sent a replacement.</p>",
         "author": {"type": "admin"}},
        {**part, "part_type": "comment", "body": "<p>You should have sent it last week!</p>", "author": {"type": "user"}},
    ], "]}}"), encoding="utf-8")
    by_line = _findings_by_line(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert set(by_line) == {3}, by_line
    assert "EMP201" in by_line[3]  # the broken blender of the opening message


def test_a_trimmed_intercom_export_still_skips_the_teams_notes(tmp_path):
    """An export trimmed to `part_type`, `author` and `body` (no `type` on each part):
    a note is still no answer to lint."""
    export = tmp_path / "intercom.json"
    export.write_text(json.dumps({"conversations": [{"id": "215", "source": {
        "author": {"type": "user"}, "body": "<p>My card was charged twice for one order.</p>"},
        "conversation_parts": {"conversation_parts": [
            {"part_type": "note", "author": {"type": "admin"}, "body": "<p>As I said, escalate to billing.</p>"},
            {"part_type": "comment", "author": {"type": "admin"},
             "body": "<p>Thanks for writing in. We've refunded the second charge.</p>"}]}}]}, indent=1),
        encoding="utf-8")
    found = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(export)))
    assert found and "EMP301" not in {f["code"] for f in found}  # the note's "As I said"
    assert "EMP201" in {f["code"] for f in found}  # the comment, answering the double charge


def test_malformed_conversation_fields_are_read_around_never_a_crash(tmp_path):
    """Roles, authors, part types, ids and bodies of the wrong type in an export's
    conversations: each message is read as far as it can be, the file is linted."""
    export = tmp_path / "odd.json"
    export.write_text(json.dumps([
        {"id": 1, "threads": [{"type": ["customer"], "body": "x"}, {"type": "customer", "body": EARLIER},
                              {"type": "message", "body": REPLY}]},
        {"id": 2, "conversation_parts": {"conversation_parts": [
            {"type": "conversation_part", "part_type": ["comment"], "author": {"type": {"a": 1}}, "body": "Hi"},
            {"type": "conversation_part", "part_type": "comment", "author": "admin", "body": REPLY}]}, "source": "x"},
        {"id": 3, "requester_id": [1], "comments": [{"author_id": [1], "body": EARLIER}, {"author_id": 2, "body": REPLY}]},
        {"id": 4, "description_text": ["x"], "conversations": [{"incoming": False, "body_text": 5},
                                                                {"incoming": False, "body_text": REPLY}]},
    ]), encoding="utf-8")
    # Rows of a message-per-row export whose author fields are lists or objects: no author.
    rows = tmp_path / "odd.jsonl"
    rows.write_text(json.dumps({"id": 5, "text": REPLY, "incoming": {"a": 1}}) + "\n"
                    + json.dumps({"id": 6, "text": REPLY, "inbound": [1], "role": ["agent"]}) + "\n", encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", str(rows))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert {f["id"] for f in json.loads(result.stdout)["files"][0]["findings"]} == {"5", "6"}
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    by_id: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["files"][0]["findings"]:
        by_id.setdefault(finding["id"], set()).add(finding["code"])
    assert "EMP201" in by_id["1"] and "EMP201" in by_id["3"]  # the double charge before each answer


def test_an_answer_deep_in_a_long_ticket_reads_the_recent_customer_messages():
    """As an export's rows keep them (ConversationMemory): the message answered and the
    eight before it, so a ticket of thousands of turns is read in linear time."""
    from empathy_lint.read.sources.conversation import conversation_roles, split_messages, team_answers

    messages = []
    for i in range(100):
        messages += [{"role": "customer", "text": f"Still broken, day {i}."}, {"role": "agent", "text": "On it."}]
    answers = list(team_answers(messages, conversation_roles(messages)))
    assert len(answers) == 100
    _, customer, earlier = answers[-1]
    assert customer == "Still broken, day 99."
    assert split_messages(earlier) == [f"Still broken, day {i}." for i in range(91, 99)]


# One row per message, the author in a column of its own (helpdesk and chat exports): the
# customer's rows are read, not linted; each answer of the team is linted with them.
MESSAGE_ROWS = [
    ("t1", "customer", EARLIER),
    ("t1", "agent", "I'm so sorry about that. Did you pay by card?"),
    ("t1", "customer", ANSWER),
    ("t1", "agent", REPLY),
    ("t1", "note", "Refund approved by finance."),
    ("t2", "customer", "Do you sell gift cards?"),
    ("t2", "agent", "We do! You can buy them on our website."),
]


def _message_rows(path, header=("ticket_id", "role", "text"), rows=MESSAGE_ROWS):
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(dict(zip(header, row))) + "\n" for row in rows), encoding="utf-8")
        return 1
    if path.suffix == ".json":  # one object a line inside the array: row k is on line k + 1
        path.write_text("[\n" + ",\n".join(json.dumps(dict(zip(header, row))) for row in rows) + "\n]\n",
                        encoding="utf-8")
        return 2
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return 2


@pytest.mark.parametrize("name", ["messages.csv", "messages.jsonl", "messages.json"])
def test_a_message_per_row_export_lints_the_teams_rows_with_the_customers_before_them(tmp_path, name):
    export = tmp_path / name
    first = _message_rows(export)
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["files"][0]["findings"]
    lines = {f["line"] for f in findings}
    answers = {first + i for i, (_, role, _) in enumerate(MESSAGE_ROWS) if role == "agent"}
    assert lines <= answers  # no customer's message and no internal note is linted
    # "I did." answers on about the double charge: the reply after it owes an apology;
    # the gift-card question asks none.
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {first + 3}


def test_a_yes_no_inbound_column_names_the_customers_rows(tmp_path):
    """The Twitter support corpus marks each tweet `inbound` True or False."""
    export = tmp_path / "tweets.csv"
    rows = [(t, "True" if role == "customer" else "False", text) for t, role, text in MESSAGE_ROWS if role != "note"]
    first = _message_rows(export, ("conversation_id", "inbound", "text"), rows)
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {first + 3}


def test_audit_scores_only_the_teams_rows_of_a_message_per_row_export(tmp_path):
    export = tmp_path / "messages.csv"
    _message_rows(export)
    result = run_cli_fast("audit", str(export))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["replies"] == 3
    assert report["rules"]["EMP201"]["count"] == 1


def test_an_author_column_that_names_sides_says_who_wrote_each_row(tmp_path):
    """A hand-made export whose `author` column holds "customer" and "agent" (not names):
    the customer's rows are the context of the team's, in `check` and `audit` alike, and
    "agent" is no agent's name. An `author` column of names is read as before."""
    rows = [("1004", "customer", "You charged me twice!! Fix it now."),
            ("1004", "agent", "As per our billing policy, charges are automatic. Please check your bank statement."),
            ("1005", "Customer", "Do you ship to Norway?"),
            ("1005", "Agent", "Hi! Yes we do, shipping takes 5-7 days.")]
    sides = tmp_path / "sides.csv"
    with sides.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("ticket_id", "author", "body"), *rows])
    lines = tmp_path / "sides.jsonl"
    lines.write_text("".join(json.dumps({"ticket_id": t, "author": a, "body": b}) + "\n" for t, a, b in rows),
                     encoding="utf-8")
    for export in (sides, lines):
        report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
        findings = report["files"][0]["findings"]
        assert report["summary"]["replies"] == 2, export
        assert {f["code"] for f in findings if f["severity"] != "info"} == {"EMP201", "EMP303"}, export
        audited = run_cli_fast("audit", str(export))
        summary = json.loads(audited.stdout)
        assert summary["replies"] == 2 and list(summary["agents"]) == ["unknown"], export
        assert "who wrote" not in audited.stderr
    names = tmp_path / "names.csv"
    with names.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("ticket_id", "author", "body"), ("77", "Dana Reed", rows[0][2]),
                                      ("77", "Ana Lopez", rows[1][2])])
    assert json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(names)).stdout)["summary"]["replies"] == 2
    assert "no column says who wrote each" in run_cli_fast("check", "--isolated", str(names)).stderr


def test_a_row_with_its_own_customer_message_is_read_as_before_whatever_its_sender(tmp_path):
    """A reply export that also names the sender ("from": the agent's address) keeps its
    own customer column: only a row without one is a message of a conversation."""
    export = tmp_path / "replies.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "customer", "reply"])
        writer.writerow(["ana@example.com", "Do you sell gift cards?", "We do! You can buy them on our website."])
        writer.writerow(["ana@example.com", EARLIER, REPLY])
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {3}


EMAIL_DRAFT = """Hi Dana,

Thanks for your patience. I've reissued your invoice with the correct VAT number; it's attached.

If anything else looks off, just reply to this email.

Best,
Sam

On Mon, 3 Mar 2025 at 10:12, Dana <dana@example.com> wrote:
> Your invoice has the wrong VAT number AGAIN. As I said last week, this is unacceptable.
>> Per my last email, please fix the VAT number on invoice 1182.
"""


def _findings(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["files"][0]["findings"]


def test_an_email_draft_answers_the_message_it_quotes(tmp_path):
    """The customer's message quoted under a draft is what it answers: the angry one asks
    for an apology, at warning level; the quoted words and the "wrote:" line are not ours."""
    draft = tmp_path / "draft.txt"
    draft.write_text(EMAIL_DRAFT, encoding="utf-8")
    found = {f["code"]: f for f in _findings(run_cli_fast("check", "--isolated", "--format", "json", str(draft)))}
    assert found["EMP201"]["severity"] == "warning"
    assert not {"EMP301", "EMP302", "EMP101"} & set(found)  # "As I said" is hers; "VAT number" echoes her
    thanks = tmp_path / "thanks.txt"
    thanks.write_text("Thanks, glad you like it!\n\n> I love the new app, great job!\n", encoding="utf-8")
    assert _findings(run_cli_fast("check", "--isolated", "--format", "json", str(thanks))) == []


def test_a_customer_message_given_on_the_command_line_wins_over_the_quote(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(EMAIL_DRAFT, encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--format", "json", "--customer-text", "All sorted now, thank you!",
                          str(draft))
    assert "EMP201" not in {f["code"] for f in _findings(result)}


def test_a_macro_is_not_read_as_answering_its_own_quoted_lines(tmp_path):
    """A saved reply met in a walk is canned: its `>` lines are a note set off, not a
    customer's email, so they neither ask it for an apology nor stand for an echo. The
    same file named as a draft is read with its quote."""
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "password-reset.txt").write_text(
        "To reset your password, open Settings > Security and click Reset.\n\n"
        "> Example: Why is my account locked?? This is ridiculous, I need access NOW.\n",
        encoding="utf-8")
    walked = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(macros)))
    assert "EMP201" not in {f["code"] for f in walked}
    named = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(macros / "password-reset.txt")))
    assert "EMP201" in {f["code"] for f in named}


def test_an_email_draft_with_windows_line_endings_reads_the_same(tmp_path):
    """Outlook and Windows editors save CRLF: the "On ..., Dana wrote:" line must still be
    known for the client's, so a finding on the reply's last sentence lands on the reply."""
    text = ("Hi Dana,\n\nThe refund is on its way.\n\n"
            "On Mon, 3 Mar 2026 at 10:12, Dana wrote:\n> Where is my refund? I returned it a month ago.\n")
    for name, data in (("lf.txt", text), ("crlf.txt", text.replace("\n", "\r\n"))):
        draft = tmp_path / name
        draft.write_bytes(data.encode("utf-8"))
        found = {f["code"]: f for f in _findings(run_cli_fast("check", "--isolated", "--format", "json", str(draft)))}
        assert found["EMP501"]["line"] == 3, name  # "The refund is on its way.", not the "wrote:" line


OUTLOOK_DRAFT = """Hi Dana,

Thanks for bearing with us: the refund was issued today and should reach you by Friday.

Best,
Sam

-----Original Message-----
From: Dana Smith <dana@example.com>
Sent: Monday, March 3, 2026 10:12 AM
To: Support <support@example.com>
Subject: RE: Refund

As I said last week, where is my refund? This is unacceptable.

-----Original Message-----
From: Support <support@example.com>
Sent: Friday, February 28, 2026 4:00 PM
To: Dana Smith <dana@example.com>
Subject: Refund

Per our policy, refunds take 10 days.

________________________________
From: Dana Smith <dana@example.com>
Sent: Thursday, February 27, 2026 9:00 AM
To: Support
Subject: Refund

I returned the jacket two weeks ago and still no refund.
"""


def test_an_outlook_draft_answers_the_message_under_its_header(tmp_path):
    """Outlook puts the message answered under "-----Original Message-----" / "From: ...
    Subject: ..." without quote marks: it is the customer's message, not the reply's text
    ("As I said" there is hers, "Per our policy" our own earlier answer), and the older
    messages she sent are read with it."""
    from empathy_lint.read.sources.thread import quoted_messages

    latest, older = quoted_messages(OUTLOOK_DRAFT)
    assert latest == "As I said last week, where is my refund? This is unacceptable."
    assert older == "I returned the jacket two weeks ago and still no refund."  # not our "Per our policy"
    draft = tmp_path / "draft.txt"
    draft.write_text(OUTLOOK_DRAFT, encoding="utf-8")
    found = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(draft)))
    assert {f["code"]: f["severity"] for f in found}.get("EMP201") == "warning"
    assert all(f["line"] <= 6 for f in found)
    assert not {"EMP301", "EMP303"} & {f["code"] for f in found}


GMAIL_FORWARD = """Hi Dana,

I'm sorry about the double charge. I've refunded it today and you'll see it within 3 days.

Best,
Sam

---------- Forwarded message ---------
From: Dana Lee <dana@example.com>
Date: Mon, 2 Dec 2026 at 10:14
Subject: Charged twice
To: <support@example.com>

As I said on the phone, you charged me twice. Obviously this is your fault and per your policy you
should have caught it.
"""


def test_a_message_gmail_forwards_under_the_reply_is_the_customers(tmp_path):
    """Gmail sets a forwarded email under "---------- Forwarded message ---------" and a
    From/Date/Subject/To header: it is the message answered, not the reply's text, and its
    header line is no sentence of the reply (the follow-up finding lands in the body)."""
    from empathy_lint.read.sources.thread import quoted_messages

    latest, _ = quoted_messages(GMAIL_FORWARD)
    assert latest.startswith("As I said on the phone, you charged me twice.")
    draft = tmp_path / "draft.txt"
    draft.write_text(GMAIL_FORWARD, encoding="utf-8")
    found = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(draft)))
    assert not {"EMP301", "EMP303", "EMP304", "EMP307"} & {f["code"] for f in found}
    assert all(f["line"] <= 6 for f in found), found


def test_a_message_apple_mail_forwards_is_the_customers_without_its_header(tmp_path):
    """Apple Mail: "Begin forwarded message:" over a From/Subject/Date/To header."""
    from empathy_lint.read.sources.thread import quoted_messages

    draft_text = ("Hi Dana,\n\nI'm sorry about the double charge. I've refunded it today.\n\nBest,\nSam\n\n"
                  "Begin forwarded message:\n\nFrom: Dana Lee <dana@example.com>\nSubject: Charged twice\n"
                  "Date: 2 December 2026 at 10:14:00 GMT\nTo: support@example.com\n\n"
                  "As I said, you charged me twice. Obviously your fault.\n")
    assert quoted_messages(draft_text)[0] == "As I said, you charged me twice. Obviously your fault."
    draft = tmp_path / "draft.txt"
    draft.write_text(draft_text, encoding="utf-8")
    found = _findings(run_cli_fast("check", "--isolated", "--format", "json", str(draft)))
    assert not {"EMP301", "EMP304", "EMP307"} & {f["code"] for f in found}
    assert all(f["line"] <= 6 for f in found), found


def test_a_template_that_opens_with_email_headers_is_linted_whole(tmp_path):
    """Headers with nothing written above them head the text (an email template), not a
    trail under a reply: the template is linted, not skipped."""
    template = tmp_path / "refund.txt"
    template.write_text("From: Support <support@example.com>\nTo: {{customer}}\nSubject: Your refund\n\n"
                        "As I said, refunds take ten days.\n", encoding="utf-8")
    assert "EMP301" in {f["code"] for f in _findings(run_cli_fast("check", "--isolated", "--format", "json",
                                                                  str(template)))}


@pytest.mark.parametrize("trail", [
    '<div class="gmail_quote"><div class="gmail_attr">On Mon, Dana wrote:</div><blockquote class="gmail_quote">{}'
    '</blockquote></div>',
    '<hr><div id="divRplyFwdMsg"><b>From:</b> Dana<br><b>Sent:</b> Monday<br><b>Subject:</b> Refund</div>'
    '<div>{}</div>',
    '<blockquote><blockquote>Earlier.</blockquote>{}</blockquote>',
])
def test_what_an_html_answer_quotes_is_not_linted(tmp_path, trail):
    """A helpdesk export keeps the agent's HTML answer with the customer's email quoted
    under it (Gmail's quote, Outlook's header, a blockquote): "As I said" and "per our
    policy" there are the customer's words."""
    quoted = "Where is my refund? As I said last week, per our policy you owe me."
    export = tmp_path / "helpscout.json"
    export.write_text(json.dumps([{"id": 1, "threads": [
        {"type": "customer", "body": "<p>Where is my refund? I returned it a month ago.</p>"},
        {"type": "message", "body": "<p>Hi Dana, the refund went out today.</p>" + trail.format(quoted)}]}]),
        encoding="utf-8")
    codes = {f["code"] for f in _findings(run_cli_fast("check", "--isolated", "--format", "json", str(export)))}
    assert "EMP201" in codes and not {"EMP301", "EMP303"} & codes


@pytest.mark.parametrize("signature", [
    '<div class="gmail_signature">{}</div>',
    '<pre class="moz-signature" cols="72">{}</pre>',
    '<div id="Signature"><p>{}</p></div>',
])
def test_an_html_answers_signature_is_not_linted_but_a_customers_quoted_one_is_theirs(tmp_path, signature):
    """Gmail, Thunderbird and Outlook on the web mark the signature under the reply they
    write: its tagline is not this reply's words. One inside the quoted email is the
    customer's, and the agent's own words above both are still read."""
    tagline = "Sam Smith | Acme: simply the best way to ship. Obviously."
    quote = ('<div class="gmail_quote">On Mon, Dana wrote:<blockquote>Where is it?'
             '<div class="gmail_signature">Dana, simply a customer</div></blockquote></div>')

    def codes(body: str) -> set[str]:
        export = tmp_path / "export.json"
        export.write_text(json.dumps([{"id": 1, "threads": [
            {"type": "customer", "body": "<p>My parcel is two weeks late.</p>"},
            {"type": "message", "body": body}]}]), encoding="utf-8")
        return {f["code"] for f in _findings(run_cli_fast("check", "--isolated", "--format", "json", str(export)))}

    reply = "<p>Hi Dana, I'm sorry the parcel is late: I've sent a replacement by express today.</p>"
    assert "EMP307" not in codes(reply + signature.format(tagline) + quote)
    assert "EMP307" in codes("<p>Obviously it is late.</p>" + signature.format("Sam") + quote)


@pytest.mark.parametrize("trail", [
    "Von: Dana <dana@example.de>\nGesendet: Montag, 3. März 2026 10:12\nAn: Support\nBetreff: Erstattung\n\n{}",
    "De : Dana <dana@example.fr>\nEnvoyé : lundi 3 mars 2026 10:12\nÀ : Support\nObjet : Remboursement\n\n{}",
    "-----Mensaje original-----\nDe: Dana\nEnviado el: lunes\nPara: Support\nAsunto: Reembolso\n\n{}",
    "Am Mo., 3. März 2026 um 10:12 Uhr schrieb Dana <dana@example.de>:\n> {}",
    "Le lun. 3 mars 2026 à 10:12, Dana <dana@example.fr> a écrit :\n> {}",
])
def test_a_mail_clients_trail_is_read_in_the_languages_the_rules_read(trail):
    """Outlook and Gmail write their headers and the line over a quote in the user's
    language (rules/context/mail.yaml): the message under them is still the customer's,
    and nothing of the trail is linted."""
    from empathy_lint.read.sources.quotes import quote_spans
    from empathy_lint.read.sources.thread import quoted_messages

    message = "As I said last week, where is my refund?"
    draft = "Hi Dana,\n\nThe refund went out today.\n\nSam\n\n" + trail.format(message) + "\n"
    assert quoted_messages(draft)[0] == message
    assert all(start >= draft.index("Sam\n") + 4 for start, _ in quote_spans(draft))
    assert draft.index(message) >= min(start for start, _ in quote_spans(draft))


def _helpscout_export(threads: list[dict]) -> dict:
    """Help Scout's API shape: conversations under `_embedded`, each with its threads
    embedded (`?embed=threads`), newest first as the API lists them."""
    return {"_embedded": {"conversations": [{"id": 55, "subject": "Broken zipper", "_embedded": {"threads": threads}}]},
            "page": {"size": 25, "totalElements": 1}}


HELPSCOUT_THREADS = [  # newest first
    {"id": 3, "type": "reply", "createdAt": "2026-03-02T10:15:00Z", "createdBy": {"type": "user", "first": "Ann"},
     "body": "<p>Thanks for writing in. Per our policy we cannot replace items after 30 days.</p>"},
    {"id": 2, "type": "customer", "createdAt": "2026-03-02T09:01:00Z", "createdBy": {"type": "customer"},
     "body": "<p>The zipper on my new jacket broke after one week. I'm really upset.</p>"},
]


def test_a_helpscout_api_export_is_read_oldest_first(tmp_path):
    """Help Scout's API lists a conversation's threads newest first: read in the order
    listed, the team's answer came before any customer message, so the broken jacket it
    answers went unread (no missing apology) and `audit` refused the export outright
    ("no reply column"). Messages that all carry a time are read in time order."""
    path = tmp_path / "helpscout.json"
    path.write_text(json.dumps(_helpscout_export(HELPSCOUT_THREADS), indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert "EMP201" in {f["code"] for f in findings}
    # Every finding is on the team's answer, named by the ticket's subject and the thread.
    text = path.read_text(encoding="utf-8")
    answer_line = text[:text.index("Thanks for writing in")].count("\n") + 1
    assert {f["line"] for f in findings} == {answer_line}
    assert {f["reply"] for f in findings} == {"Broken zipper #3"}
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1
    assert summary["worst"][0]["customer"].startswith("The zipper on my new jacket broke")
    assert "EMP201" in {f["code"] for f in summary["worst"][0]["findings"]}


def test_messages_are_put_in_time_order_only_when_every_one_says_when():
    from empathy_lint.read.sources.conversation import in_time_order

    newest_first = [{"id": 2, "created_at": 1700000500}, {"id": 1, "created_at": 1700000000}]
    assert [m["id"] for m in in_time_order(newest_first)] == [1, 2]  # Intercom's and Front's seconds
    iso = [{"id": "b", "createdAt": "2026-03-02T10:15:00Z"}, {"id": "a", "createdAt": "2026-03-02T09:01:00+00:00"}]
    assert [m["id"] for m in in_time_order(iso)] == ["a", "b"]
    ties = [{"id": 1, "created_at": 5}, {"id": 2, "created_at": 5}, {"id": 0, "created_at": 1}]
    assert [m["id"] for m in in_time_order(ties)] == [0, 1, 2]  # the same time keeps the list's order
    for as_listed in ([{"id": 2, "created_at": 9}, {"id": 1}],                              # one without a time
                      [{"id": 2, "created_at": "2026-03-02"}, {"id": 1, "created_at": 7}],  # a date beside a number
                      [{"id": 2, "created_at": "yesterday"}, {"id": 1, "created_at": "2026-01-01"}],
                      [{"id": 2, "created_at": "2026-03-02T10:00:00Z"}, {"id": 1, "created_at": "2026-03-01T10:00"}]):
        assert in_time_order(as_listed) == as_listed  # (the last: with and without a time zone)


# The Twitter support corpus (twcs.csv) as it lists its first conversation: each tweet
# names the one it answers, newest first but not always (tweet 1 answers tweet 3).
TWCS_HEADER = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id")
TWCS_ROWS = [
    ("1", "sprintcare", "False", "Tue Oct 31 22:10:47 +0000 2017",
     "@115712 I understand. I would like to assist you. We would need to get you into a private secured link "
     "to further assist.", "2", "3"),
    ("2", "115712", "True", "Tue Oct 31 22:11:45 +0000 2017", "@sprintcare and how do you propose we do that", "", "1"),
    ("3", "115712", "True", "Tue Oct 31 22:08:27 +0000 2017",
     "@sprintcare I have sent several private messages and no one is responding as usual", "1", "4"),
    ("4", "sprintcare", "False", "Tue Oct 31 21:54:49 +0000 2017",
     "@115712 Please send us a Private Message so that we can further assist you.", "3", "5"),
    ("5", "115712", "True", "Tue Oct 31 21:49:35 +0000 2017", "@sprintcare is the worst customer service", "4,6,8", ""),
    ("6", "sprintcare", "False", "Tue Oct 31 21:50:01 +0000 2017",
     "@115712 Thanks for reaching out! Happy to help, what's your account number?", "", "77"),
]


def test_the_twitter_corpus_reads_each_answer_with_the_tweets_it_answers(tmp_path):
    """Read in file order, the first answer met no customer tweet before it (it answers
    tweet 3, below it) and was asked for no apology. Each answer is read with the tweet
    it names (`in_response_to_tweet_id`) and the customer's tweets up that chain; an
    answer to a tweet not in the export has no customer message."""
    export = tmp_path / "twcs.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TWCS_HEADER)
        writer.writerows(TWCS_ROWS)
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings} <= {2, 5, 7}  # the team's tweets only (line 1 is the header)
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {2, 5}
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    assert summary["replies"] == 3
    answered = {w["reply"][:12]: (w["customer"], {f["code"] for f in w["findings"]}) for w in summary["worst"]}
    assert answered["@115712 I un"][0].startswith("@sprintcare I have sent several private messages")
    assert answered["@115712 Plea"][0] == "@sprintcare is the worst customer service"
    assert all("EMP201" in codes for _, codes in answered.values())


def test_audit_follows_a_chain_of_replies_across_its_windows_of_rows():
    """audit reads such an export a window of rows at a time (flat memory): an answer
    whose tweet is in the next window is still read with it."""
    from empathy_lint.apps.audit import _with_chains

    rows = [(n, dict(zip(TWCS_HEADER, row)), 1) for n, row in enumerate(TWCS_ROWS, 2)]
    seen = {row["tweet_id"]: chains.answered(row["in_response_to_tweet_id"])
            for _, row, _, chains in _with_chains(iter(rows), lambda row: "text", window=2)}
    assert seen["1"][0].startswith("@sprintcare I have sent several")  # tweet 3, in the window after
    assert seen["4"] == ("@sprintcare is the worst customer service", None)
    plain = [(2, {"id": "1", "reply": "Sorry!", "customer": "It broke"}, 1)]
    assert [chains for *_, chains in _with_chains(iter(plain), lambda row: "reply")] == [None]  # a reply export as before


def test_a_chain_of_replies_is_followed_up_to_the_customers_first_message():
    from empathy_lint.read.sources.conversation import ReplyChains

    chains = ReplyChains()
    for message_id, role, text, answers in [("4", "agent", "DM us", "5"), ("3", "customer", "No one answers", "4"),
                                            ("5", "customer", "Worst service", None), ("9", "agent", "x", "9")]:
        chains.add(message_id, role, text, answers)
    assert chains.answered("3") == ("No one answers", "Worst service")
    assert chains.answered("5") == ("Worst service", None)
    assert chains.answered("404") == (None, None)
    assert chains.answered("9") == (None, None)  # a tweet that answers itself: no loop
    assert chains.answered("3.0") == chains.answered("3")  # an id column with blanks, written as floats


@pytest.mark.parametrize("name", ["twcs.jsonl", "twcs.json"])
def test_the_twitter_corpus_as_json_reads_the_same_chains(tmp_path, name):
    """The same tweets as JSON Lines or a JSON array, as a table library writes them
    (ids as numbers, the answered tweet's id a float: 3.0): the same answers owe an apology."""
    rows = []
    for row in TWCS_ROWS:
        record = dict(zip(TWCS_HEADER, row), tweet_id=int(row[0]), inbound=row[2] == "True")
        record["in_response_to_tweet_id"] = float(row[6]) if row[6] else None
        rows.append(record)
    export = tmp_path / name
    export.write_text("\n".join(json.dumps(r) for r in rows) + "\n" if name.endswith("l")
                      else json.dumps(rows, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)["files"][0]["findings"]
    apologies = {f["start"] for f in findings if f["code"] == "EMP201"}
    text = export.read_text(encoding="utf-8")
    assert len(apologies) == 2
    assert {text[s:s + 12] for s in apologies} == {"I understand", "Please send "}


SALESFORCE_EMAILS = [  # an EmailMessage report: one row per email, its case in ParentId
    ("Id", "ParentId", "Subject", "TextBody", "Incoming", "MessageDate"),
    ("02s1", "500A", "Refund", "My refund still hasn't arrived after three weeks and nobody answers.", "true",
     "2026-03-01T09:00:00Z"),
    ("02s2", "500A", "RE: Refund", "Hi Dana, refunds take 10 business days. Regards, Support", "false",
     "2026-03-01T10:00:00Z"),
    ("02s3", "500B", "Question", "Do you ship to Canada?", "true", "2026-03-02T09:00:00Z"),
    ("02s4", "500B", "RE: Question", "Hi Lee, yes we do! Shipping takes 5 days.", "false", "2026-03-02T09:30:00Z"),
]


def test_a_salesforce_email_export_reads_each_case_as_a_conversation(tmp_path):
    """Salesforce names its columns in CamelCase: "TextBody" was no reply column (exit 2),
    and "Incoming" no author for `audit`. Each email of the team is read with the
    customer's email of its case (ParentId) before it: the late refund owes an apology,
    the shipping question none; customers' emails are never linted."""
    export = tmp_path / "EmailMessage.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(SALESFORCE_EMAILS)
    result = run_cli_fast("check", "--isolated", "--format", "json", str(export))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings} <= {3, 5}
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {3}
    summary = json.loads(run_cli_fast("audit", str(export)).stdout)
    assert summary["replies"] == 2
    scored = {w["id"]: w for w in summary["worst"]}
    assert scored["02s2"]["customer"].startswith("My refund still hasn't arrived")
    assert "EMP201" in {f["code"] for f in scored["02s2"]["findings"]}
    assert set(summary["weeks"]) == {"2026-W09", "2026-W10"}  # by MessageDate


def test_a_header_in_camel_case_is_read_as_its_words():
    from empathy_lint.read.sources.conversation import column_key

    assert [column_key(h) for h in ("TextBody", "HTMLBody", "ParentId", "TicketID", "Agent Response", "ID")] == \
        ["text_body", "html_body", "parent_id", "ticket_id", "agent_response", "id"]


def test_a_zoho_desk_ticket_tells_the_customers_threads_by_direction(tmp_path):
    """Zoho Desk marks each thread `direction` "in" (the customer's) or "out", newest
    first with a `createdTime`: the customer's "my order never arrived" was linted as
    if the team had written it, and the answer was read without it (no apology asked)."""
    ticket = {"data": [{"id": "1892000000143237", "subject": "Order never arrived", "threads": [
        {"id": "t3", "direction": "out", "createdTime": "2026-03-01T10:00:00.000Z",
         "author": {"type": "AGENT", "name": "Ann"}, "content": "<div>Hi, per our policy deliveries take up to 10 days.</div>"},
        {"id": "t2", "direction": "in", "createdTime": "2026-03-01T09:00:00.000Z",
         "author": {"type": "END_USER", "name": "Dana"}, "content": "<div>My order never arrived and I'm furious.</div>"},
    ]}]}
    path = tmp_path / "zoho.json"
    path.write_text(json.dumps(ticket, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert {f["reply"] for f in findings} == {"Order never arrived #t3"}  # the team's thread only
    assert "EMP201" in {f["code"] for f in findings}


def test_a_hubspot_thread_is_read_by_direction_and_skips_its_comments(tmp_path):
    """HubSpot's thread messages carry `type` MESSAGE (an object's kind, not its author)
    and `direction`: the customer's INCOMING message was read as the team's, and an
    internal COMMENT (no direction) was linted as an answer to the customer."""
    thread = {"results": [{"id": "9001", "subject": "Broken login", "messages": [
        {"type": "MESSAGE", "id": "m1", "createdAt": "2026-03-01T09:00:00Z", "direction": "INCOMING",
         "text": "I can't log in since yesterday and it's driving me mad."},
        {"type": "COMMENT", "id": "m2", "createdAt": "2026-03-01T09:05:00Z",
         "text": "Obviously a password issue, as I said in standup."},
        {"type": "MESSAGE", "id": "m3", "createdAt": "2026-03-01T09:10:00Z", "direction": "OUTGOING",
         "text": "Hi, please reset your password with the link on the login page."},
    ]}]}
    path = tmp_path / "hubspot.json"
    path.write_text(json.dumps(thread, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert {f["reply"] for f in findings} == {"Broken login #m3"}
    assert "EMP201" in {f["code"] for f in findings}  # it answers the login trouble


@pytest.mark.parametrize("direction, way", [("in", "in"), ("INCOMING", "in"), ("inbound-call", "in"), ("received", "in"),
                                            ("OUTGOING", "out"), ("outbound-api", "out"), ("sent", "out"),
                                            ("internal", None), ("ltr", None)])
def test_only_a_direction_that_names_a_way_says_who_wrote_a_message(direction, way):
    from empathy_lint.read.sources.conversation import _way

    assert _way({"direction": direction}) == way


def test_a_crisp_chat_is_read_oldest_first_by_who_sent_each_message(tmp_path):
    """Crisp's messages: `type` names the content ("text"), `from` the sender, a `note`
    is internal, `timestamp` in milliseconds, listed here newest first. The customer's
    messages were read as the team's (their `type` came first) and the note linted."""
    messages = {"error": False, "reason": "resolved", "data": [
        {"session_id": "s1", "type": "text", "from": "operator", "content": "Hi! Could you tell me which app version you have?",
         "timestamp": 1709283800000},
        {"session_id": "s1", "type": "note", "from": "operator", "content": "Known bug, as I said, obviously.",
         "timestamp": 1709283700000},
        {"session_id": "s1", "type": "text", "from": "user", "content": "The app crashes every time I open settings. So annoying.",
         "timestamp": 1709283600000},
    ]}
    path = tmp_path / "crisp.json"
    path.write_text(json.dumps(messages, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    text = path.read_text(encoding="utf-8")
    answer_line = text[:text.index("Hi! Could you")].count("\n") + 1
    assert {f["line"] for f in findings} == {answer_line}  # not the note, not the customer's message
    assert "EMP201" in {f["code"] for f in findings}  # it answers the crash
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1
    assert summary["worst"][0]["customer"].startswith("The app crashes")


def test_a_freshchat_conversation_reads_message_parts_actor_type_and_private_notes(tmp_path):
    """Freshchat keeps a message's text in `message_parts`, its author in `actor_type` and
    an internal note as `message_type: private`, newest first: all three messages were
    linted as replies, the customer's and the private note's among them."""
    messages = {"messages": [
        {"message_parts": [{"text": {"content": "Per our policy, refunds take 14 days."}}], "actor_type": "agent",
         "message_type": "normal", "id": "m3", "created_time": "2026-03-01T10:10:00.000Z"},
        {"message_parts": [{"text": {"content": "Escalate, customer is angry. Obviously."}}], "actor_type": "agent",
         "message_type": "private", "id": "m2", "created_time": "2026-03-01T10:05:00.000Z"},
        {"message_parts": [{"text": {"content": "I was charged twice for my subscription and I'm really upset."}}],
         "actor_type": "user", "message_type": "normal", "id": "m1", "created_time": "2026-03-01T10:00:00.000Z"},
    ]}
    path = tmp_path / "freshchat.json"
    path.write_text(json.dumps(messages, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    text = path.read_text(encoding="utf-8")
    assert {f["line"] for f in findings} == {text[:text.index("Per our policy")].count("\n") + 1}  # the team's answer only
    assert "EMP201" in {f["code"] for f in findings}  # it answers a double charge
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1 and summary["worst"][0]["customer"].startswith("I was charged twice")


def test_the_twitter_corpus_with_a_header_in_camel_case_reads_the_same_chains(tmp_path):
    """The same tweets with the header a spreadsheet or an ORM writes ("TweetId",
    "Inbound", "InResponseToTweetId"): `check` read its header as words, `audit` found no
    author column and no chains (the answers met the wrong tweets)."""
    export = tmp_path / "tweets.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("TweetId", "AuthorId", "Inbound", "CreatedAt", "Text", "ResponseTweetId", "InResponseToTweetId"))
        writer.writerows(TWCS_ROWS)
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings if f["code"] == "EMP201"} == {2, 5}
    summary = json.loads(run_cli_fast("audit", str(export), "--worst", "5").stdout)
    answered = {w["reply"][:12]: w["customer"] for w in summary["worst"]}
    assert answered["@115712 I un"].startswith("@sprintcare I have sent several private messages")


# A message-per-row export as a data team pulls it from a helpdesk's tables, newest
# message first (ORDER BY created_at DESC): the answer is listed above the complaint.
NEWEST_FIRST_HEADER = ("conversation_id", "author_type", "body", "created_at")
NEWEST_FIRST_ROWS = [
    ("T1", "agent", "Thanks for writing in. Per our policy we cannot replace items after 30 days.", "2026-03-02T10:15:00Z"),
    ("T1", "customer", "The zipper on my new jacket broke after one week. I'm really upset.", "2026-03-02T09:01:00Z"),
]


def _newest_first_csv(path, header=NEWEST_FIRST_HEADER, rows=NEWEST_FIRST_ROWS):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _newest_first_jsonl(path):
    path.write_text("".join(json.dumps(dict(zip(NEWEST_FIRST_HEADER, row))) + "\n" for row in NEWEST_FIRST_ROWS),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("write", [_newest_first_csv, _newest_first_jsonl], ids=["csv", "jsonl"])
def test_a_message_per_row_export_newest_first_is_read_in_time_order(tmp_path, write):
    """Read in file order, the team's answer met no customer message, so the broken
    jacket it answers went unread: no missing apology, and audit scored it alone. Rows
    that all say when they were written are read oldest first, as a JSON array is."""
    path = write(tmp_path / ("export.csv" if write is _newest_first_csv else "export.jsonl"))
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert "EMP201" in {f["code"] for f in findings}
    assert {f["line"] for f in findings} == {2 if write is _newest_first_csv else 1}  # the answer's own row
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1
    assert summary["worst"][0]["customer"].startswith("The zipper on my new jacket broke")


@pytest.mark.parametrize("column, newer, older", [
    ("CreatedDate", "2026-03-02T10:15:00.000+0000", "2026-03-02T09:01:00.000+0000"),  # Salesforce's report
    ("EntryTime", "2026-03-02T10:15:00.000+0000", "2026-03-02T09:01:00.000+0000"),    # ...its chat entries
    ("Date", "Mon, 02 Mar 2026 10:15:00 +0000", "Mon, 02 Mar 2026 09:01:00 +0000"),   # an email's header
    ("created_at", "Mon Mar 02 10:15:00 +0000 2026", "Mon Mar 02 09:01:00 +0000 2026"),  # Twitter's API
    ("timestamp", "1772446500", "1772442060"),                                          # seconds, as a CSV cell
])
def test_a_csv_time_column_is_read_as_its_export_writes_it(tmp_path, column, newer, older):
    rows = [(*NEWEST_FIRST_ROWS[0][:3], newer), (*NEWEST_FIRST_ROWS[1][:3], older)]
    path = _newest_first_csv(tmp_path / "export.csv", (*NEWEST_FIRST_HEADER[:3], column), rows)
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["worst"][0]["customer"].startswith("The zipper on my new jacket broke")


def test_times_that_cannot_be_compared_leave_the_rows_as_listed():
    from empathy_lint.read.sources.conversation import in_time_order, parse_time

    assert parse_time("03/02/2026 10:15") is None  # month or day first: not guessed
    assert parse_time("2026") is None              # a year is not seconds since 1970
    assert parse_time(" 1772446500 ") == 1772446500.0
    rows = [{"Created Date": "2026-03-02T10:15:00Z", "id": 2}, {"Created Date": "03/02/2026 09:01", "id": 1}]
    assert in_time_order(rows) == rows
    rows = [{"Created Date": "2026-03-02T10:15:00Z", "id": 2}, {"Created Date": "2026-03-02T09:01:00Z", "id": 1}]
    assert [r["id"] for r in in_time_order(rows)] == [1, 2]  # a header as written, read as its words


def test_audit_orders_a_newest_first_export_by_windows_cut_between_conversations():
    """audit puts a window of rows at a time in time order; a window is never cut inside
    a conversation, so an answer at a window's end still meets the complaint after it."""
    from empathy_lint.apps.audit import _time_ordered

    rows = []
    for ticket in range(3):  # each ticket newest first: the answer, then the complaint
        rows.append({"Ticket ID": f"T{ticket}", "Role": "agent", "body": "answer", "Created Date": f"2026-03-0{ticket + 1}T10:00"})
        rows.append({"Ticket ID": f"T{ticket}", "Role": "customer", "body": "complaint", "Created Date": f"2026-03-0{ticket + 1}T09:00"})
    numbered = [(number, row, 1) for number, row in enumerate(rows, 2)]
    read = [row for _, row, _ in _time_ordered(iter(numbered), window=3)]  # 3 would cut ticket T1 in two
    for ticket in range(3):
        mine = [row["Role"] for row in read if row["Ticket ID"] == f"T{ticket}"]
        assert mine == ["customer", "agent"]
    assert sorted(id(row) for row in read) == sorted(id(row) for row in rows)  # every row once


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(6)), suffix=st.sampled_from([".csv", ".jsonl", ".json"]))
def test_rows_that_say_when_pair_each_answer_with_the_same_message_in_any_order(tmp_path_factory, order, suffix):
    """However a message-per-row export lists its rows, where every row says when it was
    written, check and audit pair each answer with the customer's message before it."""
    from empathy_lint.apps.audit import Columns, read_rows
    from empathy_lint.read.sources import load_document

    messages = [("T1", "customer", "My parcel arrived smashed."), ("T2", "customer", "I was charged twice this month."),
                ("T1", "agent", "I'm sorry about the parcel, a new one ships today."),
                ("T2", "customer", "Still no refund for the double charge."),
                ("T1", "customer", "Thanks, got the tracking link."),
                ("T2", "agent", "I'm sorry about the double charge, the refund is on its way.")]
    rows = [{"ticket_id": t, "role": r, "text": x, "created_at": f"2026-03-02T10:0{i}:00Z"}
            for i, (t, r, x) in enumerate(messages)]
    listed = [rows[i] for i in order]
    path = tmp_path_factory.mktemp("export") / f"export{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(listed)
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in listed), encoding="utf-8")
    else:
        path.write_text(json.dumps(listed), encoding="utf-8")
    want = {"I'm sorry about the parcel, a new one ships today.": "My parcel arrived smashed.",
            "I'm sorry about the double charge, the refund is on its way.": "Still no refund for the double charge."}
    document = load_document(str(path), path.read_text(encoding="utf-8"), {})
    assert {reply.text: reply.meta.get("customer") for reply in document.replies} == want
    assert {r["reply"]: r["customer"] for r in read_rows(path, Columns())} == want


# Zendesk Chat's API (GET /api/v2/chats): a chat keeps its messages in `history`, each
# `chat.msg` event with its `sender_type` and text in `msg` (join and leave events carry
# none); an offline message (`type: offline_msg`) is the visitor's own `message`.
ZENDESK_CHATS = {"chats": [
    {"id": "1410.1", "type": "chat", "visitor": {"id": "1.123", "name": "Sam"}, "started_by": "visitor",
     "timestamp": "2026-03-02T09:00:00Z", "agent_names": ["Ann"], "history": [
         {"type": "chat.memberjoin", "name": "Sam", "timestamp": "2026-03-02T09:00:00Z", "index": 0},
         {"type": "chat.msg", "name": "Sam", "sender_type": "Visitor", "index": 1, "timestamp": "2026-03-02T09:01:00Z",
          "msg": "The zipper on my new jacket broke after one week. I'm really upset."},
         {"type": "chat.memberjoin", "name": "Ann", "timestamp": "2026-03-02T09:02:00Z", "index": 2},
         {"type": "chat.msg", "name": "Ann", "sender_type": "Agent", "agent_id": 42, "index": 3,
          "timestamp": "2026-03-02T09:03:00Z",
          "msg": "Thanks for writing in. Per our policy we cannot replace items after 30 days."}]},
    {"id": "1410.2", "type": "offline_msg", "visitor": {"id": "1.456", "name": "John"}, "started_by": "visitor",
     "message": "Hi there! As I said, my order never arrived and nobody answers.", "timestamp": "2026-03-03T09:00:00Z"},
], "count": 2, "next_url": None}


@pytest.mark.parametrize("offline_first", [False, True])
def test_a_zendesk_chat_export_lints_the_agents_messages_never_the_visitors(tmp_path, offline_first):
    """The agent's answer in a chat's `history` went unread (nothing of the chat was
    linted), while a visitor's offline message was linted as if the team had written it
    ("As I said" flagged in the customer's own words); audit refused the export."""
    export = dict(ZENDESK_CHATS, chats=ZENDESK_CHATS["chats"][::-1] if offline_first else ZENDESK_CHATS["chats"])
    path = tmp_path / "chats.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    text = path.read_text(encoding="utf-8")
    answer_line = text[:text.index("Thanks for writing in")].count("\n") + 1
    assert {f["line"] for f in findings} == {answer_line}  # the agent's message only
    assert {"EMP201", "EMP303"} <= {f["code"] for f in findings}  # read with the visitor's broken zipper
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1
    assert summary["worst"][0]["customer"].startswith("The zipper on my new jacket broke")


def test_a_chat_history_table_as_an_etl_tool_loads_it_is_read_message_by_message(tmp_path):
    """Zendesk Chat's history as a warehouse table (Fivetran's chat_history: `msg`,
    `sender_type`, `timestamps`), newest first: each agent message with the visitor's before it."""
    path = tmp_path / "chat_history.csv"
    _newest_first_csv(path, ("chat_id", "index", "timestamps", "name", "msg", "sender_type", "type"), [
        ("c1", "2", "2026-03-02T10:15:00Z", "Ann", NEWEST_FIRST_ROWS[0][2], "Agent", "chat.msg"),
        ("c1", "1", "2026-03-02T09:02:00Z", "Ann", "", "Agent", "chat.memberjoin"),
        ("c1", "0", "2026-03-02T09:01:00Z", "Visitor 123", NEWEST_FIRST_ROWS[1][2], "Visitor", "chat.msg")])
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings} == {2}
    assert "EMP201" in {f["code"] for f in findings}
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["worst"][0]["customer"].startswith("The zipper on my new jacket broke")


@pytest.mark.parametrize("private, public", [("true", ""), ("1", ""), ("", "false"), ("", "FALSE")])
def test_a_note_marked_private_in_a_csv_is_never_linted(tmp_path, private, public):
    """A CSV writes a message's private/public flag as text ("true", "1", "FALSE"):
    Freshdesk's conversations as a warehouse table (`incoming`, `private`). The team's
    internal note was linted as an answer to the customer, in check and in audit."""
    path = tmp_path / "conversations.csv"
    _newest_first_csv(path, ("id", "ticket_id", "body_text", "incoming", "private", "public", "created_at"), [
        ("1", "77", NEWEST_FIRST_ROWS[1][2], "true", "", "", "2026-03-02T09:01:00Z"),
        ("2", "77", "Internal: a known chargeback risk. As I said, per our policy refuse.", "false", private, public,
         "2026-03-02T09:30:00Z"),
        ("3", "77", NEWEST_FIRST_ROWS[0][2], "false", "", "", "2026-03-02T10:15:00Z")])
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings} == {4}  # the answer only, never the note on line 3
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1


def test_an_intercom_note_in_a_parts_table_is_never_linted(tmp_path):
    """Intercom's conversation parts as a warehouse table (`author_type`, `part_type`):
    an admin's `note` (and an assignment) is no answer to the customer, as in Intercom's
    JSON; it was linted ("As I said" in a note the customer never sees)."""
    path = tmp_path / "conversation_parts.csv"
    _newest_first_csv(path, ("id", "conversation_id", "author_type", "part_type", "body", "created_at"), [
        ("p3", "c1", "admin", "note", "<p>Internal: as I said in standup, per our policy refuse.</p>", "2026-03-02T09:30:00Z"),
        ("p4", "c1", "admin", "assignment", "<p>Assigned to Ann, as I said.</p>", "2026-03-02T09:31:00Z"),
        ("p2", "c1", "admin", "comment", f"<p>{NEWEST_FIRST_ROWS[0][2]}</p>", "2026-03-02T10:15:00Z"),
        ("p1", "c1", "user", "comment", f"<p>{NEWEST_FIRST_ROWS[1][2]}</p>", "2026-03-02T09:01:00Z")])
    findings = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]["findings"]
    assert {f["line"] for f in findings} == {4}
    assert "EMP201" in {f["code"] for f in findings}
    summary = json.loads(run_cli_fast("audit", str(path)).stdout)
    assert summary["replies"] == 1


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_a_disable_comment_keeps_to_its_own_row_when_rows_are_read_in_time_order(tmp_path, suffix):
    """Rows read oldest first are reported in file order: a `disable` comment in one
    answer's cell silenced another answer's finding when the replies were left in time order."""
    policy = NEWEST_FIRST_ROWS[0][2]
    rows = [{"conversation_id": "T1", "role": "agent", "body": "<!-- empathy-lint: disable EMP303 --> " + policy,
             "created_at": "2026-03-02T10:15:00Z"},
            {"conversation_id": "T1", "role": "customer", "body": NEWEST_FIRST_ROWS[1][2], "created_at": "2026-03-02T09:01:00Z"},
            {"conversation_id": "T2", "role": "agent", "body": policy, "created_at": "2026-03-01T10:15:00Z"},
            {"conversation_id": "T2", "role": "customer", "body": "My parcel arrived smashed.", "created_at": "2026-03-01T09:01:00Z"}]
    path = tmp_path / f"export{suffix}"
    if suffix == ".csv":
        _newest_first_csv(path, tuple(rows[0]), [tuple(row.values()) for row in rows])
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    else:
        path.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    result = run_cli_fast("check", "--isolated", "--select", "EMP303", "--format", "json", str(path))
    findings = json.loads(result.stdout)["files"][0]["findings"]
    text = path.read_text(encoding="utf-8")
    second = text.index(policy, text.index('"T2"') if suffix != ".csv" else text.index("T2"))
    assert [f["line"] for f in findings] == [text[:second].count("\n") + 1]  # T2's answer, not T1's


UNANSWERED = "My order never arrived and nobody answers."


@pytest.mark.parametrize("name, content", [
    ("tickets.json", json.dumps({"tickets": [{"id": 1, "subject": "Late", "comments": [
        {"id": 11, "author_role": "end-user", "body": UNANSWERED}]}]})),
    ("messages.json", json.dumps([{"ticket_id": 1, "role": "customer", "text": UNANSWERED, "created_at": 5},
                                  {"ticket_id": 1, "role": "note", "text": "Escalate.", "created_at": 6}])),
    ("messages.jsonl", json.dumps({"ticket_id": 1, "role": "customer", "text": UNANSWERED}) + "\n"),
    ("messages.csv", f'ticket_id,role,text\n1,customer,"{UNANSWERED}"\n1,note,Escalate.\n'),
])
def test_an_export_with_no_answer_of_the_team_says_so(tmp_path, name, content):
    """An export of conversations nobody has answered yet (new tickets) was met with
    "found no replies; set readers.csv_body to the reply column": the reader had read it
    right, and naming the customer's column would not help. It says what it found."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run_cli_fast("check", "--isolated", str(path))
    assert result.returncode == 0, result.stderr
    assert "no answer of the team" in result.stderr and "customer's messages" in result.stderr
    assert "set readers" not in result.stderr and "looked for" not in result.stderr
    audited = run_cli_fast("audit", str(path))
    assert audited.returncode == 0 and json.loads(audited.stdout)["replies"] == 0
    assert "no answer of the team to score" in audited.stderr


def test_rows_of_one_ticket_that_do_not_say_who_wrote_them_get_a_notice(tmp_path):
    """Zendesk's comments as a warehouse table (`ticket_comment`: ticket_id, body, public,
    created) before it is joined with the users' roles: nothing tells the customer's rows
    from the team's, so every row is linted as an answer, the customer's too. The run
    says so and how to mend it; an export of the team's replies alone (`agent_reply`) does not."""
    path = tmp_path / "ticket_comment.csv"
    _newest_first_csv(path, ("id", "ticket_id", "body", "public", "created"), [
        ("1", "77", NEWEST_FIRST_ROWS[1][2], "true", "2026-03-02T09:01:00Z"),
        ("2", "77", NEWEST_FIRST_ROWS[0][2], "true", "2026-03-02T10:15:00Z")])
    rows = tmp_path / "ticket_comment.jsonl"
    rows.write_text("".join(json.dumps({"id": i, "ticket_id": 77, "body": text, "public": True}) + "\n"
                            for i, text in ((1, NEWEST_FIRST_ROWS[1][2]), (2, NEWEST_FIRST_ROWS[0][2]))), encoding="utf-8")
    for export in (path, rows):
        for command in ("check", "audit"):
            result = run_cli_fast(command, "--isolated" if command == "check" else "--no-join-parts", str(export))
            assert "no column says who wrote each" in result.stderr and "role column" in result.stderr, result.stderr
    replies = tmp_path / "replies.csv"
    _newest_first_csv(replies, ("ticket_id", "agent_reply"), [("77", NEWEST_FIRST_ROWS[0][2]), ("77", "Sorry again!")])
    paired = tmp_path / "paired.jsonl"  # each row with the customer's message it answers
    paired.write_text("".join(json.dumps({"ticket_id": 77, "customer": NEWEST_FIRST_ROWS[1][2], "body": text}) + "\n"
                              for text in (NEWEST_FIRST_ROWS[0][2], "Sorry again!")), encoding="utf-8")
    for export in (replies, paired):
        for command in ("check", "audit"):
            assert "who wrote" not in run_cli_fast(command, str(export)).stderr


def _only_the_answer_on_line_3_warns(path) -> None:
    """A two-conversation message export: check and audit read its two answers, and only
    the one on line 3 (a refusal after a complaint) has findings, its missing apology a
    warning."""
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 2
    findings = report["files"][0]["findings"]
    assert {f["line"] for f in findings} == {3}
    assert {f["code"]: f["severity"] for f in findings}["EMP201"] == "warning"
    assert json.loads(run_cli_fast("audit", str(path)).stdout)["replies"] == 2


@pytest.mark.parametrize("flag, team, customer", [
    ("is_agent", "true", "false"), ("is_staff", "1", "0"), ("outbound", "yes", "no"), ("from_agent", "True", "False"),
])
def test_a_message_per_row_export_flagging_the_teams_rows_lints_only_them(tmp_path, flag, team, customer):
    """A CSV of one row per message whose author is a yes/no flag for the team's side
    (`is_agent`, `is_staff`, `outbound`, Gorgias's `from_agent`): every row was linted,
    the customer's "My parcel never arrived" asked for an apology. Now the customer's rows
    are read, not linted, in check and audit, and the answer is read with them."""
    path = tmp_path / "messages.csv"
    path.write_text(
        f"ticket_id,{flag},body\n"
        f'T1,{customer},"My parcel never arrived and the tracking hasn\'t moved in a week."\n'
        f'T1,{team},"Please allow 10 working days before reporting a missing parcel."\n'
        f'T2,{customer},"Do you ship to Norway?"\n'
        f'T2,{team},"We do! Shipping to Norway takes 3-5 days."\n', encoding="utf-8")
    _only_the_answer_on_line_3_warns(path)


def test_a_tickets_internal_notes_are_not_linted_where_no_column_names_the_author(tmp_path):
    """Salesforce's case comments (`IsPublished`) name no author: they are all the team's.
    The unpublished one, an internal note ("as I said on the call"), was linted and
    warned as if sent. Now a row of a ticket's messages marked not shown (IsPublished
    false, Private true) is skipped in check and audit; a macro export's own `private`
    column (a personal macro, no ticket column) is still linted."""
    comments = tmp_path / "CaseComment.csv"
    comments.write_text(
        "Id,ParentId,IsPublished,CommentBody\n"
        '00a1,500A,true,"Hi Jo, I\'ve escalated your case to billing; you\'ll hear back within 2 business days."\n'
        '00a2,500A,false,"Customer is clearly confused, as I said on the call."\n', encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(comments)).stdout)
    assert report["files"][0]["replies"] == 1
    assert not {"EMP301", "EMP307"} & {f["code"] for f in report["files"][0]["findings"]}
    audited = json.loads(run_cli_fast("audit", str(comments)).stdout)
    assert audited["replies"] == 1 and "EMP301" not in audited["rules"]
    macros = tmp_path / "macros.csv"
    macros.write_text('title,private,body\nLate,true,"As I said, it ships soon."\n', encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(macros)).stdout)
    assert "EMP301" in {f["code"] for f in report["files"][0]["findings"]}


def test_zoho_desk_threads_marked_private_are_internal_notes(tmp_path):
    """Zoho Desk's threads say which way each went (`direction`) and who may see it
    (`visibility`): the private one, an agent's note ("Obviously they typed it wrong, as
    I said"), was linted as an answer with three warnings. Now it is skipped; the
    public answer is linted with the customer's message."""
    threads = {"data": [
        {"id": "1", "direction": "in", "visibility": "public",
         "content": "My invoice shows the wrong VAT number and my accountant is chasing me."},
        {"id": "2", "direction": "out", "visibility": "private", "content": "Obviously they typed it wrong, as I said to Sam."},
        {"id": "3", "direction": "out", "visibility": "public", "content": "Hi Lee, I've corrected the VAT number."},
    ]}
    findings = _json_findings(tmp_path / "threads.json", threads)
    assert {f["id"] for f in findings} == {"3"}
    assert {f["code"]: f["severity"] for f in findings}.get("EMP201") == "warning"


@pytest.mark.parametrize("sender, recipient", [
    ("support@acme.com", "jo@example.com"),
    ("Acme Support <help+uk@acme.com>", "Jo Bloggs <jo@example.com>"),
])
def test_an_email_export_names_its_sides_by_a_shared_inboxs_address(tmp_path, sender, recipient):
    """An email export's `from` holds addresses, not roles: every row was read as the
    team's, the customer's "I was charged twice" linted as a reply and the answer read
    with no customer message. A shared inbox's address ("support@", "help@") is the
    team's: a row it sends is an answer, one sent to it the customer's, in check and audit."""
    rows = [("A1", recipient, sender, "I was charged twice for my subscription. Please fix this."),
            ("A1", sender, recipient, "Per our policy refunds take 10 days."),
            ("A2", "kim@example.org", sender, "Do you ship to Norway?"),
            ("A2", sender, "kim@example.org", "We do! Shipping to Norway takes 3-5 days.")]
    path = tmp_path / "emails.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("thread_id", "from", "to", "body"), *rows])
    _only_the_answer_on_line_3_warns(path)
    # Agents writing from their own addresses name no side: read as before, every row the team's.
    path.write_text(path.read_text(encoding="utf-8").replace(sender, "anna@acme.com"), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 4


@pytest.mark.parametrize("column", ["author", "Sent by"])
def test_a_column_of_sides_is_read_in_an_export_of_any_length(tmp_path, column):
    """The column of sides was read from an export's first 200 rows only when there were
    fewer: reaching the limit counted as a cell that names no side, so a real export's
    `author` column of "customer"/"agent" was ignored and every row, the customer's too,
    was linted as the team's (300 rows: 300 replies, the missing apologies only info).
    ("Sent by", "posted by", "created by" are read the same way.)"""
    rows = [("ticket_id", column, "body")]
    for i in range(150):
        rows += [(f"T{i}", "customer", "My parcel never arrived and the tracking hasn't moved in a week."),
                 (f"T{i}", "agent", "Please allow 10 working days before reporting a missing parcel.")]
    export = tmp_path / "sides.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
    assert report["summary"]["replies"] == 150
    assert sum(f["code"] == "EMP201" and f["severity"] == "warning" for f in report["files"][0]["findings"]) == 150
    assert json.loads(run_cli_fast("audit", str(export)).stdout)["replies"] == 150


def test_a_zendesk_explore_export_names_sides_by_updater_role(tmp_path):
    """Zendesk Explore's updates: an `Updater role` column (End-user, Agent) and `Comment
    public`. The role column went unread (only `author`-like names were tried) and the
    private comment, "Obviously the courier, as I said", was linted as sent. Now a column
    named `..._role` whose cells are sides says who wrote each row, and a comment that is
    not public is a note."""
    export = tmp_path / "updates.csv"
    export.write_text(
        "Ticket ID,Updater role,Comment public,Comment body\n"
        '101,End-user,true,"My parcel never arrived and the tracking hasn\'t moved in a week."\n'
        '101,Agent,false,"Obviously the courier, as I said to Sam."\n'
        '101,Agent,true,"Please allow 10 working days before reporting a missing parcel."\n', encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(export)).stdout)
    assert report["summary"]["replies"] == 1
    findings = report["files"][0]["findings"]
    assert {f["line"] for f in findings} == {4}
    assert {f["code"]: f["severity"] for f in findings}["EMP201"] == "warning"
    assert json.loads(run_cli_fast("audit", str(export)).stdout)["replies"] == 1


def test_a_chat_export_naming_its_sender_as_an_object_lints_only_the_team(tmp_path):
    """A chat export whose messages name their sender as an object (`"sender": {"role":
    "visitor", "name": "Jo"}`): both messages were linted as replies, the visitor's too,
    and the answer read with no customer message. Now the object's role or type says who
    wrote it, in a conversation's list and in a JSON Lines export of one message a row."""
    messages = [{"sender": {"role": "visitor", "name": "Jo"},
                 "text": "My parcel never arrived and the tracking hasn't moved in a week."},
                {"sender": {"role": "operator", "name": "Ana"},
                 "text": "Please allow 10 working days before reporting a missing parcel."}]
    path = tmp_path / "chats.json"
    findings = _json_findings(path, {"chats": [{"id": "c1", "messages": messages}]})
    assert findings and all(path.read_text()[f["start"]:f["end"]].startswith("Please allow") for f in findings)
    assert {f["code"]: f["severity"] for f in findings}["EMP201"] == "warning"
    rows = tmp_path / "messages.jsonl"
    rows.write_text("".join(json.dumps({"conversation_id": "c1", **m}) + "\n" for m in messages), encoding="utf-8")
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(rows)).stdout)
    assert report["summary"]["replies"] == 1
    assert {f["code"]: f["severity"] for f in report["files"][0]["findings"]}["EMP201"] == "warning"
