"""Where findings leave a `check` run, file by file in file order.

The baseline hides the findings it knows, fail-on decides the exit code, and the
report writer gets the rest as they come. An export read in runs of records passes its
findings on run by run, so its report is written while it is still being linted and
none of it piles up; only what a whole file must judge (stock openings, shared by
enough of its replies) waits for the end of that file.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from . import baseline as baselines
from .findings import Finding
from .report import Writer
from .runner import Job, Linted, judge_openings


class Outlet:
    """The end of the run's pipe: baseline, fail-on and writer, one file at a time."""

    def __init__(self, writer: Writer | None, fails_for: Callable[[str], Callable[[str], bool]],
                 known: Counter | None = None, keep_keys: bool = False) -> None:
        self.writer = writer
        self.fails_for = fails_for
        self.left = Counter(known) if known is not None else None
        self.hidden = 0  # findings the baseline knew
        self.keys: list[str] | None = [] if keep_keys else None  # for a baseline to be written
        self.failing = False
        self._fails: Callable[[str], bool] = lambda severity: False

    def open(self, path: str, text: str) -> None:
        self._fails = self.fails_for(path)
        if self.writer is not None:
            self.writer.start_file(path, text)

    def release(self, findings: list[Finding], keys: list[str]) -> None:
        """Findings of the open file, in file order, with their fingerprints."""
        kept = []
        for finding, key in zip(findings, keys):
            if self.left is not None and self.left[key] > 0:
                self.left[key] -= 1
                self.hidden += 1
                continue
            if self.keys is not None:
                self.keys.append(key)
            kept.append(finding)
        self.failing = self.failing or any(self._fails(f.severity) for f in kept)
        if self.writer is not None and kept:
            self.writer.add(kept)

    def close(self, replies: int) -> None:
        if self.writer is not None:
            self.writer.end_file(replies)


def pour(outlet: Outlet, files: list[Job], parts: Iterable[Linted], streamed: set[int],
         judged: bool = False) -> list[str]:
    """Pass the linted pieces of `files` (in file order) through `outlet`; the errors
    of bad records met on the way are returned.

    A file in `streamed` (an export read in runs) is passed on run by run: its runs
    cover the file in order, so each run's findings, sorted, follow the last. Its
    stock-opening candidates wait for the file's end, to be judged over all of it.
    Other files are passed on whole when they end: judged, then sorted (`judged`: they
    are already, as a re-run after --fix gives them).
    """
    errors: list[str] = []
    current = -1
    held = Linted(-1)

    def close_file() -> None:
        job = files[current]
        if not judged:
            keys = {id(f): k for f, k in zip(held.findings, held.fingerprints)}
            judge_openings(held.findings, job.document.text, job.config)
            held.findings.sort(key=lambda f: (f.start, f.code))
            held.fingerprints[:] = [keys[id(f)] for f in held.findings]
        outlet.release(held.findings, held.fingerprints)
        outlet.close(held.replies)

    for linted in parts:
        while current < linted.file:
            if current >= 0:
                close_file()
            current += 1
            held = Linted(current)
            outlet.open(files[current].document.path, files[current].document.text)
        errors.extend(linted.errors)
        if current in streamed:
            held.replies += linted.replies
            now = sorted(((f, k) for f, k in zip(linted.findings, linted.fingerprints) if f.kind != "repeated"),
                         key=lambda pair: (pair[0].start, pair[0].code))
            outlet.release([f for f, _ in now], [k for _, k in now])
            held.join(Linted(current, [f for f in linted.findings if f.kind == "repeated"],
                             [k for f, k in zip(linted.findings, linted.fingerprints) if f.kind == "repeated"]))
        else:
            held.join(linted)
    while current < len(files):
        if current >= 0:
            close_file()
        current += 1
        if current < len(files):
            held = Linted(current)
            outlet.open(files[current].document.path, files[current].document.text)
    return errors
