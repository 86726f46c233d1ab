"""Lint documents: readers' replies through the engine, back to file positions.

This is what `check` and the language server share: per-file config, one Linter per
distinct rule set (pipeline and matchers built once), findings mapped from reply
offsets to file offsets, inline suppressions and the baseline applied.
"""
from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .baseline import fingerprint
from .config import CHANNELS, KINDS, Config, chosen
from . import heap, repeated
from .engine import Context, Linter
from .findings import Finding, Fix, LineIndex, locate
from .report import FileReport
from .sources import Document, Reply
from .suppressions import apply as apply_suppressions, find_directives, scoped


@dataclass
class Job:
    """One document to lint with the config that applies to it."""

    document: Document
    config: Config
    customer: str | None = None
    # The kind when neither the reply, its file's config nor the command line names one:
    # "canned" for files found by walking a directory (a macro collection), else "live".
    default_kind: str = "live"


@dataclass
class RunResult:
    reports: list[FileReport] = field(default_factory=list)
    fingerprints: dict[int, str] = field(default_factory=dict)  # id(finding) -> fingerprint


class Runner:
    """Keeps a Linter per rule set across calls (the language server lints many times)."""

    def __init__(self) -> None:
        self._linters: dict[tuple, Linter] = {}

    def linter(self, config: Config) -> Linter:
        key = config.key()
        if key not in self._linters:
            self._linters[key] = Linter(config)
            heap.settle()
        return self._linters[key]

    def run(self, jobs: Iterable[Job], judge: bool = True) -> RunResult:
        """Lint the jobs; each file's findings depend on that file alone. Without
        `judge`, stock-opening candidates are left for the caller to judge (a piece of a
        file cannot tell whether its openings are shared)."""
        jobs = list(jobs)
        result = RunResult()
        per_reply: dict[int, list[Finding]] = {}
        groups: dict[tuple, list[tuple[int, Job, Reply]]] = defaultdict(list)
        for j, job in enumerate(jobs):
            for r, reply in enumerate(job.document.replies):
                groups[job.config.key()].append(((j, r), job, reply))
        for items in groups.values():
            linter = self.linter(items[0][1].config)
            contexts = _contexts([(job, reply) for _, job, reply in items])
            stream = linter.lint_many(((reply.text, context, reply.masks)
                                       for (_, job, reply), context in zip(items, contexts)), openings=True)
            for ((j, r), job, reply), findings in zip(items, stream):
                per_reply[(j, r)] = findings
        for j, job in enumerate(jobs):
            document = job.document
            findings: list[Finding] = []
            directives = scoped(find_directives(document.text), [reply.span for reply in document.replies])
            index = LineIndex(document.text) if document.replies else None
            for r, reply in enumerate(document.replies):
                mapped = [_to_file(f, reply, document.text) for f in per_reply[(j, r)]]
                disabled = reply.meta.get("disable")
                disabled = [disabled] if isinstance(disabled, str) else disabled
                kept = apply_suppressions(locate(mapped, document.text, index), directives[r], disabled)
                for finding in kept:
                    result.fingerprints[id(finding)] = fingerprint(document.path, reply.name, finding, document.text)
                findings.extend(kept)
            result.reports.append(file_report(job, findings) if judge else
                                  FileReport(document.path, document.text, findings, len(document.replies)))
        return result


def file_report(job: Job, findings: list[Finding]) -> FileReport:
    """A whole file's report: its stock openings judged, its findings in file order."""
    judge_openings(findings, job.document.text, job.config)
    findings.sort(key=lambda f: (f.start, f.code))
    return FileReport(job.document.path, job.document.text, findings, len(job.document.replies))


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
    return Context.many([
        (reply.meta.get("customer") or job.customer,
         chosen(reply.meta.get("kind"), KINDS, job.config.kind or job.default_kind),
         chosen(reply.meta.get("channel"), CHANNELS, job.config.channel), reply.text)
        for job, reply in items])


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


