"""`empathy-lint audit` on the real labelled replies, and its HTML report in headless Chromium."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess

import pytest

from conftest import ROOT, installed, run_cli_fast as run_cli

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def export(tmp_path_factory, dev_records):
    """The 240 real replies as a ticket export, with the company as agent and dates over 8 weeks."""
    path = tmp_path_factory.mktemp("audit") / "tickets.csv"
    start = dt.date(2026, 9, 7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "assignee", "customer_message", "reply"])
        for i, r in enumerate(dev_records):
            writer.writerow([r["id"], (start + dt.timedelta(days=i % 56)).isoformat(),
                             r.get("company") or "macros-team", r.get("customer") or "", r["reply"]])
    return path


@pytest.fixture(scope="module")
def audited(export):
    html_path = export.with_name("report.html")
    result = run_cli("audit", str(export), "--agent-column", "assignee", "--html", str(html_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), html_path


def test_summary_counts_and_rates(audited, dev_records):
    summary, _ = audited
    assert summary["replies"] == len(dev_records)
    assert 0 < summary["flagged_rate"] < 1
    assert set(summary["families"]) <= {"acknowledgement", "apology", "defensive", "next-steps", "follow-up"}
    assert len(summary["weeks"]) == 8
    assert sum(w["replies"] for w in summary["weeks"].values()) == len(dev_records)
    assert summary["agents"]["ChipotleTweets"]["replies"] == sum(1 for r in dev_records if r.get("company") == "ChipotleTweets")
    assert len(summary["worst"]) == 20
    ranks = [tuple(w["rank"]) for w in summary["worst"]]
    assert ranks == sorted(ranks, reverse=True)


def test_each_rule_says_how_many_of_its_findings_a_reader_would_likely_agree_with(audited):
    """`likely_right` is the sum of a rule's findings' confidences: how many of them a
    reader would likely agree with. The raw count overstates missing acknowledgement,
    whose findings are more often wrong than missing apology's, and the sum says so.
    Read against the labels of the tune split, the sum is near the number readers agreed
    with (on the blind split, read only as a figure, within 2% for these two rules)."""
    from conftest import DATA
    from empathy_lint.engine.linter import Context, Linter
    from empathy_lint.run.evaluation import earlier_customer, expected, load_records, split

    summary, _ = audited
    rules = summary["rules"]
    assert all(0 < v["likely_right"] <= v["count"] for v in rules.values() if "likely_right" in v)
    share = {code: rules[code]["likely_right"] / rules[code]["count"] for code in ("EMP101", "EMP201")}
    assert share["EMP201"] > share["EMP101"] + 0.1
    # The same sum over tune's labelled replies, against the findings readers agree with.
    tune = split(load_records(DATA / "train.jsonl") + load_records(DATA / "dev.jsonl"))["tune"]
    live = [r for r in tune if r.get("customer")]
    contexts = Context.many([(r["customer"], "live", r.get("channel"), r["reply"], earlier_customer(r)) for r in live])
    family = {"EMP101": "missing-acknowledgement", "EMP201": "missing-apology"}
    summed, agreed = dict.fromkeys(family, 0.0), dict.fromkeys(family, 0)
    for record, findings in zip(live, Linter().lint_many(zip((r["reply"] for r in live), contexts))):
        for f in findings:
            if f.code in family:
                summed[f.code] += f.confidence
                agreed[f.code] += bool(expected(record)[family[f.code]])
    for code in family:
        assert abs(summed[code] - agreed[code]) <= 0.05 * agreed[code], (code, summed[code], agreed[code])


def test_report_is_self_contained(audited):
    _, html_path = audited
    page = html_path.read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r'src="https?://|<link[^>]+href="https?://', page)
    assert page.count('class="bar"') >= 5 and 'class="trend"' in page


def test_audit_on_every_core_gives_the_same_summary(audited, export, monkeypatch):
    """--jobs 0 is every core, as for check; a small export defaults to one process."""
    from empathy_lint.run import checking

    seen: list[int] = []
    original = checking.worker_count
    monkeypatch.setattr(checking, "worker_count", lambda jobs, replies: seen.append(original(jobs, replies)) or seen[-1])
    summary, _ = audited
    result = run_cli("audit", str(export), "--agent-column", "assignee", "--jobs", "0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == summary
    assert run_cli("audit", str(export), "--agent-column", "assignee").returncode == 0
    assert seen == [checking.available_cores(), 1]  # the 240-reply export is small: one process


def test_bad_column_is_one_line_error(export):
    result = run_cli("audit", str(export), "--reply-column", "nope")
    assert result.returncode == 2 and "no column 'nope'" in result.stderr


@pytest.mark.parametrize("name", ["tickets.xlsx", "tickets.ods"])
def test_a_workbook_export_is_told_to_be_saved_as_csv(tmp_path, name):
    """A helpdesk report saved as a workbook gets the way out, as `check` gives it."""
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04[Content_Types].xml" + b"\x00" * 40)
    result = run_cli("audit", str(path))
    assert result.returncode == 2 and "save the sheet as CSV (UTF-8)" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_audit_reads_a_spreadsheets_headers_as_check_does(tmp_path):
    """"Agent Response" and "Customer Message" (a spreadsheet's headers) are the reply and
    the customer's message, for audit as for check."""
    path = tmp_path / "export.csv"
    path.write_text("Ticket ID;Customer Message;Agent Response\n"
                    '1;"My order is three weeks late and nobody answers";"Glad to hear it!"\n'
                    '2;"Thanks, that fixed it!";"Glad to hear it!"\n', encoding="utf-8")
    result = run_cli("audit", str(path))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["replies"] == 2
    # Only the reply to the late order owes an apology: the customer's column was read.
    assert summary["families"]["apology"]["replies"] == 1

    # A sheet of macros whose reply column `check` finds ("Macro Body", Gorgias's
    # "body_text") is read by audit as well, the same column either way.
    for header in ("Macro Name,Macro Body", "name,body_text"):
        path.write_text(f'{header}\nRefund,"As I said, refunds take 10 days."\n', encoding="utf-8")
        result = run_cli("audit", str(path))
        assert result.returncode == 0, (header, result.stderr)
        assert "EMP301" in json.loads(result.stdout)["rules"]
        assert "EMP301" in run_cli("check", "--format", "json", str(path)).stdout


@pytest.fixture(scope="module")
def train_audit(tmp_path_factory):
    """The 1,274 labelled train replies as a ticket export with 53 agents (the company),
    dates over 30 weeks and a ticket URL: the audit the issue asked for."""
    records = [json.loads(line) for line in (ROOT / "tests" / "data" / "train.jsonl").open(encoding="utf-8")]
    path = tmp_path_factory.mktemp("train-audit") / "tickets.csv"
    start = dt.date(2026, 1, 5)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "agent", "customer", "reply", "ticket_url"])
        for i, r in enumerate(records):
            writer.writerow([r["id"], (start + dt.timedelta(days=(i * 7) % 210)).isoformat(), r["company"],
                             r.get("customer") or "", r["reply"], f"https://help.example.com/tickets/{r['id']}"])
    html_path = path.with_name("report.html")
    result = run_cli("audit", str(path), "--html", str(html_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), html_path, records


def test_a_report_is_never_written_over_the_export(tmp_path):
    export = tmp_path / "tickets.csv"
    original = "customer,reply\nMy refund never came,As I said.\n"
    export.write_text(original, encoding="utf-8")
    for args in (["--html", str(export)], ["--json", str(tmp_path / "." / "tickets.csv")],
                 ["--json", str(tmp_path / "r"), "--html", str(tmp_path / "r")]):
        result = run_cli("audit", str(export), *args)
        assert result.returncode == 2 and ("would replace it" in result.stderr or "same file" in result.stderr)
        assert export.read_text(encoding="utf-8") == original and not (tmp_path / "r").exists()


def test_worst_replies_come_first_errors_then_non_apologies(train_audit):
    summary, html_path, records = train_audit
    worst = summary["worst"]
    ranks = [tuple(w["rank"]) for w in worst]
    assert ranks == sorted(ranks, reverse=True)
    codes = [{f["code"] for f in w["findings"]} for w in worst]
    # Warnings a reader agrees with rank above findings the rules are unsure of (info).
    assert all(any(f["severity"] != "info" for f in w["findings"]) for w in worst[:5])
    assert all(codes)
    page = html_path.read_text(encoding="utf-8")
    link = f'href="https://help.example.com/tickets/{worst[0]["id"]}"'
    assert link in page and page.index(link) < page.index('id="family-chart"')  # the list leads the page


def test_per_agent_scores_and_trends(train_audit):
    summary, html_path, records = train_audit
    agents = summary["agents"]
    assert len(agents) == len({r["company"] for r in records}) == 53
    tesco = agents["Tesco"]
    assert tesco["replies"] == sum(r["company"] == "Tesco" for r in records)
    assert tesco["pass_rate"] == round(1 - tesco["flagged"] / tesco["replies"], 4)
    assert set(tesco["families"]) == {"acknowledgement", "apology", "defensive", "next-steps", "follow-up"}
    assert len(tesco["weeks"]) >= 10
    page = html_path.read_text(encoding="utf-8")
    assert "Top 50 of 53 agents in each order." in page
    assert page.count('class="spark"') >= 3 * 40  # one per agent row, in each of three orders
    assert 'href="#agents-by-pass"' in page and 'id="agents-by-pass"' in page


@pytest.mark.slow
def test_report_renders_in_headless_chromium(audited, train_audit, tmp_path):
    browser = installed("chromium", "chromium", "chromium-browser")
    _, html_path = audited
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400"]
    dom = subprocess.run([browser, *flags, "--dump-dom", html_path.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'id="family-chart"' in dom and 'id="trend-chart"' in dom and 'id="agents"' in dom
    assert len(re.findall(r'<rect class="bar"', dom)) >= 8
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit-report.png"
    shot.unlink(missing_ok=True)
    subprocess.run([browser, *flags, f"--screenshot={shot}", html_path.as_uri()],
                   capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 30_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The train audit: a copy of the page with a probe script (the report itself has
    # none) that writes what the browser laid out into the DOM for --dump-dom to show.
    _, train_html, _ = train_audit
    probe = tmp_path / "probe.html"
    probe.write_text(train_html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run([browser, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120).stdout
    laid_out = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1))
    boxes = laid_out["labels"]
    assert len(boxes) >= 5
    for a, b in zip(boxes, boxes[1:]):  # in order along the axis: each ends before the next starts
        assert a["right"] <= b["left"], (a, b)
    # The worst reply leads the page, with its findings marked in its text.
    assert laid_out["first_worst_findings"] >= 1 and laid_out["first_worst_marks"] >= 1
    assert laid_out["agent_rows"] == 50 and laid_out["visible_agent_tables"] == 1
    shot = ARTIFACTS / "audit-report-train.png"
    shot.unlink(missing_ok=True)
    subprocess.run([browser, *flags, f"--screenshot={shot}", train_html.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 30_000


PROBE = """<script>
const labels = [...document.querySelectorAll('#trend-chart .axis-label')].map(t => {
  const r = t.getBoundingClientRect(); return {text: t.textContent, left: r.left, right: r.right}; });
const tables = [...document.querySelectorAll('table.agents')].filter(t => t.offsetParent !== null);
const pre = document.createElement('pre'); pre.id = 'probe';
pre.textContent = JSON.stringify({labels: labels,
  first_worst_findings: document.querySelector('article.worst').querySelectorAll('.finding').length,
  first_worst_marks: document.querySelector('article.worst').querySelectorAll('mark').length,
  agent_rows: tables.length ? tables[0].querySelectorAll('tr').length - 1 : 0,
  visible_agent_tables: tables.length});
document.body.appendChild(pre);
</script>"""


@pytest.mark.parametrize("layout", ["bare list", "zendesk", "help scout"])
def test_audit_reads_a_json_export_of_tickets_as_check_does(tmp_path, layout):
    """An API dump of tickets (Zendesk `tickets`, Help Scout `_embedded.conversations`, a
    bare list as Gorgias's) is audited answer by answer, as `check` reads it; audit took
    only CSV and JSON Lines before."""
    def ticket(number: int, answer: str) -> dict:
        return {"id": number, "threads": [{"type": "customer", "body": "My blender arrived broken and I'm upset."},
                                           {"type": "note", "body": "Obviously the courier, as I said."},
                                           {"type": "message", "body": answer}]}
    tickets = [ticket(1, "Per our policy we don't refund breakages."),
               ticket(2, "I'm so sorry it arrived broken! A new one ships today and I'll email you the tracking.")]
    tree = {"bare list": tickets, "zendesk": {"tickets": tickets, "count": 2},
            "help scout": {"_embedded": {"conversations": tickets}}}[layout]
    export = tmp_path / "tickets.json"
    export.write_text(json.dumps(tree), encoding="utf-8")
    audited = run_cli("audit", str(export))
    assert audited.returncode == 0, audited.stderr
    summary = json.loads(audited.stdout)
    assert summary["replies"] == 2  # the two answers; not the customer's messages, not the note
    assert {"EMP201", "EMP303"} <= set(summary["rules"])
    checked = run_cli("check", "--isolated", "--format", "json", str(export))
    assert {f["code"] for f in json.loads(checked.stdout)["files"][0]["findings"]} >= {"EMP201", "EMP303"}


@pytest.mark.parametrize("layout", ["ticket", "users", "comments page", "comments alone", "jsonl"])
def test_audit_reads_zendesk_comments_by_author_id_as_check_does(tmp_path, layout):
    """Zendesk's API names a comment's author by id only: audit scored the customer's
    comment and the internal note as answers (or found no reply column in a JSON Lines
    export of tickets). It now finds the customer as `check` does."""
    comments = [
        {"id": 1, "author_id": 100, "public": True, "body": "My blender arrived broken and I'm upset.", "via": {}},
        {"id": 2, "author_id": 200, "public": False, "body": "Obviously the courier, as I said."},
        {"id": 3, "author_id": 200, "public": True, "body": "Per our policy we don't refund breakages."},
    ]
    tree = {"ticket": {"ticket": {"id": 1, "requester_id": 100}, "comments": comments},
            "users": {"comments": comments, "users": [{"id": 100, "role": "end-user"}]},
            "comments page": {"comments": comments, "count": 3}, "comments alone": comments}.get(layout)
    export = tmp_path / ("tickets.jsonl" if layout == "jsonl" else "tickets.json")
    export.write_text(json.dumps({"id": 1, "comments": comments}) + "\n" if layout == "jsonl" else json.dumps(tree),
                      encoding="utf-8")
    audited = run_cli("audit", str(export))
    assert audited.returncode == 0, audited.stderr
    summary = json.loads(audited.stdout)
    assert summary["replies"] == 1  # the agent's public answer only
    assert {"EMP201", "EMP303"} <= set(summary["rules"])


def test_audit_of_a_json_document_with_no_records_says_so(tmp_path):
    export = tmp_path / "settings.json"
    export.write_text('{"theme": "dark", "sizes": [1, 2]}', encoding="utf-8")
    result = run_cli("audit", str(export))
    assert result.returncode == 2
    assert "no list of records found" in result.stderr
