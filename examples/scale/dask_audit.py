#!/usr/bin/env python3
"""Run empathy-lint's lint_batch on a Dask cluster over a ticket export.

Usage: python examples/scale/dask_audit.py [EXPORT.csv] [--partitions N] [--workers N]

A `dask.distributed.LocalCluster` of N worker processes (one thread each) lints the
partitions in parallel: each partition goes through `lint_batch` in its worker (the
pipeline is built once per worker process and cached), producing one row per reply:
its id, how many warnings/errors, the rule codes found, and which worker process
linted it. Point `Client` at a real cluster's scheduler address and the same
`map_partitions` call runs there. Without EXPORT it uses the bundled sample export.

(Dask's default "processes" scheduler batches small graphs into one worker: the
example once ran every partition in one process, slower than plain lint_batch.)

Spark users: `examples/scale/spark_audit.py` does the same with `DataFrame.mapInPandas`.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import dask.dataframe as dd
import pandas as pd

from empathy_lint import lint_batch

HERE = Path(__file__).resolve().parent
META = pd.DataFrame({"id": pd.Series(dtype="str"), "serious": pd.Series(dtype="int64"),
                     "codes": pd.Series(dtype="str"), "worker": pd.Series(dtype="int64")})


def lint_partition(frame: pd.DataFrame) -> pd.DataFrame:
    """Lint one partition of the export; called by Dask once per partition."""
    records = [{"id": str(row.id), "reply": row.reply, "customer": row.customer or None}
               for row in frame.itertuples(index=False)]
    rows = []
    for result in lint_batch(records):
        rows.append({"id": result.id,
                     "serious": sum(f.severity != "info" for f in result.findings),
                     "codes": " ".join(sorted({f.code for f in result.findings})),
                     "worker": os.getpid()})
    return pd.DataFrame(rows, columns=META.columns).astype(META.dtypes.to_dict())


def audit(export: Path, partitions: int, workers: int = 2) -> pd.DataFrame:
    """One row per reply of `export`, linted on a local cluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster

    frame = dd.from_pandas(pd.read_csv(export, dtype=str, keep_default_na=False), npartitions=partitions)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        return client.compute(frame.map_partitions(lint_partition, meta=META)).result()


def main() -> None:
    parser = argparse.ArgumentParser(description="lint a ticket export with Dask")
    parser.add_argument("export", nargs="?", type=Path, default=HERE / "sample_export.csv")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster")
    args = parser.parse_args()
    from summary import summary  # examples/scale/summary.py, beside this script

    print(summary(audit(args.export, args.partitions, args.workers), args.partitions))


if __name__ == "__main__":
    main()
