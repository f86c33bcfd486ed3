"""Events in a year (年度新增): signings, landings, starts and production dated in the year, by industry.

Every function is `(connection, snapshot_id, filters, year, …) -> DataFrame`, computed in DuckDB; amounts in
万元. An event belongs to a year when its date (analytics/domain.py EVENT_DATE) falls in that year.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import EVENT_DATE, EVENTS
from analytics.metrics.filters import SCOPE, Filters


def _event_columns(years: tuple[str, ...]) -> str:
    """count and 万元 of every event dated in each year parameter (named n_<event>_<i>, wan_<event>_<i>)."""
    return ",\n".join(
        f"count(*) FILTER (WHERE year(p.{column}) = {year}) AS n_{event}_{i}, "
        f"coalesce(sum(p.investment_wan) FILTER (WHERE year(p.{column}) = {year}), 0) AS wan_{event}_{i}"
        for i, year in enumerate(years)
        for event, column in EVENT_DATE.items()
    )


# One pass over the snapshot counts every event of a year (and of the year before, for a comparison).
_FLOWS = f"SELECT p.industry, {_event_columns(('$year',))} {SCOPE} GROUP BY p.industry"
_TWO_YEARS = f"SELECT p.industry, {_event_columns(('$year', '$year - 1'))} {SCOPE} GROUP BY p.industry"


def _long(wide: pd.DataFrame, filters: Filters, i: int) -> pd.DataFrame:
    """Year i of a wide per-industry frame as flows() rows: every chosen industry × event, zeros included."""
    wide = wide.set_index("industry").reindex(list(filters.industries)).fillna(0)
    rows = [
        (industry, event, int(wide.at[industry, f"n_{event}_{i}"]), float(wide.at[industry, f"wan_{event}_{i}"]))
        for industry in filters.industries
        for event in EVENTS
    ]
    return pd.DataFrame(rows, columns=["industry", "event", "count", "investment_wan"])


def flows(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per chosen industry and event dated in the year: count and planned investment (万元), zeros included."""
    return _long(con.execute(_FLOWS, filters.params(snapshot_id, year=year)).df(), filters, 0)


def flow_totals(flow: pd.DataFrame) -> pd.DataFrame:
    """Totals over the industries of a flows() frame, one row per event."""
    return flow.groupby("event", sort=False)[["count", "investment_wan"]].sum().reset_index()


_DATED = ", ".join(f"year(p.{column})" for column in EVENT_DATE.values())
_YEARS = f"SELECT DISTINCT unnest([{_DATED}]) AS year {SCOPE} ORDER BY year"


def years_with_events(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> list[int]:
    """Every year in which the ledger dates at least one event."""
    rows = con.execute(_YEARS, filters.params(snapshot_id)).fetchall()
    return [int(r[0]) for r in rows if r[0] is not None]


def year_comparison(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per event: the year's and the year before's count and investment, with deltas (NaN without last-year data).

    "Without last-year data": the ledger dates no event at all in the year before.
    """
    wide = con.execute(_TWO_YEARS, filters.params(snapshot_id, year=year)).df()
    now = flow_totals(_long(wide, filters, 0)).set_index("event")
    before = flow_totals(_long(wide, filters, 1)).set_index("event")
    out = now.join(before, suffixes=("", "_prev"))
    if out["count_prev"].sum() == 0:
        out[["count_prev", "investment_wan_prev"]] = np.nan
    out["count_delta"] = out["count"] - out["count_prev"]
    out["investment_delta"] = out["investment_wan"] - out["investment_wan_prev"]
    return out.reset_index()


_MONTHLY = """
    SELECT p.industry, month(p.{column}) AS month, count(*) AS count,
           coalesce(sum(p.investment_wan), 0) AS investment_wan
    {scope} AND year(p.{column}) = $year
    GROUP BY 1, 2
"""


def monthly_cumulative(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int, event: str = "signed"
) -> pd.DataFrame:
    """By chosen industry and month: events in the month and cumulative since January (count and 万元)."""
    sql = _MONTHLY.format(column=EVENT_DATE[event], scope=SCOPE)  # EVENT_DATE: the domain's own column names
    found = con.execute(sql, filters.params(snapshot_id, year=year)).df()
    grid = pd.MultiIndex.from_product([filters.industries, range(1, 13)], names=["industry", "month"])
    out = grid.to_frame(index=False).merge(found, on=["industry", "month"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["investment_wan"] = out["investment_wan"].fillna(0.0).astype(float)
    out["cum_count"] = out.groupby("industry")["count"].cumsum()
    out["cum_investment_wan"] = out.groupby("industry")["investment_wan"].cumsum()
    return out


def default_year(as_of: date) -> int:
    """The latest year complete at as_of (2023-12-31 → 2023; 2024-01-09 or 2024-06-30 → 2023)."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def year_end(year: int, as_of: date) -> date:
    """A review's cutoff: 31 December of the year, or as_of when the year is not over yet."""
    return min(date(year, 12, 31), as_of)
