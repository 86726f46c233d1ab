"""Lint documents: readers' replies through the engine, back to file positions.

This is what `check` and the language server share: per-file config, one Linter per
distinct rule set (pipeline and matchers built once), findings mapped from reply
offsets to file offsets, inline suppressions, min-severity and the baseline applied.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from empathy_lint.write.baseline import fingerprint
from empathy_lint.config import CHANNELS, KINDS, Config, chosen
from empathy_lint.engine import repeated
from empathy_lint.run import heap
from empathy_lint.engine.linter import MAX_REPLY_CHARS, Context, Linter
from empathy_lint.errors import InputError
from empathy_lint.findings import Finding, Fix, LineIndex, by_place, locate
from empathy_lint.write.report import FileReport
from empathy_lint.read.sources import Document, Reply, load_records
from empathy_lint.read.sources.filetext import FileText, directives_near
from empathy_lint.read.suppressions import apply as apply_suppressions, find_directives, scoped, stale

if TYPE_CHECKING:
    from empathy_lint.read.sources.structured import Records


@dataclass
class Job:
    """One document to lint with the config that applies to it."""

    document: Document
    config: Config
    customer: str | None = None
    # The conversation's earlier customer messages (--customer given more than once).
    earlier: str | None = None
    # The file's path as a baseline names it (from the baseline's folder); None: as given.
    fingerprint_path: str | None = None
    # The kind when neither the reply, its file's config nor the command line names one:
    # "canned" for files found by walking a directory (a macro collection), else "live".
    default_kind: str = "live"
    # A file named directly, with no kind named for it anywhere: read as a draft (live),
    # unless it holds several replies or is a record export; then it is a collection of
    # saved replies, and its replies that answer no customer message are canned.
    kind_by_content: bool = False
    # Only this run of an export's records, read when it is linted (document.replies
    # stays empty): a million-row export never holds its replies all at once.
    records: Records | None = None
    # A piece of a document cut for the workers (split_jobs): where its replies start
    # among the document's, and the record spans of all the document's replies, so an
    # inline `disable` in another piece's macro stays that macro's (not a file header).
    piece: tuple[int, list[tuple[int, int] | None]] | None = None

    @property
    def size(self) -> int:
        """How many replies (records, before a run is read) the job holds: its share of work."""
        return self.records.count if self.records is not None else len(self.document.replies)

    def read(self) -> Document:
        """The document with its replies: as given, or this run of records read now."""
        if self.records is None:
            return self.document
        return load_records(self.document.path, self.document.text, self.config.readers, self.records)


@dataclass
class RunResult:
    reports: list[FileReport] = field(default_factory=list)
    fingerprints: dict[int, str] = field(default_factory=dict)  # id(finding) -> fingerprint
    errors: list[str] = field(default_factory=list)  # bad records met while reading runs of exports


@dataclass
class Linted:
    """One piece of a file linted: findings at file offsets, suppressions applied, each
    with its baseline fingerprint; ready to be joined to the rest of its file."""

    file: int  # index of the file (its Job) in the run
    findings: list[Finding] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    replies: int = 0
    errors: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # file offsets of the directives that silenced a finding

    def join(self, other: "Linted") -> None:
        self.findings.extend(other.findings)
        self.fingerprints.extend(other.fingerprints)
        self.replies += other.replies
        self.errors.extend(other.errors)
        self.used |= other.used


# Replies linted together: enough for the pipeline's batches and for customer messages
# judged in one stream, few enough that a large export's replies, contexts and docs
# never pile up (they are dropped once their findings are made).
WINDOW_REPLIES = 2000


class Runner:
    """Keeps a Linter per rule set across calls (the language server lints many times)."""

    def __init__(self, fingerprints: bool = True) -> None:
        self._linters: dict[tuple, Linter] = {}
        self._file = _FileCache()
        # Each finding's baseline fingerprint, or "" when no baseline is read or written.
        self.fingerprints = fingerprints

    def linter(self, config: Config) -> Linter:
        key = config.key()
        if key not in self._linters:
            self._linters[key] = Linter(config)
            heap.settle()
        return self._linters[key]

    def run(self, jobs: Iterable[Job]) -> RunResult:
        """Lint the jobs; each file's findings depend on that file alone."""
        jobs = list(jobs)
        return self.run_pieces(jobs, list(enumerate(jobs)))

    def run_pieces(self, files: list[Job], pieces: Iterable[tuple[int, Job]]) -> RunResult:
        """Lint `pieces` ((index of its file in `files`, a job for part or all of it))
        and join them per file: the same report as linting each file whole."""
        return finish(files, self.lint_pieces(pieces))

    def lint_pieces(self, pieces: Iterable[tuple[int, Job]]) -> Iterator[Linted]:
        """Each piece linted, in order; pieces are read a window of replies at a time."""
        window: list[tuple[int, Job, Document]] = []
        size = 0
        for j, job in pieces:
            document = job.read()
            window.append((j, job, document))
            size += len(document.replies)
            if size >= WINDOW_REPLIES:
                yield from self._lint_window(window)
                window, size = [], 0
        if window:
            yield from self._lint_window(window)

    def _lint_window(self, window: list[tuple[int, Job, Document]]) -> Iterator[Linted]:
        per_reply: dict[tuple[int, int], list[Finding]] = {}
        groups: dict[tuple, list[tuple[tuple[int, int], Job, Reply]]] = defaultdict(list)
        for w, (_, job, document) in enumerate(window):
            if not document.replies:
                continue
            group = groups[job.config.key()]
            for r, reply in enumerate(document.replies):
                group.append(((w, r), job, reply))
        for items in groups.values():
            linter = self.linter(items[0][1].config)
            contexts = _contexts([(job, reply) for _, job, reply in items])
            stream = linter.lint_many(((reply.text, context, reply.masks)
                                       for (_, job, reply), context in zip(items, contexts)), openings=True, located=False)
            try:
                for (key, _, _), findings in zip(items, stream):
                    per_reply[key] = findings
            except InputError as exc:
                raise InputError(_which_reply([document for _, _, document in window], exc)) from None
        for w, (j, job, document) in enumerate(window):
            run = job.records
            linted = Linted(j, replies=len(document.replies), errors=list(document.errors) if run is not None else [])
            if not document.replies:
                yield linted
                continue
            if run is None:
                index, directives = self._file.get(document.text)
            else:  # the run's own text: its offsets and lines, moved to the file's below
                index = LineIndex(document.text)
                directives = directives_near(self._file.directives(job.document.text), run)
            if job.piece is None:
                scopes = scoped(directives, [reply.span for reply in document.replies])
            else:  # scoped over the whole document's records, then this piece's
                first, spans = job.piece
                scopes = scoped(directives, spans)[first:first + len(document.replies)]
            for r, reply in enumerate(document.replies):
                mapped = [_to_file(f, reply, document.text) for f in per_reply[(w, r)]]
                named = reply.baseline_name or reply.name
                # The readers made `disable` a list of codes (sources.base.disable_codes).
                for finding in apply_suppressions(locate(mapped, document.text, index), scopes[r],
                                                  reply.meta.get("disable"), linted.used,
                                                  run.start if run is not None else 0):
                    if not job.config.shows(finding.severity):
                        continue  # below min-severity: not reported, failing, fixed or in a baseline
                    linted.fingerprints.append(fingerprint(job.fingerprint_path or document.path, named, finding,
                                                           document.text)
                                               if self.fingerprints else "")
                    if run is not None:
                        _move(finding, run.start, run.index_line - 1)
                    linted.findings.append(finding)
            yield linted


