"""The year in review: reserve at year end, flows in the year, funnel, mix, money in place, key projects.

Every function takes the projects of one snapshot (from `snapshot_projects`) and returns a DataFrame;
amounts are in 万元. The year is always a parameter.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import ALL_STAGES, INDUSTRIES, LADDER

EVENTS = {"signed": "signed_date", "landed": "landed_date", "construction": "construction_date", "production": "production_date"}  # fmt: skip
# Leaders count projects by size: 亿元级 and above. Bounds in 万元, lower bound inclusive.
SIZE_BANDS = [("ge_10yi", 100_000, np.inf), ("5_10yi", 50_000, 100_000), ("1_5yi", 10_000, 50_000), ("lt_1yi", 0, 10_000)]  # fmt: skip
STALLED_DAYS = 90

_PROJECTS = """
    SELECT p.*, s.as_of
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE p.snapshot_id = ? AND list_contains(?, p.industry)
"""


def snapshot_projects(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, industries: list[str] | tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Every project row of a snapshot (optionally only some industries), dates as Timestamps."""
    frame = con.execute(_PROJECTS, [snapshot_id, list(industries or INDUSTRIES)]).df()
    for column in [*EVENTS.values(), "as_of"]:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def default_year(as_of: date) -> int:
    """The latest year complete at as_of (2023-12-31 → 2023; 2024-01-09 or 2024-06-30 → 2023)."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def stage_at(projects: pd.DataFrame, cutoff: date) -> pd.Series:
    """Each project's stage on a cutoff date: as stored when the snapshot is not later, else from its dates."""
    as_of = projects["as_of"]
    at = pd.Timestamp(cutoff)
    stage = pd.Series("negotiating", index=projects.index, dtype=object)
    for name, column in EVENTS.items():
        stage = stage.where(~(projects[column] <= at), name)
    dated = projects[list(EVENTS.values())].notna().any(axis=1)
    # Undated projects keep their stored stage: nothing says when they got there.
    stage = stage.where(dated, projects["stage"])
    stage = stage.where(as_of > at, projects["stage"])
    return stage.where(projects["stage"] != "suspended", "suspended")


