#!/usr/bin/env python3
"""One didChange with thousands of ranged edits (issue 32.3): time against size, doubled.

Usage: python benchmarks/lsp_edits.py [--edits 3000]

A 1 MB document (20,000 lines) gets --edits ranged edits in one message, as a client
replaying an edit history sends them; the same with the document and the edits doubled.
Before, each edit rebuilt the server's line index (19 s for 3,000 edits on 1 MB); now a
batch is applied to a list of lines. Time should about double when both double.
Printed, not asserted.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.workspace import PositionCodec  # noqa: E402

from empathy_lint.apps.lsp import DocState  # noqa: E402


def run(lines: int, edits: int) -> float:
    rnd = random.Random(7)
    text = "".join(f"Line {i}: thanks for your patience, the refund is on its way.\n" for i in range(lines))
    changes = []
    for _ in range(edits):
        line = rnd.randrange(lines)
        changes.append(SimpleNamespace(range=types.Range(types.Position(line, 5), types.Position(line, 9)),
                                       text="edit"))
    state = DocState(source=text)
    start = time.perf_counter()
    state.apply_changes(changes, PositionCodec(types.PositionEncodingKind.Utf16))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--edits", type=int, default=3000)
    args = parser.parse_args()
    small = min(run(16_000, args.edits) for _ in range(3))
    large = min(run(32_000, 2 * args.edits) for _ in range(3))
    print(f"{args.edits:,} edits on 16,000 lines (~1 MB): {small * 1000:.0f} ms; "
          f"{2 * args.edits:,} edits on 32,000 lines: {large * 1000:.0f} ms; ratio {large / small:.2f} "
          f"(linear would be 2; quadratic 4)")


if __name__ == "__main__":
    main()
