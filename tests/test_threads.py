"""Answers sent in parts (1/2, 2/2) are judged as one reply by the audit."""
from __future__ import annotations

import csv
import json

import pytest

from conftest import run_cli_fast as run_cli
from empathy_lint.read.threads import join_parts, part_of


@pytest.mark.parametrize("reply,part", [
    ("Hi Sam, sorry for the wait. We're looking into the refund now. 1/2", (1, 2)),
    ("(2/2) Let us know if anything else comes up. ^AB", (2, 2)),
    ("Please DM us your booking ref, email address and contact number. 2/2 ^Linda", (2, 2)),
    ("Your flight 1/2 was rebooked yesterday, and the second leg too.", None),  # not at an end
    ("The update rolls out on 3/12.", None),  # a date, not a part
    ("We opened 24/7 support today.", None),
])
def test_part_markers(reply, part):
    assert part_of(reply) == part


def record(i, reply, agent="Ana", thread="t1", date="2026-03-02T10:00:00"):
    return {"id": str(i), "reply": reply, "agent": agent, "thread": thread, "date": date}


def test_consecutive_parts_of_one_answer_are_joined():
    joined = list(join_parts(iter([
        record(1, "Sorry the parcel is late. I've asked the courier to redeliver it 1/2"),
        record(2, "2/2 and I'll email you the tracking link tomorrow.", date="2026-03-02T10:02:00"),
        record(3, "Another reply."),
    ])))
    assert [r["id"] for r in joined] == ["1", "3"]
    assert joined[0]["parts"] == 2 and joined[0]["reply"].endswith("I'll email you the tracking link tomorrow.")


@pytest.mark.parametrize("second", [
    record(2, "2/2 and I'll email you.", agent="Ben"),  # another agent
    record(2, "2/2 and I'll email you.", thread="t2"),  # another conversation
    record(2, "2/2 and I'll email you.", date="2026-03-02T11:30:00"),  # ninety minutes later
    record(2, "3/3 and I'll email you."),  # not the next part
])
def test_parts_are_not_joined_when_the_export_says_they_differ(second):
    first = record(1, "Sorry the parcel is late 1/2")
    assert [r["id"] for r in join_parts(iter([first, second]))] == ["1", "2"]


def test_without_a_conversation_key_nothing_is_joined():
    rows = [record(1, "Sorry 1/2", thread=None), record(2, "2/2 Let me know.", thread=None)]
    assert len(list(join_parts(iter(rows)))) == 2


def test_audit_judges_an_answer_in_parts_as_one_reply(tmp_path):
    path = tmp_path / "tickets.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "agent", "created_at", "customer", "reply"])
        writer.writerow(["T1", "Ana", "2026-03-02T10:00:00", "My parcel is two weeks late!",
                         "I'm so sorry your parcel is late. I've asked the courier to redeliver it today. 1/2"])
        writer.writerow(["T1", "Ana", "2026-03-02T10:01:00", "My parcel is two weeks late!",
                         "2/2 I'll email you the tracking link tomorrow, and let me know if it doesn't arrive."])
    joined = json.loads(run_cli("audit", str(path)).stdout)
    apart = json.loads(run_cli("audit", "--no-join-parts", str(path)).stdout)
    assert joined["replies"] == 1 and joined["joined_answers"] == 1
    assert "EMP501" not in joined["rules"]  # the follow-up in part 2 counts for the answer
    assert apart["replies"] == 2 and apart["joined_answers"] == 0 and "EMP501" in apart["rules"]
