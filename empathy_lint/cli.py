"""The `empathy-lint` command line.

`check` is the default command, so `empathy-lint draft.txt` and
`echo "..." | empathy-lint` both work. `rules`, `explain` and `--help` never
import spaCy: they only read the YAML rule packs.
"""
from __future__ import annotations

import difflib
import os
import sys
import textwrap
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .config import CHANNELS, KINDS, Config, split_selectors
from .errors import EmpathyLintError
from .rulebook import Rule, find_rule, load_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
STDIN_NAME = "<stdin>"


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2: how every user error ends."""
    click.echo(f"empathy-lint: error: {message}", err=True)
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

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/input/rule error.
    """


def _selectors(values: tuple[str, ...]) -> list[str]:
    return split_selectors(values)


@cli.command()
@click.argument("files", nargs=-1, metavar="[FILES]...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rules: codes, names, prefixes (EMP3) or families, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rules (same forms as --select; the more specific selector wins).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="warning",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--kind", type=click.Choice(KINDS), default="live", show_default=True,
              help="live: a reply to a customer who may be upset; canned: a reusable macro.")
@click.option("--channel", type=click.Choice(CHANNELS), default=None, help="Where the reply goes.")
@click.option("--customer", "customer_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="The customer message the reply answers: judges whether an apology and next steps are due.")
@click.option("--customer-text", default=None, metavar="TEXT", help="The customer message, inline.")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH",
              help="Extra rule pack (YAML file or directory); repeatable.")
