"""The JSON shapes the command line prints (`summary`, `review`, `channels`, `targets`, `changes`, `projects`).

These shapes are contracts: acceptance checks and analysts' scripts read them. Each builder takes the same
(connection, snapshot_id, filters, …) as the metrics it shapes and calls them, so the numbers are the pages'.
Amounts are in 万元, rounded to 4 decimals; dates ISO; missing values null.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

import duckdb

from analytics.domain import ALL_STAGES, TOWN
from analytics.metrics import events, reserve, sums, targets
from analytics.metrics.filters import EVERYTHING, SCOPE, Filters
from analytics.store.targets import target_rows

# summary, review, targets and projects are built from plain rows: a command that prints one of them does
# not import pandas. channels and changes shape the frames their metrics return.
if TYPE_CHECKING:
    import pandas as pd


def number(value: object) -> float | None:
    """A float rounded to 4 decimals, or None for a missing value."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 4)


def count_money(count: float, investment: float) -> dict:
    return {"count": int(count), "investment_wan": round(float(investment), 4)}


def _reserve_block(cells: list[reserve.Cell]) -> dict:
    """Projects, planned investment and projects per stage of some cells (added as the pages add them)."""
    stages = dict.fromkeys(ALL_STAGES, 0)
    for cell in cells:
        if cell.stage in stages:
            stages[cell.stage] += cell.projects
    return {
        "projects": sum(cell.projects for cell in cells),
        "investment_wan": round(sums.total(cell.investment_wan for cell in cells), 4),
        "stages": stages,
    }


def summary_json(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters = EVERYTHING) -> dict:
    """`summary`: the reserve by industry and the stage each project stands at, and the town total."""
    cells = reserve.industry_stage_cells(con, snapshot_id, filters)
    return {
        "snapshot_id": snapshot_id,
        TOWN: _reserve_block(cells),
        "by_industry": {
            industry: _reserve_block([c for c in cells if c.industry == industry]) for industry in filters.industries
        },
    }


def review_json(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date, year: int, filters: Filters = EVERYTHING
) -> dict:
    """`review`: events dated in the year by industry and in total, and the reserve at the year's end."""
    flow = events.flow_rows(con, snapshot_id, filters, year)
    cutoff = events.year_end(year, as_of)
    at_end = reserve.cells_at_cutoff(con, snapshot_id, filters, cutoff)
    stage_money = sums.group_totals([c.stage for c in at_end], [c.investment_wan for c in at_end])
    stage_projects = dict.fromkeys(stage_money, 0)
    for cell in at_end:
        stage_projects[cell.stage] += cell.projects
    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "year": year,
        "cutoff": cutoff.isoformat(),
        "by_industry": {
            industry: {
                row.event: count_money(row.count, row.investment_wan) for row in flow if row.industry == industry
            }
            for industry in filters.industries
        },
        TOWN: {event: count_money(count, money) for event, count, money in events.totals_by_event(flow)},
        "reserve_by_stage": {s: count_money(stage_projects[s], stage_money[s]) for s in ALL_STAGES},
        "reserve_by_industry": {
            industry: {c.stage: count_money(c.projects, c.investment_wan) for c in at_end if c.industry == industry}
            for industry in filters.industries
        },
    }


def channels_json(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date, year: int, filters: Filters = EVERYTHING
) -> dict:
    """`channels`: per channel, the 以商引商 league and the fund (landed_or_beyond is 累计落地, as on the Overview)."""
    from analytics.metrics import channels

    fund = channels.fund_by_industry(con, snapshot_id, filters).set_index("industry").loc[TOWN]
    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "year": year,
        "by_channel": {
            row.channel: {
                "projects": int(row.projects),
                "investment_wan": round(float(row.investment_wan), 4),
                "landed_or_beyond": int(row.reached_landed),
                "signed": count_money(row.signed_count, row.signed_investment_wan),
            }
            for row in channels.by_channel(con, snapshot_id, filters, year).itertuples()
        },
        "referrers": [
            {"name": row.referrer, "projects": int(row.projects), "investment_wan": round(float(row.investment_wan), 4)}
            for row in channels.referrers(con, snapshot_id, filters).itertuples()
        ],
        "fund": {
            "projects": int(fund["projects"]),
            "fund_wan": round(float(fund["fund_wan"]), 4),
            "investment_wan": round(float(fund["investment_wan"]), 4),
            "leverage": number(fund["leverage"]),
        },
    }


