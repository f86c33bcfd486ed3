"""The reserve of a snapshot: projects and planned investment by industry and stage."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.domain import ALL_STAGES, INDUSTRIES

_BY_INDUSTRY_STAGE = """
    SELECT industry, stage, count(*) AS projects, coalesce(sum(investment_wan), 0) AS investment_wan
    FROM projects
    WHERE snapshot_id = ? AND list_contains(?, industry)
    GROUP BY industry, stage
"""


def reserve_by_industry_stage(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, industries: list[str] | None = None
) -> pd.DataFrame:
    """Projects and planned investment (万元) for every industry × stage, zeros included."""
    chosen = [i for i in INDUSTRIES if i in (industries or INDUSTRIES)]
    found = con.execute(_BY_INDUSTRY_STAGE, [snapshot_id, chosen]).df()
    grid = pd.MultiIndex.from_product([chosen, ALL_STAGES], names=["industry", "stage"]).to_frame(index=False)
    out = grid.merge(found, on=["industry", "stage"], how="left")
    out["projects"] = out["projects"].fillna(0).astype(int)
    out["investment_wan"] = out["investment_wan"].fillna(0.0).astype(float)
    return out
