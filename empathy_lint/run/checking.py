"""The `check` command's work, apart from the command line: inputs, config, lint, fix, baseline."""
from __future__ import annotations

import dataclasses
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from empathy_lint.write import baseline as baselines
from empathy_lint.config import Config, find_config_file, load_config
from empathy_lint.read.discovery import find_files, named_exclusion
from empathy_lint.engine.linter import MAX_REPLY_CHARS
from empathy_lint.errors import EmpathyLintError, InputError, TooLarge
from empathy_lint.write.fixes import Encoding, unified_diff, write_atomic
from empathy_lint.run.outlet import Outlet, pour
from empathy_lint.write.report import Collector, FileReport, Writer
from empathy_lint.rulebook import Rule
from empathy_lint.run.runner import Job, Linted, Runner, RunResult, lint_parallel
from empathy_lint.write.safefix import fix_text
from empathy_lint.read.sources import (Document, decode, is_record_export, load_document, read_source, record_runs,
                                       scan_export)
from empathy_lint.read.sources.conversation import join_messages, own_words
from empathy_lint.read.sources.structured import EXPORT_HEAD, holds_messages, no_answer_notice, unattributed_notice
from empathy_lint.read.sources.filetext import FileText

STDIN_NAME = "<stdin>"


@dataclass
class CheckOptions:
    files: list[str]
    overrides: dict[str, Any] = field(default_factory=dict)
    # The conversation's customer messages, oldest first (--customer/--customer-text, each
    # repeatable): the last is the one the reply answers, the others are read with it.
    customer_file: tuple[str, ...] | str | None = None
    customer_text: tuple[str, ...] | str | None = None
    config_file: str | None = None
    isolated: bool = False
    baseline: str | None = None
    update_baseline: bool = False
    fix: bool = False
    show_diff: bool = False
    stdin_filename: str | None = None
    max_bytes: int = 10 * 1024 * 1024
    encoding: str | None = None
    jobs: int | None = None  # worker processes; 0: every core; None: by the size of the run
    force_exclude: bool = False  # the not-replies list holds for named files too (pre-commit)
    default_kind: str | None = None  # kind when nothing else names one (else by how a file was found)
    output: str | None = None  # --output: never one of the files the run reads


@dataclass
class CheckOutcome:
    reports: list[FileReport] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0
    diff: str = ""
    stdin_fixed: str | None = None
    baseline_written: int | None = None
    baseline_known: int | None = None  # findings the baseline hid
    fails: Callable[[str], bool] = lambda severity: severity != "info"
    on_notice: Callable[[str], None] | None = None  # notices as they come, instead of `notices`

    def notice(self, message: str) -> None:
        """Something the user should know that is not a finding (a skipped file, a fix)."""
        if self.on_notice is not None:
            self.on_notice(message)
        else:
            self.notices.append(message)


class ConfigResolver:
    """The config for each path: discovered (cached per config file), CLI options on top."""

    def __init__(self, options: CheckOptions) -> None:
        self.overrides = options.overrides
        self.fixed = None
        if options.isolated:
            self.fixed = load_config(None, self.overrides)
        elif options.config_file:
            path = Path(options.config_file)
            if not path.is_file():
                raise EmpathyLintError(f"{path}: config file not found")
            self.fixed = load_config(path, self.overrides)
        self._cache: dict[Path | None, Config] = {}

    def for_directory(self, directory: Path) -> Config:
        if self.fixed is not None:
            return self.fixed
        source = find_config_file(directory.resolve())
        if source not in self._cache:
            config = load_config(source, self.overrides)
            config.active_rules()  # validate packs and selectors now: one error, exit 2
            self._cache[source] = config
        return self._cache[source]

    def for_path(self, path: Path) -> Config:
        return self.for_directory(path.parent).for_file(path)