def _progress_blocks(progress: list[targets.Progress]) -> dict:
    out: dict = {}
    for row in progress:
        out.setdefault(row.industry, {})[row.measure] = {
            "target": number(row.target),
            "actual": number(row.actual),
            "completion": number(row.completion),
            "gap": number(row.gap),
            "projection": number(row.projection),
            "status": row.status,
        }
    return out


def targets_json(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date, year: int, filters: Filters = EVERYTHING
) -> dict:
    """`targets`: progress per industry and for the town, with where the town's total comes from."""
    goals = target_rows(con, year)
    actual = targets.actual_rows(events.flow_rows(con, snapshot_id, filters, year))
    blocks = _progress_blocks(targets.progress_rows(targets.town_target_rows(goals, filters), actual, year, as_of))

    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "year": year,
        "elapsed": round(targets.elapsed_share(year, as_of), 4),
        "total_source": targets.source_of_totals(targets.town_totals(goals, filters)),
        "by_industry": {k: v for k, v in blocks.items() if k != TOWN},
        TOWN: blocks.get(TOWN, {}),
    }


_CHANGE_FIELDS = (
    "project_key", "project_name", "investor", "industry", "stage", "stage_before",
    "investment_wan", "investment_wan_before", "investment_delta",
)  # fmt: skip


def json_value(value: object) -> object:
    """A stored value as JSON has it: missing (None, NaN) → null, dates ISO, anything else as it is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_records(columns: list[str], rows: list[tuple], fields: tuple[str, ...] | list[str]) -> list[dict]:
    """Query rows as JSON-safe dicts of the given fields (those the columns have), see `json_value`."""
    keep = [i for i, c in enumerate(columns) if c in set(fields)]
    return [{columns[i]: json_value(row[i]) for i in keep} for row in rows]


def records(frame: pd.DataFrame, fields: tuple[str, ...] | list[str]) -> list[dict]:
    """Rows as JSON-safe dicts of the given fields (those the frame has): NaN → null, dates ISO."""
    import pandas as pd

    def plain(value: object) -> object:  # pandas' and NumPy's scalars as the Python values a query returns
        if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp):
            return value.date()
        return value.item() if hasattr(value, "item") else value

    keep = [c for c in frame.columns if c in set(fields)]
    return row_records(keep, [tuple(map(plain, row)) for row in frame[keep].itertuples(index=False)], keep)


def changes_json(con: duckdb.DuckDBPyConnection, before_id: int, after_id: int, filters: Filters = EVERYTHING) -> dict:
    """`changes`: the projects in each change list between two snapshots."""
    from analytics.metrics import changes

    found = changes.since(con, after_id, filters, before_id)
    return {"from": before_id, "to": after_id, **{kind: records(found[kind], _CHANGE_FIELDS) for kind in changes.KINDS}}


PROJECT_FIELDS = (
    "project_key", "project_name", "investor", "industry", "investment_wan", "invested_wan", "stage", "stage_raw",
    "is_key", "project_type", "source_region", "department", "channel", "introduced_by", "fund_wan",
    "signed_date", "landed_date", "construction_date", "production_date",
    "planned_landed_date", "planned_construction_date", "planned_production_date",
    "problems", "measures", "notes", "source_sheet", "source_row", "name_raw",
)  # fmt: skip
_PROJECT_ROWS = f"SELECT {', '.join('p.' + c for c in PROJECT_FIELDS)} {SCOPE} ORDER BY p.source_sheet, p.source_row"


def projects_json(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters = EVERYTHING) -> dict:
    """`projects`: every stored project of a snapshot as the dashboard understood it (ledger order)."""
    rows = con.execute(_PROJECT_ROWS, filters.params(snapshot_id)).fetchall()
    return {"snapshot_id": snapshot_id, "projects": row_records(list(PROJECT_FIELDS), rows, PROJECT_FIELDS)}


COMMENT_FIELDS = ("comment_id", "project_key", "project_name", "department", "author", "comment_date", "text")