@click.option("--stdin-filename", metavar="NAME", help="Name to show for text read from stdin.")
@click.option("--max-size", type=click.IntRange(min=1), default=10, show_default=True, metavar="MB",
              help="Refuse files larger than this many megabytes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Only the finding lines: no source, suggestions or summary.")
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
def check(files: tuple[str, ...], output_format: str, select: tuple[str, ...], ignore: tuple[str, ...],
          fail_on: str, kind: str, channel: str | None, customer_file: str | None,
          customer_text: str | None, rule_paths: tuple[str, ...],
          stdin_filename: str | None, max_size: int, output: str | None, quiet: bool,
          no_color: bool) -> None:
    """Check replies in FILES (directories are searched for .txt/.md) or stdin.

    \b
    With no FILES, or with -, the reply is read from stdin:
      echo "As I said, there's nothing we can do." | empathy-lint check -

    \b
    With the customer's message, apology and next steps are asked for only
    when the customer reports a problem:
      empathy-lint check --customer customer.txt reply.txt
    """
    from .report import FileReport

    try:
        config = Config(select=_selectors(select), ignore=_selectors(ignore), fail_on=fail_on,
                        rules=list(rule_paths), kind=kind, channel=channel)
        rules = config.active_rules()
        if customer_file and customer_text:
            raise EmpathyLintError("give --customer or --customer-text, not both")
        if customer_file:
            from .sources import read_source

            customer_text = read_source(Path(customer_file), max_size * 1024 * 1024)
        inputs, input_errors = _read_inputs(files, stdin_filename, max_size * 1024 * 1024)
    except EmpathyLintError as exc:
        fail(str(exc))
    for message in input_errors:
        click.echo(f"empathy-lint: error: {message}", err=True)

    reports: list[FileReport] = []
    if inputs:
        from .engine import Linter

        try:
            linter = Linter(config, rules)
        except EmpathyLintError as exc:
            fail(str(exc))
        from .engine import Context

        context = Context.for_reply(customer_text, kind, channel) if customer_text else None
        results = linter.lint_many((text, context) for _, text in inputs)
        reports = [FileReport(name, text, findings) for (name, text), findings in zip(inputs, results)]

    _emit(reports, output_format, output, quiet=quiet, no_color=no_color, rules=rules)
    if input_errors:
        sys.exit(EXIT_ERROR)
    failing = any(config.fails(f.severity) for r in reports for f in r.findings)
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def _read_inputs(files: tuple[str, ...], stdin_filename: str | None,
                 max_bytes: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(display name, text) for each input, plus one-line errors for unreadable ones."""
    from .sources import decode, expand_paths, read_source

    inputs: list[tuple[str, str]] = []
    errors: list[str] = []
    names = list(files) or ["-"]
    if "-" in names:
        if sys.stdin is None or sys.stdin.isatty():
            raise EmpathyLintError("no input: give FILES, or pipe a reply into stdin")
        inputs.append((stdin_filename or STDIN_NAME, decode(sys.stdin.buffer.read(), stdin_filename or STDIN_NAME)))
    for path in expand_paths(n for n in names if n != "-"):
        try:
            inputs.append((str(path), read_source(path, max_bytes)))
        except EmpathyLintError as exc:
            errors.append(str(exc))
    if not inputs and not errors:
        raise EmpathyLintError(f"no reply files (.txt, .md) found in {', '.join(names)}")
    return inputs, errors


def _emit(reports: list[Any], output_format: str, output: str | None, *, quiet: bool,
          no_color: bool, rules: list[Rule]) -> None:
    from .report import json as json_report, text as text_report

    if output_format == "json":
        rendered = json_report.render(reports)
    else:
        why = {rule.id: rule.summary for rule in rules}
        rendered = text_report.render(reports, why=why, quiet=quiet)
    if output:
        try:
            Path(output).write_text(click.unstyle(rendered), encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: cannot write report ({exc.strerror or exc})")
        return
    colour = False if (no_color or os.environ.get("NO_COLOR")) else None
    click.echo(rendered, nl=False, color=colour)


@cli.command("rules")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH", help="Include an extra rule pack.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_rules(rule_paths: tuple[str, ...], output_format: str) -> None:
    """List every rule: code, name, family, severity and kind."""
    try:
        rules = load_rules(rule_paths)
    except EmpathyLintError as exc:
        fail(str(exc))
    if output_format == "json":
        import json

        rows = [{"code": r.id, "name": r.name, "family": r.family, "severity": r.severity,
                 "kind": r.kind, "message": r.message} for r in rules]
        click.echo(json.dumps(rows, indent=2))
        return
    header = ("CODE", "NAME", "FAMILY", "SEVERITY", "KIND")
    rules = sorted(rules, key=lambda r: r.id)
    rows = [header] + [(r.id, r.name, r.family, r.severity, r.kind) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def _example_text(example: Any) -> str:
    if isinstance(example, dict):
        customer = f"  (customer: {example['customer']})" if example.get("customer") else ""
        return example["reply"] + customer
    return str(example)


@cli.command()
@click.argument("code")
@click.option("--rules", "rule_paths", multiple=True, metavar="PATH", help="Include an extra rule pack.")
def explain(code: str, rule_paths: tuple[str, ...]) -> None:
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
        click.style("Flagged" if rule.kind == "forbid" else "Flagged (missing)", bold=True),
        *[f"  - {_example_text(e)}" for e in rule.examples_flag],
        "",
        click.style("Fine", bold=True),
        *[f"  - {_example_text(e)}" for e in rule.examples_pass],
        "",
        click.style("Suggestions", bold=True),
        *[f"  - {s}" for s in rule.suggest],
    ]
    if rule.replace:
        out += ["", click.style("Automatic fix", bold=True)]
        out += [f'  - "{k}" -> "{v}"' if v else f'  - remove "{k}"' for k, v in rule.replace.items()]
    if rule.when:
        gates = ", ".join(f"{k}: {v}" for k, v in rule.when.items())
        out += ["", click.style("Runs when", bold=True), f"  {gates}"]
    out += ["", f"Defined in {rule.source}:{rule.line}"]
    click.echo("\n".join(out))


def main() -> None:
    """Console entry point: user errors exit 2 with one line, bugs exit 3."""
    try:
        cli.main(prog_name="empathy-lint")
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
        click.echo(f"empathy-lint: internal error: {type(exc).__name__}: {exc} "
                   "(set EMPATHY_LINT_DEBUG=1 for a traceback, and please report it)", err=True)
        sys.exit(EXIT_INTERNAL)
