"""Progress against the year's targets: actual, completion, gap, pace, projection, pipeline coverage.

`progress(con, snapshot_id, filters, year)` is what pages and the command line call; the pure functions
under it take frames (targets, actuals) so the rules can be tested by hand. Counts and 万元 as in the ledger.
The one place that decides the town total (entered, or the sum of industries) is `town_targets`.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import LADDER, SCOPES, TOWN
from analytics.metrics import events
from analytics.metrics.filters import SCOPE, Filters
from analytics.store.snapshots import snapshot_info
from analytics.store.targets import load_targets

MEASURES = ("signed_count", "signed_investment_wan", "landed_count", "construction_count", "production_count")
MEASURE_EVENT = {
    "signed_count": "signed", "signed_investment_wan": "signed", "landed_count": "landed",
    "construction_count": "construction", "production_count": "production",
}  # fmt: skip
# Pace = completion ÷ share of the year elapsed. The one place these thresholds live.
PACE_THRESHOLDS = {"ahead": 1.05, "on_track": 0.90}


def default_target_year(as_of: date, years_with_targets: list[int]) -> int:
    """The latest year with targets up to next year; else the year after the last complete one."""
    candidates = [y for y in years_with_targets if y <= as_of.year + 1]
    return max(candidates) if candidates else events.default_year(as_of) + 1


def elapsed_share(year: int, as_of: date) -> float:
    """Share of the year gone by at as_of (0 before it starts, 1 once it is over)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def actuals(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per chosen industry (and TOWN) and measure: what the ledger's events dated in the year add up to."""
    flow = events.flows(con, snapshot_id, filters, year).set_index(["industry", "event"])
    rows = []
    for measure, event in MEASURE_EVENT.items():
        column = "investment_wan" if measure == "signed_investment_wan" else "count"
        values = flow.xs(event, level="event")[column]
        rows += [(industry, measure, float(value)) for industry, value in values.items()]
        rows.append((TOWN, measure, float(values.sum())))
    return pd.DataFrame(rows, columns=["industry", "measure", "actual"])


def town_targets(targets: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The chosen industries' targets plus the total they are held to (industry TOWN), with its source.

    The whole town's total is the entered one where the analyst gave it ('entered'), else the sum of the
    industries ('sum'). With some industries left out, an entered town total would compare the town's target
    with part of its actuals, so the total is the chosen industries' sum.
    """
    per_industry = targets[targets["industry"].isin(filters.industries)][["industry", "measure", "value"]]
    entered = targets[targets["industry"] == TOWN][["measure", "value"]].set_index("measure")["value"]
    if not filters.whole_town:
        entered = entered.iloc[0:0]
    summed = per_industry.groupby("measure")["value"].sum()
    rows = [(m, float(entered[m]), "entered") for m in entered.index]
    rows += [(m, float(v), "sum") for m, v in summed.items() if m not in entered.index]
    total = pd.DataFrame(rows, columns=["measure", "value", "total_source"]).assign(industry=TOWN)
    return pd.concat([per_industry.assign(total_source=None), total], ignore_index=True)


def total_source(targets: pd.DataFrame, filters: Filters) -> str | None:
    """'entered' when any measure's total is the analyst's own figure, 'sum' when all are summed, None if none."""
    sources = set(town_targets(targets, filters).query("industry == @TOWN")["total_source"])
    return "entered" if "entered" in sources else ("sum" if sources else None)


def status_of(pace: float) -> str | None:
    """ahead / on_track / behind from a pace index (completion ÷ share elapsed)."""
    if pd.isna(pace):
        return None
    if pace >= PACE_THRESHOLDS["ahead"]:
        return "ahead"
    return "on_track" if pace >= PACE_THRESHOLDS["on_track"] else "behind"


def progress(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Every chosen industry (and TOWN) × measure: target, actual, completion, gap, pace status, projection."""
    as_of = snapshot_info(con, snapshot_id)["as_of"]
    return progress_of(
        town_targets(load_targets(con, year), filters), actuals(con, snapshot_id, filters, year), year, as_of
    )


def progress_of(town: pd.DataFrame, actual: pd.DataFrame, year: int, as_of: date) -> pd.DataFrame:
    """progress() from its parts: `town_targets` and `actuals` frames of the same filters."""
    scopes = [s for s in SCOPES if s in set(actual["industry"])]
    grid = pd.MultiIndex.from_product([scopes, MEASURES], names=["industry", "measure"]).to_frame(index=False)
    out = grid.merge(actual, on=["industry", "measure"], how="left")
    out = out.merge(town.rename(columns={"value": "target"}), on=["industry", "measure"], how="left")
    elapsed = elapsed_share(year, as_of)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["completion"] = np.where(out["target"] > 0, out["actual"] / out["target"], np.nan)
        out["gap"] = (out["target"] - out["actual"]).clip(lower=0)
        out["elapsed"] = elapsed
        out["expected"] = out["target"] * elapsed
        out["projection"] = out["actual"] / elapsed if elapsed > 0 else np.nan
        pace = out["completion"] / elapsed if elapsed > 0 else pd.Series(np.nan, index=out.index)
    out["pace"] = pace
    statuses = [status_of(p) if e > 0 else ("not_started" if pd.notna(t) else None)
                for p, e, t in zip(out["pace"], out["elapsed"], out["target"], strict=True)]  # fmt: skip
    # object dtype keeps "no status" as None: pandas 3 would infer str and turn None into NaN.
    out["status"] = pd.Series(statuses, index=out.index, dtype=object)
    return out


_NEGOTIATING = """
    SELECT p.industry, count(*) AS negotiating_projects, coalesce(sum(p.investment_wan), 0) AS negotiating_wan
    {scope} AND p.stage = $stage
    GROUP BY p.industry
"""


def pipeline_coverage(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, progress_frame: pd.DataFrame
) -> pd.DataFrame:
    """Per chosen industry and TOWN: 洽谈-stage investment (万元) behind the remaining signed-investment gap."""
    params = filters.params(snapshot_id, stage=LADDER[0])
    talks = con.execute(_NEGOTIATING.format(scope=SCOPE), params).df().set_index("industry")
    talks = talks.reindex(list(filters.industries)).fillna(0)
    talks.loc[TOWN] = talks.sum()
    gap = progress_frame[progress_frame["measure"] == "signed_investment_wan"].set_index("industry")["gap"]
    out = talks.join(gap.rename("gap_wan"))
    out["coverage"] = np.where(out["gap_wan"] > 0, out["negotiating_wan"] / out["gap_wan"], np.nan)
    out["negotiating_projects"] = out["negotiating_projects"].astype(int)
    return out.rename_axis("industry").reset_index()


def cumulative_against_target(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    filters: Filters,
    year: int,
    measure: str = "signed_investment_wan",
) -> pd.DataFrame:
    """By chosen industry and month: cumulative actual and the linear target line (target × month ÷ 12)."""
    monthly = events.monthly_cumulative(con, snapshot_id, filters, year, MEASURE_EVENT[measure])
    monthly["actual"] = monthly["cum_investment_wan"] if measure == "signed_investment_wan" else monthly["cum_count"]
    goal = town_targets(load_targets(con, year), filters)
    goal = goal[goal["measure"] == measure].set_index("industry")["value"]
    monthly["target_line"] = monthly["industry"].map(goal) * monthly["month"] / 12
    return monthly[["industry", "month", "actual", "target_line"]]
