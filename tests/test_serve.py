"""`empathy-lint serve` (issue 30): the findings `check` gives, for the browser, on the
loopback address only; web pages' origins, foreign Hosts and oversize bodies refused."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from conftest import ROOT, run_cli_fast, start_service
from empathy_lint.apps.serve import EXTENSION_ORIGIN, MAX_BODY_BYTES, create_app

CUSTOMER = "My card was charged twice for order 1187 and nobody answers the phone."
DRAFT = "As I said, there's nothing we can do. Obviously, the fee stands."


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), base_url="http://127.0.0.1:7878")


def test_health_and_rules(client):
    assert client.get("/healthz").json()["ok"] is True
    rules = {r["code"]: r for r in client.get("/v1/rules").json()["rules"]}
    assert {"EMP101", "EMP201", "EMP301", "EMP401", "EMP501"} <= set(rules)
    assert rules["EMP301"]["why"] and rules["EMP301"]["suggestions"]
    # the severity findings are reported at, as `empathy-lint rules` lists it
    assert rules["EMP101"]["severity"] == "warning" and rules["EMP101"]["reported"] == "info"
    assert rules["EMP201"]["reported"] == "warning when sure"


def test_the_service_lists_the_rules_as_the_cli_does(client):
    """One description of a rule for both front-ends: `rules --format json` and
    `/v1/rules` give the same fields and values."""
    from click.testing import CliRunner

    from empathy_lint.apps.cli import cli

    listed = json.loads(CliRunner().invoke(cli, ["rules", "--format", "json"]).output)
    served = client.get("/v1/rules").json()["rules"]
    assert sorted(listed, key=lambda r: r["code"]) == sorted(served, key=lambda r: r["code"])
    by_code = {r["code"]: r for r in listed}
    assert by_code["EMP304"]["why"] and "\n" not in by_code["EMP304"]["why"]  # one paragraph, as `explain` folds it
    assert by_code["EMP101"]["reported"] == "info" and by_code["EMP101"]["suggestions"]


def test_a_severity_the_config_chooses_is_the_one_reported(tmp_path):
    """The confidence model never lowers a rule the team chose to enforce, and the rule
    list says so."""
    config = tmp_path / ".empathy-lint.yaml"
    config.write_text("severity: {missing-acknowledgement: error}\n", encoding="utf-8")
    served = TestClient(create_app(str(config)), base_url="http://127.0.0.1:7878")
    rules = {r["code"]: r for r in served.get("/v1/rules").json()["rules"]}
    assert rules["EMP101"]["severity"] == rules["EMP101"]["reported"] == "error"


def test_check_answers_what_check_json_gives_for_the_same_draft(client, tmp_path):
    answer = client.post("/v1/check", json={"reply": DRAFT, "customer": CUSTOMER}).json()
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    cli = json.loads(run_cli_fast("check", "--format", "json", "--customer-text", CUSTOMER, str(draft)).stdout)
    keys = ("code", "severity", "confidence", "message", "start", "end", "suggestions", "fix")
    served = [{k: f[k] if k != "fix" or f[k] is None else {x: f[k][x] for x in ("start", "end", "replacement")}
               for k in keys} for f in answer["findings"]]
    checked = [{k: f[k] for k in keys} for f in cli["files"][0]["findings"]]
    assert served == checked and served
    assert all(f["why"] for f in answer["findings"])
    assert answer["fails"] is True


def test_offsets_come_in_utf16_units_as_a_browser_counts(client):
    draft = "Hi 😀😀, as I said, the fee stands."
    answer = client.post("/v1/check", json={"reply": draft}).json()
    (said,) = [f for f in answer["findings"] if f["code"] == "EMP301"]
    as_js = draft.encode("utf-16-le")
    start, end = said["utf16"]["start"], said["utf16"]["end"]
    assert as_js[2 * start:2 * end].decode("utf-16-le") == "as I said"
    assert (start, end) == (said["start"] + 2, said["end"] + 2)
    assert said["fix"]["utf16"] == {"start": start, "end": end}


def test_the_conversation_is_read(client):
    # (a reply that says nothing of the matter: "our team will look into it" would tell
    # on its own that there is one)
    alone = client.post("/v1/check", json={"reply": "Thanks, noted.", "customer": "I did."}).json()
    told = client.post("/v1/check", json={"reply": "Thanks, noted.", "customer": "I did.",
                                          "thread": [{"role": "customer", "text": CUSTOMER},
                                                     {"role": "agent", "text": "Did you pay by card?"}]}).json()
    assert "EMP201" not in {f["code"] for f in alone["findings"]}
    assert "EMP201" in {f["code"] for f in told["findings"]}


def test_a_draft_that_quotes_the_email_it_answers_reads_the_quote_as_check_does(client, tmp_path):
    """Gmail's plain-text composer and Outlook put the customer's email under the draft:
    the service reads it as the customer's message, as `check` reads a draft file."""
    draft = ("Hi Dana,\n\nThe refund is on its way.\n\nOn Mon, 3 Mar 2026 at 10:12, Dana wrote:\n"
             "> Where is my refund? I returned it a month ago and I am furious.\n")
    answer = client.post("/v1/check", json={"reply": draft}).json()
    path = tmp_path / "draft.txt"
    path.write_text(draft, encoding="utf-8")
    cli = json.loads(run_cli_fast("check", "--isolated", "--format", "json", str(path)).stdout)["files"][0]
    assert [(f["code"], f["severity"], f["start"]) for f in answer["findings"]] == \
        [(f["code"], f["severity"], f["start"]) for f in cli["findings"]]
    assert {"code": "EMP201", "severity": "warning"}.items() <= next(
        f for f in answer["findings"] if f["code"] == "EMP201").items()
    given = client.post("/v1/check", json={"reply": draft, "customer": "Thanks, it arrived!"}).json()
    assert "EMP201" not in {f["code"] for f in given["findings"]}  # the message sent wins over the quote


