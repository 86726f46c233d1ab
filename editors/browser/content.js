// empathy-lint in a helpdesk's reply box: check the draft as the agent types (debounced),
// underline each finding in place without touching the text, show why and the
// suggestions on hover, apply a fix on click, and keep a count in a small badge.
"use strict";

(() => {
  const DEBOUNCE_MS = 350;
  const SEVERITIES = ["error", "warning", "info"];
  const states = new Map(); // box -> {findings, text, pieces, timer, badge, mirror, sent}
  let offlineSaid = false;
  let tooltip = null;
  let hideTimer = null;

  const adapter = () => empathyAdapter();
  const isBox = (el) => !!el && adapter().replyBoxes().includes(el);
  const boxOf = (target) => {
    if (!(target instanceof Element)) return null;
    const box = target.closest('textarea, [contenteditable="true"], [contenteditable=""]');
    return box && isBox(box) ? box : null;
  };

  function state(box) {
    let s = states.get(box);
    if (!s) {
      s = { findings: [], text: "", pieces: null, timer: null, badge: null, mirror: null, sent: 0 };
      states.set(box, s);
    }
    return s;
  }

  function schedule(box) {
    const s = state(box);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => check(box), DEBOUNCE_MS);
  }

  async function check(box) {
    const s = state(box);
    const { text, pieces } = empathyTextOf(box);
    const sent = ++s.sent;
    if (!text.trim()) {
      s.findings = [];
      s.text = text;
      s.pieces = pieces;
      render(box);
      return;
    }
    const site = adapter();
    const body = { reply: text };
    const customer = site.customer();
    if (customer) body.customer = customer;
    const thread = site.thread ? site.thread() : [];
    if (thread.length) body.thread = thread;
    let answer;
    try {
      answer = await chrome.runtime.sendMessage({ type: "empathy-lint:check", body });
    } catch (error) {
      answer = { ok: false, offline: true, error: String(error) };
    }
    if (sent !== s.sent) return; // a newer draft is on its way
    if (!answer || !answer.ok) {
      s.findings = [];
      render(box);
      if (answer && answer.offline && !offlineSaid) {
        offlineSaid = true; // said once; then quiet until the service answers again
        showBadge(box, "empathy-lint: start `empathy-lint serve`", "empathy-lint-offline");
      }
      return;
    }
    offlineSaid = false;
    s.text = text;
    s.pieces = pieces;
    s.findings = answer.data.findings;
    render(box, true);
  }

  function worst(findings) {
    return SEVERITIES.find((sev) => findings.some((f) => f.severity === sev)) || null;
  }

  // ---------------------------------------------------------------- underlines

  function render(box, checked) {
    const s = state(box);
    if (box instanceof HTMLTextAreaElement) renderMirror(box, s);
    else renderHighlights();
    const count = s.findings.length;
    if (count) {
      const sev = worst(s.findings);
      showBadge(box, String(count), `empathy-lint-${sev}`,
        `${count} finding${count > 1 ? "s" : ""} (${SEVERITIES.map((v) => `${s.findings.filter((f) => f.severity === v).length} ${v}`).join(", ")})`);
    } else if (checked) {
      showBadge(box, "✓", "empathy-lint-clean", "empathy-lint: no findings");
    } else if (s.badge && !s.badge.classList.contains("empathy-lint-offline")) {
      s.badge.remove();
      s.badge = null;
    }
  }

  function renderHighlights() {
    if (!window.CSS || !CSS.highlights) return;
    const bySeverity = { error: [], warning: [], info: [] };
    for (const [box, s] of states) {
      if (box instanceof HTMLTextAreaElement || !box.isConnected || !s.pieces) continue;
      for (const f of s.findings) {
        const range = empathyRange(s.pieces, f.utf16.start, f.utf16.end);
        if (range) bySeverity[f.severity].push(range);
      }
    }
    for (const sev of SEVERITIES) {
      CSS.highlights.set(`empathy-lint-${sev}`, new Highlight(...bySeverity[sev]));
    }
  }

  function renderMirror(box, s) {
    // A textarea cannot be highlighted inside: a transparent copy of its text lies over
    // it, with the findings' spans underlined.
    if (!s.mirror) {
      s.mirror = document.createElement("div");
      s.mirror.className = "empathy-lint-mirror";
      document.body.appendChild(s.mirror);
      box.addEventListener("scroll", () => { s.mirror.scrollTop = box.scrollTop; });
    }
    const style = getComputedStyle(box);
    for (const prop of ["font", "lineHeight", "letterSpacing", "padding", "borderWidth", "borderStyle", "textAlign", "textIndent"]) {
      s.mirror.style[prop] = style[prop];
    }
    s.mirror.style.borderColor = "transparent";
    const rect = box.getBoundingClientRect();
    Object.assign(s.mirror.style, {
      left: `${rect.left + scrollX}px`, top: `${rect.top + scrollY}px`,
      width: `${rect.width}px`, height: `${rect.height}px`,
    });
    s.mirror.textContent = "";
    const text = box.value;
    let at = 0;
    const spans = [...s.findings].sort((a, b) => a.utf16.start - b.utf16.start);
    for (const f of spans) {
      if (f.utf16.start < at) continue;
      s.mirror.append(text.slice(at, f.utf16.start));
      const mark = document.createElement("span");
      mark.className = `empathy-lint-mark empathy-lint-${f.severity}`;
      mark.textContent = text.slice(f.utf16.start, f.utf16.end) || " ";
      mark.dataset.code = f.code;
      s.mirror.append(mark);
      at = Math.max(f.utf16.end, f.utf16.start);
    }
    s.mirror.append(text.slice(at) + "\n");
    s.mirror.scrollTop = box.scrollTop;
  }

  function showBadge(box, label, cls, title) {
    const s = state(box);
    if (!s.badge) {
      s.badge = document.createElement("div");
      s.badge.setAttribute("role", "status");
      document.body.appendChild(s.badge);
    }
    s.badge.className = `empathy-lint-badge ${cls}`;
    s.badge.textContent = label;
    s.badge.title = title || label;
    const rect = box.getBoundingClientRect();
    s.badge.style.left = `${rect.right + scrollX - s.badge.offsetWidth - 6}px`;
    s.badge.style.top = `${rect.bottom + scrollY - 24}px`;
  }

  // ---------------------------------------------------------------- hover and fix

  function spanRects(box, s, f) {
    if (box instanceof HTMLTextAreaElement) {
      const marks = s.mirror ? [...s.mirror.querySelectorAll("span.empathy-lint-mark")] : [];
      const mark = marks.find((m) => m.dataset.code === f.code);
      return mark ? [...mark.getClientRects()] : [];
    }
    const range = s.pieces && empathyRange(s.pieces, f.utf16.start, f.utf16.end);
    return range ? [...range.getClientRects()] : [];
  }

  function findingAt(box, x, y) {
    const s = state(box);
    // The narrowest finding under the pointer: a phrase before the sentence it sits in.
    const hits = s.findings.filter((f) => spanRects(box, s, f).some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom));
    hits.sort((a, b) => (a.utf16.end - a.utf16.start) - (b.utf16.end - b.utf16.start));
    return hits[0] || null;
  }

  function showTooltip(box, f, x, y) {
    clearTimeout(hideTimer);
    if (!tooltip) {
      tooltip = document.createElement("div");
      tooltip.className = "empathy-lint-tooltip";
      tooltip.setAttribute("role", "tooltip");
      tooltip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
      tooltip.addEventListener("mouseleave", hideSoon);
      document.body.appendChild(tooltip);
    }
    tooltip.textContent = "";
    const head = document.createElement("div");
    head.innerHTML = "";
    const code = document.createElement("span");
    code.className = "empathy-lint-code";
    code.textContent = `${f.code} ${f.severity}`;
    head.append(code, document.createTextNode(` ${f.message}`));
    tooltip.append(head);
    if (f.why) {
      const why = document.createElement("div");
      why.className = "empathy-lint-why";
      why.textContent = f.why;
      tooltip.append(why);
    }
    if (f.suggestions && f.suggestions.length) {
      const list = document.createElement("ul");
      for (const suggestion of f.suggestions) {
        const item = document.createElement("li");
        item.className = "empathy-lint-suggestion";
        item.textContent = suggestion;
        list.append(item);
      }
      tooltip.append(list);
    }
    if (f.fix) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "empathy-lint-fix";
      button.textContent = f.fix.replacement ? `Replace with “${f.fix.replacement}”` : "Remove";
      button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the box's focus
      button.addEventListener("click", () => applyFix(box, f));
      tooltip.append(button);
    }
    tooltip.style.left = `${x + scrollX + 8}px`;
    tooltip.style.top = `${y + scrollY + 14}px`;
    tooltip.hidden = false;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => { if (tooltip) tooltip.hidden = true; }, 400);
  }

  function applyFix(box, f) {
    const s = state(box);
    const { start, end } = f.fix.utf16;
    if (box instanceof HTMLTextAreaElement) {
      box.focus();
      box.setRangeText(f.fix.replacement, start, end, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      const range = empathyRange(s.pieces, start, end);
      if (!range) return;
      box.focus();
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      // The editor's own insert: its undo stack and change events see an edit, as typed.
      if (!document.execCommand("insertText", false, f.fix.replacement)) {
        range.deleteContents();
        range.insertNode(document.createTextNode(f.fix.replacement));
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    if (tooltip) tooltip.hidden = true;
    schedule(box);
  }

  // ---------------------------------------------------------------- wiring

  document.addEventListener("input", (event) => {
    const box = boxOf(event.target);
    if (box) schedule(box);
  }, true);
  document.addEventListener("focusin", (event) => {
    const box = boxOf(event.target);
    if (box && !states.has(box)) schedule(box);
  }, true);
  document.addEventListener("mousemove", (event) => {
    for (const [box] of states) {
      const rect = box.getBoundingClientRect();
      if (event.clientX < rect.left || event.clientX > rect.right || event.clientY < rect.top || event.clientY > rect.bottom) continue;
      const f = findingAt(box, event.clientX, event.clientY);
      if (f) showTooltip(box, f, event.clientX, event.clientY);
      else if (tooltip && !tooltip.hidden && !tooltip.contains(event.target)) hideSoon();
      return;
    }
  }, true);
  // Boxes that already hold a draft (a reply being edited) are checked at once.
  for (const box of adapter().replyBoxes()) {
    const { text } = empathyTextOf(box);
    if (text.trim()) schedule(box);
  }
})();
