// Site adapters: where a page keeps the reply box and the customer's last message.
// A generic adapter works on any page (every textarea and contenteditable box, no
// customer message); a helpdesk adapter knows its markup. Add one per helpdesk.
"use strict";

const EMPATHY_ADAPTERS = [
  {
    // Zendesk agent workspace (markup as in tests/browser/zendesk-fixture.html, modelled
    // on its data-test-id attributes: check them against the live site before relying on it).
    name: "zendesk",
    matches: () => !!document.querySelector('[data-test-id="omnicomposer-rich-text-ckeditor"], [data-test-id="ticket-conversation"]'),
    replyBoxes: () => [...document.querySelectorAll('[data-test-id="omnicomposer-rich-text-ckeditor"] [contenteditable="true"], [data-test-id="omnicomposer-rich-text-ckeditor"][contenteditable="true"]')],
    customer: () => {
      const items = [...document.querySelectorAll('[data-test-id="omni-log-comment-item"][data-author-role="end-user"] [data-test-id="omni-log-message-content"]')];
      return items.length ? items[items.length - 1].innerText.trim() : null;
    },
    thread: () => [...document.querySelectorAll('[data-test-id="omni-log-comment-item"]')].slice(0, -1).map((item) => ({
      role: item.dataset.authorRole === "end-user" ? "customer" : "agent",
      text: (item.querySelector('[data-test-id="omni-log-message-content"]') || item).innerText.trim(),
    })),
  },
  {
    name: "generic",
    matches: () => true,
    replyBoxes: () => [...document.querySelectorAll('textarea, [contenteditable="true"], [contenteditable=""]')]
      .filter((el) => !el.closest('[contenteditable="true"] [contenteditable="true"]') && el.offsetParent !== null),
    // A page may mark the message being answered (a helpdesk app of a team's own).
    customer: () => {
      const marked = document.querySelector("[data-empathy-lint-customer]");
      return marked ? marked.innerText.trim() : null;
    },
    thread: () => [],
  },
];

function empathyAdapter() {
  return EMPATHY_ADAPTERS.find((adapter) => adapter.matches());
}
