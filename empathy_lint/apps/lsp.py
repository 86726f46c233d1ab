"""`empathy-lint lsp`: a language server for any LSP editor (pygls 2.x, stdio or TCP).

Diagnostics on open and as you type, quick fixes (apply a replacement, insert a
suggested phrase, disable a rule), and hover explanations. Each document is linted
by the same runner as the CLI, with the config discovered from the document's path
plus the editor's settings. Nothing here may take the server down: a broken config
or document becomes one diagnostic and a log message.
"""
from __future__ import annotations

import asyncio
import bisect
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from empathy_lint import __version__
from empathy_lint.findings import Finding, LineIndex
from empathy_lint.write.quickfix import IGNORE_COMMAND
from empathy_lint.rulebook import Rule
from empathy_lint.apps.lsp_check import DEFAULT_MAX_BYTES, DocumentChecker, notice as _notice
from empathy_lint.apps.rule_listing import assumed_problem_note

log = logging.getLogger("empathy-lint.lsp")

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
SETTING_KEYS = {"select": "select", "ignore": "ignore", "failOn": "fail_on", "fail-on": "fail_on",
                "minSeverity": "min_severity", "min-severity": "min_severity",
                "channel": "channel", "kind": "kind"}
# Numeric settings and the values they accept.
NUMBER_SETTINGS = {"debounceMs": (0, 60_000), "maxSizeKb": (1, 1_048_576), "lintTimeoutMs": (0.001, 3_600_000)}
DEFAULT_DEBOUNCE = 0.15
# A document's check runs in a worker process with this budget; past it the worker is
# stopped (and a fresh one forked), so one pathological document cannot hold up the
# diagnostics of every other document. Setting: lintTimeoutMs.
DEFAULT_LINT_BUDGET = 10.0


@dataclass
class DocState:
    """One open document: its current text (kept by us, see `apply_change`), the last
    linted text with its findings, and lint scheduling (lint at once when idle,
    coalesce edits that arrive while a lint runs)."""

    source: str = ""
    version: int | None = None
    task: asyncio.Task | None = None
    dirty: bool = False
    findings: list[Finding] = field(default_factory=list)
    text: str = ""
    # Rules the user chose to ignore in this document (quick fix "Ignore ... in this
    # document"): kept here, so no directive is written into a draft a customer will read.
    ignored: set[str] = field(default_factory=set)

    def apply_changes(self, changes: list[Any], codec: Any) -> None:
        """Apply a didChange's content changes in order. A few are applied to the text;
        many ranged ones (a client replaying an edit history: thousands in one message)
        to a list of lines, so each costs the lines it touches, not the whole document."""
        ranged = 0
        for change in changes:
            ranged += getattr(change, "range", None) is not None
        if ranged <= _FEW_CHANGES:
            for change in changes:
                self.apply_change(change, codec)
            return
        lines = _split_lines(self.source)
        for change in changes:
            if getattr(change, "range", None) is None:
                lines = _split_lines(change.text)
                continue
            _splice(lines, change.range, change.text, codec)
        self.source = "".join(lines)

    def apply_change(self, change: Any, codec: Any) -> None:
        """Apply one content change.

        We keep our own copy rather than pygls's: pygls splits lines with
        str.splitlines(), which also breaks at U+0085, U+2028 and form feeds, while
        LSP positions count only \\n, \\r\\n and \\r. A reply containing one of those
        would drift out of sync with the editor.
        """
        if getattr(change, "range", None) is None:
            self.source = change.text
            return
        positions = Positions(self.source, codec)
        start, end = positions.offset(change.range.start), positions.offset(change.range.end)
        self.source = self.source[:start] + change.text + self.source[max(start, end):]


_FEW_CHANGES = 8
# A line with its break (\r\n, \r or \n: the breaks LSP counts), or the last line.
_LINE_WITH_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _split_lines(text: str) -> list[str]:
    """The text's lines, each with its break, as LSP counts them: one empty line for an
    empty text, and the empty last line after a final break."""
    lines = _LINE_WITH_BREAK.findall(text) or [""]
    if text.endswith(("\n", "\r")):
        lines.append("")
    return lines


