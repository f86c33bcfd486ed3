"""Progress against the year's targets: actual, completion, gap, pace, projection, pipeline coverage.

`progress(con, snapshot_id, filters, year)` is what pages call; the pure functions under it take rows
(targets, actuals) so the rules can be tested by hand, and the command line calls them without pandas.
Counts and 万元 as in the ledger. The one place that decides the town total (entered, or the sum of
industries) is `town_totals`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from analytics.domain import LADDER, SCOPES, TOWN
from analytics.metrics import events, sums
from analytics.metrics.filters import SCOPE, Filters
from analytics.store.snapshots import snapshot_info
from analytics.store.targets import load_targets

if TYPE_CHECKING:  # pandas is imported where a frame is built: the command line's reports run without it
    import pandas as pd

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


def actual_rows(flow: Iterable[events.Flow]) -> list[tuple[str, str, float]]:
    """(industry, measure, actual) per industry of `events.flow_rows` and for TOWN: what the year's events add up to."""
    flow = list(flow)
    rows = []
    for measure, event in MEASURE_EVENT.items():
        of_event = [row for row in flow if row.event == event]
        if measure == "signed_investment_wan":
            values = [row.investment_wan for row in of_event]
            town = sums.total(values)
        else:
            values = [row.count for row in of_event]
            town = sum(values)
        rows += [(row.industry, measure, float(value)) for row, value in zip(of_event, values, strict=True)]
        rows.append((TOWN, measure, float(town)))
    return rows


