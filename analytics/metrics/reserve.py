"""The reserve (储备): projects and planned investment by industry and stage, stages reached, mix, money in place.

Every function is `(connection, snapshot_id, filters, …) -> DataFrame`, computed in DuckDB; amounts in 万元.
What "reached" and "stage on a cutoff" mean is decided in analytics/domain.py.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from analytics.domain import ALL_STAGES, EVENT_DATE, EVENTS, LADDER, RANK, in_year_sql, stage_at_sql
from analytics.metrics import sums
from analytics.metrics.filters import IN_FILTERS, SCOPE, Filters, every_industry

if TYPE_CHECKING:  # pandas is imported where a frame is built: the command line's reports run without it
    import pandas as pd

REACHED_COLUMNS = [f"reached_{stage}" for stage in EVENTS]
KPI_COLUMNS = ["projects", "investment_wan", "key_projects", *REACHED_COLUMNS]

# Leaders count projects by size: 亿元级 and above. Bounds in 万元, lower bound inclusive.
SIZE_BANDS = [("ge_10yi", 100_000, math.inf), ("5_10yi", 50_000, 100_000), ("1_5yi", 10_000, 50_000), ("lt_1yi", 0, 10_000)]  # fmt: skip
UNKNOWN = "unknown"


class Cell(NamedTuple):
    """One industry × stage of the reserve: projects and planned investment (万元)."""

    industry: str
    stage: str
    projects: int
    investment_wan: float


def _fill_cells(found: list[tuple], filters: Filters) -> list[Cell]:
    return [Cell(*row) for row in every_industry(found, filters, ALL_STAGES)]


def _cell_frame(cells: list[Cell]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(cells, columns=list(Cell._fields)).astype({"projects": "int64", "investment_wan": "float64"})


_CELLS = """
    SELECT p.industry, p.stage, count(*) AS projects, coalesce(sum(p.investment_wan), 0) AS investment_wan
    {scope}
    GROUP BY 1, 2
"""


def industry_stage_cells(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> list[Cell]:
    """Projects and planned investment (万元) for every chosen industry × stage it stands at, zeros included."""
    return _fill_cells(con.execute(_CELLS.format(scope=SCOPE), filters.params(snapshot_id)).fetchall(), filters)


def by_industry_stage(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Projects and planned investment (万元) for every chosen industry × stage it stands at, zeros included."""
    return _cell_frame(industry_stage_cells(con, snapshot_id, filters))


def _stage_then(con: duckdb.DuckDBPyConnection, snapshot_id: int, cutoff: date) -> tuple[str, dict[str, date]]:
    """SQL of each row's stage on the cutoff (domain.stage_at_sql) and its parameters: the stored stage itself
    when the snapshot is not dated after the cutoff, as on a review of the year just ended, so no row's stage
    is worked out."""
    row = con.execute("SELECT as_of FROM snapshots WHERE snapshot_id = ?", [snapshot_id]).fetchone()
    return ("p.stage", {}) if row is not None and row[0] <= cutoff else (stage_at_sql(), {"cutoff": cutoff})


_CELLS_AT = """
    SELECT p.industry, {stage_then} AS stage, count(*) AS projects,
           coalesce(sum(p.investment_wan), 0) AS investment_wan
    {scope}
    GROUP BY 1, 2
"""


def cells_at_cutoff(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date) -> list[Cell]:
    """Projects and planned investment (万元) by industry × the stage each stood at on the cutoff, zeros included."""
    stage_then, params = _stage_then(con, snapshot_id, cutoff)
    sql = _CELLS_AT.format(stage_then=stage_then, scope=SCOPE)
    return _fill_cells(con.execute(sql, filters.params(snapshot_id, **params)).fetchall(), filters)


def at_cutoff(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date) -> pd.DataFrame:
    """Projects and planned investment (万元) by industry × the stage each stood at on the cutoff."""
    return _cell_frame(cells_at_cutoff(con, snapshot_id, filters, cutoff))


# The rows are chosen on the columns that sort them and read whole only for those kept (see projects.page).
_PROJECTS_AT = """
    SELECT p.*, s.as_of, {stage_then} AS stage_then
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE p.rowid IN (
        SELECT p.rowid {scope} AND list_contains($cells, p.industry || '/' || {stage_then})
        ORDER BY p.investment_wan DESC NULLS LAST, p.project_name LIMIT $limit
    )
    ORDER BY p.investment_wan DESC NULLS LAST, p.project_name
"""


