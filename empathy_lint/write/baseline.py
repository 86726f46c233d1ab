"""Baselines: adopt empathy-lint on an existing repo and fail only on new findings.

A finding's fingerprint is its file, reply name, rule and the matched text (for a
forbid rule) or nothing more (a require rule is once per reply), so it survives edits
elsewhere in the file. The baseline stores a count per fingerprint: five identical
findings in the baseline excuse five, not a sixth.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from empathy_lint.errors import InputError, unreadable_value
from empathy_lint.findings import Finding

BASELINE_VERSION = 1


def fingerprint(path: str, reply_name: str | None, finding: Finding, text: str) -> str:
    matched = " ".join(text[finding.start:finding.end].lower().split()) if finding.kind == "forbid" else ""
    key = "\x1f".join([Path(path).as_posix(), reply_name or "", finding.code, matched])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# A baseline of a million findings is about 30 MB.
MAX_BASELINE_BYTES = 256 * 1024 * 1024


def _read(path: Path) -> bytes:
    from empathy_lint.read.sources import read_stream

    try:
        return read_stream(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: baseline not found") from None
    except OSError as exc:
        raise InputError(f"{path}: not a readable baseline ({exc})") from None


def load(path: Path) -> Counter:
    return _parse(path, _read(path))


def _parse(path: Path, raw: bytes) -> Counter:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a readable baseline ({exc})") from None
    except ValueError as exc:  # invalid JSON, or a number too long to convert
        raise InputError(f"{path}: not a readable baseline ({unreadable_value(exc)})") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), dict):
        raise InputError(f"{path}: not an empathy-lint baseline (expected version {BASELINE_VERSION})")
    counts = data["findings"]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts.values()):
        raise InputError(f"{path}: not an empathy-lint baseline (finding counts must be whole numbers)")
    return Counter({str(k): v for k, v in counts.items()})


def check_replaceable(path: Path) -> None:
    """InputError unless `path` may be overwritten by a new baseline: a baseline, one of
    ours left unreadable (a merge conflict in it), or empty. A typo in --baseline must
    not replace a macro export with fingerprints."""
    raw = _read(path)
    try:
        _parse(path, raw)
        return
    except InputError as exc:
        reason = str(exc)
    if not raw.strip() or b'"tool": "empathy-lint"' in raw:
        return
    raise InputError(f"{reason}; --update-baseline replaces only a baseline: remove the file or name another path")


def save(path: Path, fingerprints: Iterable[str]) -> int:
    counts = Counter(fingerprints)
    payload = {"version": BASELINE_VERSION, "tool": "empathy-lint",
               "findings": dict(sorted(counts.items()))}
    # Written as every report is (output_file): through a symlink, in place on a device,
    # atomically over a regular file with its mode kept.
    from empathy_lint.write.output_file import write_output

    write_output(path, json.dumps(payload, indent=2) + "\n")
    return sum(counts.values())


class Known:
    """A baseline's findings, excused in the order a run meets them: each fingerprint
    excuses as many findings as the baseline counted, the rest are new."""

    def __init__(self, counts: Counter) -> None:
        self.left = Counter(counts)
        self.hidden = 0  # findings excused so far

    def excuses(self, key: str) -> bool:
        """Is a finding with this fingerprint one the baseline knew (so not reported)?"""
        if self.left[key] > 0:
            self.left[key] -= 1
            self.hidden += 1
            return True
        return False
