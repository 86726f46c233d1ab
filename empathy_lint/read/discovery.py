"""Find reply files under the paths given on the command line.

Directories are walked for reply files (.txt .md .markdown .yaml .yml .json .jsonl .ndjson .csv .tsv),
skipping dot-directories (but not .github, where saved replies live), paths ignored by
.gitignore files met on the way, the config's `exclude` globs, and files a repository
holds that are not replies (rules/context/not-replies.yaml: workflows, issue forms,
README, LICENSE, manifests...). Files named explicitly are always taken unless excluded
by config (so a pre-commit hook honours `exclude`); with `force_exclude` the not-replies
list holds for them too. Symlinked directories are not followed,
so a symlink loop cannot trap the walk; anything in a walk that is not a regular file
(a FIFO, a device, a dangling symlink) is skipped with a notice, never opened.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pathspec

from empathy_lint.errors import InputError
from empathy_lint.read.sources import REPLY_SUFFIXES
from empathy_lint.read.sources.base import RTF_MAGIC

CONFIG_NAMES = (".empathy-lint.yaml", ".empathy-lint.yml")


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    walked: set[Path] = field(default_factory=set)  # files found by walking a directory
    # Named files an exclusion skipped, with which: "the config's exclude", "--force-exclude".
    passed_over: list[tuple[Path, str]] = field(default_factory=list)


class NotReplies:
    """The documented default exclude list: files of a repository that are not replies."""

    def __init__(self) -> None:
        from empathy_lint.rulebook import load_context

        data = load_context("not-replies.yaml") or {}
        patterns = [str(p).lower() for p in data.get("exclude", ())]
        self.dot_directories = frozenset(str(d).lower() for d in data.get("walk_dot_directories", ()))
        # A pattern with no slash names a file ("readme*"), never a directory: a
        # `security/` folder of canned replies is not the SECURITY policy.
        self.file_names = [p for p in patterns if "/" not in p]
        self.paths = pathspec.GitIgnoreSpec.from_lines([p for p in patterns if "/" in p])

    def matches(self, where: str, is_dir: bool = False) -> bool:
        """Is the file (or directory) at `where` on the list? `where` is its path from the
        walked directory with that directory's own name first (or from the file system's
        root), so `.github/...` patterns hold when a walk starts at `.github`."""
        where = where.lower()
        if self.paths.match_file(where + ("/" if is_dir else "")):
            return True
        name = where.rsplit("/", 1)[-1]
        return not is_dir and any(fnmatch.fnmatchcase(name, p) for p in self.file_names)


@functools.lru_cache(maxsize=1)
def not_replies() -> NotReplies:
    return NotReplies()


def walks_into(directory: str) -> bool:
    """Does a walk go into a directory of this name? Not a hidden one, unless saved
    replies live there (`walk_dot_directories`: .github)."""
    return not directory.startswith(".") or directory.lower() in not_replies().dot_directories


def hidden_from_walk(parts: tuple[str, ...]) -> bool:
    """Would a directory walk pass over the file at these path parts (from the walked
    directory down) for being hidden, or inside a directory it does not go into?"""
    *directories, name = parts or ("",)
    return name.startswith(".") or not all(map(walks_into, directories))


def _gitignore(directory: Path) -> pathspec.PathSpec | None:
    path = directory / ".gitignore"
    if not path.is_file():
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except (OSError, ValueError):
        return None


def _not_text(path: Path) -> str | None:
    """Why a walked file is no text to read ("binary file", "rich-text (RTF) document"),
    or None: what a file named on the command line is an error for (read/sources)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary file"
    return "rich-text (RTF) document" if head.startswith(RTF_MAGIC) else None


