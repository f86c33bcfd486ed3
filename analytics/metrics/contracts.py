"""The JSON shapes the command line prints (`summary`, `review`, `channels`, `targets`, `changes`, `projects`).

These shapes are contracts: acceptance checks and analysts' scripts read them. Each builder takes the same
(connection, snapshot_id, filters, …) as the metrics it shapes and calls them, so the numbers are the pages'.
Amounts are in 万元, rounded to 4 decimals; dates ISO; missing values null.
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pandas as pd

from analytics.domain import ALL_STAGES, TOWN
from analytics.metrics import changes, channels, events, reserve, targets
from analytics.metrics.filters import EVERYTHING, SCOPE, Filters
from analytics.store.targets import load_targets


def number(value: object) -> float | None:
    """A float rounded to 4 decimals, or None for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return round(float(value), 4)


def count_money(count: float, investment: float) -> dict:
    return {"count": int(count), "investment_wan": round(float(investment), 4)}


def summary_json(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters = EVERYTHING) -> dict:
    """`summary`: the reserve by industry and the stage each project stands at, and the town total."""
    cells = reserve.by_industry_stage(con, snapshot_id, filters)

    def block(frame: pd.DataFrame) -> dict:
        stages = frame.groupby("stage")["projects"].sum()
        return {
            "projects": int(frame["projects"].sum()),
            "investment_wan": round(float(frame["investment_wan"].sum()), 4),
            "stages": {stage: int(stages.get(stage, 0)) for stage in ALL_STAGES},
        }

    return {
        "snapshot_id": snapshot_id,
        TOWN: block(cells),
        "by_industry": {industry: block(cells[cells["industry"] == industry]) for industry in filters.industries},
    }


def review_json(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date, year: int, filters: Filters = EVERYTHING
) -> dict:
    """`review`: events dated in the year by industry and in total, and the reserve at the year's end."""
    flow = events.flows(con, snapshot_id, filters, year)
    cutoff = events.year_end(year, as_of)
    at_end = reserve.at_cutoff(con, snapshot_id, filters, cutoff)
    by_stage = at_end.groupby("stage")[["projects", "investment_wan"]].sum()
    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "year": year,
        "cutoff": cutoff.isoformat(),
        "by_industry": {
            industry: {
                row.event: count_money(row.count, row.investment_wan)
                for row in flow[flow["industry"] == industry].itertuples()
            }
            for industry in filters.industries
        },
        TOWN: {row.event: count_money(row.count, row.investment_wan) for row in events.flow_totals(flow).itertuples()},
        "reserve_by_stage": {s: count_money(*by_stage.loc[s]) for s in ALL_STAGES},
        "reserve_by_industry": {
            industry: {
                row.stage: count_money(row.projects, row.investment_wan)
                for row in at_end[at_end["industry"] == industry].itertuples()
            }
            for industry in filters.industries
        },
    }


def channels_json(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date, year: int, filters: Filters = EVERYTHING
) -> dict:
    """`channels`: per channel, the 以商引商 league and the fund (landed_or_beyond is 累计落地, as on the Overview)."""
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


def _progress_blocks(progress: pd.DataFrame) -> dict:
    out: dict = {}
    for row in progress.itertuples():
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
    blocks = _progress_blocks(targets.progress(con, snapshot_id, filters, year))

    return {
        "snapshot_id": snapshot_id,
        "as_of": as_of.isoformat(),
        "year": year,
        "elapsed": round(targets.elapsed_share(year, as_of), 4),
        "total_source": targets.total_source(load_targets(con, year), filters),
        "by_industry": {k: v for k, v in blocks.items() if k != TOWN},
        TOWN: blocks.get(TOWN, {}),
    }


_CHANGE_FIELDS = (
    "project_key", "project_name", "investor", "industry", "stage", "stage_before",
    "investment_wan", "investment_wan_before", "investment_delta",
)  # fmt: skip


def records(frame: pd.DataFrame, fields: tuple[str, ...] | list[str]) -> list[dict]:
    """Rows as JSON-safe dicts of the given fields (those the frame has): NaN → null, dates ISO."""
    keep = [c for c in frame.columns if c in set(fields)]
    out = []
    for row in frame[keep].itertuples(index=False):
        item = {}
        for name, value in zip(keep, row, strict=True):
            if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
                item[name] = None
            elif isinstance(value, pd.Timestamp | date):
                item[name] = pd.Timestamp(value).date().isoformat()
            elif hasattr(value, "item"):
                item[name] = value.item()
            else:
                item[name] = value
        out.append(item)
    return out


def changes_json(con: duckdb.DuckDBPyConnection, before_id: int, after_id: int, filters: Filters = EVERYTHING) -> dict:
    """`changes`: the projects in each change list between two snapshots."""
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
    frame = con.execute(_PROJECT_ROWS, filters.params(snapshot_id)).df()
    return {"snapshot_id": snapshot_id, "projects": records(frame, PROJECT_FIELDS)}


COMMENT_FIELDS = ("comment_id", "project_key", "project_name", "department", "author", "comment_date", "text")
