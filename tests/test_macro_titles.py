"""A macro's title says what it answers where its words do not.

"Your order is held up at the carrier's depot" names no trouble a cue knows; the title
its author gave it, "Shipping delay", does. So a macro is asked for an apology when its
title names trouble, whichever way the collection keeps titles (a heading, front
matter, a YAML key, a helpdesk export's `title`, a file's own name), and the same body
under a title that names none is not.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest import run_cli_fast as run_cli
from empathy_lint import lint_batch
from empathy_lint.apps.serve import create_app
from empathy_lint.engine.customer import canned_problems, canned_title

# Bodies whose own words name no trouble and no sign of a how-to or a welcome.
HELD_UP = "Hi {{name}}, your order is held up at the carrier's depot after the storms. It should reach you by Friday."
SWAPPED = "Hi {{name}}, the correct size goes out today, and you'll get a tracking link tonight."


def apology_asked(report: dict) -> dict[str, str]:
    """reply name (or file) -> severity of its missing-apology finding."""
    found = {}
    for file in report["files"]:
        for finding in file["findings"]:
            if finding["code"] == "EMP201":
                found[finding.get("reply") or file["path"]] = finding["severity"]
    return found


def check_json(*args: str, cwd=None) -> dict:
    result = run_cli("--format", "json", "--fail-on", "never", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_title_joins_its_words_as_a_heading_does():
    assert canned_title("shipping_delay") == "shipping delay"
    assert canned_title("damaged-item") == "damaged item"
    assert canned_title("Returns::WrongItem") == "Returns Wrong Item"
    assert canned_title("Billing/Refund issued") == "Billing Refund issued"
    assert canned_title("Wi-Fi down") == "Wi-Fi down"  # a capital after the hyphen: one word


def test_the_title_decides_only_where_the_words_do_not():
    verdicts = canned_problems([HELD_UP, HELD_UP, "To reset your password: open Settings and click Reset.",
                                "Thanks for the report! This is a duplicate of #12."],
                               ["Shipping delay", "Store hours", "Login error", None])
    assert verdicts[0] == (True, True)  # trouble named by the title
    assert verdicts[1] == (None, False)  # a title naming none leaves it open
    assert verdicts[2] == (False, True)  # a how-to's own words win over its title
    assert verdicts[3][0] is True  # words that name trouble need no title


def test_a_title_only_ever_names_trouble():
    """A title's other words are a category ("Issue or PR: ...", "Refunds::Policy"), not
    a verdict: they never make a macro one that answers no problem, and a refund named
    in a title is a topic, not trouble (in a macro's words it is: "your refund is on
    its way")."""
    assert canned_problems([HELD_UP, HELD_UP, HELD_UP], ["Issue or PR: send for help", "Welcome to Example",
                                                         "Refunds::Policy"]) == [(None, False)] * 3


def test_a_title_that_finds_no_fault_names_no_trouble():
    """"Question, not a bug" files a macro under what it is not: no trouble to apologise for."""
    question = "This is a usage question, so please ask it on the community forum."
    assert canned_problems([question, question], ["Question, not a bug", "Sync error: works as intended"]) == \
        [(None, False)] * 2
    assert canned_problems([question], ["Bug: confirmed"]) == [(True, True)]


def test_check_reads_a_collection_s_titles(tmp_path):
    (tmp_path / "replies.md").write_text(
        f"# Shipping delay\n\n{HELD_UP}\n\n# Wrong item received\n\n{SWAPPED}\n\n# Store hours\n\n{HELD_UP}\n",
        encoding="utf-8")
    (tmp_path / "macros.yml").write_text(
        f"damaged_item: {json.dumps(SWAPPED)}\nsize_exchange: {json.dumps(SWAPPED)}\n", encoding="utf-8")
    (tmp_path / "zendesk.json").write_text(json.dumps({"macros": [
        {"id": 1, "title": "Orders::Late delivery", "actions": [{"field": "comment_value", "value": HELD_UP}]},
        {"id": 2, "title": "Orders::Tracking", "actions": [{"field": "comment_value", "value": HELD_UP}]},
    ]}), encoding="utf-8")
    (tmp_path / "late-parcel.txt").write_text(HELD_UP + "\n", encoding="utf-8")
    (tmp_path / "parcel-update.txt").write_text(HELD_UP + "\n", encoding="utf-8")
    report = check_json(str(tmp_path))
    asked = apology_asked(report)
    assert asked == {"Shipping delay": "warning", "Wrong item received": "warning", "damaged_item": "warning",
                     "Orders::Late delivery": "warning", str(tmp_path / "late-parcel.txt"): "warning"}
    # The finding says where the trouble was read: its words point at none.
    messages = {f.get("reply") or "file": f["message"] for file in report["files"] for f in file["findings"]
                if f["code"] == "EMP201"}
    assert messages["Shipping delay"] == ("Something went wrong for the customer, but the reply never apologizes. "
                                          '(its title names the trouble: "Shipping delay")')
    assert messages["file"].endswith('(its title names the trouble: "late-parcel")')


def test_a_chat_tools_shortcut_is_its_title_and_its_name_stays(tmp_path):
    """Chatwoot's `short_code`, Rocket.Chat's `shortcut`: what an agent types to insert a
    canned response names what it answers. The response keeps the name it had (its id),
    so a baseline written before still finds its findings."""
    (tmp_path / "chatwoot.json").write_text(json.dumps(
        [{"id": 1, "short_code": "delayed_parcel", "content": HELD_UP},
         {"id": 2, "short_code": "parcel_update", "content": HELD_UP}]), encoding="utf-8")
    (tmp_path / "rocketchat.json").write_text(json.dumps({"cannedResponses": [
        {"_id": "a1", "shortcut": "late-delivery", "text": HELD_UP, "scope": "global"}]}), encoding="utf-8")
    report = check_json("--kind", "canned", str(tmp_path))
    found = {(Path(file["path"]).name, f.get("reply")): f["message"] for file in report["files"]
             for f in file["findings"] if f["code"] == "EMP201"}
    assert found == {
        ("chatwoot.json", "1"): 'Something went wrong for the customer, but the reply never apologizes. '
                                '(its title names the trouble: "delayed_parcel")',
        ("rocketchat.json", None): 'Something went wrong for the customer, but the reply never apologizes. '
                                   '(its title names the trouble: "late-delivery")'}


def test_a_canned_response_with_only_tags_is_titled_by_them(tmp_path):
    """LiveChat's canned responses have no title or shortcut, only tags: they name what a
    response answers ("damaged"), and a record with a title keeps its title."""
    (tmp_path / "livechat.json").write_text(json.dumps([
        {"id": 7, "text": HELD_UP, "tags": ["shipping", "delay"], "group_id": 0},
        {"id": 8, "text": HELD_UP, "tags": ["shipping", "tracking"], "group_id": 0},
        {"id": 9, "title": "Parcel update", "text": HELD_UP, "tags": ["delay"]}]), encoding="utf-8")
    report = check_json("--kind", "canned", str(tmp_path))
    found = {f.get("reply"): f["message"] for file in report["files"] for f in file["findings"] if f["code"] == "EMP201"}
    assert found == {"7": 'Something went wrong for the customer, but the reply never apologizes. '
                          '(its title names the trouble: "shipping, delay")'}


def test_a_live_draft_is_not_read_by_its_file_name(tmp_path):
    """A draft answers a customer: its file's name is no macro title (the customer's
    message decides, and without one a live reply is assumed to answer a problem)."""
    draft = tmp_path / "delivery-delay.txt"
    draft.write_text("So glad to hear it arrived safely! Enjoy your new boots.\n", encoding="utf-8")
    customer = tmp_path / "customer.txt"
    customer.write_text("Thank you so much, the boots came this morning and they're lovely!\n", encoding="utf-8")
    assert apology_asked(check_json("--customer", str(customer), str(draft))) == {}
    macro = tmp_path / "late-delivery.txt"  # the same name kind, a macro: read by its name
    macro.write_text(HELD_UP + "\n", encoding="utf-8")
    assert apology_asked(check_json("--kind", "canned", str(macro))) == {str(macro): "warning"}


@pytest.mark.parametrize("title, asked", [("Shipping delay", True), ("Parcel update", False)])
def test_lint_batch_and_the_service_take_a_title(title, asked):
    [result] = lint_batch([{"reply": HELD_UP, "kind": "canned", "title": title}])
    assert ("EMP201" in {f.code for f in result.findings}) is asked
    client = TestClient(create_app(), base_url="http://127.0.0.1:7878")
    answer = client.post("/v1/check", json={"reply": HELD_UP, "kind": "canned", "title": title}).json()
    assert ("EMP201" in {f["code"] for f in answer["findings"]}) is asked


def test_the_service_refuses_a_title_that_is_not_text():
    client = TestClient(create_app(), base_url="http://127.0.0.1:7878")
    answer = client.post("/v1/check", json={"reply": HELD_UP, "kind": "canned", "title": 3})
    assert answer.status_code == 400
    assert "'title'" in answer.json()["error"]
