#!/usr/bin/env python3
"""Run empathy-lint's lint_batch inside Dask (local mode) over a ticket export.

Usage: python examples/scale/dask_audit.py [EXPORT.csv] [--partitions N]

Each partition is linted by `lint_batch` in its worker (the pipeline is built once
per worker process and cached), producing one row per reply: its id, how many
warnings/errors, and the rule codes found. The same `map_partitions` call runs
unchanged on a distributed cluster (dask.distributed); Spark users do the same with
`DataFrame.mapInPandas`. Without EXPORT it uses the bundled sample export.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import dask.dataframe as dd
import pandas as pd

from empathy_lint import lint_batch

HERE = Path(__file__).resolve().parent
META = pd.DataFrame({"id": pd.Series(dtype="str"), "serious": pd.Series(dtype="int64"),
                     "codes": pd.Series(dtype="str")})


def lint_partition(frame: pd.DataFrame) -> pd.DataFrame:
    """Lint one partition of the export; called by Dask once per partition."""
    records = [{"id": str(row.id), "reply": row.reply, "customer": row.customer or None}
               for row in frame.itertuples(index=False)]
    rows = []
    for result in lint_batch(records):
        rows.append({"id": result.id,
                     "serious": sum(f.severity != "info" for f in result.findings),
                     "codes": " ".join(sorted({f.code for f in result.findings}))})
    return pd.DataFrame(rows, columns=META.columns).astype(META.dtypes.to_dict())


def audit(export: Path, partitions: int) -> pd.DataFrame:
    frame = dd.from_pandas(pd.read_csv(export, dtype=str, keep_default_na=False), npartitions=partitions)
    return frame.map_partitions(lint_partition, meta=META).compute(scheduler="processes")


def main() -> None:
    parser = argparse.ArgumentParser(description="lint a ticket export with Dask")
    parser.add_argument("export", nargs="?", type=Path, default=HERE / "sample_export.csv")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()
    result = audit(args.export, args.partitions)
    flagged = (result["serious"] > 0).mean()
    codes = result["codes"].str.split().explode().value_counts()
    print(f"{len(result)} replies in {args.partitions} partitions; {flagged:.0%} with a warning or error")
    print("most frequent findings:", ", ".join(f"{code} ({n})" for code, n in codes.head(5).items()))


if __name__ == "__main__":
    main()