@pytest.mark.parametrize("body,status,words", [
    (b"{not json", 400, "not JSON"),
    (b'["a list"]', 400, "JSON object"),
    (b'{"customer": "x"}', 400, "'reply'"),
    (b'{"reply": "x", "kind": "weekly"}', 400, "'kind'"),
    (b'{"reply": "x", "thread": "not a list"}', 400, "'thread'"),
])
def test_bad_requests_get_a_clear_400(client, body, status, words):
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status and words in response.json()["error"]


def test_a_body_past_the_limit_is_413_with_or_without_a_length(client):
    huge = json.dumps({"reply": "word " * (MAX_BODY_BYTES // 4)}).encode()
    assert client.post("/v1/check", content=huge).status_code == 413

    def chunks():
        for start in range(0, len(huge), 65536):
            yield huge[start:start + 65536]

    assert client.post("/v1/check", content=chunks()).status_code == 413


def test_web_pages_cannot_use_it(client):
    refused = client.post("/v1/check", json={"reply": DRAFT}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "not allowed" in refused.json()["error"]
    allowed = client.post("/v1/check", json={"reply": DRAFT}, headers={"Origin": EXTENSION_ORIGIN})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == EXTENSION_ORIGIN
    rebound = client.get("/healthz", headers={"Host": "attacker.example:7878"})
    assert rebound.status_code == 421
    assert client.get("/healthz", headers={"Host": "localhost:7878"}).status_code == 200


def test_the_config_adds_origins_and_house_rules(tmp_path, monkeypatch):
    (tmp_path / ".empathy-lint.yaml").write_text(
        "allow-origins: [\"https://desk.example.com\"]\nignore: [EMP301]\nmin-severity: warning\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    local = TestClient(create_app(), base_url="http://127.0.0.1:7878")
    answer = local.post("/v1/check", json={"reply": DRAFT}, headers={"Origin": "https://desk.example.com"})
    assert answer.status_code == 200 and "EMP301" not in {f["code"] for f in answer.json()["findings"]}
    severities = {f["severity"] for f in answer.json()["findings"]}
    assert severities and "info" not in severities  # min-severity: the unsure findings left out
    assert sorted(p.name for p in tmp_path.iterdir()) == [".empathy-lint.yaml"]  # nothing written


def test_the_command_serves_concurrent_requests_on_loopback_only(tmp_path):
    import psutil

    process, port = start_service(tmp_path)
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        base = f"http://127.0.0.1:{port}"
        drafts = [f"{DRAFT} Order {i}." for i in range(24)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda d: httpx.post(f"{base}/v1/check", json={"reply": d}, timeout=30), drafts))
        assert all(a.status_code == 200 for a in answers)
        assert len({tuple(f["code"] for f in a.json()["findings"]) for a in answers}) == 1
        listening = [c.laddr for c in psutil.Process(process.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening and all(address.ip == "127.0.0.1" for address in listening)
        assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written
        taken = subprocess.run([sys.executable, "-m", "empathy_lint", "serve", "--port", str(port)],
                               capture_output=True, text=True, timeout=60, env=env)
        assert taken.returncode == 2 and "already in use" in taken.stderr and "Traceback" not in taken.stderr
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_help_teaches():
    result = run_cli_fast("serve", "--help")
    assert result.returncode == 0 and "127.0.0.1" in result.stdout and "/v1/check" in result.stdout
    assert Path(ROOT / "editors" / "browser" / "manifest.json").is_file()