class _FileCache:
    """What every piece of a file needs and is costly to find again: its line index and
    its suppression directives. Kept for the last file seen (pieces of a file come
    together), across calls: a worker is handed many pieces of the same export."""

    def __init__(self) -> None:
        self._text: Any = None  # held, so its identity cannot pass to another text
        self._value: tuple[LineIndex, list] | None = None
        self._directives: tuple[Any, list] | None = None

    def get(self, text: str) -> tuple[LineIndex, list]:
        if text is not self._text or self._value is None:
            self._text, self._value = text, (LineIndex(text), find_directives(text))
        return self._value

    def directives(self, text: Any) -> list:
        """The whole file's directives: found when it was scanned (a FileText), else now."""
        if isinstance(text, FileText):
            return text.directives
        if self._directives is None or self._directives[0] is not text:
            self._directives = (text, find_directives(text))
        return self._directives[1]


def _move(finding: Finding, offset: int, lines: int) -> None:
    """A finding made on a run's own text, moved to the file's offsets and lines."""
    finding.start += offset
    finding.end += offset
    finding.line += lines
    if finding.fix is not None:
        finding.fix = Fix(finding.fix.start + offset, finding.fix.end + offset, finding.fix.replacement)


def finish(files: list[Job], pieces: Iterable[Linted]) -> RunResult:
    """Join linted pieces per file, in order, and make each file's report."""
    merged = [Linted(j) for j in range(len(files))]
    for linted in pieces:
        merged[linted.file].join(linted)
    result = RunResult()
    for job, linted in zip(files, merged):
        result.fingerprints.update({id(f): key for f, key in zip(linted.findings, linted.fingerprints)})
        result.errors.extend(linted.errors)
        report = file_report(job, linted.findings, linted.replies, linted.used)
        result.fingerprints.update({id(f): file_fingerprint(job, f) for f in report.findings
                                    if id(f) not in result.fingerprints})
        result.reports.append(report)
    return result


