"""Events in a year (年度新增): signings, landings, starts and production dated in the year, by industry.

Every function is `(connection, snapshot_id, filters, year, …) -> DataFrame`, computed in DuckDB; amounts in
万元. An event belongs to a year when its date (analytics/domain.py EVENT_DATE) falls in that year.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from analytics.domain import EVENT_DATE, EVENTS, TOWN, in_year_sql
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


# One pass over the snapshot groups its projects by the year of each event (and by industry where the rows
# are per industry): a few dozen groups, from which every year's events are added up in Python. Each year's
# count and sum as FILTERed aggregates over every row cost twice as much at a million rows, and each year
# more; the group keys are small integers (and the industry only when asked for).
_YEAR_GROUPS = f"""
    SELECT {{industry}} {", ".join(f"year(p.{column}) AS {event}" for event, column in EVENT_DATE.items())},
           count(*) AS projects, sum(p.investment_wan) AS investment_wan
    {SCOPE}
    GROUP BY ALL
"""


def _year_groups(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, by_industry: bool
) -> list[tuple[str, tuple[int | None, ...], int, float]]:
    """(industry or TOWN, the year of each event (EVENTS' order; None: undated), projects, 万元) per group."""
    sql = _YEAR_GROUPS.format(industry="p.industry," if by_industry else "")
    rows = con.execute(sql, filters.params(snapshot_id)).fetchall()
    if not by_industry:
        rows = [(TOWN, *row) for row in rows]
    n = len(EVENTS)
    return [(row[0], tuple(row[1 : 1 + n]), int(row[1 + n]), row[2 + n] or 0.0) for row in rows]


def _flows_in(
    groups: list[tuple[str, tuple[int | None, ...], int, float]], year: int
) -> list[tuple[str, str, int, float]]:
    """(industry, event, count, 万元) of the events dated in the year, from year groups."""
    found: dict[tuple[str, str], list] = {}
    for industry, years, projects, wan in groups:
        for event, event_year in zip(EVENTS, years, strict=True):
            if event_year == year:
                total = found.setdefault((industry, event), [0, []])
                total[0] += projects
                total[1].append(wan)
    return [(industry, event, count, sums.total(amounts)) for (industry, event), (count, amounts) in found.items()]


# The year of the latest date the snapshot holds (analytics/store/derived.py dated_until; NULL before it is
# worked out): a year after it dates no event, as next year's targets do not yet when the year has just ended.
_LAST_DATED_YEAR = "SELECT year(dated_until) FROM snapshots WHERE snapshot_id = ?"


def flow_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> list[Flow]:
    """Per chosen industry and event dated in the year: count and planned investment (万元), zeros included."""
    last = con.execute(_LAST_DATED_YEAR, [snapshot_id]).fetchone()
    after = last is not None and last[0] is not None and year > last[0]
    found = [] if after else _flows_in(_year_groups(con, snapshot_id, filters, by_industry=True), year)
    return [Flow(*row) for row in every_industry(found, filters, EVENTS)]


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


def years_with_events(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> list[int]:
    """Every year in which the ledger dates at least one event."""
    groups = _year_groups(con, snapshot_id, filters, by_industry=False)
    return sorted({year for _, years, _, _ in groups for year in years if year is not None})


def _event_totals(found: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Per event (EVENTS' order, zeros included): count and 万元 of the town's flow rows."""
    import pandas as pd

    got = {event: (count, wan) for _, event, count, wan in found}
    rows = [(event, *got.get(event, (0, 0.0))) for event in EVENTS]
    frame = pd.DataFrame(rows, columns=["event", "count", "investment_wan"]).set_index("event")
    return frame.astype({"count": "int64", "investment_wan": "float64"})


def year_comparison(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per event: the year's and the year before's count and investment, with deltas (NaN without last-year data).

    "Without last-year data": the ledger dates no event at all in the year before.
    """
    import numpy as np

    groups = _year_groups(con, snapshot_id, filters, by_industry=False)
    now, before = _event_totals(_flows_in(groups, year)), _event_totals(_flows_in(groups, year - 1))
    out = now.join(before, suffixes=("", "_prev"))
    if out["count_prev"].sum() == 0:
        out[["count_prev", "investment_wan_prev"]] = np.nan
    out["count_delta"] = out["count"] - out["count_prev"]
    out["investment_delta"] = out["investment_wan"] - out["investment_wan_prev"]
    return out.reset_index()


_MONTHLY = """
    SELECT p.industry, month(p.{column}) AS month, count(*) AS count,
           coalesce(sum(p.investment_wan), 0) AS investment_wan
    {scope} AND {in_year}
    GROUP BY 1, 2
"""


def monthly_cumulative(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int, event: str = "signed"
) -> pd.DataFrame:
    """By chosen industry and month: events in the month and cumulative since January (count and 万元)."""
    import pandas as pd

    column = EVENT_DATE[event]  # the domain's own column names
    sql = _MONTHLY.format(column=column, scope=SCOPE, in_year=in_year_sql(column))
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