# Records of an export read at a time: a piece for the workers, small enough that a
# million-row export never holds more than a few windows of replies (runner.WINDOW_REPLIES).
RUN_RECORDS = 500


def _customer_file(name: str, max_bytes: int | None) -> str:
    """A --customer file's text. A value that names no file but reads as a message (it
    has spaces) was meant for --customer-text: the error says so."""
    path = Path(name)
    if not path.exists() and " " in name.strip():
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise InputError(f"--customer {shown!r}: no such file (to give the message itself, use --customer-text)")
    return read_source(path, max_bytes)


def _piped(name: str, encoding: str | None, nothing: str) -> str:
    """What was piped into stdin, decoded; `nothing`, the error, when no pipe is there."""
    if sys.stdin is None or sys.stdin.isatty():
        raise EmpathyLintError(nothing)
    return decode(sys.stdin.buffer.read(), name, encoding)


def _customer_stdin(options: "CheckOptions") -> str:
    """`--customer -`: the customer's message piped into stdin."""
    text = _piped(STDIN_NAME, options.encoding,
                  "--customer -: nothing piped into stdin (pipe the customer's message in, or give its file)")
    if not text.strip():
        raise EmpathyLintError("--customer -: stdin was empty (pipe the customer's message in, or give its file)")
    return text