def file_report(job: Job, findings: list[Finding], replies: int, used: set[int] | None = None) -> FileReport:
    """A whole file's report: its stock openings judged, its stale suppression
    directives reported (`used`: the offsets of those that silenced a finding), its
    findings in file order."""
    judge_openings(findings, job.document.text, job.config)
    if replies:
        findings.extend(stale_directives(job, used or set()))
    findings.sort(key=by_place)
    return FileReport(job.document.path, job.document.text, findings, replies)


def file_fingerprint(job: Job, finding: Finding) -> str:
    """The baseline fingerprint of a finding the whole file made (no reply of its own)."""
    return fingerprint(job.fingerprint_path or job.document.path, None, finding, job.document.text)


def stale_directives(job: Job, used: set[int]) -> list[Finding]:
    """EMP002's findings: the file's suppression directives that silenced nothing in
    this run or name no rule (when the rule is on for this file)."""
    text = job.document.text
    directives = text.directives if isinstance(text, FileText) else find_directives(text)
    if not directives:
        return []
    active = job.config.active_rules()
    rule = next((r for r in active if r.kind == "directive"), None)
    if rule is None:
        return []
    from empathy_lint.rulebook import load_rules

    findings = []
    for directive, problem in stale(directives, used, active, load_rules(job.config.rules)):
        finding = Finding(rule.id, rule.name, rule.family, rule.kind, rule.severity, f"{rule.message} ({problem})",
                          directive.start, directive.end, 0, 0, list(rule.suggest))
        findings.append(finding)
    return locate(findings, text, text.lines() if isinstance(text, FileText) else None)


def judge_openings(findings: list[Finding], text: str, config: Config) -> None:
    """Keep only the stock-opening candidates that enough replies of this file share.

    Judged per file, so a file's verdict is the same whether it is linted alone (a
    pre-commit hook on the staged files) or with the whole tree."""
    candidates = [(f, text) for f in findings if f.kind == "repeated"]
    if not candidates:
        return
    kept = repeated.confirm(candidates, {rule.id: rule for rule in config.active_rules()})
    findings[:] = [f for f in findings if f.kind != "repeated" or id(f) in kept]


