// empathy-lint extension: the only part that talks to the local service.
// Content scripts run with the page's origin, so they ask this service worker, whose
// requests carry the extension's own origin (the one `empathy-lint serve` allows).
const DEFAULT_PORT = 7878;

async function servicePort() {
  const { port } = await chrome.storage.local.get({ port: DEFAULT_PORT });
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_PORT;
}

async function check(body) {
  const port = await servicePort();
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) return { ok: false, error: data.error || `HTTP ${response.status}` };
    return { ok: true, data };
  } catch (error) {
    return { ok: false, offline: true, error: String(error) };
  }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message && message.type === "empathy-lint:check") {
    check(message.body).then(sendResponse);
    return true; // the answer comes asynchronously
  }
  return false;
});
