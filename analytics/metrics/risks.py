"""Key projects at risk (重点项目): overdue (a planned next step has passed) or stalled (no stage change in 90+ days).

Every function is `(connection, snapshot_id, filters) -> DataFrame`. "Reached" is analytics/domain.py's rule.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import EVENT_DATE, PLANNED_DATE, RANK, STALLED_DAYS, furthest_rung
from analytics.metrics.filters import SCOPE, Filters
from analytics.metrics.history import stage_history

_KEY_PROJECTS = f"SELECT p.*, s.as_of {SCOPE} AND p.is_key"


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


def key_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The chosen industries' key projects with problems and measures, flagged overdue or stalled."""
    keys = con.execute(_KEY_PROJECTS, filters.params(snapshot_id)).df()
    history = stage_history(con, snapshot_id)
    return flag_key_projects(keys, history[history["project_key"].isin(keys["project_key"])])


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
