"""Write a file the user named (a report, a baseline, an audit page) as Unix tools do.

One rule for every file empathy-lint writes:
- a symlink is written through: its target gets the text, the link stays a link;
- a device, FIFO or socket is written to in place (`-o /dev/null` discards, `-o fifo`
  feeds its reader); it is never replaced by a regular file;
- a regular file is replaced atomically (a temporary file beside it, then a rename), so
  a failed run never leaves half a report; it keeps its permission bits, and its owner
  where the process may set them;
- a new file gets the permissions the umask gives (0644 under the usual 022), not a
  temporary file's 0600;
- a directory is an error.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import IO


class OutputError(OSError):
    """The path cannot take the output (a directory, a missing folder, no permission)."""


def keep_mode_and_owner(tmp: str | Path, target: Path, before: os.stat_result) -> None:
    """Give the temporary file that will replace `target` its permission bits, and its
    owner and group where the process may set them (else it belongs to whoever wrote it)."""
    shutil.copymode(target, tmp)
    try:
        os.chown(tmp, before.st_uid, before.st_gid)
    except (PermissionError, AttributeError):
        pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class OutputFile:
    """A text file being written; `commit()` puts it in place, `discard()` leaves no trace."""

    def __init__(self, path: str | Path, encoding: str = "utf-8") -> None:
        self.path = Path(path)
        self.tmp: str | None = None
        self.handle: IO[str]
        target = Path(os.path.realpath(self.path))  # a symlink is written through
        self.target = target
        try:
            status = target.stat()
        except FileNotFoundError:
            status = None
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror or str(exc)) from None
        if status is not None and stat.S_ISDIR(status.st_mode):
            raise OutputError(21, "is a directory")
        if status is not None and not stat.S_ISREG(status.st_mode):
            # A device, FIFO or socket: written in place, never replaced.
            self.handle = open(target, "w", encoding=encoding)  # noqa: SIM115
            self.before = None
            return
        self.before = status
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror or str(exc)) from None
        self.handle = os.fdopen(fd, "w", encoding=encoding)

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        """Close, and put a regular file in place with the mode it had (or the umask's)."""
        self.handle.close()
        if self.tmp is None:
            return
        try:
            if self.before is not None:
                keep_mode_and_owner(self.tmp, self.target, self.before)
            else:
                os.chmod(self.tmp, 0o666 & ~_umask())
            os.replace(self.tmp, self.target)
        except BaseException:
            self.discard()
            raise
        self.tmp = None

    def discard(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass
        if self.tmp is not None and os.path.exists(self.tmp):
            os.unlink(self.tmp)
        self.tmp = None


def write_output(path: str | Path, text: str) -> None:
    """Write `text` to the named path by the rules above, in one go."""
    out = OutputFile(path)
    try:
        out.write(text)
    except BaseException:
        out.discard()
        raise
    out.commit()
