#!/usr/bin/env python3
"""Latency of `empathy-lint serve`'s POST /v1/check for a 150-word draft (issue 30).

Usage: python benchmarks/serve_latency.py [--requests 300]

Starts the real service (`empathy-lint serve` in a subprocess, pinned to one core with
taskset where there is one), then sends the same 150-word draft with a customer message
from one client, one request at a time over a kept-alive connection, and prints the
median and 95th percentile round trip. Goal: median <= 20 ms. Printed, not asserted.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 20.0
CUSTOMER = "My card was charged twice for order 1187 and nobody has answered my email since Monday."
DRAFT = ("Hi Dana, thanks for getting in touch about order 1187. As I said in my last email, refunds for "
         "duplicate charges are handled by our billing team, and per our policy we can't reverse a charge "
         "until it has settled, which usually takes two or three business days. Obviously that is not what "
         "you wanted to hear. Once the charge settles, the second payment will be returned to the card "
         "you used, and you should see it on your statement within five to seven business days after "
         "that. If you paid with a gift card, the balance goes back to the gift card instead. You can also "
         "check the status of your order at any time from the Orders page in your account, where every "
         "payment and refund is listed with its date. We appreciate your patience while the bank processes "
         "this, and we know how frustrating it is to wait for money that should never have left your account.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "empathy_lint", "serve", "--port", str(port)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            body = {"reply": DRAFT, "customer": CUSTOMER}
            for _ in range(20):  # warm-up: caches, the first pass of each code path
                client.post("/v1/check", json=body)
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.post("/v1/check", json=body)
                times.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
        findings = len(response.json()["findings"])
    finally:
        process.terminate()
        process.wait(timeout=10)
    times.sort()
    median = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    verdict = "MET" if median <= GOAL_MS else "MISSED"
    print(f"POST /v1/check, a {len(DRAFT.split())}-word draft with its customer message ({findings} findings), "
          f"{args.requests} requests, service on one core:")
    print(f"  median {median:.1f} ms, p95 {p95:.1f} ms (goal: median <= {GOAL_MS:g} ms): {verdict}")


if __name__ == "__main__":
    main()
