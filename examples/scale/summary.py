"""What the scale examples print about an audited export (shared by the Dask and Spark ones)."""
from __future__ import annotations

import pandas as pd


def summary(result: pd.DataFrame, partitions: int) -> str:
    """Two lines: how the work was spread and how many replies need a look; the top codes."""
    flagged = (result["serious"] > 0).mean()
    codes = result["codes"].str.split().explode().value_counts()
    return (f"{len(result)} replies in {partitions} partitions on {result['worker'].nunique()} workers; "
            f"{flagged:.0%} with a warning or error\n"
            "most frequent findings: " + ", ".join(f"{code} ({n})" for code, n in codes.head(5).items()))
