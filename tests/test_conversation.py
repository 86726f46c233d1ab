"""The conversation before the reply is read wherever a user has it (issue 28): an answer
such as "I did." is about the problem told earlier, in thread files, JSON/JSONL records,
helpdesk exports' comment lists, repeated --customer, and the batch API."""
from __future__ import annotations

import json

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


def test_audit_reads_the_rows_of_one_conversation_together(tmp_path):
    """Rows of one conversation id, in order: the second row's reply answers "I did.",
    which is about the double charge of the first row."""
    import csv

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
