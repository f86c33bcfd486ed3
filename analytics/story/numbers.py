"""The figures a meeting deck and its briefing are written from, computed once by the metrics.

Both the slides (analytics/story/slides.py) and the briefing (analytics/story/briefing.py) read these frames,
so a number in the text is the number on the chart beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics.metrics import changes, events, reserve, risks, targets
from analytics.metrics.filters import Filters
from analytics.store.snapshots import snapshot_info

KEY_ROWS = 20
"""Key projects a meeting reads row by row (its slides, its risk table, the briefing's names), flagged first."""


@dataclass(frozen=True)
class MeetingNumbers:
    snapshot_id: int
    as_of: date
    filters: Filters
    year: int  # the year reviewed
    target_year: int  # the year whose targets are discussed
    by_industry: pd.DataFrame  # reserve.by_industry
    cells: pd.DataFrame  # reserve.by_industry_stage
    flows: pd.DataFrame  # events.flows(year)
    flows_before: pd.DataFrame  # events.flows(year - 1)
    comparison: pd.DataFrame  # events.year_comparison(year)
    review_progress: pd.DataFrame  # targets.progress(year)
    target_progress: pd.DataFrame  # targets.progress(target_year)
    previous: dict | None  # the previous snapshot's info (snapshot_info), if any
    changed: changes.Changes | None  # changes.since(previous): each list's KEY_ROWS largest, and its count
    key_projects: pd.DataFrame  # risks.key_projects: the first KEY_ROWS, flagged first
    key_flags: dict[str, int]  # risks.flag_counts: key projects, overdue, stalled, flagged

    @property
    def totals(self) -> pd.Series:
        return reserve.totals(self.by_industry)


def default_years(as_of: date) -> tuple[int, int]:
    """The review year (the latest complete at as_of, as the review page does) and the year after it."""
    year = events.default_year(as_of)
    return year, year + 1


def gather(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int, target_year: int
) -> MeetingNumbers:
    """Every figure of the meeting, for one snapshot and filter."""
    as_of = snapshot_info(con, snapshot_id)["as_of"]
    before = reserve.previous_snapshot(con, snapshot_id)
    previous_id = before[0] if before else None
    return MeetingNumbers(
        snapshot_id=snapshot_id,
        as_of=as_of,
        filters=filters,
        year=year,
        target_year=target_year,
        by_industry=reserve.by_industry(con, snapshot_id, filters),
        cells=reserve.by_industry_stage(con, snapshot_id, filters),
        flows=events.flows(con, snapshot_id, filters, year),
        flows_before=events.flows(con, snapshot_id, filters, year - 1),
        comparison=events.year_comparison(con, snapshot_id, filters, year),
        review_progress=targets.progress(con, snapshot_id, filters, year),
        target_progress=targets.progress(con, snapshot_id, filters, target_year),
        previous=snapshot_info(con, previous_id) if previous_id is not None else None,
        changed=(
            changes.since(con, snapshot_id, filters, previous_id, KEY_ROWS, largest_first=True)
            if previous_id is not None
            else None
        ),
        key_projects=risks.key_projects(con, snapshot_id, filters, limit=KEY_ROWS),
        key_flags=risks.flag_counts(con, snapshot_id, filters),
    )
