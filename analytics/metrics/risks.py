"""Key projects at risk (重点项目): overdue (a planned next step has passed) or stalled (no stage change in 90+ days).

Every function is `(connection, snapshot_id, filters) -> DataFrame`. "Reached" is analytics/domain.py's rule.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import EVENT_DATE, PLANNED_DATE, RANK, STALLED_DAYS, furthest_rung, furthest_rung_sql
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


def _overdue_since_sql() -> str:
    """SQL for overdue_since(): the earliest passed planned date of a step not reached (NULL when none)."""
    rung = furthest_rung_sql()
    steps = ", ".join(
        f"CASE WHEN {rung} < {RANK[step]} AND p.{column} < s.as_of THEN p.{column} END"
        for step, column in PLANNED_DATE.items()
    )
    return f"least({steps})"


# The same rules as flag_key_projects() above, in the database: only the chosen key projects' own history is
# read (12 snapshots of a province's reserve never reach Python). Two uploads with the same as_of: the later
# upload speaks for that day. The current run of a stage starts after the last day it stood elsewhere.
_KEY_PROJECTS = f"""
    WITH keys AS (
        SELECT p.*, s.as_of, {_overdue_since_sql()} AS overdue_since, p.rowid AS ledger_order
        {SCOPE} AND p.is_key
    ),
    days AS (
        SELECT h.project_key, hs.as_of, arg_max(h.stage, hs.snapshot_id) AS stage
        FROM projects AS h JOIN snapshots AS hs USING (snapshot_id)
        WHERE hs.as_of <= (SELECT as_of FROM snapshots WHERE snapshot_id = $snapshot)
          AND h.project_key IN (SELECT project_key FROM keys)
        GROUP BY h.project_key, hs.as_of
    ),
    latest AS (
        SELECT project_key, arg_max(stage, as_of) AS stage, max(as_of) AS as_of FROM days GROUP BY project_key
    ),
    elsewhere AS (
        SELECT d.project_key, max(d.as_of) AS until
        FROM days AS d JOIN latest AS l ON l.project_key = d.project_key AND d.stage <> l.stage
        GROUP BY d.project_key
    ),
    runs AS (
        SELECT l.project_key, date_diff('day', min(d.as_of), l.as_of) AS stalled_days
        FROM latest AS l JOIN days AS d ON d.project_key = l.project_key
             LEFT JOIN elsewhere AS e ON e.project_key = l.project_key
        WHERE e.until IS NULL OR d.as_of > e.until
        GROUP BY l.project_key, l.as_of
    )
    SELECT k.* EXCLUDE (ledger_order), r.stalled_days::DOUBLE AS stalled_days
    FROM keys AS k LEFT JOIN runs AS r ON r.project_key = k.project_key
    ORDER BY (r.stalled_days >= $stalled OR k.overdue_since IS NOT NULL) DESC, k.investment_wan DESC NULLS LAST,
             k.ledger_order
"""


def key_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The chosen industries' key projects with problems and measures, flagged overdue or stalled.

    Flagged ones first, then by planned investment (万元). Computed in DuckDB by the rules of
    flag_key_projects(): stalled_days, stalled, overdue_since, overdue, status.
    """
    keys = con.execute(_KEY_PROJECTS, filters.params(snapshot_id, stalled=STALLED_DAYS)).df()
    for column in EVENT_DATE.values():
        keys[column] = pd.to_datetime(keys[column])
    keys["overdue_since"] = pd.to_datetime(keys["overdue_since"]).astype("datetime64[ns]")
    keys["stalled"] = keys["stalled_days"] >= STALLED_DAYS
    keys["overdue"] = keys["overdue_since"].notna()
    keys["status"] = status(keys)
    return keys


def top_flagged(keys: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The n largest (planned investment) overdue or stalled key projects of a `key_projects` frame."""
    flagged = keys[keys["overdue"] | keys["stalled"]]
    return flagged.sort_values("investment_wan", ascending=False, kind="stable", na_position="last").head(n)


def flag_counts(keys: pd.DataFrame) -> dict[str, int]:
    """How many key projects are overdue, stalled, and either."""
    return {
        "overdue": int(keys["overdue"].sum()),
        "stalled": int(keys["stalled"].sum()),
        "flagged": int((keys["overdue"] | keys["stalled"]).sum()),
    }
