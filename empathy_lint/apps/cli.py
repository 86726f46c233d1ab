"""The `empathy-lint` command line.

`check` is the default command, so `empathy-lint draft.txt` and
`echo "..." | empathy-lint` both work. `rules`, `explain` and `--help` never
import spaCy: they only read the YAML rule packs.
"""
from __future__ import annotations

import difflib
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable, NoReturn

import click

from empathy_lint import __version__
from empathy_lint.config import CHANNELS, KINDS, split_selectors
from empathy_lint.errors import EmpathyLintError
from empathy_lint.rulebook import Rule, find_rule, load_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def error_line(message: str) -> None:
    """`empathy-lint: error: ...` on stderr, control characters shown escaped."""
    from empathy_lint.write.report.text import escape

    click.echo(f"empathy-lint: error: {escape(message)}", err=True)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2: how every user error ends."""
    error_line(message)
    sys.exit(EXIT_ERROR)


class DefaultToCheck(click.Group):
    """A group whose default command is `check` (like `ruff`'s early days and `black`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            if sys.stdin is None or sys.stdin.isatty():
                click.echo(ctx.get_help())
                ctx.exit(EXIT_CLEAN)
            args = ["check"]
        elif args[0] not in self.commands and args[0] not in ("-h", "--help", "--version"):
            first = args[0]
            if not first.startswith("-") and first != "-" and not os.path.lexists(first):
                import difflib

                close = difflib.get_close_matches(first, list(self.commands), n=1, cutoff=0.75)
                if close:  # `empathy-lint chek .`: a typo of a command, not a missing file
                    raise click.UsageError(f"unknown command '{first}' (did you mean '{close[0]}'?)")
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="empathy-lint")
def cli() -> None:
    """Lint drafted customer-service replies for empathy before they go out.

    \b
    Flags missing acknowledgement, missing or non-apologies, defensive phrasing,
    missing next steps and missing follow-up, and suggests the phrases good
    support writing uses instead.

    \b
    Examples:
      empathy-lint check draft.txt            check one reply
      pbpaste | empathy-lint                  check a reply from stdin
      empathy-lint check macros/ --format json
      empathy-lint rules                      list every rule
      empathy-lint explain EMP301             why a rule matters, with examples
      empathy-lint serve                      the check for the browser extension

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/input/rule error.
    """


def _selectors(values: tuple[str, ...]) -> list[str] | None:
    return split_selectors(values) if values else None


FORMATS = ["text", "json", "sarif", "github", "junit"]


@cli.command()
@click.argument("files", nargs=-1, metavar="[FILES]...")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format: text for people; json, sarif, github, junit for tools.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules: codes, names, prefixes (EMP3) or families, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rules (same forms as --select; the more specific selector wins).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="Lowest severity that makes the exit code 1 [default: warning, or the config's].")
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Report only findings at or above this severity; `warning` hides what the "
                   "rules are unsure of [default: info, or the config's].")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="live: a reply to a customer who may be upset; canned: a reusable macro. "
                   "Overrides the config. Without either: canned for files found in a directory "
                   "and for a file named directly that holds several replies with no customer "
                   "message (a collection), live for stdin and other files named directly.")
@click.option("--default-kind", type=click.Choice(KINDS), default=None,
              help="The kind for files whose config names none, however they were found "
                   "(the pre-commit hook passes canned).")
@click.option("--channel", type=click.Choice(CHANNELS), default=None, help="Where the reply goes.")
@click.option("--customer", "customer_file", type=click.Path(dir_okay=False), multiple=True, metavar="FILE",
              help="The customer message the reply answers: judges whether an apology and next steps are due. "
                   "Repeat it for the conversation so far, oldest first: the last is the message answered. "
                   "'-' reads it from stdin, with the reply in a file.")
