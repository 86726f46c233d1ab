"""`empathy-lint serve`: the pre-send check for the browser, on the loopback address only.

A small Starlette app run by uvicorn (both well kept, pure Python, ASGI): Starlette
gives routing, JSON and a test client without a framework's weight, and uvicorn binds
one loopback socket. The browser extension (editors/browser/) sends the draft in the
helpdesk's reply box; the answer is the findings `check --format json` gives for the
same draft, with offsets in UTF-16 code units as a browser counts them.

Web pages must not be able to use it: a request whose Origin is present and not on the
allow-list gets 403 (the extension's own origin, plus any the config adds), a Host other
than 127.0.0.1/localhost gets 421 (DNS rebinding), a body past the limit gets 413.
Requests without an Origin (scripts, curl, tests) are served. Nothing is written to disk.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from empathy_lint import __version__
from empathy_lint.config import CHANNELS, KINDS
from empathy_lint.errors import EmpathyLintError
from empathy_lint.findings import Finding
from empathy_lint.read.sources.thread import quoted_messages

DEFAULT_PORT = 7878
# The extension in editors/browser/ has a fixed ID (its manifest's `key`), so its origin
# is known in advance.
EXTENSION_ORIGIN = "chrome-extension://npoaoopnnihemhklmpanobafahjlfdkl"
MAX_BODY_BYTES = 256 * 1024  # a reply box, its customer message and a conversation
MAX_THREAD_MESSAGES = 50
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def utf16_offset(text: str, offset: int) -> int:
    """A code-point offset into `text` as a browser's string index (UTF-16 code units)."""
    head = text[:offset]
    return offset + sum(1 for ch in head if ord(ch) > 0xFFFF) if not head.isascii() else offset


def finding_json(finding: Finding, text: str) -> dict[str, Any]:
    """`check --format json`'s fields, plus `utf16` offsets of the span and of its fix."""
    data = finding.to_dict()
    data["utf16"] = {"start": utf16_offset(text, finding.start), "end": utf16_offset(text, finding.end)}
    if finding.fix is not None:
        data["fix"]["utf16"] = {"start": utf16_offset(text, finding.fix.start),
                                "end": utf16_offset(text, finding.fix.end)}
    return data


class BadRequest(Exception):
    """The request's JSON does not say what /v1/check needs."""


def _thread_text(thread: Any) -> str | None:
    """The earlier customer messages of a `thread` given as [{role, text}] (or strings)."""
    from empathy_lint.read.sources.conversation import customer_messages, join_messages

    if thread is None:
        return None
    if not isinstance(thread, list) or len(thread) > MAX_THREAD_MESSAGES:
        raise BadRequest(f"'thread' must be a list of at most {MAX_THREAD_MESSAGES} messages")
    messages = [m if isinstance(m, dict) else {"role": "customer", "text": m} for m in thread]
    if not all(isinstance(m.get("text", ""), str) for m in messages):
        raise BadRequest("each message of 'thread' needs a 'text' string")
    return join_messages(customer_messages(messages))


