"""The audit report: one self-contained HTML page (inline CSS and SVG, no script, no CDN)."""
from __future__ import annotations

import html
from typing import Any

FAMILY_LABELS = {
    "acknowledgement": "Missing acknowledgement", "apology": "Apology problems", "defensive": "Defensive phrasing",
    "next-steps": "No next steps", "follow-up": "No follow-up", "positive-language": "Negative framing",
}
COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2874a6"}

CSS = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1c2833;background:#f4f6f7}
header{background:#1f3a5f;color:#fff;padding:24px 40px}header h1{margin:0 0 4px;font-size:24px}
main{padding:24px 40px;max-width:1100px}section{background:#fff;border-radius:8px;padding:20px 24px;margin:0 0 20px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}h2{margin:0 0 12px;font-size:18px}.kpis{display:flex;gap:16px;flex-wrap:wrap}
.kpi{background:#fff;border-radius:8px;padding:16px 20px;min-width:160px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.kpi b{display:block;font-size:28px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;
border-bottom:1px solid #eaecee}th{font-weight:600;color:#566573}td.num{text-align:right;font-variant-numeric:tabular-nums}
.reply{white-space:pre-wrap;background:#fbfcfc;border:1px solid #eaecee;border-radius:6px;padding:10px 12px;margin:6px 0}
mark{border-radius:3px;padding:0 1px}mark.error{background:#f5b7b1}mark.warning{background:#fad7a0}mark.info{background:#aed6f1}
.muted{color:#808b96}.finding{font-size:13px;margin:2px 0}.code{font-family:ui-monospace,monospace;font-weight:600}
svg text{font:12px system-ui,sans-serif;fill:#1c2833}
"""


def _bar_chart(rows: list[tuple[str, float, str]], *, percent: bool, chart_id: str) -> str:
    """Horizontal bars: (label, value, colour)."""
    if not rows:
        return '<p class="muted">Nothing to show.</p>'
    width, label_w, bar_h, gap = 760, 260, 22, 8
    top = max(v for _, v, _ in rows) or 1
    scale = 1.0 if percent else top
    height = len(rows) * (bar_h + gap)
    parts = [f'<svg id="{chart_id}" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, value, colour) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1.0, (width - label_w - 70) * (value / scale))
        shown = f"{value * 100:.0f}%" if percent else f"{value:,.0f}"
        parts.append(f'<text x="0" y="{y + 15}">{html.escape(label)}</text>'
                     f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _trend_chart(weeks: dict[str, dict[str, Any]]) -> str:
    if len(weeks) < 2:
        return ('<p class="muted">The export has no usable date column (or a single week), so there is no trend. '
                'Name it with <code>--date-column</code>.</p>')
    width, height, pad = 760, 240, 40
    items = list(weeks.items())
    xs = [pad + i * (width - 2 * pad) / (len(items) - 1) for i in range(len(items))]
    ys = [height - pad - w["rate"] * (height - 2 * pad) for _, w in items]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    parts = [f'<svg id="trend-chart" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#aab7b8"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#aab7b8"/>',
             f'<text x="2" y="{pad + 4}">100%</text><text x="10" y="{height - pad + 4}">0%</text>',
             f'<polyline class="trend" fill="none" stroke="#1f3a5f" stroke-width="2.5" points="{points}"/>']
    step = max(1, len(items) // 8)
    for i, ((week, w), x, y) in enumerate(zip(items, xs, ys)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f3a5f"><title>{week}: '
                     f'{w["rate"] * 100:.0f}% of {w["replies"]} replies flagged</title></circle>')
        if i % step == 0:
            parts.append(f'<text x="{x - 24:.1f}" y="{height - pad + 18}">{week}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _highlight(text: str, findings: list[dict[str, Any]]) -> str:
    """The reply with forbid findings marked (title = rule and message)."""
    spans = sorted((f for f in findings if f["kind"] == "forbid"), key=lambda f: f["start"])
    out, pos = [], 0
    for f in spans:
        if f["start"] < pos:
            continue
        out.append(html.escape(text[pos:f["start"]]))
        out.append(f'<mark class="{f["severity"]}" title="{html.escape(f["code"] + " " + f["message"])}">'
                   f'{html.escape(text[f["start"]:f["end"]])}</mark>')
        pos = f["end"]
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render(summary: dict[str, Any], *, title: str) -> str:
    replies = summary["replies"]
    families = sorted(summary["families"].items(), key=lambda kv: -kv[1]["rate"])
    family_rows = [(FAMILY_LABELS.get(f, f), v["rate"], "#1f3a5f") for f, v in families]
    rule_rows = [(f'{code} {v["name"]}', v["count"], "#5d6d7e") for code, v in list(summary["rules"].items())[:15]]
    agents = "".join(
        f'<tr><td>{html.escape(a)}</td><td class="num">{v["replies"]:,}</td><td class="num">{v["rate"] * 100:.0f}%</td>'
        f'<td>{html.escape(", ".join(v["top_rules"]))}</td></tr>'
        for a, v in list(summary["agents"].items())[:50])
    worst = []
    for item in summary["worst"]:
        findings = "".join(
            f'<div class="finding"><span class="code" style="color:{COLOURS[f["severity"]]}">{f["code"]}</span> '
            f'{html.escape(f["message"])}</div>' for f in item["findings"] if f["severity"] != "info")
        customer = (f'<div class="muted">Customer: {html.escape(item["customer"])}</div>' if item.get("customer") else "")
        who = f' · {html.escape(str(item["agent"]))}' if item.get("agent") else ""
        worst.append(f'<article><div class="muted">#{html.escape(str(item["id"]))}{who}</div>{customer}'
                     f'<div class="reply">{_highlight(item["reply"], item["findings"])}</div>{findings}</article>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>empathy-lint audit</h1><div>{html.escape(title)}</div></header><main>
<div class="kpis"><div class="kpi"><b id="kpi-replies">{replies:,}</b>replies</div>
<div class="kpi"><b id="kpi-flagged">{summary["flagged_rate"] * 100:.0f}%</b>with a warning or error</div>
<div class="kpi"><b>{len(summary["agents"]) or "-"}</b>agents</div></div><br>
<section><h2>What the replies miss</h2><p class="muted">Share of replies with a warning or error in each family.</p>
{_bar_chart(family_rows, percent=True, chart_id="family-chart")}</section>
<section><h2>Most frequent findings</h2>{_bar_chart(rule_rows, percent=False, chart_id="rule-chart")}</section>
<section><h2>Trend by week</h2><p class="muted">Share of replies flagged, per ISO week.</p>{_trend_chart(summary["weeks"])}</section>
<section><h2>Agents</h2>{'<table id="agents"><tr><th>Agent</th><th>Replies</th><th>Flagged</th><th>Most frequent</th></tr>' + agents + '</table>' if agents else '<p class="muted">No agent column in the export.</p>'}</section>
<section><h2>Replies to look at first</h2>{''.join(worst) or '<p class="muted">No findings.</p>'}</section>
</main></body></html>
"""