def _column(line: str, units: int, codec: Any) -> int:
    """The character offset of a position's code unit within one line's text."""
    body = line.rstrip("\r\n")
    if body.isascii():
        return min(units, len(body))
    counted = 0
    for index, ch in enumerate(body):
        if counted >= units:
            return index
        counted += codec.client_num_units(ch)
    return len(body)


def _splice(lines: list[str], where: Any, text: str, codec: Any) -> None:
    """Replace a range of `lines` (each with its break) by `text`, in place."""
    last = len(lines) - 1
    first_line, end_line = min(where.start.line, last), min(where.end.line, last)
    if where.start.line > last:
        start_col = len(lines[last])
    else:
        start_col = _column(lines[first_line], where.start.character, codec)
    if where.end.line > last:
        end_line, end_col = last, len(lines[last])
    else:
        end_col = _column(lines[end_line], where.end.character, codec)
    if (end_line, end_col) < (first_line, start_col):
        end_line, end_col = first_line, start_col
    # The lines on either side are split again with it: a "\r" that now meets a "\n"
    # across the edit is one break, as in the text.
    low, high = max(first_line - 1, 0), min(end_line + 1, last)
    merged = ("".join(lines[low:first_line]) + lines[first_line][:start_col] + text
              + lines[end_line][end_col:] + "".join(lines[end_line + 1:high + 1]))
    pieces = _LINE_WITH_BREAK.findall(merged) or [""]
    if high == last and merged.endswith(("\n", "\r")):
        pieces.append("")
    lines[low:high + 1] = pieces


class _Answered:
    """Stands for a request already answered with an error: pygls drops it quietly."""

    jsonrpc = "answered"


