"""The audit report: one self-contained HTML page (inline CSS and SVG, no script, no CDN)."""
from __future__ import annotations

import html
import math
from typing import Any

from empathy_lint.write.report import plural

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
.agents-view{display:none}.agents-view:target{display:block}.agents-view:target~.agents-default{display:none}
details.numbers{margin:8px 0 0;font-size:13px}details.numbers table{width:auto}
article{border-top:1px solid #eaecee;padding:10px 0}article:first-of-type{border-top:0}
.rank{font-size:12px;color:#566573}svg.chart{max-width:100%;height:auto}
@media print{@page{size:A4;margin:14mm}body{background:#fff;font-size:11pt}header{background:none;color:#000;
padding:0 0 8px;border-bottom:2px solid #000}main{padding:0;max-width:none}section,.kpi{box-shadow:none;
border:1px solid #ccc;break-inside:avoid}article{break-inside:avoid}details.numbers{display:none}
a{color:inherit;text-decoration:none}.agents-view{display:none!important}.agents-default{display:block!important}}
"""


def _data_table(caption: str, header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    """The numbers behind a chart, for screen readers and anyone who wants them."""
    body = "".join(f"<tr><td>{html.escape(a)}</td><td class=\"num\">{html.escape(b)}</td></tr>" for a, b in rows)
    return (f'<details class="numbers"><summary>{html.escape(caption)} as a table</summary><table>'
            f"<tr><th>{html.escape(header[0])}</th><th>{html.escape(header[1])}</th></tr>{body}</table></details>")


def _bar_chart(rows: list[tuple[str, float, str]], *, percent: bool, chart_id: str, caption: str) -> str:
    """Horizontal bars: (label, value, colour), with a title and the numbers as a table."""
    if not rows:
        return '<p class="muted">Nothing to show.</p>'
    width, label_w, bar_h, gap = 760, 260, 22, 8
    top = max(v for _, v, _ in rows) or 1
    scale = 1.0 if percent else top
    height = len(rows) * (bar_h + gap)
    shown = [f"{value * 100:.0f}%" if percent else f"{value:,.0f}" for _, value, _ in rows]
    parts = [f'<svg id="{chart_id}" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="{chart_id}-title"><title id="{chart_id}-title">{html.escape(caption)}: '
             + html.escape("; ".join(f"{label} {v}" for (label, _, _), v in zip(rows, shown))) + "</title>"]
    for i, ((label, value, colour), text) in enumerate(zip(rows, shown)):
        y = i * (bar_h + gap)
        w = max(1.0, (width - label_w - 70) * (value / scale))
        parts.append(f'<text x="0" y="{y + 15}">{html.escape(label)}</text>'
                     f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{text}</text>')
    parts.append("</svg>")
    return "".join(parts) + _data_table(caption, ("", "value"), [(label, v) for (label, _, _), v in zip(rows, shown)])


# Week labels ("2026-W37") are about this wide at the chart's 12px font; a label is drawn
# only every so many points that two never overlap.
LABEL_WIDTH = 62


def label_step(points: int, span: float) -> int:
    """Draw every step-th label so labels LABEL_WIDTH wide (+ a gap) fit `span` pixels."""
    if points < 2:
        return 1
    spacing = span / (points - 1)
    return max(1, math.ceil((LABEL_WIDTH + 10) / spacing))


def _trend_chart(weeks: dict[str, dict[str, Any]]) -> str:
    if len(weeks) < 2:
        return ('<p class="muted">The export has no usable date column (or a single week), so there is no trend. '
                'Name it with <code>--date-column</code>.</p>')
    width, height, pad = 760, 240, 40
    items = list(weeks.items())
    xs = [pad + i * (width - 2 * pad) / (len(items) - 1) for i in range(len(items))]
    ys = [height - pad - w["rate"] * (height - 2 * pad) for _, w in items]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    caption = "Share of replies flagged per week"
    first, last = items[0], items[-1]
    parts = [f'<svg id="trend-chart" class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="trend-title"><title id="trend-title">{caption}: '
             f'{first[0]} {first[1]["rate"] * 100:.0f}% to {last[0]} {last[1]["rate"] * 100:.0f}%, '
             f'{len(items)} weeks</title>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#aab7b8"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#aab7b8"/>',
             f'<text x="2" y="{pad + 4}">100%</text><text x="10" y="{height - pad + 4}">0%</text>',
             f'<polyline class="trend" fill="none" stroke="#1f3a5f" stroke-width="2.5" points="{points}"/>']
    step = label_step(len(items), width - 2 * pad)
    for i, ((week, w), x, y) in enumerate(zip(items, xs, ys)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f3a5f"><title>{week}: '
                     f'{w["rate"] * 100:.0f}% of {w["replies"]} replies flagged</title></circle>')
        if i % step == 0:
            parts.append(f'<text class="axis-label" text-anchor="middle" x="{x:.1f}" y="{height - pad + 18}">{week}</text>')
    parts.append("</svg>")
    rows = [(week, f'{w["rate"] * 100:.0f}% of {w["replies"]}') for week, w in items]
    return "".join(parts) + _data_table(caption, ("week", "flagged"), rows)


def _sparkline(weeks: dict[str, float]) -> str:
    """An agent's weekly flagged rate, small, with the numbers in its title."""
    if len(weeks) < 2:
        return '<span class="muted">-</span>'
    width, height = 120, 24
    values = list(weeks.values())
    xs = [2 + i * (width - 4) / (len(values) - 1) for i in range(len(values))]
    points = " ".join(f"{x:.1f},{height - 2 - v * (height - 4):.1f}" for x, v in zip(xs, values))
    title = ", ".join(f"{w} {v * 100:.0f}%" for w, v in weeks.items())
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f'<title>Flagged per week: {html.escape(title)}</title>'
            f'<polyline fill="none" stroke="#1f3a5f" stroke-width="1.5" points="{points}"/></svg>')


AGENT_ROWS = 50
AGENT_SORTS = {  # view id -> (link text, sort key); the first is shown unless another is chosen
    "agents-by-replies": ("replies", lambda kv: -kv[1]["replies"]),
    "agents-by-pass": ("pass rate, lowest first", lambda kv: (kv[1]["pass_rate"], -kv[1]["replies"])),
    "agents-by-name": ("name", lambda kv: kv[0].lower()),
}
FAMILY_SHORT = {"acknowledgement": "Ack.", "apology": "Apology", "defensive": "Not defensive",
                "next-steps": "Next steps", "follow-up": "Follow-up"}


def _agents(agents: dict[str, dict[str, Any]]) -> str:
    """The per-agent table, sortable without script: one view per order, the chosen one
    shown by CSS `:target` (the default when none is chosen)."""
    if not agents:
        return '<p class="muted">No agent column in the export.</p>'
    cut = (f'<p class="muted" id="agents-cut">Top {AGENT_ROWS} of {len(agents)} agents in each order.</p>'
           if len(agents) > AGENT_ROWS else "")
    links = " · ".join(f'<a href="#{view}">{label}</a>' for view, (label, _) in AGENT_SORTS.items())
    header = ("<tr><th>Agent</th><th>Replies</th><th>Pass</th>"
              + "".join(f"<th>{FAMILY_SHORT[f]}</th>" for f in FAMILY_SHORT)
              + "<th>Trend (flagged)</th><th>Most frequent</th></tr>")
    views = []
    for n, (view, (label, key)) in enumerate(AGENT_SORTS.items()):
        rows = "".join(
            f'<tr><td>{html.escape(a)}</td><td class="num">{v["replies"]:,}</td>'
            f'<td class="num">{v["pass_rate"] * 100:.0f}%</td>'
            + "".join(f'<td class="num">{v["families"].get(f, 1.0) * 100:.0f}%</td>' for f in FAMILY_SHORT)
            + f'<td>{_sparkline(v.get("weeks", {}))}</td><td>{html.escape(", ".join(v["top_rules"]))}</td></tr>'
            for a, v in sorted(agents.items(), key=key)[:AGENT_ROWS])
        role = "agents-default" if n == 0 else "agents-view"
        table_id = ' id="agents"' if n == 0 else ""
        views.append((n, f'<div class="{role}" id="{view}"><p class="muted">Sorted by {label}.</p>'
                         f'<table class="agents"{table_id}>{header}{rows}</table></div>'))
    # The chosen view comes before the default in the page, so `:target ~ .agents-default`
    # can hide the default.
    ordered = [v for n, v in views if n] + [v for n, v in views if not n]
    return (f'<p class="muted">Share of each agent\'s replies with no warning or error, in all and per family. '
            f'Sort by: {links}</p>{cut}' + "".join(ordered))


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


def _link(item: dict[str, Any]) -> str:
    """The reply's ticket id, linked to the ticket when the export has a web address."""
    label = f'#{html.escape(str(item["id"]))}'
    url = str(item.get("url") or "")
    if url.startswith(("https://", "http://")):
        return f'<a class="ticket" href="{html.escape(url, quote=True)}">{label}</a>'
    return label


def _why_ranked(rank: list[int]) -> str:
    errors, hurtful, missing, _ = rank
    parts = [plural(errors, "error")] if errors else []
    if hurtful:
        parts.append(plural(hurtful, "non-apology or defensive phrase", "non-apologies or defensive phrases"))
    if missing:
        parts.append("missing " + plural(missing, "family", "families"))
    return ", ".join(parts)


def render(summary: dict[str, Any], *, title: str) -> str:
    replies = summary["replies"]
    families = sorted(summary["families"].items(), key=lambda kv: -kv[1]["rate"])
    family_rows = [(FAMILY_LABELS.get(f, f), v["rate"], "#1f3a5f") for f, v in families]
    rule_rows = [(f'{code} {v["name"]}', v["count"], "#5d6d7e") for code, v in list(summary["rules"].items())[:15]]
    worst = []
    for n, item in enumerate(summary["worst"], 1):
        findings = "".join(
            f'<div class="finding"><span class="code" style="color:{COLOURS[f["severity"]]}">{f["code"]}</span> '
            f'{html.escape(f["message"])}</div>' for f in item["findings"] if f["severity"] != "info")
        customer = (f'<div class="muted">Customer: {html.escape(item["customer"])}</div>' if item.get("customer") else "")
        who = f' · {html.escape(str(item["agent"]))}' if item.get("agent") else ""
        rank = item.get("rank") or [0, 0, 0, 0]
        worst.append(f'<article class="worst" data-errors="{rank[0]}" data-hurtful="{rank[1]}">'
                     f'<div class="muted">{n}. {_link(item)}{who} <span class="rank">({_why_ranked(rank)})</span></div>'
                     f'{customer}<div class="reply">{_highlight(item["reply"], item["findings"])}</div>{findings}</article>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>empathy-lint audit</h1><div>{html.escape(title)}</div></header><main>
<div class="kpis"><div class="kpi"><b id="kpi-replies">{replies:,}</b>replies</div>
<div class="kpi"><b id="kpi-flagged">{summary["flagged_rate"] * 100:.0f}%</b>with a warning or error</div>
<div class="kpi"><b>{len(summary["agents"]) or "-"}</b>agents</div></div><br>
<section><h2>Replies to look at first</h2><p class="muted">Errors first, then non-apologies and defensive
phrasing, then the replies missing the most families.</p>{''.join(worst) or '<p class="muted">No findings.</p>'}</section>
<section><h2>What the replies miss</h2><p class="muted">Share of replies with a warning or error in each family.</p>
{_bar_chart(family_rows, percent=True, chart_id="family-chart", caption="Share of replies flagged per family")}</section>
<section><h2>Most frequent findings</h2>{_bar_chart(rule_rows, percent=False, chart_id="rule-chart", caption="Findings per rule")}</section>
<section><h2>Trend by week</h2><p class="muted">Share of replies flagged, per ISO week.</p>{_trend_chart(summary["weeks"])}</section>
<section><h2>Agents</h2>{_agents(summary["agents"])}</section>
</main></body></html>
"""