@click.option("--customer-text", multiple=True, metavar="TEXT",
              help="The customer message, inline (repeatable like --customer).")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH",
              help="Extra rule pack (YAML file or directory); repeatable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Use this config file instead of discovering .empathy-lint.yaml / pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Report only findings not in FILE; if FILE does not exist, write it and exit 0.")
@click.option("--update-baseline", is_flag=True, help="Rewrite the --baseline file with the current findings.")
@click.option("--fix", is_flag=True, help="Apply safe replacements in place (atomically), then report the rest.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option("--stdin-filename", metavar="NAME",
              help="Name (and so format and config) for text read from stdin, e.g. macros/refund.md.")
@click.option("--max-size", type=click.IntRange(min=1), default=10, show_default=True, metavar="MB",
              help="Refuse named files larger than this many megabytes (skipped with a notice in a "
                   "walk). Record exports (.jsonl, .csv, .tsv) have no file limit, only the per-reply one.")
@click.option("--force-exclude", is_flag=True,
              help="Skip files that are not replies (README, LICENSE, workflows...) or sit in hidden "
                   "folders (not .github) even when named on the command line, as a directory walk "
                   "does; a run left with nothing to check passes (the pre-commit hook passes it).")
@click.option("--encoding", default=None, metavar="CODEC",
              help="Read (and --fix writes) files in this codec instead of UTF-8/UTF-16; "
                   "CODEC:replace replaces undecodable bytes.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (0: every core). Default: every core from 2,000 replies "
                   "in the run, else 1. One large export is cut into pieces across them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of stdout (put in place when the run "
                   "ends; a failed run leaves the old file). Never a file the run reads: naming a "
                   "reply file, the baseline or the customer message is an error.")
@click.option("-q", "--quiet", is_flag=True, help="Only the finding lines: no source, suggestions or summary.")
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
def check(files: tuple[str, ...], output_format: str, select: tuple[str, ...], ignore: tuple[str, ...],
          fail_on: str | None, min_severity: str | None, kind: str | None, default_kind: str | None,
          channel: str | None, customer_file: tuple[str, ...],
          customer_text: tuple[str, ...], rule_paths: tuple[str, ...], config_file: str | None, isolated: bool,
          baseline: str | None, update_baseline: bool, fix: bool, show_diff: bool,
          stdin_filename: str | None, max_size: int, force_exclude: bool, encoding: str | None,
          jobs: int | None,
          output: str | None, quiet: bool, no_color: bool) -> None:
    """Check replies in FILES or stdin.

    \b
    FILES may be reply files (.txt .md .yaml .json .jsonl .ndjson .csv .tsv) or directories,
    which are searched for them (honouring .gitignore and the config's exclude).
    An email draft saved as .eml is read from its text body, and a draft with
    the customer's email quoted under it answers that email.
    With no FILES, or with -, the reply is read from stdin:
      echo "As I said, there's nothing we can do." | empathy-lint check -

    \b
    With the customer's message, apology and next steps are asked for only
    when the customer reports a problem:
      empathy-lint check --customer customer.txt reply.txt

    \b
    Settings come from the nearest .empathy-lint.yaml (or [tool.empathy-lint] in
    pyproject.toml) above each file; options given here win.
    """
    from empathy_lint.run.checking import CheckOptions, run_check

    options = CheckOptions(
        files=list(files), overrides={
            "select": _selectors(select), "ignore": _selectors(ignore), "fail_on": fail_on,
            "min_severity": min_severity, "kind": kind, "channel": channel, "rules": list(rule_paths) or None,
        },
        customer_file=customer_file, customer_text=customer_text, config_file=config_file,
        isolated=isolated, baseline=baseline, update_baseline=update_baseline, fix=fix,
        show_diff=show_diff, stdin_filename=stdin_filename, max_bytes=max_size * 1024 * 1024,
        encoding=encoding, jobs=jobs, force_exclude=force_exclude, default_kind=default_kind, output=output,
    )
    from empathy_lint.write.report.text import escape

    def notice(message: str) -> None:
        click.echo(f"empathy-lint: {escape(message)}", err=True)

    destination = _Destination(output, no_color)

    def make_writer(rules: list[Rule], fails: Callable[[str], bool]) -> Any:
        from importlib import import_module

        module = import_module(f"empathy_lint.write.report.{output_format}")
        return module.Writer(destination.open(), why={rule.id: rule.summary for rule in rules}, quiet=quiet,
                             rules=rules, version=__version__, fails=fails)

    try:
        outcome = run_check(options, make_writer, notice)
        destination.commit()
    except EmpathyLintError as exc:
        destination.discard()
        fail(str(exc))
    except BaseException:
        destination.discard()
        raise
    for message in outcome.errors:
        error_line(message)
    if show_diff:
        click.echo(outcome.diff, nl=False)
    elif outcome.stdin_fixed is not None:
        click.echo(outcome.stdin_fixed, nl=False)
    sys.exit(outcome.exit_code)