class EmpathyProtocol(LanguageServerProtocol):
    """pygls's protocol, but a request whose params do not fit the LSP types gets the
    JSON-RPC error response the client waits for (-32602), instead of none at all."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], error=types.ResponseError(
                    code=JsonRpcInvalidParams.CODE, message=f"invalid params for {data['method']}"))
                return _Answered()
            raise


class EmpathyLanguageServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: pygls's incremental path rewrites a change's range in place while
        # applying it to its own copy (clamping columns to its splitlines() view of the
        # line), so the handler would see a corrupted range. We keep our own text (see
        # DocState.apply_change), which also applies ranged changes correctly when a
        # client sends them anyway. Replies are small; whole-text sync costs nothing.
        super().__init__("empathy-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full,
                         protocol_cls=EmpathyProtocol)
        self.settings: dict[str, Any] = {}
        self.states: dict[str, DocState] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="empathy-lint")
        self.checker = DocumentChecker()  # checks in this process, where no worker can be had
        self.rules: dict[str, Rule] = {}
        self.debounce = DEFAULT_DEBOUNCE
        self.max_bytes = DEFAULT_MAX_BYTES
        self.budget = DEFAULT_LINT_BUDGET
        self.pool: Any = None  # the worker process (see _worker_pool)
        self.use_worker = True

    # ------------------------------------------------------------ setup

    def warm_up(self, linter: bool = True) -> None:
        """Load the default rules (and with `linter`, the pipeline and compiled rules)
        once, before the first document arrives. A server whose checks run in the worker
        leaves the linter to the worker, which builds its own."""
        self.checker.warm_up(linter)
        self.rules.update(self.checker.rules)

    def _worker_pool(self) -> Any:
        """A one-process pool for checks, or None where it cannot be had (then a thread).

        The worker comes from a fork server that loaded the pipeline and rules once
        (lsp_worker), so a worker stopped for overrunning is replaced in milliseconds.
        Not a plain fork of this process: its reader thread holds stdin's lock, and a
        forked child that closes stdin would wait for that lock forever.
        """
        if self.pool is None and self.use_worker:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if "forkserver" not in multiprocessing.get_all_start_methods():
                self.use_worker = False
                return None
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["empathy_lint.apps.lsp_worker"])
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self.pool

    def start_worker(self) -> None:
        """Start the fork server and its worker now, before the editor's first document,
        so they load while the editor starts up."""
        pool = self._worker_pool()
        if pool is not None:
            from empathy_lint.apps.lsp_worker import ping

            pool.submit(ping)

    def _stop_worker(self) -> None:
        """Kill a worker that overran its budget; the next check forks a fresh one."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def _in_worker(self, pool: Any, name: str, args: tuple, overran: str) -> Any:
        """lsp_worker.<name>(*args) in the worker process within the time budget. A run
        that overruns has its worker stopped, `overran` logged and TimeoutError raised; a
        worker that died is stopped and its error re-raised. Either way the next call
        forks a fresh worker."""
        from empathy_lint.apps import lsp_worker

        job = asyncio.get_running_loop().run_in_executor(pool, getattr(lsp_worker, name), *args)
        try:
            return await asyncio.wait_for(job, self.budget)
        except asyncio.TimeoutError:
            self._stop_worker()
            self.log(types.MessageType.Warning, overran)
            raise
        except Exception:
            self._stop_worker()
            log.exception("worker failed in %s", name)
            raise

    async def check(self, uri: str, text: str) -> tuple[list[Finding], list[types.Diagnostic], Any]:
        """lint_source in the worker process within the time budget (a thread where
        processes cannot fork); a check that overruns is stopped and says so."""
        pool = self._worker_pool()
        if pool is None:
            return await asyncio.get_running_loop().run_in_executor(self.executor, self.lint_source, uri, text)
        overran = (f"empathy-lint: checking this document took over {self.budget:g} s and was stopped; "
                   "other documents are not affected (raise lintTimeoutMs in the settings)")
        try:
            findings, extra, verdict, rules, logs = await self._in_worker(
                pool, "check", (uri, text, self.settings, self.max_bytes, self.roots()), overran)
        except asyncio.TimeoutError:
            return [], [_notice(overran, types.DiagnosticSeverity.Warning)], None
        except Exception as exc:  # a worker that died: start over with a fresh one next time
            return [], [_notice(f"empathy-lint internal error: {type(exc).__name__}: {exc}",
                                types.DiagnosticSeverity.Error)], None
        for rule in rules:
            self.rules.setdefault(rule.id, rule)
        for level, message in logs:
            self.log(level, message)
        return findings, extra, verdict

    async def fix_all(self, uri: str, text: str, ignored: frozenset[str]) -> tuple[str, int] | None:
        """`text` with every safe fix applied (DocumentChecker.fix_all) in the worker, within
        the time budget; None when it overran or failed (the editor just gets no action)."""
        pool = self._worker_pool()
        args = (uri, text, self.settings, self.max_bytes, self.roots(), ignored)
        try:
            if pool is None:
                fixed, count, logs = await asyncio.get_running_loop().run_in_executor(
                    self.executor, self.checker.fix_all, *args)
            else:
                fixed, count, logs = await self._in_worker(
                    pool, "fix_all", args, f"empathy-lint: fixing all took over {self.budget:g} s and was stopped")
        except Exception:  # overran or failed (logged): the editor just gets no action
            if pool is None:
                log.exception("fix all failed")
            return None
        for level, message in logs:
            self.log(level, message)
        return fixed, count

    def apply_settings(self, raw: Any) -> None:
        """Take the editor's settings key by key: a bad value is reported and skipped,
        never a reason to drop the good ones or to stop linting."""
        if not isinstance(raw, dict):
            return
        raw = raw.get("empathy-lint", raw.get("empathyLint", raw))
        if not isinstance(raw, dict):
            self.log(types.MessageType.Warning, "empathy-lint: settings must be an object; ignored")
            return
        settings: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in raw.items():
            if value is None:
                continue
            if key in SETTING_KEYS:
                target = SETTING_KEYS[key]
                if target in ("select", "ignore"):
                    if isinstance(value, str):
                        value = [value]
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        problems.append(f"{key} must be a list of rule codes")
                        continue
                elif not isinstance(value, str):
                    problems.append(f"{key} must be a string")
                    continue
                settings[target] = value
            elif key in NUMBER_SETTINGS:
                low, high = NUMBER_SETTINGS[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                    problems.append(f"{key} must be a number from {low:g} to {high:g}")
                    continue
                if key == "debounceMs":
                    self.debounce = value / 1000
                elif key == "maxSizeKb":
                    self.max_bytes = int(value * 1024)
                else:
                    self.budget = value / 1000
            else:
                problems.append(f"unknown setting {key!r}")
        self.settings = settings
        for problem in problems:
            self.log(types.MessageType.Warning, f"empathy-lint: setting ignored: {problem}")

    # ------------------------------------------------------------ linting

    def roots(self) -> list[str]:
        """The workspace folders' paths (the root path for a client without folders)."""
        try:
            workspace = self.workspace
        except RuntimeError:  # before initialize
            return []
        folders = [to_fs_path(folder.uri) for folder in getattr(workspace, "folders", {}).values()]
        paths = [f for f in folders if f] or ([workspace.root_path] if getattr(workspace, "root_path", None) else [])
        return [str(p) for p in paths]

    def lint_source(self, uri: str, text: str) -> tuple[list[Finding], list[types.Diagnostic], Any]:
        """Findings, extra diagnostics (errors) and the Config used, for one document, in
        this process (where no worker can be had); never raises."""
        findings, extra, config, logs = self.checker.check(uri, text, self.settings, self.max_bytes, self.roots())
        self.rules.update(self.checker.rules)
        for level, message in logs:
            self.log(level, message)
        return findings, extra, config

    def log(self, level: types.MessageType, message: str) -> None:
        """A log message for the editor."""
        self.window_log_message(types.LogMessageParams(level, message))

    def diagnostics(self, text: str, findings: list[Finding], config: Any) -> list[types.Diagnostic]:
        """LSP diagnostics; findings below the config's fail-on are shown as hints."""
        positions = Positions(text, self.workspace.position_codec)
        out = []
        for f in findings:
            rule = self.rules.get(f.code)
            severity = SEVERITY[f.severity]
            if config is not None and config.fail_on != "never" and not config.fails(f.severity):
                severity = types.DiagnosticSeverity.Hint
            out.append(types.Diagnostic(
                range=positions.range(f.start, f.end),
                message=f.message + (f"  ({f.reply})" if f.reply else ""),
                severity=severity,
                code=f.code,
                code_description=types.CodeDescription(href=_rule_uri(rule)) if rule else None,
                source="empathy-lint",
                data={"name": f.name, "kind": f.kind, "family": f.family},
            ))
        return out

    def schedule(self, uri: str) -> None:
        """Lint now if idle; if a lint is running, lint once more when it ends (debounced)."""
        state = self.states.get(uri)
        if state is None:
            return
        if state.task is not None and not state.task.done():
            state.dirty = True
            return
        state.task = asyncio.ensure_future(self._lint_loop(uri, state))

    async def _lint_loop(self, uri: str, state: DocState) -> None:
        while True:
            state.dirty = False
            text, version = state.source, state.version
            findings, extra, config = await self.check(uri, text)
            if uri not in self.states:
                return  # closed while linting
            findings = [f for f in findings if f.code not in state.ignored]
            state.findings, state.text = findings, text
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=extra + self.diagnostics(text, findings, config)))
            if not state.dirty:
                return
            await asyncio.sleep(self.debounce)


