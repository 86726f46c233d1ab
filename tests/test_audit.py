"""`empathy-lint audit` on the real labelled replies, and its HTML report in headless Chromium."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_cli

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
    scores = [sum({"error": 3, "warning": 2, "info": 0}[f["severity"]] for f in w["findings"]) for w in summary["worst"]]
    assert scores == sorted(scores, reverse=True)


def test_report_is_self_contained(audited):
    _, html_path = audited
    page = html_path.read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)
    assert page.count('class="bar"') >= 5 and 'class="trend"' in page


def test_bad_column_is_one_line_error(export):
    result = run_cli("audit", str(export), "--reply-column", "nope")
    assert result.returncode == 2 and "no column 'nope'" in result.stderr


@pytest.mark.slow
def test_report_renders_in_headless_chromium(audited, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium for this test")
        pytest.skip("chromium not installed (apt-get install chromium); runs in CI")
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