def _contexts(items: list[tuple[Job, Reply]]) -> list[Context]:
    """Each reply's context: its own metadata, else its file's config, else the job's."""
    rows = []
    for job, reply in items:
        kind = chosen(reply.meta.get("kind"), KINDS, job.config.kind or _default_kind(job, reply))
        customer, earlier = _conversation(job, reply, kind)
        rows.append((customer, kind, chosen(reply.meta.get("channel"), CHANNELS, job.config.channel), reply.text,
                     earlier, _title(job, reply)))
    return Context.many(rows, canned_in_pass=True)


def _title(job: Job, reply: Reply) -> str | None:
    """What a macro's author called it: a chat tool's shortcut, its heading or title
    key, else, for a file that is one reply ("shipping-delay.txt"), the file's name. It
    says what the macro answers where its words do not (`canned_verdict`)."""
    shortcut = reply.meta.get("shortcut")
    if isinstance(shortcut, str) and shortcut:
        return shortcut
    if reply.name:
        return reply.name
    if job.records is None and len(job.document.replies) == 1:
        return PurePath(job.document.path).stem
    return None


def _conversation(job: Job, reply: Reply, kind: str) -> tuple[str | None, str | None]:
    """(the customer's message a reply answers, their earlier ones): the reply's own (a
    thread file's, an export row's), else the command line's (`--customer`), else the
    message an email draft quotes under it (a guess from its `>` lines, so it gives way,
    and only for a live reply: a macro answers no one email, and its `>` lines are a
    note or an example set off, not a customer's words)."""
    meta = reply.meta
    if meta.get("customer"):
        return meta["customer"], meta.get("earlier")
    if job.customer:
        return job.customer, job.earlier
    if kind == "canned":
        return None, None
    return meta.get("quoted"), meta.get("quoted_earlier")


def _default_kind(job: Job, reply: Reply) -> str:
    """The job's default kind; a reply of a collection file named directly is canned
    (see Job.kind_by_content): a run of a record export, or a file of several replies."""
    if job.kind_by_content and not job.customer and not reply.meta.get("customer") \
            and (job.records is not None or len(job.document.replies) > 1):
        return "canned"
    return job.default_kind


def _to_file(finding: Finding, reply: Reply, file_text: str) -> Finding:
    """Move a finding from reply offsets to file offsets; keep a fix only if it maps cleanly."""
    start, end = reply.origin.to_source(finding.start, finding.end)
    finding.start, finding.end = start, end
    if finding.fix is not None:
        fix = finding.fix
        fs, fe = reply.origin.to_source(fix.start, fix.end)
        if file_text[fs:fe] == reply.text[fix.start:fix.end]:
            finding.fix = Fix(fs, fe, fix.replacement)
        else:
            finding.fix = None
    finding.reply = reply.name
    rid = reply.meta.get("id")
    finding.id = str(rid) if rid is not None else None
    return finding


def _which_reply(documents: list[Document], exc: InputError) -> str:
    """Name the file whose reply was refused (the engine does not know paths)."""
    for document in documents:
        if any(len(r.text) > MAX_REPLY_CHARS for r in document.replies):
            return f"{document.path}: {exc}"
    return str(exc)


# The pieces of a parallel run, set before the pool forks: workers read them from the
# memory they share with the parent (copy-on-write), so a 50 MB export is not pickled
# to each of them. Under "spawn" the pieces travel with the task instead.
_PIECES: list[tuple[int, Job]] = []
_RUNNER: Runner | None = None


def _lint_task(task: tuple[int, int] | list[tuple[int, Job]]) -> list[Linted]:
    """Worker side of run_parallel: its pieces linted (a run of records is read here,
    in the worker); stock openings are judged in the parent, over whole files."""
    global _RUNNER
    heap.OWN_PROCESS = True
    pieces = _PIECES[task[0]:task[1]] if isinstance(task, tuple) else task
    _RUNNER = _RUNNER or Runner()
    return list(_RUNNER.lint_pieces(pieces))