def _rule_uri(rule: Rule) -> str:
    return Path(rule.source).resolve().as_uri() + f"#L{rule.line}"


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


class Positions:
    """Character offsets <-> LSP positions in the negotiated encoding (UTF-16 by default).

    An ASCII character is one code unit in every encoding, so each line keeps only where
    its other characters stand and the extra units they add (a table built once per
    line): a position is a bisection, not a count over the line's text, which a
    document with one long line and thousands of findings would make quadratic."""

    def __init__(self, text: str, codec: Any) -> None:
        self.index = LineIndex(text)
        self.codec = codec
        self._lines: dict[int, tuple[int, list[int], list[int]]] = {}

    def _line(self, line: int) -> tuple[int, list[int], list[int]]:
        """1-based `line`'s length (without its break), and where its non-ASCII
        characters stand with the extra units counted up to each."""
        table = self._lines.get(line)
        if table is None:
            text = self.index.line_text(line)
            columns, extra, total = [], [], 0
            for match in _NOT_ASCII.finditer(text):
                total += self.codec.client_num_units(match.group()) - 1
                columns.append(match.start())
                extra.append(total)
            table = self._lines[line] = (len(text), columns, extra)
        return table

    def _units(self, line: int, chars: int) -> int:
        """Code units of the first `chars` characters of 1-based `line` (at most all of it:
        an offset inside a CRLF break counts as the line's end)."""
        length, columns, extra = self._line(line)
        chars = min(chars, length)
        before = bisect.bisect_left(columns, chars)  # other characters among the first `chars`
        return chars + (extra[before - 1] if before else 0)

    def position(self, offset: int) -> types.Position:
        line, column = self.index.position(offset)
        return types.Position(line=line - 1, character=self._units(line, column - 1))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of the first character at or past the position's code unit."""
        if position.line >= len(self.index.starts):
            return len(self.index.text)
        line = position.line + 1
        low, high = 0, self._line(line)[0]
        while low < high:
            middle = (low + high) // 2
            if self._units(line, middle) >= position.character:
                high = middle
            else:
                low = middle + 1
        return self.index.offset(line, low + 1)


server = EmpathyLanguageServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: EmpathyLanguageServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)


# Document notifications are handled synchronously, so edits apply strictly in the
# order they arrive (async handlers would become tasks); linting is scheduled from them.

@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: EmpathyLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.states[item.uri] = DocState(source=item.text, version=item.version)
    ls.schedule(item.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: EmpathyLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    state = ls.states.get(params.text_document.uri)
    if state is None:
        return
    state.apply_changes(list(params.content_changes), ls.workspace.position_codec)
    state.version = params.text_document.version
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: EmpathyLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: EmpathyLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.states.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def _did_change_configuration(ls: EmpathyLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    ls.apply_settings(params.settings)
    for uri in list(ls.states):
        ls.schedule(uri)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: EmpathyLanguageServer, params: types.HoverParams) -> types.Hover | None:
    state = ls.states.get(params.text_document.uri)
    if not state or not state.findings:
        return None
    positions = Positions(state.text, ls.workspace.position_codec)
    offset = positions.offset(params.position)
    hits = [f for f in state.findings if f.start <= offset < max(f.end, f.start + 1)]
    if not hits:
        return None
    parts = []
    for f in hits:
        rule = ls.rules.get(f.code)
        lines = [f"**{f.code} {f.name}** ({f.severity}): {f.message}"]
        if rule:
            lines.append(f"\n{rule.why}")
        if f.confidence is not None:
            lines.append(f"\n{_confidence_note(f, rule)}")
        if f.suggestions:
            lines.append("\nTry instead:\n" + "\n".join(f"- {s}" for s in f.suggestions))
        if f.fix is not None:
            lines.append(f"\nQuick fix: replace with \"{f.fix.replacement}\"" if f.fix.replacement
                         else "\nQuick fix: remove the word")
        parts.append("\n".join(lines))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=positions.range(hits[0].start, hits[0].end),
    )


def _confidence_note(finding: Finding, rule: Rule | None) -> str:
    """How sure the finding is, and why it is only info when its rule would warn: an
    agent deciding whether to act should know how often readers agree."""
    note = f"Confidence {finding.confidence:.0%}: how likely a reader agrees (fitted on labelled replies)."
    if finding.severity == "info" and rule is not None and rule.severity != "info":
        note += f" Shown as info, not {rule.severity}: not sure enough to fail a check."
        if rule.rests_on_customer:
            note += " " + assumed_problem_note("add their message above a `--- reply ---` line as a "
                                               "`--- customer ---` part")
    return note


# "Fix all" as ruff's server offers it: every safe fix of the document in one edit, for
# an editor's fix-on-save ("editor.codeActionsOnSave": {"source.fixAll": "explicit"}).
FIX_ALL = "source.fixAll.empathy-lint"