def actuals(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per chosen industry (and TOWN) and measure: what the ledger's events dated in the year add up to."""
    import pandas as pd

    rows = actual_rows(events.flow_rows(con, snapshot_id, filters, year))
    return pd.DataFrame(rows, columns=["industry", "measure", "actual"])


class Target(NamedTuple):
    """A target a scope is held to; total_source says where the town's total comes from (None for an industry)."""

    industry: str
    measure: str
    value: float
    total_source: str | None


def town_totals(targets: Iterable[tuple[str, str, float]], filters: Filters) -> list[tuple[str, float, str]]:
    """(measure, value, source) of the total the chosen industries are held to, from (industry, measure, value).

    The whole town's total is the entered one where the analyst gave it ('entered'), else the sum of the
    industries ('sum'). With some industries left out, an entered town total would compare the town's target
    with part of its actuals, so the total is the chosen industries' sum.
    """
    targets = list(targets)
    per_industry = [(measure, value) for industry, measure, value in targets if industry in filters.industries]
    entered = {m: v for industry, m, v in targets if industry == TOWN} if filters.whole_town else {}
    summed = sums.group_totals([m for m, _ in per_industry], [v for _, v in per_industry])
    rows = [(m, float(v), "entered") for m, v in entered.items()]
    return rows + [(m, float(v), "sum") for m, v in summed.items() if m not in entered]


def town_target_rows(targets: Iterable[tuple[str, str, float]], filters: Filters) -> list[Target]:
    """`town_targets` as rows: the chosen industries' targets, then the town's totals."""
    targets = list(targets)
    own = [Target(i, m, float(v), None) for i, m, v in targets if i in filters.industries]
    return own + [Target(TOWN, m, v, source) for m, v, source in town_totals(targets, filters)]


def _triples(targets: pd.DataFrame) -> list[tuple[str, str, float]]:
    return list(targets[["industry", "measure", "value"]].itertuples(index=False, name=None))


def town_targets(targets: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The chosen industries' targets plus the total they are held to (industry TOWN), with its source.

    Which total applies is `town_totals`'s rule.
    """
    import pandas as pd

    per_industry = targets[targets["industry"].isin(filters.industries)][["industry", "measure", "value"]]
    rows = town_totals(_triples(targets), filters)
    total = pd.DataFrame(rows, columns=["measure", "value", "total_source"]).assign(industry=TOWN)
    return pd.concat([per_industry.assign(total_source=None), total], ignore_index=True)


def source_of_totals(totals: Iterable[tuple[str, float, str]]) -> str | None:
    """'entered' when any measure's total is the analyst's own figure, 'sum' when all are summed, None if none."""
    sources = {source for _, _, source in totals}
    return "entered" if "entered" in sources else ("sum" if sources else None)


def total_source(targets: pd.DataFrame, filters: Filters) -> str | None:
    """'entered' when any measure's total is the analyst's own figure, 'sum' when all are summed, None if none."""
    return source_of_totals(town_totals(_triples(targets), filters))


def status_of(pace: float) -> str | None:
    """ahead / on_track / behind from a pace index (completion ÷ share elapsed)."""
    if pace is None or math.isnan(pace):
        return None
    if pace >= PACE_THRESHOLDS["ahead"]:
        return "ahead"
    return "on_track" if pace >= PACE_THRESHOLDS["on_track"] else "behind"


class Progress(NamedTuple):
    """One scope × measure against its target (NaN where there is none to compare with)."""

    industry: str
    measure: str
    actual: float
    target: float
    total_source: str | None
    completion: float
    gap: float
    elapsed: float
    expected: float
    projection: float
    pace: float
    status: str | None


def measure_progress(
    industry: str, measure: str, actual: float, target: float, total_source: str | None, elapsed: float
) -> Progress:
    """Completion (actual ÷ target, when the target is positive), gap (never below 0), pace, status, projection."""
    completion = actual / target if target > 0 else math.nan
    gap = target - actual
    gap = gap if math.isnan(gap) or gap >= 0 else 0.0
    projection = actual / elapsed if elapsed > 0 else math.nan
    pace = completion / elapsed if elapsed > 0 else math.nan
    # Before the year starts nothing can be on pace yet: a target is "not started", no target no status.
    not_yet = None if math.isnan(target) else "not_started"
    status = status_of(pace) if elapsed > 0 else not_yet
    return Progress(
        industry, measure, actual, target, total_source, completion, gap, elapsed, target * elapsed, projection, pace,
        status,
    )  # fmt: skip


def progress_rows(
    targets: Iterable[tuple[str, str, float, str | None]],
    actual: Iterable[tuple[str, str, float]],
    year: int,
    as_of: date,
) -> list[Progress]:
    """Every scope the actuals cover (in SCOPES order) × measure, from `town_target_rows` and `actual_rows`."""
    actual_of = {(industry, measure): float(value) for industry, measure, value in actual}
    target_of = {(industry, measure): (float(value), source) for industry, measure, value, source in targets}
    covered = {industry for industry, _ in actual_of}
    elapsed = elapsed_share(year, as_of)
    rows = []
    for scope in (s for s in SCOPES if s in covered):
        for measure in MEASURES:
            target, source = target_of.get((scope, measure), (math.nan, None))
            done = actual_of.get((scope, measure), math.nan)
            rows.append(measure_progress(scope, measure, done, target, source, elapsed))
    return rows


def progress(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Every chosen industry (and TOWN) × measure: target, actual, completion, gap, pace status, projection."""
    as_of = snapshot_info(con, snapshot_id)["as_of"]
    return progress_of(
        town_targets(load_targets(con, year), filters), actuals(con, snapshot_id, filters, year), year, as_of
    )


def progress_of(town: pd.DataFrame, actual: pd.DataFrame, year: int, as_of: date) -> pd.DataFrame:
    """progress() from its parts: `town_targets` and `actuals` frames of the same filters."""
    import numpy as np
    import pandas as pd

    targets = list(town[["industry", "measure", "value", "total_source"]].itertuples(index=False, name=None))
    achieved = actual[["industry", "measure", "actual"]].itertuples(index=False, name=None)
    rows = progress_rows(targets, achieved, year, as_of)
    out = pd.DataFrame(rows, columns=list(Progress._fields))
    # As the left merge this frame used to come from left it: NaN where no target row matched, None for an
    # industry's own target. Object dtype keeps None as None (pandas 3 would infer str and turn it into NaN).
    matched = {(industry, measure) for industry, measure, _, _ in targets}
    sources = [r.total_source if (r.industry, r.measure) in matched else np.nan for r in rows]
    out["total_source"] = pd.Series(sources, index=out.index, dtype=object)
    out["status"] = pd.Series([r.status for r in rows], index=out.index, dtype=object)
    if town["value"].dtype == object:
        # A year without targets reads as an empty frame of object columns; the merge kept that dtype for the
        # target and the figures computed from it, and the pages show those columns as they always have.
        computed = ["target", "completion", "gap", "expected", *(["pace"] if elapsed_share(year, as_of) > 0 else [])]
        out[computed] = out[computed].astype(object)
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
    import numpy as np

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
