"""Progress against the year's targets: actual, completion, gap, pace, projection, pipeline coverage.

Pure functions of (targets, projects of a snapshot, year, as_of); counts and 万元 as in the ledger.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.domain import INDUSTRIES
from analytics.metrics.review import EVENTS, monthly_cumulative
from analytics.metrics.review import default_year as review_default_year

MEASURES = ("signed_count", "signed_investment_wan", "landed_count", "construction_count", "production_count")
MEASURE_EVENT = {
    "signed_count": "signed", "signed_investment_wan": "signed", "landed_count": "landed",
    "construction_count": "construction", "production_count": "production",
}  # fmt: skip
# Pace = completion ÷ share of the year elapsed. The one place these thresholds live.
PACE_THRESHOLDS = {"ahead": 1.05, "on_track": 0.90}
SCOPES = (*INDUSTRIES, "total")


def default_target_year(as_of: date, years_with_targets: list[int]) -> int:
    """The latest year with targets up to next year; else the year after the last complete one."""
    candidates = [y for y in years_with_targets if y <= as_of.year + 1]
    return max(candidates) if candidates else review_default_year(as_of) + 1


def elapsed_share(year: int, as_of: date) -> float:
    """Share of the year gone by at as_of (0 before it starts, 1 once it is over)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def actuals(projects: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per industry (and 'total') and measure: what the ledger's dated events add up to in the year."""
    rows = []
    for measure, event in MEASURE_EVENT.items():
        in_year = projects[projects[EVENTS[event]].dt.year == year]
        by_industry = (
            in_year.groupby("industry")["investment_wan"].sum()
            if measure == "signed_investment_wan"
            else in_year.groupby("industry").size()
        ).reindex(INDUSTRIES, fill_value=0)
        for industry, value in by_industry.items():
            rows.append((industry, measure, float(value)))
        rows.append(("total", measure, float(by_industry.sum())))
    return pd.DataFrame(rows, columns=["industry", "measure", "actual"])


def town_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets per industry plus the town's: entered where the analyst gave one, else the sum of industries."""
    per_industry = targets[targets["industry"].isin(INDUSTRIES)][["industry", "measure", "value"]]
    entered = targets[targets["industry"] == "total"][["measure", "value"]].set_index("measure")["value"]
    summed = per_industry.groupby("measure")["value"].sum()
    rows = [(m, float(entered[m]), "entered") for m in entered.index]
    rows += [(m, float(v), "sum") for m, v in summed.items() if m not in entered.index]
    total = pd.DataFrame(rows, columns=["measure", "value", "total_source"]).assign(industry="total")
    return pd.concat([per_industry.assign(total_source=None), total], ignore_index=True)


def status_of(pace: float) -> str | None:
    """ahead / on_track / behind from a pace index (completion ÷ share elapsed)."""
    if pd.isna(pace):
        return None
    if pace >= PACE_THRESHOLDS["ahead"]:
        return "ahead"
    return "on_track" if pace >= PACE_THRESHOLDS["on_track"] else "behind"


def progress(targets: pd.DataFrame, projects: pd.DataFrame, year: int, as_of: date) -> pd.DataFrame:
    """Every industry (and total) × measure: target, actual, completion, gap, pace status, projection."""
    grid = pd.MultiIndex.from_product([SCOPES, MEASURES], names=["industry", "measure"]).to_frame(index=False)
    out = grid.merge(actuals(projects, year), on=["industry", "measure"], how="left")
    out = out.merge(town_targets(targets).rename(columns={"value": "target"}), on=["industry", "measure"], how="left")
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


def pipeline_coverage(projects: pd.DataFrame, progress_frame: pd.DataFrame) -> pd.DataFrame:
    """Per industry: 洽谈-stage investment (万元) behind the remaining signed-investment gap, and its ratio."""
    talks = (
        projects[projects["stage"] == "negotiating"]
        .groupby("industry")
        .agg(negotiating_projects=("project_name", "size"), negotiating_wan=("investment_wan", "sum"))
    )
    talks = talks.reindex(INDUSTRIES, fill_value=0)
    talks.loc["total"] = talks.sum()
    gap = progress_frame[progress_frame["measure"] == "signed_investment_wan"].set_index("industry")["gap"]
    out = talks.join(gap.rename("gap_wan"))
    out["coverage"] = np.where(out["gap_wan"] > 0, out["negotiating_wan"] / out["gap_wan"], np.nan)
    out["negotiating_projects"] = out["negotiating_projects"].astype(int)
    return out.reset_index().rename(columns={"index": "industry"})


def cumulative_against_target(
    projects: pd.DataFrame, targets: pd.DataFrame, year: int, measure: str = "signed_investment_wan"
) -> pd.DataFrame:
    """By industry and month: cumulative actual and the linear target line (target × month ÷ 12)."""
    monthly = monthly_cumulative(projects, year, MEASURE_EVENT[measure])
    monthly["actual"] = monthly["cum_investment_wan"] if measure == "signed_investment_wan" else monthly["cum_count"]
    goal = town_targets(targets)
    goal = goal[goal["measure"] == measure].set_index("industry")["value"]
    monthly["target_line"] = monthly["industry"].map(goal) * monthly["month"] / 12
    return monthly[["industry", "month", "actual", "target_line"]]
