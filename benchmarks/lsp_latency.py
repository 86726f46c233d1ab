#!/usr/bin/env python3
"""Time from didChange to publishDiagnostics in the language server, warm.

Usage: python benchmarks/lsp_latency.py [--edits N] [--words N]

Starts `empathy-lint lsp` as a subprocess (as an editor would), opens a reply of about
300 words made of real support sentences, then makes N single-character edits one at
a time and measures, for each, the wall time until the matching publishDiagnostics
arrives. Prints the median and 95th percentile (target: median <= 20 ms).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent


def reply_text(words: int) -> str:
    replies = [json.loads(line)["reply"] for line in (ROOT / "tests" / "data" / "dev.jsonl").read_text().splitlines()]
    out, count = [], 0
    for reply in replies:
        out.append(reply)
        count += len(reply.split())
        if count >= words:
            break
    return "\n\n".join(out)


async def run(edits: int, words: int) -> list[float]:
    client = LanguageClient("latency-bench", "1")
    arrivals: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
        arrivals.put_nowait((params.version, time.perf_counter(), len(params.diagnostics)))

    await client.start_io(sys.executable, "-m", "empathy_lint", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    text = reply_text(words)
    uri = (ROOT / "bench-reply.txt").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))
    await arrivals.get()  # first lint (cold caches) is not counted
    timings = []
    for version in range(2, edits + 2):
        # The server asks for full document sync, so (like an editor) send the whole text.
        text = ("x" + text) if version % 2 else text[1:]
        start = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        ))
        while True:
            got_version, arrived, _ = await arrivals.get()
            if got_version == version:
                timings.append(arrived - start)
                break
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    print(f"reply: {len(text.split())} words; {edits} edits, each waited for its diagnostics")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description="didChange -> publishDiagnostics latency")
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    timings = asyncio.run(run(args.edits, args.words))
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"didChange -> publishDiagnostics: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
          f"min {ms[0]:.1f} ms (target: median <= 20 ms)")


if __name__ == "__main__":
    main()