def _several(value: tuple[str, ...] | str | None) -> list[str]:
    """An option given any number of times, as a list (a plain string is one)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _read(path: Path, max_bytes: int | None, chosen: str | None) -> tuple[str, Encoding]:
    text = read_source(path, max_bytes, chosen)
    if chosen:
        return text, Encoding.named(chosen)
    if not path.is_file():  # a FIFO or device: opened again it would wait for a writer
        return text, Encoding("utf-8")
    with path.open("rb") as handle:
        encoding = Encoding.sniff(handle.read(4))
    return text, encoding


def _runs(path: Path, readers: dict[str, Any], chosen: str | None) -> tuple[Any, list, Encoding]:
    """A record export cut into runs of records. A UTF-8 one stays on disk (a FileText
    reads each run when it is linted): memory does not grow with the export. Another
    encoding is read whole, with its codec."""
    if not chosen:
        scanned = scan_export(path, readers, RUN_RECORDS)
        if scanned is not None:
            return scanned[0], scanned[1], Encoding("utf-8")
    text, encoding = _read(path, None, chosen)
    return text, record_runs(str(path), text, readers, RUN_RECORDS), encoding


LOSSLESS_HANDLERS = ("", "strict")


def _check_encoding(encoding: str) -> None:
    """--encoding CODEC[:HANDLER]: both must exist (a typo must not be silently ignored)."""
    import codecs

    codec, _, handler = encoding.partition(":")
    try:
        codecs.lookup(codec)
    except LookupError:
        raise EmpathyLintError(f"--encoding: unknown codec {codec!r}") from None
    if handler:
        try:
            codecs.lookup_error(handler)
        except LookupError:
            raise EmpathyLintError(f"--encoding: unknown error handler {handler!r} "
                                   "(use strict, replace or ignore)") from None


# Makes the report's writer from the active rules and the fail-on test (a format needs them).
WriterFactory = Callable[[list[Rule], Callable[[str], bool]], Writer]


def run_check(options: CheckOptions, make_writer: WriterFactory | None = None,
              on_notice: Callable[[str], None] | None = None) -> CheckOutcome:
    """Lint what `options` name. The report goes to the writer `make_writer(rules, fails)`
    gives, as the run goes (without one, it is kept in `outcome.reports`); notices go to
    `on_notice` as they come (without one, to `outcome.notices`)."""
    outcome = CheckOutcome(on_notice=on_notice)
    if options.update_baseline and not options.baseline:
        raise EmpathyLintError("--update-baseline needs --baseline FILE (the file to write)")
    if options.encoding:
        _check_encoding(options.encoding)
    if options.fix and options.encoding and options.encoding.partition(":")[2] not in LOSSLESS_HANDLERS:
        raise EmpathyLintError(
            f"--fix needs a lossless decoding: with --encoding {options.encoding} the bytes it "
            "replaced or dropped would be rewritten too; convert the file, or fix without the handler")
    configs = ConfigResolver(options)
    stdin_name = options.stdin_filename or STDIN_NAME
    base = configs.for_directory(Path(options.stdin_filename).parent if options.stdin_filename else Path.cwd())
    outcome.rules = base.active_rules()

    customer_files = _several(options.customer_file)
    messages = _several(options.customer_text)
    if customer_files and messages:
        raise EmpathyLintError("give --customer or --customer-text, not both")
    if customer_files:
        # A customer's email saved to a file carries the conversation it quotes: their
        # own words are what the detector reads. "-" reads it from stdin (`pbpaste |
        # empathy-lint check --customer - draft.txt`), once, and only when no reply does.
        if customer_files.count("-") > 1 or ("-" in customer_files and "-" in (options.files or ["-"])):
            raise EmpathyLintError("--customer -: stdin can hold one thing; name the reply's file "
                                   "(check --customer - draft.txt) and give the customer's message once")
        messages = [own_words(_customer_stdin(options) if name == "-" else _customer_file(name, options.max_bytes))
                    for name in customer_files]
    customer = messages[-1] if messages else None
    earlier = join_messages(messages[:-1])

    # Fingerprints name a file by its path from the baseline's folder, however the run
    # names it (`check macros`, `check $PWD/macros`, `cd macros && check .`).
    fingerprint_root = Path(options.baseline).resolve().parent if options.baseline else None

    def fingerprint_path(path: Path) -> str | None:
        if fingerprint_root is None:
            return None
        return Path(os.path.relpath(path.resolve(), fingerprint_root)).as_posix()

    names = options.files or ["-"]
    jobs: list[Job] = []
    paths: dict[int, tuple[Path, Encoding]] = {}
    passed_over: list[tuple[Path, str]] = []  # named files (stdin's name too) an exclusion skipped
    if "-" in names:
        text = _piped(stdin_name, options.encoding, "no input: give FILES, or pipe a reply into stdin")
        # An editor pipes the buffer with its name: a file CI passes over is not checked
        # here either (as ruff does with --stdin-filename), and --fix hands it back as it came.
        reason = options.stdin_filename and named_exclusion(
            Path(options.stdin_filename), base.excludes, lambda path: base.default_exclude, options.force_exclude)
        if reason:
            passed_over.append((Path(stdin_name), reason))
            if options.fix:
                outcome.stdin_fixed = text
        else:
            jobs.append(Job(load_document(stdin_name, text, base.readers), base.for_file(Path(stdin_name)),
                            customer, earlier=earlier))
    # The baseline file and the report often sit in the linted tree; they are ours, not
    # macro exports. The report must not replace a file the run reads.
    baseline_file = Path(options.baseline).resolve() if options.baseline else None
    output_file = Path(options.output).resolve() if options.output else None
    if options.baseline:
        refuse_report_over("--baseline", options.baseline, [(n, "is one of the files to check") for n in names if n != "-"],
                           consequence="the baseline must be a file of its own (e.g. .empathy-baseline.json)")
    if options.output:
        refuse_report_over("--output", options.output, [(n, "is one of the files to check") for n in names if n != "-"]
                           + [(options.baseline, "is the baseline")]
                           + [(name, "is the customer message") for name in customer_files])

    def excluded(path: Path) -> bool:
        resolved = path.resolve()
        if resolved == output_file:  # the last run's report is ours; a macro it would replace is not
            if not _looks_like_a_report(path):
                raise _report_over("--output", str(options.output), f"is a reply file found in {', '.join(names)}")
            return True
        return resolved == baseline_file or configs.for_path(path).excludes(path)

    found = find_files([n for n in names if n != "-"], excluded=excluded,
                       default_excluded=lambda path: configs.for_path(path).default_exclude,
                       force_exclude=options.force_exclude)
    for notice in found.notices:
        outcome.notice(notice)
    # A record export is linted a run of records at a time (read when linted), unless
    # it is to be fixed: a fix rewrites the file whole.
    streamed = not (options.fix or options.show_diff)
    pieces: list[tuple[int, Job]] = [(j, job) for j, job in enumerate(jobs)]
    streamed_files: set[int] = set()
    for path in found.files:
        config = configs.for_path(path)
        walked = path in found.walked
        default_kind = options.default_kind or ("canned" if walked else "live")
        # Named directly with no kind given: a draft, unless it is a collection (Job).
        by_content = not (options.default_kind or walked)
        try:
            # A record export (JSONL, CSV) is read record by record, each reply under the
            # per-reply limit: its file size is no reason to refuse it.
            record_export = is_record_export(path)
            limit = None if record_export else options.max_bytes
            if streamed and record_export:
                text, runs, encoding = _runs(path, config.readers, options.encoding)
                job = Job(Document(str(path), text), config, customer, default_kind=default_kind, earlier=earlier,
                          fingerprint_path=fingerprint_path(path), kind_by_content=by_content)
                pieces.extend((len(jobs), dataclasses.replace(job, records=run)) for run in runs)
                unattributed = unattributed_notice(str(path), text[:EXPORT_HEAD])
                if unattributed:
                    outcome.notice(unattributed)
                paths[len(jobs)] = (path, encoding)
                streamed_files.add(len(jobs))
                jobs.append(job)
                continue
            text, encoding = _read(path, limit, options.encoding)
            document = load_document(str(path), text, config.readers)
        except TooLarge as exc:
            # One export in a tree of macros must not stop the whole run (nor a staged
            # one the pre-commit hook, which lints as a walk would, was handed).
            if walked or options.force_exclude:
                outcome.notice(f"{exc}; skipped")
            else:
                outcome.errors.append(str(exc))
            continue
        except InputError as exc:
            outcome.errors.append(str(exc))
            continue
        longest = max((len(reply.text) for reply in document.replies), default=0)
        if longest > MAX_REPLY_CHARS and (walked or options.force_exclude):
            # A data file met in a walk (a blocklist under assets/) is not a reply: it is
            # skipped with a notice, and the run goes on.
            outcome.notice(f"{path}: skipped, a reply of {longest:,} characters (over the limit of "
                           f"{MAX_REPLY_CHARS:,}): a data file, not a reply")
            continue
        for notice in document.notices + reading_notices(document):
            outcome.notice(notice)
        outcome.errors.extend(document.errors)
        paths[len(jobs)] = (path, encoding)
        pieces.append((len(jobs), Job(document, config, customer, default_kind=default_kind, earlier=earlier,
                                      fingerprint_path=fingerprint_path(path), kind_by_content=by_content)))
        jobs.append(pieces[-1][1])
    passed_over += found.passed_over
    if not jobs and not outcome.errors:
        if not passed_over:
            raise EmpathyLintError(f"no reply files found in {', '.join(names)}")
        # Every file named was excluded on purpose: the pre-commit hook hands over whatever
        # a commit touched (a README alone has nothing to check, and must pass, as ruff
        # does under --force-exclude), an editor's run-on-save names an excluded draft (a
        # notice, as ESLint gives for an ignored file).
        outcome.notice("nothing to check: " + ", ".join(f"{path} is excluded ({why})" for path, why in passed_over))

    outcome.fails = base.fails
    writing_baseline = bool(options.baseline) and (options.update_baseline or not Path(options.baseline).exists())
    if writing_baseline and Path(options.baseline).exists():
        baselines.check_replaceable(Path(options.baseline))
    known = baselines.load(Path(options.baseline)) if options.baseline and not writing_baseline else None
    runner = Runner(fingerprints=bool(options.baseline))
    # What the command prints instead of a report: a diff, a fixed stdin, or nothing
    # while a baseline is written.
    reports_wanted = not (options.show_diff or writing_baseline or (options.fix and "-" in names))
    collector = Collector()
    writer: Writer | None = None
    if reports_wanted:
        writer = make_writer(outcome.rules, base.fails) if make_writer is not None else collector

    def fails_for(path: str) -> Callable[[str], bool]:
        return base.fails if path == STDIN_NAME else configs.for_path(Path(path)).fails

    outlet = Outlet(writer, fails_for, known, keep_keys=writing_baseline)
    if options.fix or options.show_diff:
        result = _fix(options, outcome, jobs, paths, runner.run_pieces(jobs, pieces), runner)
        parts = (Linted(j, r.findings, [result.fingerprints[id(f)] for f in r.findings], r.replies)
                 for j, r in enumerate(result.reports))
        pour(outlet, jobs, parts, set(), judged=True)
    else:
        processes = worker_count(options.jobs, sum(job.size for _, job in pieces))
        linted = lint_parallel(pieces, jobs, processes, runner) if processes > 1 else runner.lint_pieces(pieces)
        errors, empty = pour(outlet, jobs, linted, streamed_files)
        outcome.errors.extend(errors)
        for j in empty:
            if j in streamed_files:  # read when linted: the reader's verdict comes now
                for notice in reading_notices(jobs[j].document):
                    outcome.notice(notice)
    if writer is not None:
        writer.close(outlet.hidden)
    outcome.reports = collector.reports
    outcome.baseline_known = outlet.hidden
    if writing_baseline:
        path = Path(options.baseline)
        try:
            outcome.baseline_written = baselines.save(path, outlet.keys or [])
        except OSError as exc:
            raise EmpathyLintError(f"{path}: cannot write baseline ({exc.strerror or exc})") from None
        outcome.notice(f"wrote {path} with {outcome.baseline_written} finding(s); later runs report only new ones")
    if outcome.errors:
        outcome.exit_code = 2
    elif outcome.baseline_written is not None:
        outcome.exit_code = 0
    elif options.show_diff:
        outcome.exit_code = 1 if outcome.diff else 0
    else:
        outcome.exit_code = 1 if outlet.failing else 0
    return outcome


# A reply this long is a file the reader did not cut into its replies: the longest of the
# 1,514 labelled replies (tests/data) has 187 words.
LONG_REPLY_WORDS = 400
_COLLECTION_HINT = ("give each reply a heading, a **Title:** line or a '---- Name' line, "
                    "or set readers.markdown_split (h2, h3...) in .empathy-lint.yaml")
_READERS = {  # suffix -> (reader, what to change when it reads the file wrongly)
    ".md": ("markdown", _COLLECTION_HINT), ".markdown": ("markdown", _COLLECTION_HINT),
    ".txt": ("plain-text", "separate replies with '---- Name' lines"),
    ".yaml": ("YAML", "set readers.yaml_body to the key of the reply text"),
    ".yml": ("YAML", "set readers.yaml_body to the key of the reply text"),
    ".json": ("JSON", "set readers.json_body to the key of the reply text"),
    ".jsonl": ("JSONL", "set readers.json_body to the key of the reply text"),
    ".ndjson": ("JSONL", "set readers.json_body to the key of the reply text"),
    ".csv": ("CSV", "set readers.csv_body to the reply column"),
    ".tsv": ("TSV", "set readers.csv_body to the reply column"),
}


def _blank(text: Any) -> bool:
    """Nothing but white space (a FileText knows from its scan, without reading)."""
    return text.blank if isinstance(text, FileText) else not text.strip()


def reading_notices(document: Any) -> list[str]:
    """Say so when a file was read as one very long reply, or as none: the reader likely
    did not see how the file holds its replies, and every verdict on it would mislead."""
    reader = _READERS.get(Path(document.path).suffix.lower())
    if reader is None or document.errors or document.notices:
        return []
    name, change = reader
    if not document.replies and not _blank(document.text):
        if name in ("CSV", "TSV", "JSONL") and holds_messages(document.path, document.text[:EXPORT_HEAD]):
            return [no_answer_notice(document.path)]
        return [f"{document.path}: the {name} reader found no replies; {change}"]
    unattributed = unattributed_notice(document.path, document.text[:EXPORT_HEAD])
    if unattributed:
        return [unattributed]
    # (A reply over the engine's limit gets its error instead, which says to split it.)
    if len(document.replies) == 1 and len(document.replies[0].text) <= MAX_REPLY_CHARS:
        words = len(document.replies[0].text.split())
        if words > LONG_REPLY_WORDS:
            return [f"{document.path}: read as one reply of {words} words by the {name} reader; "
                    f"if it holds several replies, {change}"]
    return []


# From this many replies in one run, `check` uses every core unless --jobs says
# otherwise: below it, starting the workers costs more than they save (measured with
# benchmarks/parallel.py on 2 cores: see README "Performance").
AUTO_PARALLEL_REPLIES = 2000
# What that many replies weigh in an export with customer messages (`audit`, which streams
# its export, goes by the file's size).
AUTO_PARALLEL_BYTES = 1024 * 1024


REPORT_OVER = "the report would replace it. Write the report to another file"


def refuse_report_over(option: str, report: str, read: list[tuple[str | None, str]],
                       consequence: str = REPORT_OVER) -> None:
    """A report (`option` names it; a baseline too) written over a file the run reads
    would lose that file: an error before anything is read if it names one of `read`
    (name, what it is)."""
    target = Path(report).resolve()
    for name, what in read:
        if name and Path(name).resolve() == target:
            raise _report_over(option, report, what, consequence)


def _report_over(option: str, report: str, what: str, consequence: str = REPORT_OVER) -> EmpathyLintError:
    return EmpathyLintError(f"{option} {report}: {what}; {consequence}")


# How each report format begins (text, json, sarif, github, junit), or an empty file.
_REPORT_START = re.compile(
    r'\s*(?:$|\{\s*"version":\s*1,\s*"files"|\{\s*"\$schema":\s*"[^"]*sarif|::(?:error|warning|notice) '
    r'|<\?xml[^>]*>\s*<testsuites|No (?:new )?findings in |\S[^\n]*:\d+:\d+: [A-Z]+\d+ \[)')


def _looks_like_a_report(path: Path) -> bool:
    """Is this file (met in a walk, named by --output) a report an earlier run wrote?"""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return _REPORT_START.match(start) is not None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(jobs: int | None, replies: int) -> int:
    """--jobs N as given; 0 for every core; not given: every core for a large run, else 1."""
    if jobs is None:
        return available_cores() if replies >= AUTO_PARALLEL_REPLIES else 1
    return available_cores() if jobs == 0 else jobs


# Rounds of fixing a file: a fix can make another one possible ("simply As I said" loses
# "simply", and "As I said" opening the sentence can then become "To recap"), and of two
# overlapping fixes only one is applied per round. As ruff does, the fixed text is linted
# again and fixed again, until nothing is left to fix or this many rounds have run.
MAX_FIX_ROUNDS = 10


def _fix(options: CheckOptions, outcome: CheckOutcome, jobs: list[Job],
         paths: dict[int, tuple[Path, Encoding]], result: Any, runner: Runner) -> Any:
    """Apply (or diff) fixes, round after round, then lint the fixed texts again for the report.

    A fixed file must read back as the same replies with only the fixed spans changed
    (safefix.py), and must not have changed on disk since it was read; otherwise it is
    left alone with a notice. Nothing is written for a file that fails either test.
    """
    originals = {i: job.document for i, job in enumerate(jobs)}
    texts: dict[int, str] = {}   # each fixed file's text after the rounds so far
    counts: dict[int, int] = {}
    findings_of = {i: report.findings for i, report in enumerate(result.reports)}
    # Each fixed file's report on its latest linted text (the round that finds nothing
    # more to fix lints it anyway): the report after --fix, without linting it once more.
    latest: dict[int, FileReport] = {}
    fingerprints = dict(result.fingerprints)
    for round_number in range(MAX_FIX_ROUNDS):
        progressed = []
        for i, findings in findings_of.items():
            fixes = [f.fix for f in findings if f.fix is not None]
            if not fixes:
                continue
            job, before = jobs[i], texts.get(i, result.reports[i].text)
            fixed = fix_text(job.document.path, before, fixes, job.config.readers)
            if fixed.text is None:
                if round_number == 0:
                    outcome.notice(f"{result.reports[i].path}: not fixed: {fixed.reason}; fix it by hand")
                continue  # a later round's refusal keeps what the earlier rounds fixed
            if fixed.reason and round_number == 0:
                outcome.notice(f"{result.reports[i].path}: {fixed.reason}; fix those by hand")
            if fixed.text == before:
                continue
            texts[i], counts[i] = fixed.text, counts.get(i, 0) + fixed.count
            job.document = load_document(job.document.path, fixed.text, job.config.readers)
            progressed.append(i)
        if not progressed or round_number == MAX_FIX_ROUNDS - 1:
            break
        again = runner.run([jobs[i] for i in progressed])
        findings_of = {i: report.findings for i, report in zip(progressed, again.reports)}
        latest.update(zip(progressed, again.reports))
        fingerprints.update(again.fingerprints)
    diffs, kept = [], set()  # kept: the files whose fixed text stands (written, or stdin's)
    for i in sorted(texts):
        report, fixed = result.reports[i], texts[i]
        if options.show_diff:
            diffs.append(unified_diff(report.path, report.text, fixed))
        elif i not in paths:
            outcome.stdin_fixed = fixed
            kept.add(i)
        elif _write_fix(*paths[i], fixed, report.text, outcome):
            outcome.notice(f"{paths[i][0]}: fixed {counts[i]} finding{'s' if counts[i] > 1 else ''}")
            kept.add(i)
        if i not in kept:
            jobs[i].document = originals[i]  # nothing written: the report reads the file as it is
    outcome.diff = "".join(diffs)
    if options.fix and not texts and jobs and 0 not in paths:
        outcome.stdin_fixed = jobs[0].document.text  # stdin --fix echoes the text even when unchanged
    if not (texts and options.fix):
        return result
    unlinted = [i for i in sorted(kept) if i not in latest or latest[i].text != texts[i]]  # fixed in the last round
    if unlinted:
        again = runner.run([jobs[i] for i in unlinted])
        latest.update(zip(unlinted, again.reports))
        fingerprints.update(again.fingerprints)
    return RunResult([latest[i] if i in kept else report for i, report in enumerate(result.reports)], fingerprints,
                     list(result.errors))


def _write_fix(path: Path, encoding: Encoding, fixed: str, expected: str, outcome: CheckOutcome) -> bool:
    """Write a fixed file (atomically, only if it still holds `expected`); False, with the
    error or notice said, where it was not written."""
    try:
        if write_atomic(path, fixed, encoding, expected=expected):
            return True
        outcome.notice(f"{path}: not fixed: the file changed on disk while it was checked; run again")
    except OSError as exc:
        outcome.errors.append(f"{path}: cannot write fix ({exc.strerror or exc})")
    except UnicodeEncodeError as exc:  # the file's codec cannot hold the replacement
        outcome.errors.append(f"{path}: not fixed: {exc.object[exc.start:exc.end]!r} cannot be written "
                              f"in {encoding.codec}; fix it by hand")
    return False