# The pieces of a parallel run, set before the pool forks: workers read them from the
# memory they share with the parent (copy-on-write), so a 50 MB export is not pickled
# to each of them. Under "spawn" the pieces travel with the task instead.
_PIECES: list[Job] = []
_RUNNER: Runner | None = None


def _run_pieces(task: tuple[int, int] | list[Job]) -> tuple[list[FileReport], list[list[str]]]:
    """Worker side of run_parallel: fingerprints travel as lists (ids do not survive
    pickling); stock openings are judged in the parent, over whole files."""
    global _RUNNER
    heap.OWN_PROCESS = True
    pieces = _PIECES[task[0]:task[1]] if isinstance(task, tuple) else task
    _RUNNER = _RUNNER or Runner()
    result = _RUNNER.run(pieces, judge=False)
    return result.reports, [[result.fingerprints[id(f)] for f in r.findings] for r in result.reports]


# A file with more replies than this is cut into pieces for the workers: below it, a
# piece costs more to hand over than to lint (measured: benchmarks/parallel.py).
PIECE_REPLIES = 500


def split_jobs(jobs: list[Job], processes: int) -> list[tuple[int, Job]]:
    """(index of the job, a piece of it): whole documents, and large ones (an export of
    many replies) cut into runs of replies, so one big file still uses every worker."""
    total = sum(len(job.document.replies) for job in jobs)
    size = max(PIECE_REPLIES, -(-total // (processes * 4)))
    pieces: list[tuple[int, Job]] = []
    for j, job in enumerate(jobs):
        replies = job.document.replies
        if len(replies) <= size:
            pieces.append((j, job))
            continue
        for k in range(0, len(replies), size):
            document = Document(job.document.path, job.document.text, replies[k:k + size])
            pieces.append((j, dataclasses.replace(job, document=document)))
    return pieces


def run_parallel(jobs: list[Job], processes: int, runner: Runner | None = None) -> RunResult:
    """Lint documents across worker processes; the same result as Runner.run().

    Large documents are cut into pieces of replies; the pieces' findings are joined
    back per file, in order, and stock openings judged over the whole file. Under fork,
    the workers inherit the parent's pipeline and compiled rules (built here first).
    """
    import multiprocessing

    global _PIECES, _RUNNER
    pieces = split_jobs(jobs, processes)
    if processes <= 1 or len(pieces) < 2:
        return (runner or Runner()).run(jobs)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    size = max(1, -(-len(pieces) // (processes * 4)))
    bounds = [(i, min(i + size, len(pieces))) for i in range(0, len(pieces), size)]
    if method == "fork":
        _RUNNER = runner or Runner()
        for job in jobs:  # build each distinct linter once, before the fork
            _RUNNER.linter(job.config)
        _PIECES = [piece for _, piece in pieces]
        tasks: list[Any] = bounds
    else:
        tasks = [[piece for _, piece in pieces[a:b]] for a, b in bounds]
    merged: dict[int, list[Finding]] = {j: [] for j in range(len(jobs))}
    result = RunResult()
    # Freeze the heap before forking: a worker's collector would otherwise walk (and so
    # copy, page by page) every object it inherited, pipeline and pieces alike: that
    # made each worker 3-5x slower per reply than the parent.
    gc.freeze()
    try:
        with multiprocessing.get_context(method).Pool(processes) as pool:
            for (a, b), (reports, keys) in zip(bounds, pool.imap(_run_pieces, tasks)):
                for (j, _), report, report_keys in zip(pieces[a:b], reports, keys):
                    merged[j].extend(report.findings)
                    result.fingerprints.update({id(f): k for f, k in zip(report.findings, report_keys)})
    finally:
        _PIECES = []
        if not heap.OWN_PROCESS:
            gc.unfreeze()  # a library's host keeps its own collector
    result.reports = [file_report(job, merged[j]) for j, job in enumerate(jobs)]
    return result


def lint_documents(documents: list[Document], config_for: Callable[[str], Config],
                   customer: str | None = None, runner: Runner | None = None) -> RunResult:
    """Convenience: lint documents, each with the config `config_for(path)` gives."""
    runner = runner or Runner()
    return runner.run(Job(d, config_for(d.path), customer) for d in documents)
