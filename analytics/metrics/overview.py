"""Headline figures of a snapshot's reserve, overall and by industry."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.domain import INDUSTRIES

# A project has reached a stage when it stands there or further, or holds that stage's date
# (a suspended project that signed still counts as signed).
_BY_INDUSTRY = """
    SELECT
        industry,
        count(*) AS projects,
        coalesce(sum(investment_wan), 0) AS investment_wan,
        count(*) FILTER (WHERE is_key) AS key_projects,
        count(*) FILTER (WHERE signed_date IS NOT NULL
                         OR stage IN ('signed', 'landed', 'construction', 'production')) AS reached_signed,
        count(*) FILTER (WHERE landed_date IS NOT NULL
                         OR stage IN ('landed', 'construction', 'production')) AS reached_landed,
        count(*) FILTER (WHERE construction_date IS NOT NULL
                         OR stage IN ('construction', 'production')) AS reached_construction,
        count(*) FILTER (WHERE production_date IS NOT NULL OR stage = 'production') AS reached_production
    FROM projects
    WHERE snapshot_id = ? AND list_contains(?, industry)
    GROUP BY industry
"""

KPI_COLUMNS = [
    "projects", "investment_wan", "key_projects",
    "reached_signed", "reached_landed", "reached_construction", "reached_production",
]  # fmt: skip


def reserve_by_industry(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, industries: list[str] | None = None
) -> pd.DataFrame:
    """Per industry (all four, zeros included): projects, planned investment (万元), key projects, stages reached."""
    chosen = list(industries or INDUSTRIES)
    found = con.execute(_BY_INDUSTRY, [snapshot_id, chosen]).df().set_index("industry")
    out = found.reindex([i for i in INDUSTRIES if i in chosen]).fillna(0)
    out[[c for c in KPI_COLUMNS if c != "investment_wan"]] = out[
        [c for c in KPI_COLUMNS if c != "investment_wan"]
    ].astype(int)
    return out.reset_index()


def reserve_totals(by_industry: pd.DataFrame) -> pd.Series:
    """The town totals of a reserve_by_industry frame."""
    return by_industry[KPI_COLUMNS].sum()
