"""Events in a year (年度新增): signings, landings, starts and production dated in the year, by industry.

Every function is `(connection, snapshot_id, filters, year, …) -> DataFrame`, computed in DuckDB; amounts in
万元. An event belongs to a year when its date (analytics/domain.py EVENT_DATE) falls in that year.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from analytics.domain import EVENT_DATE, EVENTS
from analytics.metrics import sums
from analytics.metrics.filters import SCOPE, Filters, every_industry

if TYPE_CHECKING:  # pandas is imported where a frame is built: the command line's reports run without it
    import pandas as pd


class Flow(NamedTuple):
    """Events of one kind dated in the year, for one industry (or in total): count and planned investment (万元)."""

    industry: str
    event: str
    count: int
    investment_wan: float


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


def _wide(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict[str, object]]:
    """The rows of a per-industry query, by column name."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _flow_rows(wide: list[dict[str, object]], filters: Filters, i: int) -> list[Flow]:
    """Year i of a per-industry query as flow rows: every chosen industry × event, zeros included."""
    found = [(row["industry"], e, row[f"n_{e}_{i}"], row[f"wan_{e}_{i}"]) for row in wide for e in EVENTS]
    return [Flow(*row) for row in every_industry(found, filters, EVENTS)]


def flow_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> list[Flow]:
    """Per chosen industry and event dated in the year: count and planned investment (万元), zeros included."""
    return _flow_rows(_wide(con, _FLOWS, filters.params(snapshot_id, year=year)), filters, 0)


def _frame(rows: list[Flow]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(Flow._fields))
    return frame.astype({"count": "int64", "investment_wan": "float64"})


def flows(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per chosen industry and event dated in the year: count and planned investment (万元), zeros included."""
    return _frame(flow_rows(con, snapshot_id, filters, year))


def totals_by_event(rows: list[tuple[str, str, int, float]]) -> list[tuple[str, int, float]]:
    """(event, count, investment 万元) summed over the industries of flow rows, events in their first order."""
    events = [row[1] for row in rows]
    investment = sums.group_totals(events, [row[3] for row in rows], sort=False)
    counts = dict.fromkeys(investment, 0)
    for _, event, count, _ in rows:
        counts[event] += int(count)
    return [(event, counts[event], investment[event]) for event in investment]


def flow_totals(flow: pd.DataFrame) -> pd.DataFrame:
    """Totals over the industries of a flows() frame, one row per event."""
    import pandas as pd

    rows = flow[["industry", "event", "count", "investment_wan"]].itertuples(index=False, name=None)
    frame = pd.DataFrame(totals_by_event(list(rows)), columns=["event", "count", "investment_wan"])
    return frame.astype({"count": "int64", "investment_wan": "float64"})


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
    import numpy as np

    wide = _wide(con, _TWO_YEARS, filters.params(snapshot_id, year=year))
    now = flow_totals(_frame(_flow_rows(wide, filters, 0))).set_index("event")
    before = flow_totals(_frame(_flow_rows(wide, filters, 1))).set_index("event")
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
    import pandas as pd

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