def reserve_at(projects: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Projects and planned investment (万元) by industry × stage on the cutoff, zeros included."""
    frame = projects.assign(stage_then=stage_at(projects, cutoff))
    grid = pd.MultiIndex.from_product([INDUSTRIES, ALL_STAGES], names=["industry", "stage"])
    grouped = frame.groupby(["industry", "stage_then"]).agg(
        projects=("project_name", "size"), investment_wan=("investment_wan", "sum")
    )
    grouped.index.names = ["industry", "stage"]
    out = grouped.reindex(grid, fill_value=0).reset_index()
    out["projects"] = out["projects"].astype(int)
    out["investment_wan"] = out["investment_wan"].astype(float)
    return out


def year_end(year: int, as_of: date) -> date:
    """The review's cutoff: 31 December of the year, or as_of when the year is not over yet."""
    return min(date(year, 12, 31), as_of)


def flows(projects: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per industry and event (signed, landed, construction, production) dated in the year: count, 万元."""
    rows = []
    for event, column in EVENTS.items():
        in_year = projects[projects[column].dt.year == year]
        grouped = in_year.groupby("industry").agg(
            count=("project_name", "size"), investment_wan=("investment_wan", "sum")
        )
        grouped = grouped.reindex(INDUSTRIES, fill_value=0)
        for industry, row in grouped.iterrows():
            rows.append((industry, event, int(row["count"]), float(row["investment_wan"])))
    return pd.DataFrame(rows, columns=["industry", "event", "count", "investment_wan"])


def flow_totals(flow: pd.DataFrame) -> pd.DataFrame:
    """Town totals of a flows() frame, one row per event."""
    return flow.groupby("event", sort=False)[["count", "investment_wan"]].sum().reset_index()


def has_events(projects: pd.DataFrame, year: int) -> bool:
    """Whether the ledger holds any dated event in a year (so a comparison with it means something)."""
    return bool(any((projects[c].dt.year == year).any() for c in EVENTS.values()))


def year_comparison(projects: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per event: this year's and last year's count and investment, with deltas (None without last-year data)."""
    now = flow_totals(flows(projects, year)).set_index("event")
    before = flow_totals(flows(projects, year - 1)).set_index("event")
    known = has_events(projects, year - 1)
    out = now.join(before, suffixes=("", "_prev"))
    if not known:
        out[["count_prev", "investment_wan_prev"]] = np.nan
    out["count_delta"] = out["count"] - out["count_prev"]
    out["investment_delta"] = out["investment_wan"] - out["investment_wan_prev"]
    return out.reset_index()


def monthly_cumulative(projects: pd.DataFrame, year: int, event: str = "signed") -> pd.DataFrame:
    """By month and industry: events in the month and cumulative since January (count and 万元)."""
    column = EVENTS[event]
    in_year = projects[projects[column].dt.year == year].assign(month=lambda f: f[column].dt.month)
    grid = pd.MultiIndex.from_product([INDUSTRIES, range(1, 13)], names=["industry", "month"])
    grouped = in_year.groupby(["industry", "month"]).agg(
        count=("project_name", "size"), investment_wan=("investment_wan", "sum")
    )
    out = grouped.reindex(grid, fill_value=0).reset_index()
    out["count"] = out["count"].astype(int)
    out["cum_count"] = out.groupby("industry")["count"].cumsum()
    out["cum_investment_wan"] = out.groupby("industry")["investment_wan"].cumsum()
    return out


def reached(projects: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Per project: whether it had reached each ladder stage by the cutoff (its stage or a dated event)."""
    stage = stage_at(projects, cutoff)
    rank = stage.map({s: i for i, s in enumerate(LADDER)})
    at = pd.Timestamp(cutoff)
    out = pd.DataFrame(index=projects.index)
    for i, name in enumerate(LADDER):
        by_stage = rank >= i
        if name in EVENTS:
            by_stage |= projects[EVENTS[name]] <= at
        out[name] = by_stage if name != "negotiating" else True
    return out


def funnel(projects: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Funnel 洽谈 → 签约 → 落地 → 动工 → 投产 per industry and for the town ('all'), with conversion rates."""
    flags = reached(projects, cutoff)
    rows = []
    for industry in [*INDUSTRIES, "all"]:
        mask = projects["industry"] == industry if industry != "all" else pd.Series(True, index=projects.index)
        previous = None
        for name in LADDER:
            count = int(flags.loc[mask, name].sum())
            investment = float(projects.loc[mask & flags[name], "investment_wan"].sum())
            rate = count / previous if previous else np.nan
            rows.append((industry, name, count, investment, rate))
            previous = count
    return pd.DataFrame(rows, columns=["industry", "stage", "projects", "investment_wan", "conversion"])


def size_band(investment_wan: pd.Series) -> pd.Series:
    """The size band key of each planned investment (万元); empty amounts get 'unknown'."""
    band = pd.Series("unknown", index=investment_wan.index, dtype=object)
    for key, low, high in SIZE_BANDS:
        band = band.where(~((investment_wan >= low) & (investment_wan < high)), key)
    return band


def mix(projects: pd.DataFrame, by: str, year: int) -> pd.DataFrame:
    """Breakdown by project_type, source_region, department or size_band: reserve and signings in the year."""
    keys = size_band(projects["investment_wan"]) if by == "size_band" else projects[by].fillna("unknown")
    frame = projects.assign(key=keys, signed_in_year=projects["signed_date"].dt.year == year)
    frame["signed_investment"] = frame["investment_wan"].where(frame["signed_in_year"], 0.0)
    out = frame.groupby("key").agg(
        projects=("project_name", "size"),
        investment_wan=("investment_wan", "sum"),
        signed_count=("signed_in_year", "sum"),
        signed_investment_wan=("signed_investment", "sum"),
    )
    if by == "size_band":
        out = out.reindex([k for k, _, _ in SIZE_BANDS] + (["unknown"] if "unknown" in out.index else []), fill_value=0)
    else:
        out = out.sort_values(["investment_wan", "projects"], ascending=False)
    out["signed_count"] = out["signed_count"].astype(int)
    return out.reset_index().rename(columns={"key": by})


def money_in_place(projects: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """By industry × stage (signed onwards): planned and in-place capital (万元), share in place, coverage."""
    frame = projects.assign(stage_then=stage_at(projects, cutoff))
    frame = frame[frame["stage_then"].isin(["signed", "landed", "construction", "production", "suspended"])]
    frame = frame.assign(reported=frame["invested_wan"].notna())
    out = frame.groupby(["industry", "stage_then"]).agg(
        projects=("project_name", "size"),
        reporting=("reported", "sum"),
        planned_wan=("investment_wan", "sum"),
        invested_wan=("invested_wan", "sum"),
    )
    # The share compares like with like: planned money of the projects that report what has arrived.
    planned_reporting = frame[frame["reported"]].groupby(["industry", "stage_then"])["investment_wan"].sum()
    out["planned_reporting_wan"] = planned_reporting.reindex(out.index).fillna(0.0)
    out["share_in_place"] = out["invested_wan"] / out["planned_reporting_wan"].replace(0, np.nan)
    out.index.names = ["industry", "stage"]
    return out.reset_index()


PLANNED = {
    "landed": "planned_landed_date",
    "construction": "planned_construction_date",
    "production": "planned_production_date",
}


def overdue_since(projects: pd.DataFrame) -> pd.Series:
    """The earliest planned date, before as_of, of a step the project has not reached (else NaT).

    A step counts as reached by the stored stage or by its milestone date (suspended projects keep theirs).
    """
    rank = {s: i for i, s in enumerate(LADDER)}
    reached = projects["stage"].map(rank).fillna(0)
    for name, column in EVENTS.items():
        reached = reached.where(projects[column].isna(), np.maximum(reached, rank[name]))
    since = pd.Series(pd.NaT, index=projects.index, dtype="datetime64[ns]")
    for step, column in PLANNED.items():
        if column not in projects:
            continue
        planned = pd.to_datetime(projects[column])
        due = (reached < rank[step]) & (planned < projects["as_of"])
        since = since.where(~due | (since <= planned), planned)
    return since


def key_projects(projects: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key projects with problems and measures, flagged overdue (a planned next step has passed) or
    stalled (same stage for 90+ days across snapshots); flagged ones first, then by investment."""
    keys = projects[projects["is_key"]].copy()
    keys["stalled_days"] = np.nan
    if history is not None and not history.empty:
        keys["stalled_days"] = keys["project_key"].map(stage_unchanged_days(history))
    keys["stalled"] = keys["stalled_days"] >= STALLED_DAYS
    keys["overdue_since"] = overdue_since(keys)
    keys["overdue"] = keys["overdue_since"].notna()
    flagged = keys["stalled"] | keys["overdue"]
    ordered = keys.assign(_flagged=flagged).sort_values(["_flagged", "investment_wan"], ascending=[False, False])
    return ordered.drop(columns="_flagged").reset_index(drop=True)


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
