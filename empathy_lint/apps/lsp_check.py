"""The language server's document check, apart from the server: the worker process runs
it, and so does the server itself where no worker process can be had. Neither imports
the other (the server starts the worker; the worker never needs the server's classes).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from empathy_lint.errors import EmpathyLintError
from empathy_lint.findings import Finding
from empathy_lint.rulebook import Rule

log = logging.getLogger("empathy_lint.lsp")
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    """What `diagnostics` needs of a Config, small enough to send from the worker."""

    fail_on: str
    failing: frozenset[str]

    def fails(self, severity: str) -> bool:
        return severity in self.failing


def notice(message: str, severity: types.DiagnosticSeverity) -> types.Diagnostic:
    return types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                            message=message, severity=severity, source="empathy-lint")


def _kind(walked: tuple[str, ...] | None) -> str:
    """A document's kind by where it is: canned where a walk of a workspace folder finds
    it (`DocumentChecker.walked`), as `check .` in CI reads it; live elsewhere."""
    return "live" if walked is None else "canned"


class DocumentChecker:
    """Lints one document as the CLI would lint that file: its config resolved from its
    place, its reader chosen by its name. Log messages are kept for the caller to send."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] = {}
        self.max_bytes = DEFAULT_MAX_BYTES
        self.runner: Any = None
        self.rules: dict[str, Rule] = {}
        self.pending_logs: list[tuple[types.MessageType, str]] = []
        # The editor's workspace folders: a file inside one is judged as `check` judges
        # the files its walk of the repository finds (canned macros, unless the config
        # or the file says otherwise), so the editor and CI agree.
        self.roots: list[str] = []

    def warm_up(self, linter: bool = True) -> None:
        """Load the default rules (and with `linter`, the pipeline and compiled rules)."""
        from empathy_lint.config import Config

        self.rules = {r.id: r for r in Config().active_rules()}
        if linter:
            self._runner()

    def _runner(self) -> Any:
        """The runner (pipeline and compiled rules), built on first use."""
        if self.runner is None:
            from empathy_lint.config import Config
            from empathy_lint.run.runner import Runner

            self.runner = Runner()
            self.runner.linter(Config())
        return self.runner

    def log(self, level: types.MessageType, message: str) -> None:
        self.pending_logs.append((level, message))

    def walked(self, path: Path) -> tuple[str, ...] | None:
        """The path's parts from the workspace folder whose walk (as `check .` in CI)
        would find the file, or None for a draft elsewhere or an untitled buffer. The
        walk passes over hidden files and folders, but not .github, where saved replies
        live (discovery.py)."""
        from empathy_lint.read.discovery import hidden_from_walk

        try:
            resolved = path.resolve()
        except OSError:
            return None
        for root in self.roots:
            base = Path(root).resolve()
            if base in resolved.parents:
                parts = resolved.relative_to(base).parts
                if not hidden_from_walk(parts):
                    return parts
        return None

    def default_kind(self, path: Path) -> str:
        """canned for a file a walk of a workspace folder would find, live otherwise."""
        return _kind(self.walked(path))

    def check(self, uri: str, text: str, settings: dict[str, Any], max_bytes: int,
              roots: list[str]) -> tuple[list[Finding], list[types.Diagnostic], Any, list[tuple[types.MessageType, str]]]:
        """lint_source with the editor's settings of the moment, and the log messages it
        left for the caller to send (the server's own, or the worker's to its parent)."""
        self.settings, self.max_bytes, self.roots, self.pending_logs = settings, max_bytes, list(roots), []
        findings, extra, config = self.lint_source(uri, text)
        logs, self.pending_logs = self.pending_logs, []
        return findings, extra, config, logs

    def fix_all(self, uri: str, text: str, settings: dict[str, Any], max_bytes: int, roots: list[str],
                ignored: frozenset[str] = frozenset()) -> tuple[str, int, list[tuple[types.MessageType, str]]]:
        """The document with every safe fix applied, round after round as `check --fix`
        does (each round verified by reading the text back, safefix.py): (text, how many
        fixes, log messages). Rules the user ignores in this document are left alone."""
        from empathy_lint.run.checking import MAX_FIX_ROUNDS
        from empathy_lint.write.safefix import fix_text

        path = str(Path(to_fs_path(uri) or "untitled.txt"))
        count, logs = 0, []
        for _ in range(MAX_FIX_ROUNDS):
            findings, _extra, config, messages = self.check(uri, text, settings, max_bytes, roots)
            logs += messages
            fixes = [f.fix for f in findings if f.fix is not None and f.code not in ignored]
            if config is None or not fixes:
                break
            fixed = fix_text(path, text, fixes, config.readers)
            if fixed.text is None or fixed.text == text:
                break
            text, count = fixed.text, count + fixed.count
        return text, count, logs

    @staticmethod
    def skipped(path: Path, config: Any, walked: tuple[str, ...] | None) -> bool:
        """Does CI pass over this file? Then the editor shows nothing for it either: the
        config's `exclude` always (as for a file named to `check`), and in a workspace
        (`walked`: the file's parts from the folder a walk finds it in) the files that are
        not replies (README, LICENSE, workflows: rules/context/not-replies.yaml, matched
        from the workspace folder) unless the config reads them."""
        from empathy_lint.read.discovery import not_a_reply

        if not path.is_absolute():
            return False  # an untitled buffer
        if config.excludes(path):
            return True
        return walked is not None and config.default_exclude and not_a_reply(walked)

    def lint_source(self, uri: str, text: str) -> tuple[list[Finding], list[types.Diagnostic], Any]:
        """Findings, extra diagnostics (errors) and the Config used, for one document; never raises."""
        from empathy_lint.read.sources import load_document
        from empathy_lint.run.checking import CheckOptions, ConfigResolver
        from empathy_lint.run.runner import Job

        path = Path(to_fs_path(uri) or "untitled.txt")
        if len(text.encode("utf-8", "surrogatepass")) > self.max_bytes:
            return [], [notice(f"empathy-lint: document is over {self.max_bytes // 1024} KB; not linted "
                               "(raise maxSizeKb in the settings)", types.DiagnosticSeverity.Information)], None
        try:
            resolver = ConfigResolver(CheckOptions(files=[], overrides=self.settings))
            config = resolver.for_path(path)
            walked = self.walked(path)  # (once per check: every keystroke)
            if self.skipped(path, config, walked):
                return [], [], config
            kind = _kind(walked)
            document = load_document(str(path), text, config.readers)
            runner = self._runner()
            result = runner.run([Job(document, config, default_kind=kind, kind_by_content=kind == "live")])
            for rule in runner.linter(config).rules:
                self.rules.setdefault(rule.id, rule)
            return result.reports[0].findings, [], config
        except EmpathyLintError as exc:
            self.log(types.MessageType.Warning, str(exc))
            return [], [notice(str(exc), types.DiagnosticSeverity.Error)], None
        except Exception as exc:  # never take the editor's server down
            log.exception("lint failed")
            message = f"empathy-lint internal error: {type(exc).__name__}: {exc}"
            self.log(types.MessageType.Error, message)
            return [], [notice(message, types.DiagnosticSeverity.Error)], None
