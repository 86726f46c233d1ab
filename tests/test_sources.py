"""Readers: every reply found, and every finding pointing at the right place in the file."""
from __future__ import annotations

import json

import pytest

from empathy_lint.config import Config
from empathy_lint.errors import InputError
from empathy_lint.findings import LineIndex
from empathy_lint.run.runner import lint_documents
from empathy_lint.read.sources import load_document
from conftest import run_cli_fast


def lint(name: str, text: str, **config):
    document = load_document(name, text, config.pop("readers", {}))
    result = lint_documents([document], lambda _: Config(**config))
    return document, result.reports[0].findings


def spans(text, findings, code):
    return [text[f.start:f.end] for f in findings if f.code == code]


def test_markdown_front_matter_sets_kind_and_markup_is_not_prose():
    text = ("---\nkind: canned\ntitle: Refund\n---\n"
            "As I said, see [our policy](https://example.com/as-i-said) and `as I said`.\n")
    doc, findings = lint("refund.md", text)
    assert doc.replies[0].meta == {"kind": "canned", "title": "Refund"}
    assert doc.replies[0].name == "Refund"
    assert spans(text, findings, "EMP301") == ["As I said"]  # not the URL, not the code
    finding = next(f for f in findings if f.code == "EMP301")
    assert (finding.line, finding.column) == (5, 1)
    assert "EMP201" not in {f.code for f in findings}  # canned: no apology demanded


def test_markdown_saved_replies_split_per_heading():
    text = ("# Saved replies\n\nIntro for maintainers.\n\n"
            "## Duplicate\n\nAs I said, this is a duplicate.\n\n"
            "## Thanks\n\nThank you, I'll keep you updated.\n")
    doc, findings = lint("SAVED_REPLIES.md", text, select=["EMP301"])
    assert [r.name for r in doc.replies] == ["Duplicate", "Thanks"]
    (finding,) = findings
    assert finding.reply == "Duplicate" and finding.line == 7


def test_markdown_front_matter_error_is_an_input_error():
    with pytest.raises(InputError, match=r"refund.md:\d+: invalid YAML front matter"):
        load_document("refund.md", "---\nkind: [canned\n---\nHi\n")


def test_yaml_block_scalar_positions_and_placeholders():
    text = ("- title: Reset\n"
            "  body: |\n"
            "    Hi {{first_name}},\n"
            "    No problem, simply click the link.\n")
    doc, findings = lint("macros.yaml", text)
    assert [r.name for r in doc.replies] == ["Reset"]
    assert spans(text, findings, "EMP603") == ["No problem"]
    assert spans(text, findings, "EMP307") == ["simply"]
    index = LineIndex(text)
    finding = next(f for f in findings if f.code == "EMP307")
    assert index.position(finding.start) == (4, 17)
    assert not any("first_name" in text[f.start:f.end] for f in findings if f.kind == "forbid")


def test_yaml_mapping_of_named_replies():
    text = "refund_late: As I said, refunds take ten days.\ngreeting: Hello there friend\n"
    doc, findings = lint("replies.yml", text, select=["EMP301"])
    assert [r.name for r in doc.replies] == ["refund_late", "greeting"]
    assert spans(text, findings, "EMP301") == ["As I said"]


