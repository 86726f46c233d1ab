"""Apply safe replacements to files: atomically, keeping encoding, BOM and line endings."""
from __future__ import annotations

import codecs
import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes became text, so the text can become the same bytes again."""

    codec: str
    bom: bytes = b""

    @classmethod
    def sniff(cls, data: bytes) -> "Encoding":
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


def apply_fixes(text: str, findings: list[Finding]) -> tuple[str, int]:
    """The text with every non-overlapping fix applied (later ones first), and how many."""
    fixes = sorted((f.fix for f in findings if f.fix is not None), key=lambda x: (x.start, x.end))
    chosen, last_end = [], -1
    for fix in fixes:
        if fix.start >= last_end:
            chosen.append(fix)
            last_end = fix.end
    for fix in reversed(chosen):
        text = text[:fix.start] + fix.replacement + text[fix.end:]
    return text, len(chosen)


def write_atomic(path: Path, text: str, encoding: Encoding) -> None:
    """Write via a temporary file in the same directory and rename over the original.

    A crash leaves either the old file or the new one, never half of each; the file's
    permission bits are kept.
    """
    data = encoding.encode(text)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".empathy-lint.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    out = "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                  for line in lines)
    return out