class Checker:
    """The pipeline and compiled rules, built once at start; one check at a time (the
    linter is not shared between threads), off the event loop."""

    def __init__(self, config_file: str | None = None) -> None:
        from empathy_lint.run.checking import CheckOptions, ConfigResolver
        from empathy_lint.run.runner import Runner

        self.config = ConfigResolver(CheckOptions(files=[], config_file=config_file)).for_directory(Path.cwd())
        self.rules = self.config.active_rules()
        self.rule_by_id = {rule.id: rule for rule in self.rules}
        self.runner = Runner()
        self.runner.linter(self.config)  # build now, not on the first request
        self.lock = threading.Lock()

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        from empathy_lint.engine.linter import Context

        reply = body.get("reply")
        if not isinstance(reply, str):
            raise BadRequest("'reply' (the draft) must be a string")
        customer = body.get("customer")
        if customer is not None and not isinstance(customer, str):
            raise BadRequest("'customer' must be a string")
        earlier = _thread_text(body.get("thread"))
        title = body.get("title")
        if title is not None and not isinstance(title, str):
            raise BadRequest("'title' (the macro's name) must be a string")
        kind, channel = body.get("kind"), body.get("channel")
        if kind is not None and kind not in KINDS:
            raise BadRequest(f"'kind' must be one of {', '.join(KINDS)}")
        if channel is not None and channel not in CHANNELS:
            raise BadRequest(f"'channel' must be one of {', '.join(CHANNELS)}")
        config = self.config
        kind = kind or config.kind or "live"
        if customer is None and kind == "live":
            # A composer that quotes the email it answers (Gmail's plain text, Outlook)
            # holds the customer's message, as a draft file does for `check`.
            customer, quoted_earlier = quoted_messages(reply)
            earlier = earlier or quoted_earlier
        with self.lock:
            linter = self.runner.linter(config)
            context = Context.for_reply(customer, kind, channel or config.channel, reply, earlier, title)
            findings = [f for f in linter.lint(reply, context) if config.shows(f.severity)]
        out = []
        for finding in findings:
            data = finding_json(finding, reply)
            rule = self.rule_by_id.get(finding.code)
            data["why"] = " ".join(rule.why.split()) if rule is not None and rule.why else None
            out.append(data)
        return {"version": 1, "findings": out, "fails": any(config.fails(f.severity) for f in findings)}

    def rules_json(self) -> list[dict[str, Any]]:
        from empathy_lint.apps.rule_listing import rule_data

        return [rule_data(r) for r in self.rules]


class Guard:
    """ASGI middleware: Host, Origin and body size, checked before any route runs."""

    def __init__(self, app: ASGIApp, origins: set[str], max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.origins, self.max_body = app, origins, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if hostname not in LOOPBACK_HOSTS:
            await _error(421, "misdirected request: this service answers only to 127.0.0.1 or localhost")(
                scope, receive, send)
            return
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            await _error(403, f"origin {origin} is not allowed (add it to allow-origins in the config)")(
                scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _error(413, f"request body over {self.max_body} bytes")(scope, receive, send)
            return
        # The body is read here, bounded, before any route sees it: a body sent in chunks
        # without a length cannot grow past the limit either.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _error(413, f"request body over {self.max_body} bytes")(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, _with_cors(send, origin))


def _with_cors(send: Send, origin: str | None) -> Send:
    """An allowed origin (the extension) gets the CORS header its fetch needs."""
    if origin is None:
        return send

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"access-control-allow-origin", origin.encode()),
                                  (b"vary", b"Origin")]
        await send(message)

    return wrapped


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def create_app(config_file: str | None = None, extra_origins: list[str] | None = None,
               max_body: int = MAX_BODY_BYTES) -> ASGIApp:
    """The service, its pipeline built now. Origins: the extension's, the config's, `extra_origins`."""
    checker = Checker(config_file)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True, "version": __version__})

    async def rules(request: Request) -> Response:
        return JSONResponse({"version": 1, "rules": checker.rules_json()})

    async def check(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            return _error(400, f"the body is not JSON ({exc})")
        if not isinstance(body, dict):
            return _error(400, "the body must be a JSON object with a 'reply'")
        try:
            return JSONResponse(await run_in_threadpool(checker.check, body))
        except BadRequest as exc:
            return _error(400, str(exc))
        except EmpathyLintError as exc:
            return _error(422, str(exc))

    async def preflight(request: Request) -> Response:
        return Response(status_code=204, headers={"access-control-allow-methods": "POST, GET",
                                                  "access-control-allow-headers": "content-type",
                                                  "access-control-max-age": "600"})

    app = Starlette(routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/check", preflight, methods=["OPTIONS"]),
    ])
    origins = {EXTENSION_ORIGIN, *checker.config.allow_origins, *(extra_origins or [])}
    return Guard(app, origins, max_body)


def serve(port: int = DEFAULT_PORT, config_file: str | None = None, extra_origins: list[str] | None = None) -> None:
    """Run the service on 127.0.0.1:`port` until interrupted."""
    import uvicorn

    app = create_app(config_file, extra_origins)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                server_header=False, proxy_headers=False)
