#!/usr/bin/env python3
"""Run empathy-lint's lint_batch on Spark over a ticket export.

Usage: python examples/scale/spark_audit.py [EXPORT.csv] [--master local[2]] [--partitions N]

`DataFrame.mapInPandas` hands each partition to a Python worker as pandas frames; each
goes through `lint_batch` (the pipeline is built once per worker process and cached),
producing one row per reply: its id, how many warnings/errors, the rule codes found, and
which worker process linted it. `--master local[2]` runs two executor threads on this
machine; give a cluster's master URL (or run it with `spark-submit`) and the same job
runs there. Without EXPORT it uses the bundled sample export (columns id, customer, reply).

Spark needs a Java runtime (Debian: `apt-get install openjdk-17-jre-headless`) and
`pip install pyspark`; the workers need empathy-lint installed, as the driver does.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from empathy_lint import lint_batch

HERE = Path(__file__).resolve().parent
SCHEMA = "id string, serious long, codes string, worker long"


def lint_frames(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Lint the pandas frames of one Spark partition; called by mapInPandas in a worker."""
    for frame in frames:
        records = [{"id": str(row.id), "reply": row.reply or "", "customer": row.customer or None}
                   for row in frame.itertuples(index=False)]
        yield pd.DataFrame(
            [{"id": result.id,
              "serious": sum(f.severity != "info" for f in result.findings),
              "codes": " ".join(sorted({f.code for f in result.findings})),
              "worker": os.getpid()} for result in lint_batch(records)],
            columns=["id", "serious", "codes", "worker"])


def audit(export: Path, master: str = "local[2]", partitions: int = 4) -> pd.DataFrame:
    """One row per reply of `export`, linted by Spark's Python workers."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName("empathy-lint audit")
             .config("spark.pyspark.python", sys.executable)   # the workers run this interpreter
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    try:
        # An export's replies hold newlines and doubled quotes (RFC 4180): multiLine and escape.
        frame = spark.read.csv(str(export), header=True, multiLine=True, escape='"')
        return frame.repartition(partitions).mapInPandas(lint_frames, schema=SCHEMA).toPandas()
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="lint a ticket export with Spark")
    parser.add_argument("export", nargs="?", type=Path, default=HERE / "sample_export.csv")
    parser.add_argument("--master", default="local[2]", help="Spark master URL (default: local[2])")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()
    from summary import summary  # examples/scale/summary.py, beside this script

    print(summary(audit(args.export, args.master, args.partitions), args.partitions))


if __name__ == "__main__":
    main()