def test_zendesk_export_with_channel_form_escapes_and_html():
    macros = {"macros": [
        {"id": 1, "title": "Lost", "actions": [
            {"field": "comment_value", "value": ["channel:all", "Hi {{ticket.requester.first_name}},\nAs I said, it\u2019s lost."]}]},
        {"id": 2, "title": "Charge", "actions": [
            {"field": "comment_value_html", "value": "<p>Per our policy, &amp; that&#39;s final.</p>"}]},
    ]}
    text = json.dumps(macros, indent=2)
    doc, findings = lint("macros.json", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Lost", "Charge"]
    assert spans(text, findings, "EMP301") == ["As I said"]
    assert spans(text, findings, "EMP303") == ["Per our policy"]
    assert {f.id for f in findings} == {"1", "2"}


def test_zendesk_macros_kept_as_yaml_read_as_their_json_export():
    """Macros kept as YAML (macros as code) have Zendesk's actions: the comment was read as
    a reply named "value", a `subject` action was linted as a reply too, and a comment in
    the ["channel:all", text] form not at all."""
    text = (
        "- title: Delay\n"
        "  id: 7\n"
        "  actions:\n"
        "    - field: subject\n"
        "      value: \"Re: your order is delayed and we know it\"\n"
        "    - field: comment_value\n"
        "      value: [\"channel:all\", \"As I said, per our policy we don't expedite orders.\"]\n"
        "- title: Charge\n"
        "  actions:\n"
        "    - field: comment_value_html\n"
        "      value: |\n"
        "        <p>Per our policy, &amp; that&#39;s final.</p>\n"
        "    - field: status\n"
        "      value: solved\n"
    )
    doc, findings = lint("macros.yml", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Delay", "Charge"]
    assert [r.text.strip()[:9] for r in doc.replies] == ["As I said", "<p>Per ou"]
    assert spans(text, findings, "EMP301") == ["As I said"]
    assert spans(text, findings, "EMP303") == ["per our policy", "Per our policy"]


def test_gorgias_macros_read_the_response_action_only():
    """A Gorgias macro is a list of actions: its reply is `setResponseText`'s text; an
    internal note or a tag list in the same macro is not written to the customer."""
    macros = {"data": [
        {"id": 1, "name": "Late delivery", "actions": [
            {"name": "addTags", "arguments": {"tags": "shipping"}},
            {"name": "addInternalNote", "arguments": {"body_text": "Calm down, as I said.", "body_html": ""}},
            {"name": "setResponseText", "arguments": {
                "body_html": "<div>Hi {{ticket.customer.firstname}},</div><div>Per our policy, that&#39;s final.</div>",
                "body_text": "Hi {{ticket.customer.firstname}},\nPer our policy, that's final."}}]},
        {"id": 2, "name": "Thanks", "actions": [
            {"name": "setResponseText", "arguments": {"body_html": "", "body_text": "As I mentioned, it ships Monday."}}]},
        {"id": 3, "name": "Note only", "actions": [
            {"name": "addInternalNote", "arguments": {"body_text": "Obviously a refund, as I said."}}]},
    ]}
    text = json.dumps(macros, indent=2)
    doc, findings = lint("gorgias-macros.json", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Late delivery", "Thanks"]
    assert spans(text, findings, "EMP303") == ["Per our policy"]
    assert spans(text, findings, "EMP301") == ["As I mentioned"]
    assert not spans(text, findings, "EMP305")


def test_intercom_macros_read_the_html_body_with_its_attribute_placeholders():
    """Intercom's macros API gives `body` (HTML, placeholders as <attribute/> tags) and
    `body_text` (the same with {{...|fallback:...}}): one reply per macro, by its name."""
    macros = {"type": "list", "data": [
        {"type": "macro", "id": "789", "name": "Refund window",
         "body": '<p>Hi <attribute key="user.first_name" default="there"/>,</p><p>As I said, you should have asked within 14 days.</p>',
         "body_text": 'Hi {{user.first_name|fallback:"there"}},\n\nAs I said, you should have asked within 14 days.'},
    ]}
    text = json.dumps(macros, indent=2)
    doc, findings = lint("intercom-macros.json", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Refund window"]
    assert spans(text, findings, "EMP301") == ["As I said"]
    assert spans(text, findings, "EMP304") == ["you should have"]


def test_an_untitled_reply_inside_a_titled_object_is_named_by_it():
    """Zendesk dynamic content keeps each language's text in `variants`, which have ids
    but no title: a finding names the item ("Refund policy #1"), not a bare id."""
    items = {"items": [{"id": 201, "name": "Refund policy", "variants": [
        {"id": 1, "content": "Per our policy, refunds end after 30 days.", "locale_id": 1},
        {"id": 2, "content": "As I said, refunds end after 30 days.", "locale_id": 2}]}]}
    text = json.dumps(items, indent=2)
    doc, findings = lint("dynamic-content.json", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Refund policy #1", "Refund policy #2"]
    assert spans(text, findings, "EMP301") == ["As I said"]


def test_help_scout_freshdesk_and_generic_exports():
    text = json.dumps([
        {"id": 7, "name": "Help Scout reply", "text": "<p>As I mentioned, it ships Monday.</p>"},
        {"id": 8, "title": "Freshdesk canned", "content_html": "<div>Per my last email, no.</div>"},
        {"title": "Generic", "body": "Calm down, please."},
    ])
    doc, findings = lint("export.json", text, select=["defensive"])
    assert [r.name for r in doc.replies] == ["Help Scout reply", "Freshdesk canned", "Generic"]
    assert spans(text, findings, "EMP301") == ["As I mentioned"]
    assert spans(text, findings, "EMP302") == ["Per my last email"]
    assert spans(text, findings, "EMP305") == ["Calm down"]


def test_invalid_json_names_line_and_column():
    with pytest.raises(InputError, match=r"bad.json:2:\d+: invalid JSON"):
        load_document("bad.json", '{"macros": [\n  {"title": }]}')


def test_jsonl_records_carry_id_and_customer():
    text = (json.dumps({"id": "t-1", "customer": "Thanks, that fixed it!", "reply": "Glad to hear it!"}) + "\n"
            + json.dumps({"id": "t-2", "customer": "My order is three weeks late", "reply": "Glad to hear it!"}) + "\n")
    doc, findings = lint("thread.jsonl", text)
    by_id = {}
    for f in findings:
        by_id.setdefault(f.id, set()).add(f.code)
    assert "t-1" not in by_id
    assert "EMP201" in by_id["t-2"]
    assert all(f.line == 2 for f in findings)


def test_a_nested_record_judges_its_customer_message_too():
    """A row with a list or object in it goes through the positional parser, whose
    strings remember their place: the customer message must still reach the detector
    as plain text (a positioned string once crashed it), and judge the reply as a flat
    row's does."""
    rows = [{"id": "flat", "customer": "My order is three weeks late", "reply": "Glad to hear it!"},
            {"id": "nested", "customer": "My order is three weeks late", "reply": "Glad to hear it!", "tags": ["a"]}]
    doc, findings = lint("thread.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    assert [type(reply.meta["customer"]) for reply in doc.replies] == [str, str]
    codes = {rid: sorted(f.code for f in findings if f.id == rid) for rid in ("flat", "nested")}
    assert "EMP201" in codes["flat"] and codes["nested"] == codes["flat"]


def test_csv_with_quoted_multiline_cell():
    text = 'title,reply\nSize,"Sorry, but ""exchanges"" are\nin store only."\n'
    doc, findings = lint("replies.csv", text, select=["EMP202"])
    assert [r.name for r in doc.replies] == ["Size"]
    assert doc.replies[0].text == 'Sorry, but "exchanges" are\nin store only.'
    assert spans(text, findings, "EMP202") == ["Sorry, but"]
    assert (findings[0].line, findings[0].column) == (2, 7)


def test_a_tab_separated_export_is_read_as_a_table(tmp_path):
    """A .tsv (a spreadsheet's "Tab delimited" save) is a table of replies like a .csv,
    in a file given by name and in a directory walk; its header is never linted."""
    text = "customer\treply\nMy order is late!\tSorry, but orders ship in 5-7 days.\n"
    doc, findings = lint("export.tsv", text, select=["EMP202"])
    assert [r.text for r in doc.replies] == ["Sorry, but orders ship in 5-7 days."]
    assert doc.replies[0].meta.get("customer") == "My order is late!"
    assert spans(text, findings, "EMP202") == ["Sorry, but"]
    (tmp_path / "export.tsv").write_text(text, encoding="utf-8")
    from empathy_lint.read.discovery import find_files
    assert [p.name for p in find_files([str(tmp_path)]).files] == ["export.tsv"]


def test_a_spreadsheet_saved_as_unicode_text_is_read_as_a_table(tmp_path):
    """Excel's "Unicode Text" save is a tab-separated table in a .txt (UTF-16, CRLF): it
    was linted as one reply, header and all. A header naming a reply column makes it a
    table; a draft with a tab in it stays a draft."""

    path = tmp_path / "macros.txt"
    path.write_bytes(b"\xff\xfe" + "name\tbody\r\nRefund\tPer our policy, there is nothing we can do.\r\n"
                     "Hello\tHi! How can I help you today?\r\n".encode("utf-16-le"))
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    assert report["files"][0]["replies"] == 2
    assert {f["reply"] for f in report["files"][0]["findings"]} == {"Refund"}
    doc, _ = lint("draft.txt", "Hi Sam,\tthanks for waiting.\nAs I said, the refund is on its way.\n")
    assert len(doc.replies) == 1


@pytest.mark.parametrize("name,text,names", [
    ("replies.json", '["Per our policy, no refunds.", "Thanks for reaching out, happy to help."]', ["1", "2"]),
    ("replies.json", '{"Refund": "Per our policy, no refunds.", "Welcome": "Welcome aboard, happy to help."}',
     ["Refund", "Welcome"]),
    ("replies.yaml", "- Per our policy, no refunds.\n- Thanks for reaching out, happy to help.\n", ["1", "2"]),
    ("replies.yaml", "macros:\n  - Per our policy, no refunds.\n  - Thanks for reaching out, happy to help.\n",
     ["macros #1", "macros #2"]),
])
def test_bare_lists_and_maps_of_reply_strings_are_saved_replies(name, text, names):
    """A file of saved replies with no record around them was read as holding none
    (JSON) or only in part (YAML): each string is a reply, named by its key or place."""
    doc, findings = lint(name, text, select=["EMP303"])
    assert [r.name for r in doc.replies] == names
    assert doc.replies[0].text == "Per our policy, no refunds."
    assert spans(text, findings, "EMP303") == ["Per our policy"]


def test_csv_without_reply_column_is_an_error():
    with pytest.raises(InputError, match="no reply column"):
        load_document("x.csv", "a,b\n1,2\n")


def test_an_exports_reply_column_named_for_the_agent_is_found():
    """Exports name the team's side "Agent Response" (a spreadsheet's header) or
    "agent_reply": the reply is read there, and the customer's message beside it."""
    text = ('Ticket ID;Customer Message;Agent Response\n'
            '1;"My order is three weeks late and nobody answers";"As I said, there is nothing we can do."\n')
    doc, findings = lint("export.csv", text)
    assert [r.text for r in doc.replies] == ["As I said, there is nothing we can do."]
    assert doc.replies[0].meta["customer"].startswith("My order is three weeks late")
    assert {"EMP201", "EMP301", "EMP306"} <= {f.code for f in findings}
    row = {"id": 7, "customer_message": "My order is three weeks late", "agent_reply": "Glad to hear it!"}
    doc, findings = lint("export.jsonl", json.dumps(row) + "\n")
    assert [r.text for r in doc.replies] == ["Glad to hear it!"] and "EMP201" in {f.code for f in findings}


def test_a_spreadsheet_of_macros_names_its_columns_its_own_way():
    """"Macro Name" / "Macro Body" (or "Canned Response"): the one column named like a
    reply is read, its title beside it, in a .csv, a sheet saved as tab-separated text,
    and the same keys in JSON and YAML records; a column named for the customer or for
    notes is never taken for the reply."""
    text = 'Macro Name,Macro Body,Tags\nRefund,"As I said, refunds take 10 days.",billing\n'
    doc = load_document("macros.csv", text)
    assert [(r.name, r.text) for r in doc.replies] == [("Refund", "As I said, refunds take 10 days.")]
    sheet = load_document("macros.txt", "Macro Name\tMacro Body\tTags\nRefund\tAs I said, no.\tbilling\n")
    assert [(r.name, r.text) for r in sheet.replies] == [("Refund", "As I said, no.")]
    records = json.dumps([{"macro_name": "Refund", "macro_body": "As I said, no."}])
    assert [(r.name, r.text) for r in load_document("macros.json", records).replies] == [("Refund", "As I said, no.")]
    rows = json.dumps({"macro_name": "Refund", "macro_body": "As I said, no."}) + "\n"  # JSON Lines' flat rows too
    assert [(r.name, r.text) for r in load_document("macros.jsonl", rows).replies] == [("Refund", "As I said, no.")]
    listed = "macros:\n  - macro_name: Refund\n    macro_body: As I said, no.\n"
    assert [(r.name, r.text) for r in load_document("macros.yaml", listed).replies] == [("Refund", "As I said, no.")]
    for header in ("Customer Response,Notes", "Internal Note,Tags", "Macro Body,Canned Response",
                   "Ticket,First Response", "Ticket,Satisfaction Response"):
        with pytest.raises(InputError, match="no reply column"):
            load_document("x.csv", f"{header}\nfine,thanks\n")


def test_a_jsonl_export_with_no_reply_key_says_so_instead_of_passing_clean(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": 1, "customer": "Where is my order?", "notes": "called back"}) + "\n",
                    encoding="utf-8")
    result = run_cli_fast("check", str(path))
    assert result.returncode == 0
    assert "the JSONL reader found no replies; set readers.json_body" in result.stderr


def test_csv_column_from_config():
    doc = load_document("x.csv", "name,answer_text\nA,As I said no.\n", {"csv_body": "answer_text"})
    assert doc.replies[0].text == "As I said no."


def test_each_jsonl_reply_spans_its_whole_line_flat_or_nested():
    """A record's span (what its `disable` comments and baseline scope cover) is its line,
    padding and line break included, however the row was read."""
    lines = ['{"id": 1, "reply": "As I said, no."}\n', '   {"reply": "Per our policy.", "tags": ["a"]}  \r\n',
             '\n', '{"reply": "Calm down.", "reply": "Sorry."}\n', '{"reply": "Obviously not."}']
    text = "".join(lines)
    document = load_document("export.jsonl", text)
    starts = [sum(len(line) for line in lines[:i]) for i in range(len(lines))]
    expected = [(starts[i], starts[i] + len(lines[i])) for i in (0, 1, 3, 4)]
    assert [reply.span for reply in document.replies] == expected
    assert [text[s:e].strip()[:12] for s, e in expected] == ['{"id": 1, "r', '{"reply": "P', '{"reply": "C', '{"reply": "O']


def test_a_flat_export_row_is_read_as_the_full_parser_reads_it():
    """The fast path for flat JSONL rows gives the replies the positional parser's tree
    gives: text, file offsets through escapes, name (a number as written),
    metadata, HTML or not; rows with a nested value or a repeated key go to
    the parser."""
    import json

    from empathy_lint.read.sources import structured

    def seen(replies):  # (not the span: read_jsonl sets the line's on either)
        return [(r.text, r.name, r.baseline_name, r.meta, vars(r.origin), r.masks) for r in replies]

    rows = ['{"id": 7, "reply": "Sorry, but \\"that\\" is policy\\\\", "customer": null, "vip": true}',
            '  {"r\\u00e9ply": "x", "text": "\\u00e9t\\u00e9 \\ud83d\\udc99 **ok**", "n": -1.5e3, "big": 123456789012345678901}\r\n',
            '{"title": 12, "kind": "canned", "channel": "email", "customer": "Where is it?", "body_html": "<p>Sorry</p>"}',
            '{"name": false, "id": 2.5, "reply": "  ", "message": "As I said, no.", "disable": "EMP301"}',
            '{"id": "a", "answer": 3, "template": "Hi {{name}}"}',
            "{}", '{"reply": "a", "reply": "b"}', '{"reply": "x", "tags": ["a"]}']
    values = [json.loads(row) for row in rows]
    assert [structured._is_flat(v) for v in values] == [True] * 7 + [False]
    flat = [structured._flat_replies(row, v, None) if structured._is_flat(v) else None for row, v in zip(rows, values)]
    assert [f is not None for f in flat] == [True] * 6 + [False, False]
    for row, replies in zip(rows, flat):
        if replies is not None:
            assert seen(replies) == seen(structured._records_replies(structured._parse(row, 0)[0], row, None)), row
    assert [r.text for r in flat[1]] == ["\u00e9t\u00e9 \U0001f499 **ok**"]
    # a number names a record as written; baselines written before knew it as the float text
    assert [(r.name, r.baseline_name) for r in flat[0] + flat[2]] == [("7", "7.0"), ("12", "12.0")]
    assert flat[2][0].meta["kind"] == "canned"
    assert [r.text for r in flat[3]] == ["As I said, no."] and flat[3][0].meta["disable"] == ["EMP301"]
    assert flat[5] == []
    # a body key given in the configuration
    row = '{"reply": "a", "note": "As I said."}'
    assert [r.text for r in structured._flat_replies(row, json.loads(row), "note")] == ["As I said."]


# One file of each plain-text shape a user keeps replies in: a thread file with its
# customer and reply parts, saved replies split by `---` and `=== name` markers, and
# markdown with headings, a fenced example and a parenthesised staff note.
CRLF_SHAPES = {
    "thread.txt": "--- customer ---\nMy parcel never arrived and I am furious.\n--- agent ---\nWhat is the order number?\n"
                  "--- customer ---\n55123\n--- reply ---\nThanks. Please send a photo of the label.\n",
    "macros.txt": "=== Refund delay\nAs I said, refunds take ten days.\n---\n=== Outage\nThere's nothing we can do "
                  "about the outage.\n---\n(internal: use for region EU only)\nPer our policy, no refunds.\n",
    "macros.md": "# Saved replies\n\n## Delay\n\nAs I said, the refund takes ten days.\n\n```\nAs I said, an example "
                 "not linted\n```\n\n## Policy\n\n**Title:** Policy\n\nPer our policy, we can't help.\n",
}


@pytest.mark.parametrize("name", sorted(CRLF_SHAPES))
def test_windows_line_endings_read_as_unix_ones(tmp_path, name):
    """A file saved on Windows (CRLF) splits into the same replies, with the same parts
    for the customer, as the same file with LF: markers and fences end in "\\r\\n" there."""
    found = []
    for ending in ("\n", "\r\n"):
        path = tmp_path / ending.encode().hex() / name
        path.parent.mkdir()
        path.write_bytes(CRLF_SHAPES[name].replace("\n", ending).encode("utf-8"))
        report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
        found.append([(f["code"], f["line"], f["column"], f.get("reply")) for f in report["files"][0]["findings"]])
    assert found[0] and found[0] == found[1]


EML = """From: Sam <support@example.com>
To: Dana <dana@example.com>
Subject: Re: Refund
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Hi Dana,

As I said, the r=C3=A9fund is on its way and should reach you by Friday. We ap=
preciate your patience.

-----Original Message-----
From: Dana <dana@example.com>
Sent: Monday, March 3, 2026 10:12 AM
To: Support
Subject: Refund

Where is my refund? Per our policy you owe me, and I am furious.
--b1
Content-Type: text/html; charset="utf-8"

<p>As I said, an HTML copy.</p>
--b1--
"""


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_an_eml_draft_is_read_from_its_text_body(tmp_path, ending):
    """A draft saved as .eml: its headers and HTML copy are not linted, quoted-printable
    is read as text ("r=C3=A9fund", a soft break), findings point into the body, and
    the message under its Outlook header is the customer's."""
    path = tmp_path / "draft.eml"
    path.write_bytes(EML.replace("\n", ending).encode("utf-8"))
    document = load_document(str(path), path.read_bytes().decode("utf-8"))
    (reply,) = document.replies
    assert reply.meta["quoted"].startswith("Where is my refund?") and reply.meta["channel"] == "email"
    report = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)
    found = {f["code"]: f for f in report["files"][0]["findings"]}
    assert found["EMP301"]["line"] == 13 and found["EMP301"]["column"] == 1  # "As I said" in the body
    assert found["EMP201"]["severity"] == "warning"  # the furious customer, read from the trail
    assert "EMP303" not in found  # "Per our policy" is hers
    assert {f["line"] for f in found.values()} == {13}


def test_a_short_eml_body_is_found_below_the_headers_that_repeat_it(tmp_path):
    path = tmp_path / "short.eml"
    path.write_text("From: a@example.com\nSubject: As I said, no.\n\nAs I said, no.\n", encoding="utf-8")
    (reply,) = load_document(str(path), path.read_text(encoding="utf-8")).replies
    assert reply.origin.to_source(0, 9) == (path.read_text().rindex("As I said"), path.read_text().rindex("As I said") + 9)


def test_an_eml_draft_without_a_readable_body_gets_a_notice(tmp_path):
    path = tmp_path / "draft.eml"
    path.write_text("From: a@example.com\nSubject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                    "QXMgSSBzYWlkLCBuby4=\n", encoding="utf-8")
    result = run_cli_fast("check", "--isolated", str(path))
    assert result.returncode == 0 and "base64" in result.stderr and "save the draft as plain text" in result.stderr
