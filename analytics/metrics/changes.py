"""What changed between two snapshots (since the last meeting): new, advanced, back or suspended,
investment changes over a threshold, vanished."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.domain import RANK, SUSPENDED
from analytics.metrics.filters import SCOPE, Filters

# An investment change is worth reporting when it moves by at least this share and this many 万元.
INVESTMENT_CHANGE_SHARE = 0.10
INVESTMENT_CHANGE_WAN = 500.0
KINDS = ("new", "advanced", "regressed", "suspended", "investment_changed", "vanished")
_COLUMNS = ["project_key", "project_name", "investor", "industry", "stage", "investment_wan", "signed_date", "is_key"]
_ROWS = f"SELECT {', '.join('p.' + c for c in _COLUMNS)} {SCOPE}"


def since(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, earlier_id: int
) -> dict[str, pd.DataFrame]:
    """Change lists (one per KINDS) from an earlier snapshot to this one, within the filters."""
    before = con.execute(_ROWS, filters.params(earlier_id)).df()
    after = con.execute(_ROWS, filters.params(snapshot_id)).df()
    return compare(before, after)


def counts(found: dict[str, pd.DataFrame]) -> dict[str, int]:
    """How many projects each change list holds."""
    return {kind: len(found[kind]) for kind in KINDS}


def compare(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Change lists between two snapshots' projects, matched on the stable project_key."""
    a = before.drop_duplicates("project_key").set_index("project_key")
    b = after.drop_duplicates("project_key").set_index("project_key")
    both = a.index.intersection(b.index)
    joined = b.loc[both, _COLUMNS[1:]].join(a.loc[both, ["stage", "investment_wan"]], suffixes=("", "_before"))
    rank_after = joined["stage"].map(RANK)
    rank_before = joined["stage_before"].map(RANK)
    became_suspended = (joined["stage"] == SUSPENDED) & (joined["stage_before"] != SUSPENDED)
    delta = joined["investment_wan"] - joined["investment_wan_before"]
    threshold = (joined["investment_wan_before"].abs() * INVESTMENT_CHANGE_SHARE).clip(lower=INVESTMENT_CHANGE_WAN)
    money = (delta.abs() >= threshold) | (joined["investment_wan"].isna() != joined["investment_wan_before"].isna())
    return {
        "new": b.loc[b.index.difference(a.index), _COLUMNS[1:]].reset_index(),
        "advanced": joined[rank_after > rank_before].reset_index(),
        "regressed": joined[(rank_after < rank_before)].reset_index(),
        "suspended": joined[became_suspended].reset_index(),
        "investment_changed": joined[money].assign(investment_delta=delta[money]).reset_index(),
        "vanished": a.loc[a.index.difference(b.index), _COLUMNS[1:]].reset_index(),
    }