def _wants(only: list[str] | None, kind: str) -> bool:
    """Does the request's `only` filter (LSP: a kind covers its sub-kinds) let `kind` in?"""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll,
                                               FIX_ALL]),
)
async def _code_action(ls: EmpathyLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    from empathy_lint.write.quickfix import actions_for

    uri = params.text_document.uri
    state = ls.states.get(uri)
    if not state or not state.findings:
        return []
    only = params.context.only
    positions = Positions(state.text, ls.workspace.position_codec)
    out = []
    if _wants(only, types.CodeActionKind.QuickFix):
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        wanted = {d.code for d in params.context.diagnostics if d.source == "empathy-lint"}
        findings = [f for f in state.findings
                    if (f.code in wanted or not wanted) and f.start <= end and start <= max(f.end, f.start)]
        diagnostics = {(d.code, d.range.start.line, d.range.start.character): d for d in params.context.diagnostics}
        for f in findings:
            pos = positions.position(f.start)
            diagnostic = diagnostics.get((f.code, pos.line, pos.character))
            rule = ls.rules.get(f.code)
            out.extend(actions_for(uri, state.text, f, positions, diagnostic, rule.anchor if rule else None))
    # Asked for by name (fix on save), or beside the quick fixes when there are two or
    # more to make: one fix alone is its own quick fix, and a cursor move should not
    # cost a round of linting for nothing.
    fixable = sum(1 for f in state.findings if f.fix is not None)
    if _wants(only, FIX_ALL) and (fixable >= 2 or (only is not None and fixable)) and state.text == state.source:
        fixed = await ls.fix_all(uri, state.text, frozenset(state.ignored))
        if fixed is not None and fixed[0] != state.text and ls.states.get(uri) is state and state.source == state.text:
            text, count = fixed
            whole = positions.range(0, len(state.text))
            out.append(types.CodeAction(
                title=f"Fix all empathy-lint findings with a safe fix ({count})", kind=FIX_ALL,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=text)]})))
    return out


@server.command(IGNORE_COMMAND)
def _ignore_in_document(ls: EmpathyLanguageServer, *args: Any) -> None:
    """Arguments: the document's uri and a rule code. Until the document is closed, that
    rule's findings are not shown in it."""
    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        # Invalid params (-32602), the client's mistake: not an internal error with a traceback.
        raise JsonRpcInvalidParams(f"{IGNORE_COMMAND} takes a document uri and a rule code")
    uri, code = args
    state = ls.states.get(uri)
    if state is not None:
        state.ignored.add(code)
        ls.schedule(uri)


# The largest message the server reads whole. Larger ones are read through and dropped
# (a document that size is far past maxSizeKb and would not be linted anyway).
MAX_FRAME_BYTES = 256 * 1024 * 1024


class ResyncingInput:
    """stdin for the server: a frame sent without its Content-Length header leaves its
    body glued to the next header line (`{...}Content-Length: 52`); pygls would then lose
    every later frame. The header is cut out of such a line, so the next frame is read."""

    HEADER = b"Content-Length:"

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def readline(self) -> bytes:
        line = self.stream.readline()
        at = line.find(self.HEADER)
        return line[at:] if at > 0 else line

    def read(self, size: int = -1) -> bytes:
        if size > MAX_FRAME_BYTES:
            # A Content-Length past any real document (99999999999): the frame is read
            # through and dropped a chunk at a time, never held, and the server goes on.
            left = size
            while left > 0:
                chunk = self.stream.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
            log.warning("dropped a message of %d bytes (over %d)", size, MAX_FRAME_BYTES)
            return b'{"jsonrpc": "2.0", "method": "$/empathy-lint/dropped", "params": {}}'
        return self.stream.read(size)


def start(tcp: str | None = None) -> None:
    """Run the server on stdio (or TCP, HOST:PORT) until the client exits."""
    logging.basicConfig(level=os.environ.get("EMPATHY_LINT_LOG", "WARNING"))
    # pygls keeps its own copy of each document and logs an ERROR for every ranged change
    # under full sync; we never read that copy (see DocState.apply_change), so its
    # complaint is noise in the editor's log.
    logging.getLogger("pygls.workspace.text_document").setLevel(logging.CRITICAL)
    server.start_worker()  # the worker loads the pipeline while the editor starts up
    server.warm_up(linter=server.pool is None)
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        import sys

        server.start_io(stdin=ResyncingInput(sys.stdin.buffer))
