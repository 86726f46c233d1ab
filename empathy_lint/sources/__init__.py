"""Find reply files and read them as text, with one-line errors for anything unreadable."""
from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Iterable

from ..errors import InputError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
MAX_BYTES_DEFAULT = 10 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is an error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not a text reply")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


def read_source(path: Path, max_bytes: int = MAX_BYTES_DEFAULT) -> str:
    """The text of one reply file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit "
                "(raise it with --max-size)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode(data, str(path))


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files named on the command line, with directories walked for reply files."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / f for f in sorted(files) if f.lower().endswith(TEXT_SUFFIXES))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return found