class _Destination:
    """Where a report is written as the run goes: the terminal (styled when it is one),
    or --output FILE, written under a temporary name and put in place only when the run
    completes, so a failed run never leaves half a report over the last one."""

    def __init__(self, output: str | None, no_color: bool) -> None:
        self.output = Path(output) if output else None
        self.colour = False if (no_color or os.environ.get("NO_COLOR")) else None
        self.handle: Any = None
        self.pending: list[str] = []
        self.size = 0

    def open(self) -> "_Destination":
        if self.output is not None:
            from empathy_lint.write.output_file import OutputFile

            try:
                self.handle = OutputFile(self.output)
            except OSError as exc:
                fail(f"{self.output}: cannot write report ({exc.strerror or exc})")
        return self

    def write(self, text: str) -> None:
        """Buffered: one terminal write per 64 KB, not one per finding."""
        self.pending.append(text)
        self.size += len(text)
        if self.size >= 65536:
            self.flush()

    def flush(self) -> None:
        text, self.pending, self.size = "".join(self.pending), [], 0
        if not text:
            return
        if self.handle is not None:
            try:  # (no escape character, no style to strip: click's scan of each chunk skipped)
                self.handle.write(click.unstyle(text) if "\x1b" in text else text)
            except OSError as exc:
                self.discard()
                fail(f"{self.output}: cannot write report ({exc.strerror or exc})")
        else:  # colour=True where there is nothing to strip: click would scan each chunk for it
            click.echo(text, nl=False, color=self.colour if "\x1b" in text else True)

    def commit(self) -> None:
        self.flush()
        if self.handle is not None:
            try:
                self.handle.commit()
            except OSError as exc:
                self.discard()
                fail(f"{self.output}: cannot write report ({exc.strerror or exc})")
            self.handle = None

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.discard()
        self.handle = None


