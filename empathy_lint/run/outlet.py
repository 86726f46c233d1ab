"""Where findings leave a `check` run, file by file in file order.

The baseline hides the findings it knows, fail-on decides the exit code, and the
report writer gets the rest as they come. An export read in runs of records passes its
findings on run by run, so its report is written while it is still being linted and
none of it piles up; only what a whole file must judge (stock openings, shared by
enough of its replies) waits for the end of that file.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from empathy_lint.write.baseline import Known
from empathy_lint.findings import Finding, by_place
from empathy_lint.write.report import Writer
from empathy_lint.run.runner import Job, Linted, file_fingerprint, file_report


class Outlet:
    """The end of the run's pipe: baseline, fail-on and writer, one file at a time."""

    def __init__(self, writer: Writer | None, fails_for: Callable[[str], Callable[[str], bool]],
                 known: Counter | None = None, keep_keys: bool = False) -> None:
        self.writer = writer
        self.fails_for = fails_for
        self.known = Known(known) if known is not None else None
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
            if self.known is not None and self.known.excuses(key):
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

    @property
    def hidden(self) -> int | None:
        """Findings the baseline knew (None without a baseline to compare with)."""
        return self.known.hidden if self.known is not None else None


def pour(outlet: Outlet, files: list[Job], parts: Iterable[Linted], streamed: set[int],
         judged: bool = False) -> tuple[list[str], list[int]]:
    """Pass the linted pieces of `files` (in file order) through `outlet`. Returns the
    errors of bad records met on the way, and the files in which no reply was read.

    A file in `streamed` (an export read in runs) is passed on run by run: its runs
    cover the file in order, so each run's findings, sorted, follow the last. Its
    stock-opening candidates wait for the file's end, to be judged over all of it.
    Other files are passed on whole when they end, as `file_report` makes them (as
    they are with `judged`: a re-run after --fix gives them finished).
    """
    errors: list[str] = []
    empty: list[int] = []
    current = -1
    held = Linted(-1)

    def close_file() -> None:
        findings, keys = held.findings, held.fingerprints
        if not judged:
            key_of = {id(f): k for f, k in zip(findings, keys)}
            findings = file_report(files[current], findings, held.replies, held.used).findings
            keys = [key_of[id(f)] if id(f) in key_of else file_fingerprint(files[current], f) for f in findings]
        outlet.release(findings, keys)
        outlet.close(held.replies)
        if not held.replies:
            empty.append(current)

    def open_next() -> None:
        nonlocal current, held
        if current >= 0:
            close_file()
        current += 1
        if current < len(files):
            held = Linted(current)
            outlet.open(files[current].document.path, files[current].document.text)

    for linted in parts:
        while current < linted.file:
            open_next()
        errors.extend(linted.errors)
        if current not in streamed:
            held.join(linted)
            continue
        held.replies += linted.replies
        held.used |= linted.used
        now, later = [], []
        for pair in zip(linted.findings, linted.fingerprints):
            (later if pair[0].kind == "repeated" else now).append(pair)
        now.sort(key=lambda pair: by_place(pair[0]))
        outlet.release([f for f, _ in now], [k for _, k in now])
        held.findings.extend(f for f, _ in later)
        held.fingerprints.extend(k for _, k in later)
    while current < len(files):
        open_next()
    return errors, empty
