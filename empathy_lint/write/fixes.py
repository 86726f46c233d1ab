"""Apply safe replacements to files: atomically, keeping encoding, BOM and line endings."""
from __future__ import annotations

import codecs
import difflib
import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from empathy_lint.write.output_file import keep_mode_and_owner


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes became text, so the text can become the same bytes again."""

    codec: str
    bom: bytes = b""

    @classmethod
    def sniff(cls, data: bytes) -> "Encoding":
        if data.startswith(codecs.BOM_UTF32_LE):
            return cls("utf-32-le", codecs.BOM_UTF32_LE)
        if data.startswith(codecs.BOM_UTF32_BE):
            return cls("utf-32-be", codecs.BOM_UTF32_BE)
        if data.startswith(codecs.BOM_UTF8):
            return cls("utf-8", codecs.BOM_UTF8)
        if data.startswith(codecs.BOM_UTF16_LE):
            return cls("utf-16-le", codecs.BOM_UTF16_LE)
        if data.startswith(codecs.BOM_UTF16_BE):
            return cls("utf-16-be", codecs.BOM_UTF16_BE)
        return cls("utf-8")

    @classmethod
    def named(cls, encoding: str) -> "Encoding":
        """The codec the user chose with --encoding (":replace" only applies to reading)."""
        return cls(encoding.partition(":")[0])

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


def write_atomic(path: Path, text: str, encoding: Encoding, expected: str | None = None) -> bool:
    """Write via a temporary file in the same directory and rename over the original.

    A crash leaves either the old file or the new one, never half of each. A symlink is
    followed (the target is fixed, the link stays a link); the permission bits, and the
    owner and group where the process may set them, are kept. A hard-linked file gets a
    new inode: the other names keep the old text (see README, "Fixing files").
    With `expected`, the file is first read again and nothing is written (False) if it
    no longer holds that text: someone changed it while it was being checked.
    """
    target = Path(os.path.realpath(path))
    before = target.stat()
    if not stat.S_ISREG(before.st_mode):
        # A FIFO or device: reading it again would wait for a writer, and it cannot be
        # replaced by a file.
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
    writable = before.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not writable or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)")
    if hasattr(os, "geteuid") and os.geteuid() != 0 and before.st_uid != os.geteuid():
        # Replacing it would give the file to us: an editor asks first; we refuse.
        raise PermissionError(errno.EACCES, "Permission denied (the file belongs to another user)")
    data = encoding.encode(text)
    if expected is not None and not _holds(target, encoding.encode(expected)):
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".empathy-lint.tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        keep_mode_and_owner(tmp, target, before)
        # Checked again right before the rename: an edit saved while the fsync ran (a
        # slow disk) must not be overwritten.
        if expected is not None and not _holds(target, encoding.encode(expected)):
            os.unlink(tmp)
            return False
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Does the file still hold exactly `data`? (Read at most one byte more than that.)"""
    try:
        with path.open("rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def unified_diff(path: str, before: str, after: str) -> str:
    """The fixes as a patch. File names and lines are shown with control characters
    escaped (\\x1b), so a reply or a file name cannot drive the terminal."""
    from empathy_lint.write.report.text import visible

    def escape(text: str) -> str:  # tabs stay tabs: the patch must still apply
        return text if text.isprintable() else "".join(ch if ch == "\t" else visible(ch) for ch in text)

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{escape(path)}", tofile=f"b/{escape(path)}")
    out = []
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        shown = escape(body)
        out.append(shown + ending if ending else shown + "\n\\ No newline at end of file\n")
    return "".join(out)