STARTER_CONFIG = """\
# empathy-lint configuration. Found by walking up from each checked file; options on the
# command line win. Every key is optional. See `empathy-lint check --help` and README.

# Rules to run: codes (EMP201), names (missing-apology), prefixes (EMP3) or families
# (defensive). The most specific selector wins; `ignore` wins a tie.
# select: [ALL]
# ignore: [EMP603]

# Change a rule's severity (error, warning, info).
# severity:
#   missing-follow-up: info

# Lowest severity that makes the run fail: error, warning, info or never.
fail-on: warning

# Lowest severity reported at all: info shows what the rules are unsure of too;
# warning leaves it out (it never fails a run at fail-on: warning anyway).
# min-severity: info

# live: replies to customers; canned: reusable macros (asked for an apology only when
# their own words answer trouble). Default: canned for files found by walking a
# directory (or a file of several replies named directly), live for stdin and drafts
# named directly. channel: chat, email, sms or social.
kind: canned
# channel: email

# Your own rule packs, relative to this file.
# rules: [house-rules.yaml]

# Paths not to lint (globs, relative to this file); .gitignore is honoured too.
exclude: ["node_modules", "drafts/**"]
# Walks also skip files that are not replies (README, LICENSE, CONTRIBUTING, workflows,
# issue forms, package manifests: the list is in empathy-lint's not-replies.yaml).
# default-exclude: false   # lint them too

# Placeholder styles to mask (default: all of them).
# placeholders: [double-brace, percent-brace, single-brace, square-bracket, angle-bracket]

# How to find the reply in structured files.
# readers:
#   yaml_body: body        # key of the reply text in YAML macro files
#   json_body: body        # key of the reply text in JSON and JSONL exports
#   csv_body: reply        # column of the reply text in CSV exports
#   markdown_split: auto   # auto: one reply per heading section when a file has several

# Settings for some files only.
# overrides:
#   - files: ["social/**"]
#     channel: social
#   - files: ["internal/**"]
#     ignore: [missing-apology]
"""


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing .empathy-lint.yaml.")
@click.argument("directory", type=click.Path(file_okay=False), default=".")
def init(force: bool, directory: str) -> None:
    """Write a commented starter .empathy-lint.yaml in DIRECTORY."""
    target = Path(directory) / ".empathy-lint.yaml"
    if target.exists() and not force:
        fail(f"{target}: already exists (use --force to overwrite)")
    try:
        target.write_text(STARTER_CONFIG, encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: cannot write ({exc.strerror or exc})")
    click.echo(f"Wrote {target}")


@cli.command()
@click.argument("export", type=click.Path(dir_okay=False))
@click.option("--reply-column", metavar="NAME", help="Column with the agent's reply [auto: reply, body, text, ...].")
@click.option("--customer-column", metavar="NAME", help="Column with the customer's message [auto: customer, ...].")
@click.option("--agent-column", metavar="NAME", help="Column with the agent's name [auto: agent, author, ...].")
@click.option("--date-column", metavar="NAME", help="Column with the reply's date [auto: date, created_at, ...].")
@click.option("--id-column", metavar="NAME", help="Column with the ticket or reply id [auto: id, ticket_id].")
@click.option("--thread-column", metavar="NAME",
              help="Column naming the conversation, for joining an answer sent in parts (1/2, 2/2) "
                   "[auto: conversation_id, thread_id, ticket_id; else the id, else the customer message].")
@click.option("--no-join-parts", is_flag=True, help="Judge each part of an answer sent in parts on its own.")
@click.option("--url-column", metavar="NAME",
              help="Column with a link to the ticket, shown on each listed reply [auto: ticket_url, url, link].")
@click.option("--kind", type=click.Choice(KINDS), default="live", show_default=True)
@click.option("--channel", type=click.Choice(CHANNELS), default=None)
@click.option("--select", multiple=True, metavar="CODES")
@click.option("--ignore", multiple=True, metavar="CODES")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes; 0 for every core [default: every core for an export of "
                   "1 MB or more (about 2,000 replies), else 1].")
@click.option("--worst", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many of the worst replies the report shows.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the JSON summary here instead of stdout.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Write a self-contained HTML report (charts, per-agent table, worst replies).")
def audit(export: str, reply_column: str | None, customer_column: str | None, agent_column: str | None,
          date_column: str | None, id_column: str | None, thread_column: str | None, no_join_parts: bool,
          url_column: str | None, kind: str, channel: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], jobs: int | None, worst: int,
          json_path: str | None, html_path: str | None) -> None:
    """Score a whole ticket export (CSV, JSON Lines or JSON): rates per family, per rule, per week, per agent.

    \b
    Streams any size of export in constant memory and prints a JSON summary:
      empathy-lint audit tickets.csv --agent-column assignee --html report.html

    A JSONL row's list of earlier messages (thread, messages, comments) is read as its
    conversation; rows that are a whole conversation (no reply column) score each answer
    of the team, never the customer's words or internal notes.
    """
    import json

    from empathy_lint.apps.audit import Columns, run_audit
    from empathy_lint.run.checking import AUTO_PARALLEL_BYTES, AUTO_PARALLEL_REPLIES, refuse_report_over, worker_count
    from empathy_lint.config import Config
    from empathy_lint.write.report import html as html_report

    path = Path(export)
    written = None  # the report being written, for an error that names it
    try:
        if not path.is_file():
            raise EmpathyLintError(f"{path}: no such file")
        # A report written over the export would lose the tickets; two reports in one file, one of them.
        reports = [(option, name) for option, name in (("--json", json_path), ("--html", html_path)) if name]
        for option, name in reports:
            refuse_report_over(option, name, [(export, "is the export")])
        if len(reports) == 2 and Path(reports[0][1]).resolve() == Path(reports[1][1]).resolve():
            raise EmpathyLintError(f"--json and --html name the same file ({json_path}); give each its own")
        config = Config(select=split_selectors(select), ignore=split_selectors(ignore), kind=kind, channel=channel)
        config.active_rules()
        columns = Columns(reply_column, customer_column, agent_column, date_column, id_column, url_column,
                          thread_column)
        # A streamed export's replies are not counted before it is read: its size stands
        # in (a ticket row with its customer message is about half a kilobyte).
        jobs = worker_count(jobs, path.stat().st_size * AUTO_PARALLEL_REPLIES // AUTO_PARALLEL_BYTES)
        _say_if_unattributed(path)
        show_progress = sys.stderr.isatty()
        if show_progress:
            with click.progressbar(length=path.stat().st_size, label="Auditing", file=sys.stderr) as bar:
                result = run_audit(path, columns, config, n_process=jobs, keep_worst=worst, progress=bar.update,
                                   join=not no_join_parts)
        else:
            result = run_audit(path, columns, config, n_process=jobs, keep_worst=worst, join=not no_join_parts)
        summary = result.to_json()
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        from empathy_lint.write.output_file import write_output

        if json_path:
            written = json_path
            write_output(json_path, text)
        if html_path:
            written = html_path
            write_output(html_path, html_report.render(summary, title=f"{path.name}: {summary['replies']:,} replies"))
            click.echo(f"Wrote {html_path}", err=True)
    except EmpathyLintError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{written or 'report'}: cannot write report ({exc.strerror or exc})")
    if not json_path:
        click.echo(text, nl=False)
    if not summary["replies"] and not result.skipped:  # (a summary of zeros alone would look like a clean export)
        from empathy_lint.write.report.text import escape

        click.echo(f"empathy-lint: {escape(str(path))}: no answer of the team to score: the export holds none, "
                   "or only the customer's messages and internal notes", err=True)
    if result.skipped:  # the other rows were audited; the bad ones are errors all the same
        for message in result.skipped:
            error_line(message)
        sys.exit(EXIT_ERROR)


def _say_if_unattributed(path: Path) -> None:
    """Warn, as `check` does, when an export's rows share a ticket but do not say who wrote each."""
    from empathy_lint.read.sources.structured import EXPORT_HEAD, unattributed_notice
    from empathy_lint.write.report.text import escape

    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            head = handle.read(EXPORT_HEAD)
    except OSError:
        return  # (reading the export says what is wrong with it)
    notice = unattributed_notice(str(path), head)
    if notice:
        click.echo(f"empathy-lint: {escape(notice)}", err=True)


@cli.command()
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default; accepted for editor configs).")
@click.option("--tcp", metavar="HOST:PORT", default=None, help="Listen on a TCP port instead of stdio.")
def lsp(stdio: bool, tcp: str | None) -> None:
    """Run the language server for editors (diagnostics, quick fixes, hover).

    \b
    Editors start it over stdio; see the README for VS Code, Neovim, Helix and Emacs.
    Settings (initializationOptions or workspace/didChangeConfiguration):
      select, ignore, failOn, minSeverity, channel, kind, debounceMs, maxSizeKb
    """
    if tcp is not None:
        port = tcp.rpartition(":")[2]
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            fail(f"--tcp {tcp}: expected HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:2087)")
    from empathy_lint.apps.lsp import start

    try:
        start(tcp)
    except OSError as exc:
        fail(f"--tcp {tcp}: cannot listen ({exc.strerror or exc})")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True,
              help="Port on 127.0.0.1 (the service never listens beyond the loopback address).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Use this config file [default: the one found from the working directory].")
