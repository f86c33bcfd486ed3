"""Key projects at risk (重点项目): overdue (a planned next step has passed) or stalled (no stage change in 90+ days).

Every function is `(connection, snapshot_id, filters) -> DataFrame`. "Reached" is analytics/domain.py's rule.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import EVENT_DATE, PLANNED_DATE, RANK, STALLED_DAYS, furthest_rung
from analytics.metrics.filters import SCOPE, Filters


def overdue_since(projects: pd.DataFrame) -> pd.Series:
    """The earliest planned date, before as_of, of a step the project has not reached (else NaT).

    A step counts as reached by the furthest rung the project stands at or holds a date for.
    """
    rung = furthest_rung(projects)
    as_of = pd.to_datetime(projects["as_of"])
    since = pd.Series(pd.NaT, index=projects.index, dtype="datetime64[ns]")
    for step, column in PLANNED_DATE.items():
        if column not in projects:
            continue
        planned = pd.to_datetime(projects[column]).astype("datetime64[ns]")
        due = (rung < RANK[step]) & (planned < as_of)
        since = since.where(~due | (since <= planned), planned)
    return since


def stage_unchanged_days(history: pd.DataFrame) -> pd.Series:
    """Per project_key: days between the first snapshot of its current unbroken stage and the latest as_of.

    `history` holds (project_key, as_of, stage) rows of the snapshots up to and including the active one.
    """
    ordered = history.sort_values(["project_key", "as_of"])
    latest = ordered.groupby("project_key").tail(1).set_index("project_key")
    changed = ordered["stage"] != ordered.groupby("project_key")["stage"].shift()
    run_start = ordered.assign(run=changed.groupby(ordered["project_key"]).cumsum())
    current_run = run_start.groupby("project_key")["run"].transform("max") == run_start["run"]
    since = run_start[current_run].groupby("project_key")["as_of"].min()
    return (pd.to_datetime(latest["as_of"]) - pd.to_datetime(since)).dt.days


STATUSES = ("red", "yellow", "green")
"""A key project's status for a meeting: red = overdue, yellow = stalled, green = on schedule."""


def status(keys: pd.DataFrame) -> pd.Series:
    """red / yellow / green per key project row (its overdue and stalled flags); overdue outranks stalled."""
    out = pd.Series("green", index=keys.index, dtype=object)
    out = out.where(~keys["stalled"].astype(bool), "yellow")
    return out.where(~keys["overdue"].astype(bool), "red")


def flag_key_projects(keys: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """Key project rows with overdue / stalled flags and their status; flagged ones first, then by investment."""
    keys = keys.copy()
    for column in EVENT_DATE.values():
        keys[column] = pd.to_datetime(keys[column])
    keys["stalled_days"] = np.nan
    if history is not None and not history.empty:
        keys["stalled_days"] = keys["project_key"].map(stage_unchanged_days(history)).astype(float)
    keys["stalled"] = keys["stalled_days"] >= STALLED_DAYS
    keys["overdue_since"] = overdue_since(keys)
    keys["overdue"] = keys["overdue_since"].notna()
    keys["status"] = status(keys)
    flagged = keys["stalled"] | keys["overdue"]
    ordered = keys.assign(_flagged=flagged).sort_values(
        ["_flagged", "investment_wan"], ascending=[False, False], kind="stable"
    )
    return ordered.drop(columns="_flagged").reset_index(drop=True)


# The same rules as flag_key_projects() above, in the database. How long a project has stood at its stage and
# the day it fell overdue are stored with each row when its snapshot is written (projects.stage_since and
# overdue_since, analytics/store/derived.py), so no history is walked and no row's dates are weighed here: a
# page reads one snapshot's key projects, and only the rows it shows leave DuckDB.
_FLAGGED = f"""
    SELECT *, coalesce(stalled_days >= $stalled, false) AS stalled, overdue_since IS NOT NULL AS overdue
    FROM (
        SELECT p.rowid AS r, p.investment_wan, p.overdue_since,
               date_diff('day', p.stage_since, s.as_of)::DOUBLE AS stalled_days
        {SCOPE} AND p.is_key
    )
"""
# The page of key projects is chosen on the flags and amounts that sort it; only its rows are read whole.
_ORDER = "(f.stalled OR f.overdue) DESC, f.investment_wan DESC NULLS LAST, f.r"
_KEY_PROJECTS = f"""
    WITH f AS ({_FLAGGED}),
    chosen AS (SELECT * FROM f WHERE {{only}} ORDER BY {_ORDER} LIMIT $limit OFFSET $offset)
    SELECT p.* EXCLUDE (overdue_since), s.as_of, f.overdue_since, f.stalled_days, f.stalled, f.overdue
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id) JOIN chosen AS f ON f.r = p.rowid
    WHERE p.rowid IN (SELECT r FROM chosen)
    ORDER BY {_ORDER}
"""
ONLY = {None: "true", "flagged": "(stalled OR overdue)", "stalled": "stalled", "overdue": "overdue"}
"""Which key projects a list holds: all, the flagged (overdue or stalled), the stalled, the overdue."""


def key_projects(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, only: str | None = None,
    limit: int | None = None, offset: int = 0,
) -> pd.DataFrame:  # fmt: skip
    """The chosen industries' key projects with problems and measures, flagged overdue or stalled.

    Flagged ones first, then by planned investment (万元); `only` narrows to flagged / stalled / overdue ones,
    `limit` and `offset` page through them. Computed in DuckDB by the rules of flag_key_projects():
    stalled_days, stalled, overdue_since, overdue, and status.
    """
    sql = _KEY_PROJECTS.format(only=ONLY[only])
    params = filters.params(snapshot_id, stalled=STALLED_DAYS, limit=limit, offset=offset)
    keys = con.execute(sql, params).df()
    for column in EVENT_DATE.values():
        keys[column] = pd.to_datetime(keys[column])
    keys["overdue_since"] = pd.to_datetime(keys["overdue_since"]).astype("datetime64[ns]")
    keys["status"] = status(keys)
    return keys


_COUNTS = f"""
    SELECT count(*) AS key, count(*) FILTER (WHERE overdue) AS overdue, count(*) FILTER (WHERE stalled) AS stalled,
           count(*) FILTER (WHERE overdue OR stalled) AS flagged
    FROM ({_FLAGGED})
"""


def flag_counts(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> dict[str, int]:
    """How many key projects there are, and how many are overdue, stalled, and either (flagged)."""
    cursor = con.execute(_COUNTS, filters.params(snapshot_id, stalled=STALLED_DAYS))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, (int(v) for v in cursor.fetchone()), strict=True))
