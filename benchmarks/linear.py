#!/usr/bin/env python3
"""Does every path grow linearly: with one long reply, and with a collection of macros?

Usage: python benchmarks/linear.py [--repeats N]

A reply kept on one line (a JSONL row, a file with no line breaks) may hold up to
500,000 characters. Until 2026-11-27 three paths were quadratic in such a reply: the
text report printed the whole line under each finding (55,000 characters, 5,000
findings: 72 s), `--fix` mapped each fix by a scan of the reply (220,000 characters,
20,000 fixes: stopped after 120 s), and the language server counted UTF-16 units from
the line's start for each diagnostic (2,000 diagnostics on a 220,000-character line:
51 s). Now: about 2-3 s for each, the LSP's share 0.1 s. And `--fix` on a collection of
20,000 markdown macros with a fix each took 36 s (each fix looked for its macro from the
first, and the file was copied once per fix): 9 s now.

Times, for a one-line reply of N and of 2N repeats of "As I said. " (N defaults to
10,000: 110,000 characters, 10,000 findings of EMP301), `check` in the text and JSON
formats, `check --fix` on a copy, and the language server's diagnostics for the
findings; then `check --fix` on a markdown collection of N/2 and N macros with one fix
each; then `check` on replies that never end a sentence (HOSTILE), at N and 2N scale.
Prints each time and the growth when the input doubles. Linear is about 2x;
quadratic shows as about 4x.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHRASE = "As I said. "


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def lsp_diagnostics_time(text: str) -> float:
    """The language server's work once the findings are known: positions and messages."""
    from lsprotocol import types
    from pygls.workspace import PositionCodec

    from empathy_lint.engine.linter import Linter
    from empathy_lint.apps.lsp import Positions

    findings = Linter().lint(text)
    start = time.perf_counter()
    positions = Positions(text, PositionCodec(encoding=types.PositionEncodingKind.Utf16))
    for finding in findings:
        positions.range(finding.start, finding.end)
    return time.perf_counter() - start


def measure(repeats: int, folder: Path) -> dict[str, float]:
    text = PHRASE * repeats
    draft = folder / f"reply-{repeats}.txt"
    draft.write_text(text, encoding="utf-8")
    check = [sys.executable, "-m", "empathy_lint", "check", "--isolated", "--select", "EMP301"]
    copy = folder / f"fix-{repeats}.txt"
    shutil.copy(draft, copy)
    return {
        "check (text)": timed(check + [str(draft)]),
        "check --format json": timed(check + ["--format", "json", str(draft)]),
        "check --fix": timed(check + ["--fix", str(copy)]),
        "lsp diagnostics": lsp_diagnostics_time(text),
    }


def fix_collection_time(macros: int, folder: Path) -> float:
    path = folder / f"collection-{macros}.md"
    path.write_text("\n".join(f"## Macro {i}\n\n{PHRASE}No.\n" for i in range(macros)), encoding="utf-8")
    return timed([sys.executable, "-m", "empathy_lint", "check", "--isolated", "--select", "EMP301", "--fix", str(path)])


# Replies that never end a sentence, so every pattern with a "*" (up to the sentence's
# end) could reach the rest of the reply, and that match thousands of times where an
# `except` cancels thousands of matches. Until 2026-12-05 these were quadratic or worse:
# 2,500 repeats of the first, 96,000 characters, did not finish in 10 minutes; 12,000 of
# the third took 30 s; 80,000 random words of the last over 90 s. Now seconds each.
HOSTILE = {
    "never-ending negations": ("We cannot refund it, and we do not understand the problem you are reporting, ", 4),
    "a question of thousands of clauses": ("Is the order here and do you have it ", 4),
    "apologies taken back": ("sorry, but sorry if you feel ", 2),
}
SUPPORT_WORDS = ("we i you not can't but however please sorry the order refund dm us let know if help will be "
                 "glad to , . ? ! thank you so much policy per our nothing can do as said obviously calm down "
                 "should have").split()


def hostile_times(repeats: int, folder: Path) -> dict[str, float]:
    """`check --format json` (every rule) on each hostile reply, at `repeats` scale."""
    import random

    texts = {name: phrase * (repeats // divisor) + ("?" if "question" in name else "")
             for name, (phrase, divisor) in HOSTILE.items()}
    chooser = random.Random(7)
    texts["random support words"] = " ".join(chooser.choice(SUPPORT_WORDS) for _ in range(4 * repeats))
    times = {}
    for number, (name, text) in enumerate(texts.items()):
        path = folder / f"hostile-{number}-{repeats}.txt"
        path.write_text(text, encoding="utf-8")
        times[f"hostile: {name}"] = timed([sys.executable, "-m", "empathy_lint", "check", "--isolated",
                                           "--format", "json", str(path)])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.repeats, Path(tmp))
        large = measure(2 * args.repeats, Path(tmp))
        macros = (args.repeats // 2, args.repeats)
        small["--fix, collection"] = fix_collection_time(macros[0], Path(tmp))
        large["--fix, collection"] = fix_collection_time(macros[1], Path(tmp))
        small.update(hostile_times(args.repeats, Path(tmp)))
        large.update(hostile_times(2 * args.repeats, Path(tmp)))
    print(f"one-line reply of {args.repeats:,} and {2 * args.repeats:,} repeats of {PHRASE.strip()!r} "
          f"({len(PHRASE) * args.repeats:,} and {2 * len(PHRASE) * args.repeats:,} characters), "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"  (the collection: {macros[0]:,} and {macros[1]:,} macros of one line each)")
    for name in small:
        print(f"  {name:40} {small[name]:7.2f} s  {large[name]:7.2f} s   x{large[name] / small[name]:.1f} "
              "(linear ~2, quadratic ~4)")


if __name__ == "__main__":
    main()