@click.option("--allow-origin", "origins", multiple=True, metavar="ORIGIN",
              help="Another browser origin to answer (repeatable; also `allow-origins:` in the config).")
def serve(port: int, config_file: str | None, origins: tuple[str, ...]) -> None:
    """Serve the check to the browser extension, on 127.0.0.1 only.

    \b
    The extension (editors/browser/) sends the draft in a helpdesk's reply box and
    underlines what this returns. The pipeline is built once; nothing is written.
      POST /v1/check  {"reply", "customer"?, "thread"?, "channel"?, "kind"?, "title"?}
      GET  /v1/rules, /healthz
    A request from any other web page's origin gets 403, a foreign Host 421.
    """
    import errno
    import socket

    from empathy_lint.apps.serve import serve as run_service

    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:  # a clear one-line error for a port in use, before the pipeline is built
        probe.bind(("127.0.0.1", port))
    except OSError as exc:
        reason = "already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        fail(f"127.0.0.1:{port}: cannot listen ({reason}); choose another --port")
    finally:
        probe.close()
    try:
        click.echo(f"empathy-lint {__version__} serving on http://127.0.0.1:{port} (Ctrl-C to stop)", err=True)
        run_service(port, config_file, list(origins))
    except EmpathyLintError as exc:
        fail(str(exc))