def projects_at(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date, cells: set[tuple[str, str]],
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The projects behind chosen (industry, stage on the cutoff) cells of `at_cutoff`, largest first.

    `limit` keeps the first (the cells' `projects` in `at_cutoff` say how many there are in all).
    """
    stage_then, params = _stage_then(con, snapshot_id, cutoff)
    sql = _PROJECTS_AT.format(stage_then=stage_then, scope=SCOPE)
    wanted = [f"{industry}/{stage}" for industry, stage in cells]
    return con.execute(sql, filters.params(snapshot_id, cells=wanted, limit=limit, **params)).df()


# Counted by industry, furthest rung (stored on write) and key flag: a few dozen groups, added up here into each
# industry's figures. One count per rung FILTERed over every row cost twice as much at a million rows.
_KPI = f"""
    SELECT p.industry, p.furthest_rung AS rung, p.is_key, count(*) AS projects, sum(p.investment_wan) AS investment_wan
    {SCOPE}
    GROUP BY ALL
"""


def _kpis(groups: list[tuple[int, bool, int, float | None]]) -> dict[str, int | float]:
    """KPI_COLUMNS of the projects in (rung, is_key, projects, 万元) groups."""
    figures: dict[str, int | float] = {
        "projects": sum(n for _, _, n, _ in groups),
        "investment_wan": sums.total([wan for _, _, _, wan in groups if wan is not None]),
        "key_projects": sum(n for _, is_key, n, _ in groups if is_key),
    }
    for stage in EVENTS:
        figures[f"reached_{stage}"] = sum(n for rung, _, n, _ in groups if rung >= RANK[stage])
    return figures


def by_industry(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Per chosen industry (zeros included): projects, planned investment (万元), key projects, rungs reached."""
    import pandas as pd

    found = con.execute(_KPI, filters.params(snapshot_id)).fetchall()
    rows = [
        {"industry": industry, **_kpis([tuple(g[1:]) for g in found if g[0] == industry])}
        for industry in filters.industries
    ]
    out = pd.DataFrame(rows, columns=["industry", *KPI_COLUMNS])
    counts = [c for c in KPI_COLUMNS if c != "investment_wan"]
    return out.astype({**dict.fromkeys(counts, "int64"), "investment_wan": "float64"})


def totals(by_industry_frame: pd.DataFrame) -> pd.Series:
    """The town totals of a by_industry frame."""
    return by_industry_frame[KPI_COLUMNS].sum()


def size_band_sql(column: str = "p.investment_wan") -> str:
    """SQL for the size band key of a planned investment (万元); empty amounts get 'unknown'."""
    cases = " ".join(
        f"WHEN {column} >= {low}" + (f" AND {column} < {high}" if math.isfinite(high) else "") + f" THEN '{key}'"
        for key, low, high in SIZE_BANDS
    )
    return f"(CASE {cases} ELSE '{UNKNOWN}' END)"


def size_band(investment_wan: pd.Series) -> pd.Series:
    """The size band key of each planned investment (万元); empty amounts get 'unknown'."""
    import pandas as pd

    band = pd.Series(UNKNOWN, index=investment_wan.index, dtype=object)
    for key, low, high in SIZE_BANDS:
        band = band.where(~((investment_wan >= low) & (investment_wan < high)), key)
    return band


MIX_BY = ("project_type", "source_region", "department", "size_band")
_MIX = """
    SELECT {key} AS key, count(*) AS projects, coalesce(sum(p.investment_wan), 0) AS investment_wan,
           count(*) FILTER (WHERE {signed_in_year}) AS signed_count,
           coalesce(sum(p.investment_wan) FILTER (WHERE {signed_in_year}), 0) AS signed_investment_wan
    {scope}
    GROUP BY 1
"""


def mix(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, by: str, year: int) -> pd.DataFrame:
    """Breakdown by project_type, source_region, department or size_band: reserve and signings in the year."""
    if by not in MIX_BY:
        raise ValueError(f"unknown breakdown {by!r}")
    key = size_band_sql() if by == "size_band" else f"coalesce(p.{by}, '{UNKNOWN}')"
    sql = _MIX.format(key=key, scope=SCOPE, signed_in_year=in_year_sql(EVENT_DATE["signed"]))
    out = con.execute(sql, filters.params(snapshot_id, year=year)).df()
    out = out.set_index("key")
    if by == "size_band":
        bands = [k for k, _, _ in SIZE_BANDS] + ([UNKNOWN] if UNKNOWN in out.index else [])
        out = out.reindex(bands, fill_value=0)
    else:
        out = out.sort_values(["investment_wan", "projects"], ascending=False, kind="stable")
    out[["projects", "signed_count"]] = out[["projects", "signed_count"]].astype(int)
    out[["investment_wan", "signed_investment_wan"]] = out[["investment_wan", "signed_investment_wan"]].astype(float)
    return out.rename_axis(by).reset_index()


_MONEY = """
    SELECT p.industry, {stage_then} AS stage, count(*) AS projects,
           count(p.invested_wan) AS reporting,
           coalesce(sum(p.investment_wan), 0) AS planned_wan,
           coalesce(sum(p.invested_wan), 0) AS invested_wan,
           coalesce(sum(p.investment_wan) FILTER (WHERE p.invested_wan IS NOT NULL), 0) AS planned_reporting_wan
    {scope} AND {stage_then} <> $negotiating
    GROUP BY 1, 2
    ORDER BY p.industry, stage
"""


def money_in_place(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date) -> pd.DataFrame:
    """By industry × stage on the cutoff (signed onwards, and suspended): planned and in-place capital (万元).

    share_in_place compares like with like: in-place money over the planned money of the projects reporting it.
    """
    import numpy as np

    stage_then, params = _stage_then(con, snapshot_id, cutoff)
    sql = _MONEY.format(stage_then=stage_then, scope=SCOPE)
    params = filters.params(snapshot_id, negotiating=LADDER[0], **params)  # the other stages are ALL_STAGES'
    out = con.execute(sql, params).df()
    out[["projects", "reporting"]] = out[["projects", "reporting"]].astype(int)
    out["share_in_place"] = out["invested_wan"] / out["planned_reporting_wan"].replace(0, np.nan)
    return out


_PREVIOUS = """
    SELECT before.snapshot_id, before.as_of
    FROM snapshots AS now JOIN snapshots AS before ON before.as_of < now.as_of
    WHERE now.snapshot_id = ?
    ORDER BY before.as_of DESC, before.snapshot_id DESC
    LIMIT 1
"""


def previous_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[int, date] | None:
    """(id, as_of) of the latest snapshot dated before this one; None when this one is the earliest."""
    row = con.execute(_PREVIOUS, [snapshot_id]).fetchone()
    return (int(row[0]), row[1]) if row else None


# The town's figures of a snapshot and of the one before, in one pass over both: by rung and key flag only.
_KPI_TOWN = f"""
    SELECT p.snapshot_id, p.furthest_rung AS rung, p.is_key, count(*) AS projects, sum(p.investment_wan) AS investment_wan
    FROM projects AS p
    WHERE (p.snapshot_id = $snapshot OR p.snapshot_id = $previous) AND {IN_FILTERS}
    GROUP BY ALL
"""


def totals_change(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Town totals of `by_industry` (KPI_COLUMNS, investment in 万元) now, in the previous snapshot, and the change.

    One row per measure: current, previous, delta, previous_snapshot_id, previous_as_of. Without an earlier
    snapshot the last four are empty (no change to show, rather than a change from zero).
    """
    import numpy as np
    import pandas as pd

    before = previous_snapshot(con, snapshot_id)
    previous_id = before[0] if before else snapshot_id
    found = con.execute(_KPI_TOWN, filters.params(snapshot_id, previous=previous_id)).fetchall()
    current = _kpis([tuple(g[1:]) for g in found if g[0] == snapshot_id])
    out = pd.DataFrame({"measure": KPI_COLUMNS, "current": [float(current[c]) for c in KPI_COLUMNS]})
    if before is None:
        out["previous"] = np.nan
        out["previous_snapshot_id"] = pd.NA
        out["previous_as_of"] = pd.NaT
    else:
        previous = _kpis([tuple(g[1:]) for g in found if g[0] == previous_id])
        out["previous"] = [float(previous[c]) for c in KPI_COLUMNS]
        out["previous_snapshot_id"] = before[0]
        out["previous_as_of"] = pd.Timestamp(before[1])
    out["delta"] = out["current"] - out["previous"]
    return out[["measure", "current", "previous", "delta", "previous_snapshot_id", "previous_as_of"]]