# A file with more replies than this is cut into pieces for the workers: below it, a
# piece costs more to hand over than to lint (measured: benchmarks/parallel.py).
PIECE_REPLIES = 500


def split_jobs(pieces: list[tuple[int, Job]], processes: int) -> list[tuple[int, Job]]:
    """Pieces for the workers: whole documents, and large ones (a JSON export of many
    replies) cut into runs of replies, so one big file still uses every worker. Runs of
    an export's records (Job.records) are pieces already."""
    total = sum(job.size for _, job in pieces)
    size = max(PIECE_REPLIES, -(-total // (processes * 4)))
    out: list[tuple[int, Job]] = []
    for j, job in pieces:
        replies = job.document.replies
        if job.records is not None or len(replies) <= size:
            out.append((j, job))
            continue
        spans = [reply.span for reply in replies]
        for k in range(0, len(replies), size):
            document = Document(job.document.path, job.document.text, replies[k:k + size])
            out.append((j, dataclasses.replace(job, document=document, piece=(k, spans))))
    return out


def run_parallel(files: list[Job], processes: int, runner: Runner | None = None,
                 pieces: list[tuple[int, Job]] | None = None) -> RunResult:
    """Lint documents across worker processes; the same result as Runner.run().

    `pieces` (index of the file, a job for part or all of it) default to the files
    whole; their findings are joined back per file, in order, and stock openings judged
    over the whole file.
    """
    return finish(files, lint_parallel(pieces if pieces is not None else list(enumerate(files)),
                                       files, processes, runner))


def lint_parallel(pieces: list[tuple[int, Job]], files: list[Job], processes: int,
                  runner: Runner | None = None) -> Iterator[Linted]:
    """Runner.lint_pieces across worker processes, in the same order.

    Large documents are cut further (split_jobs). Under fork, the workers inherit the
    parent's pipeline and compiled rules (built here first) and the pieces themselves.
    """
    import multiprocessing

    global _PIECES, _RUNNER
    runner = runner or Runner()
    pieces = split_jobs(pieces, processes)
    if processes <= 1 or len(pieces) < 2:
        yield from runner.lint_pieces(pieces)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    bounds = _task_bounds(pieces)
    if method == "fork":
        _RUNNER = runner
        for job in files:  # build each distinct linter once, before the fork
            _RUNNER.linter(job.config)
        _PIECES = pieces
        tasks: list[Any] = bounds
    else:
        tasks = [pieces[a:b] for a, b in bounds]
    # The heap frozen before forking: the workers inherit the pipeline and the pieces.
    try:
        with heap.frozen(before_fork=True), multiprocessing.get_context(method).Pool(processes) as pool:
            for batch in pool.imap(_lint_task, tasks):
                yield from batch
    finally:
        _PIECES = []


def _task_bounds(pieces: list[tuple[int, Job]]) -> list[tuple[int, int]]:
    """Consecutive pieces grouped into tasks of about PIECE_REPLIES replies: small enough
    that the workers end together (a task of an eighth of the export left one worker
    idle for seconds at the end) and the report is written as they go, large enough
    that a tree of small files is not handed over one file at a time."""
    bounds, start, size = [], 0, 0
    for i, (_, job) in enumerate(pieces):
        size += max(job.size, 1)
        if size >= PIECE_REPLIES:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(pieces):
        bounds.append((start, len(pieces)))
    return bounds


def lint_documents(documents: list[Document], config_for: Callable[[str], Config],
                   customer: str | None = None, runner: Runner | None = None) -> RunResult:
    """Convenience: lint documents, each with the config `config_for(path)` gives."""
    runner = runner or Runner()
    return runner.run(Job(d, config_for(d.path), customer) for d in documents)