@cli.command("rules")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH", help="Include an extra rule pack.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_rules(rule_paths: tuple[str, ...], output_format: str) -> None:
    """List every rule: code, name, family, severity, the severity its findings are
    reported at once the fitted confidence has its say, and kind."""
    try:
        rules = load_rules(rule_paths)
    except EmpathyLintError as exc:
        fail(str(exc))
    from empathy_lint.engine.confidence import reported_severity

    if output_format == "json":
        import json

        from empathy_lint.apps.rule_listing import rule_data

        click.echo(json.dumps([rule_data(r) for r in rules], indent=2, ensure_ascii=False))
        return
    header = ("CODE", "NAME", "FAMILY", "SEVERITY", "REPORTED", "KIND")
    rules = sorted(rules, key=lambda r: r.id)
    rows = [header] + [(r.id, r.name, r.family, r.severity, reported_severity(r), r.kind) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


# What the "flagged" examples of each kind of rule show, in `explain`.
_FLAGGED_HEADINGS = {
    "forbid": "Flagged",
    "position": "Flagged (too late)",
    "repeated": "Flagged (when these replies are checked in one run)",
    "language": "Flagged (not written in English)",
    "directive": "Flagged (in a Markdown file)",
}


_FINE_HEADINGS = {
    "repeated": "Fine (when these replies are checked in one run)",
    "directive": "Fine (in a Markdown file)",
}


def _example_text(example: Any) -> str:
    if isinstance(example, dict):
        customer = f"  (customer: {example['customer']})" if example.get("customer") else ""
        return example["reply"] + customer
    return str(example)


def _item(text: str) -> str:
    """A list item of `explain`: an example of several lines (an email with its sign-off)
    keeps its later lines under its first, not at the margin."""
    first, *rest = text.split("\n")
    return "\n".join(["  - " + first, *(f"    {line}" if line else "" for line in rest)])


# How many examples of each kind `explain` shows unless asked for all: a rule's examples
# are its tests too, and some rules hold a hundred.
EXPLAIN_FLAGGED = 8
EXPLAIN_FINE = 5


def _why_first(examples: list[Any], why: str) -> list[Any]:
    """The flagged examples that say what the rule's `why` quotes ("you should have",
    "per our policy") first: a rule's list grows at its end with rarer forms, and the
    first few shown should be the ones the explanation is about. Otherwise in order."""
    quoted = [q.lower().strip(" .,") for q in re.findall(r'"([^"]{3,})"', why)]
    leads = [e for e in examples if any(q in _example_text(e).lower() for q in quoted)]
    return leads + [e for e in examples if e not in leads]


def _examples(examples: list[Any], shown: int | None) -> list[str]:
    """The first `shown` examples as list items (all with None), and how many are left."""
    items = [_item(_example_text(e)) for e in (examples if shown is None else examples[:shown])]
    left = len(examples) - len(items)
    if left:
        items.append(f"  ... and {left} more (--all)")
    return items


_LETTER_PARTS = {"name-line": "the writer's name alone on the reply's last line"}


def _profile_stand_ins(code: str) -> list[dict[str, Any]]:
    """The channel profiles' stand-ins for a rule (rules/context/channels.yaml), one
    entry per rule with the channels it stands in on."""
    from empathy_lint.rulebook import channel_profiles

    channels: dict[str, list[str]] = {}
    for channel, profile in channel_profiles().items():
        for other in (profile.get("satisfied_by") or {}).get(code, ()):
            channels.setdefault(other, []).append(channel)
    return [{"rule": other, "channel": names} for other, names in channels.items()]


def _stand_in(alternative: dict[str, Any], rules: list[Any]) -> str:
    """One `satisfied_by` entry as `explain` lists it: what else counts, and where."""
    if "letter" in alternative:
        what = _LETTER_PARTS.get(alternative["letter"], alternative["letter"])
    else:
        other = find_rule(rules, alternative["rule"])
        what = f"what {alternative['rule']}{' ' + other.name if other is not None else ''} looks for"
    channels = alternative.get("channel")
    return f"  - {what}" + (f", on {', '.join(channels)}" if channels else "")


@cli.command()
@click.argument("code")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH", help="Include an extra rule pack.")
@click.option("--all", "show_all", is_flag=True,
              help=f"Every example (by default the first {EXPLAIN_FLAGGED} flagged and {EXPLAIN_FINE} fine).")
def explain(code: str, rule_paths: tuple[str, ...], show_all: bool) -> None:
    """Explain a rule (by code or name): why it matters, examples and suggestions."""
    try:
        rules = load_rules(rule_paths)
    except EmpathyLintError as exc:
        fail(str(exc))
    rule = find_rule(rules, code)
    if rule is None:
        keys = [r.id for r in rules] + [r.name for r in rules]
        close = difflib.get_close_matches(code, keys, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see `empathy-lint rules`"
        fail(f"no rule {code!r}{hint}")
    wrap = lambda text: textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    out = [
        click.style(f"{rule.id} {rule.name}", bold=True) + f"  ({rule.family}, {rule.kind}, {rule.severity})",
        "",
        wrap(rule.message),
        "",
        click.style("Why it matters", bold=True),
        wrap(rule.why),
        "",
        click.style(_FLAGGED_HEADINGS.get(rule.kind, "Flagged (missing)"), bold=True),
        *_examples(_why_first(rule.examples_flag, rule.why), None if show_all else EXPLAIN_FLAGGED),
        "",
        click.style(_FINE_HEADINGS.get(rule.kind, "Fine"), bold=True),
        *_examples(rule.examples_pass, None if show_all else EXPLAIN_FINE),
        "",
        click.style("Suggestions", bold=True),
        *[_item(s) for s in rule.suggest],
    ]
    if rule.replace:
        out += ["", click.style("Automatic fix", bold=True)]
        out += [f'  - "{k}" -> "{v}"' if v else f'  - remove "{k}"' for k, v in rule.replace.items()]
    if rule.when:
        gates = ", ".join(f"{k}: {v}" for k, v in rule.when.items())
        out += ["", click.style("Runs when", bold=True), f"  {gates}"]
    stand_ins = [*rule.satisfied_by, *_profile_stand_ins(rule.id)]
    if stand_ins:
        out += ["", click.style("Also satisfied by", bold=True), *[_stand_in(alt, rules) for alt in stand_ins]]
    if rule.languages:
        out += ["", click.style("Also reads", bold=True),
                f"  replies in {', '.join(rule.languages)}, with patterns of their own"
                + (" (findings there are info: the customer's message is read in English)"
                   if rule.rests_on_customer else "")]
    sure = _how_sure(rule.id, rule.rests_on_customer)
    if sure:
        out += ["", click.style("How sure", bold=True), wrap(sure)]
    out += ["", f"Defined in {rule.source}:{rule.line}"]
    click.echo("\n".join(out))


def _how_sure(code: str, rests_on_customer: bool = False) -> str | None:
    """What the fitted confidence model (rules/context/confidence.yaml) makes of a rule's
    findings: whether they warn or are info, and on what evidence. So `explain` says
    the severity a user will see, not only the one the rule file names."""
    from empathy_lint.apps.rule_listing import assumed_problem_note
    from empathy_lint.engine.confidence import default_model

    model = default_model()
    figures = model.rules.get(code)
    if not figures:
        return None
    tune = figures.get("tune") or {}
    kept = " A severity your config sets for the rule is kept as set."
    if model.needs_facts(code):  # a require rule's fitted model, not a phrase rule's precision
        found = f"On labelled replies, {tune.get('right', 0):.0%} of its {tune.get('findings', 0)} findings were right."
        if model.never_warns(code):
            return (f"Reported at info: shown, never failing a run at the default --fail-on. {found} "
                    "That is short of the 90% a warning must show, at any confidence. Each finding's "
                    "confidence (JSON, SARIF, the editor's hover) says how likely a reader agrees." + kept)
        assumed = " " + assumed_problem_note("pass --customer") if rests_on_customer else ""
        return (f"Warns from a confidence of {figures['warn_at']:.2f}; under it, info. {found} "
                f"Of the {tune.get('warnings_cross_validated', 0)} that warned, "
                f"{tune.get('warning_precision_cross_validated', 0):.0%} were, on support "
                "teams held out of the fit." + assumed + kept)
    fired, right = tune.get("findings", 0), tune.get("right", 0)
    if model.never_warns(code):
        return (f"Reported at info: on labelled replies it was right {right} of the {fired} times it "
                "fired, too rarely to fail a run." + kept)
    return f"Keeps its severity: on labelled replies it was right {right} of the {fired} times it fired." + kept


def main() -> None:
    """Console entry point: user errors exit 2 with one line, bugs exit 3."""
    from empathy_lint.run import heap

    heap.OWN_PROCESS = True
    try:
        code = cli.main(prog_name="empathy-lint", standalone_mode=False)
    except click.UsageError as exc:
        # One line, as every other error: what is wrong and where to look.
        command = exc.ctx.command_path if exc.ctx is not None else "empathy-lint"
        click.echo(f"empathy-lint: error: {exc.format_message()} (see '{command} --help')", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.Abort:
        sys.exit(130)
    except EmpathyLintError as exc:
        fail(str(exc))
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_CLEAN)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug in empathy-lint, not the user's fault
        if os.environ.get("EMPATHY_LINT_DEBUG"):
            raise
        from empathy_lint.write.report.text import escape

        click.echo(f"empathy-lint: internal error: {type(exc).__name__}: {escape(str(exc))} "
                   "(set EMPATHY_LINT_DEBUG=1 for a traceback, and please report it)", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