def _not_regular(path: Path) -> str | None:
    """Why a walked path is not a file to read, or None. A FIFO or device would block
    (or never end) when opened; a dangling or looping symlink cannot be read."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "broken symlink or symlink loop" if path.is_symlink() else "cannot be read"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device)"
    return None


def _leaves(path: Path, root: Path) -> str | None:
    """Why a symlink met in a walk is not followed: its target lies outside the walked
    folder (its text would be printed as context, and --fix would write through it)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if target == root or root in target.parents:
        return None
    return f"symlink to a file outside {root}"


def _walk(root: Path, excluded: Callable[[Path], bool], default_excluded: Callable[[Path], bool],
          found: Found) -> None:
    specs: list[tuple[Path, pathspec.PathSpec]] = []
    listed = not_replies()
    top = root.resolve().name
    prefix = f"{top}/" if top else ""  # the walked directory's own name, once
    resolved_root = root.resolve()
    for directory, dirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        spec = _gitignore(here)
        if spec:
            specs.append((here, spec))

        def ignored(path: Path, is_dir: bool) -> bool:
            for base, s in specs:
                try:
                    rel = path.relative_to(base).as_posix()
                except ValueError:
                    continue
                if s.match_file(rel + ("/" if is_dir else "")):
                    return True
            if excluded(path):
                return True
            return default_excluded(path) and listed.matches(prefix + path.relative_to(root).as_posix(), is_dir)

        dirs[:] = sorted(d for d in dirs if walks_into(d) and not ignored(here / d, True))
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or not name.lower().endswith(REPLY_SUFFIXES):
                continue
            kind = _not_regular(path) or _leaves(path, resolved_root)
            if kind:
                found.notices.append(f"{path}: skipped, {kind}")
                continue
            if ignored(path, False):
                continue
            kind = _not_text(path)
            if kind:
                found.notices.append(f"{path}: skipped, {kind}")
                continue
            found.files.append(path)
            found.walked.add(path)


def _from_here(path: Path) -> tuple[str, ...] | None:
    """The parts of a named file's path from the working directory (where the pre-commit
    hook and CI run), or None for a file outside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).parts
    except (OSError, ValueError):
        return None


def not_a_reply(parts: tuple[str, ...]) -> bool:
    """Is the file at these path parts (from the repository's root, or the walked
    directory) on the not-replies list? From the root, not from `/`: a clone under
    `/srv/vendor/` is not `vendor/`."""
    return not_replies().matches("/".join(parts))


def named_exclusion(path: Path, excluded: Callable[[Path], bool], default_excluded: Callable[[Path], bool],
                    force_exclude: bool) -> str | None:
    """Why a file named on the command line (or as --stdin-filename) is not checked, or
    None: the config's `exclude` always; with `force_exclude`, what a walk passes over
    (hidden folders, the files that are not replies)."""
    if excluded(path):
        return "the config's exclude"
    if not force_exclude:
        return None
    # As a walk of the working directory would see it: hidden or in a hidden folder
    # (`.changeset/`, `.gitlab/`; not `.github/`), or on the not-replies list. A file
    # outside the working directory is judged hidden by its name alone.
    here = _from_here(path)
    if hidden_from_walk(here or (path.name,)):
        return "--force-exclude"
    if default_excluded(path) and not_a_reply(here or path.resolve().parts[1:]):
        return "--force-exclude"
    return None


def find_files(paths: Iterable[str], excluded: Callable[[Path], bool] = lambda p: False,
               default_excluded: Callable[[Path], bool] = lambda p: True,
               force_exclude: bool = False) -> Found:
    """Reply files to lint, in a stable order, plus notices about what was skipped.

    `default_excluded(path)` says whether the not-replies list applies to a path (a
    config can turn it off); it applies to named files only with `force_exclude`.
    """
    found = Found()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, excluded, default_excluded, found)
        elif path.exists():
            reason = named_exclusion(path, excluded, default_excluded, force_exclude)
            if reason:
                found.passed_over.append((path, reason))
                continue
            found.files.append(path)
        elif path.is_symlink():
            raise InputError(f"{path}: broken symlink or symlink loop")
        else:
            raise InputError(f"{path}: no such file or directory")
    return found
