"""The funnel (转化漏斗) 洽谈 → 签约 → 落地 → 动工 → 投产: projects that reached each rung by a cutoff.

"Reached" is analytics/domain.py's rule, the same as the Overview's 累计 cards and the channel table.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import LADDER, RANK, TOWN, furthest_rung_sql, reached_sql
from analytics.metrics.filters import SCOPE, Filters


def _funnel_sql() -> str:
    # Each project's furthest rung on the cutoff, counted by industry and rung: a handful of groups, which the
    # funnel adds up from the top rung down (one GROUP BY of two sums, where a count and a sum per rung over
    # every row cost twice as much at a million rows). On a cutoff not before anything the snapshot dates
    # (store/derived.py dated_until) the rung is the stored rank.
    rung = f"(CASE WHEN s.dated_until <= $cutoff THEN p.furthest_rung ELSE {furthest_rung_sql('$cutoff')} END)"
    return f"""
        SELECT p.industry, {rung} AS rung, count(*) AS projects, sum(p.investment_wan) AS investment_wan
        {SCOPE}
        GROUP BY ALL
    """


def funnel(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date) -> pd.DataFrame:
    """Per chosen industry and for the town (TOWN): projects and 万元 reaching each rung, with conversion rates.

    Columns: industry, stage, projects, investment_wan, conversion (÷ the rung before; NaN for the first).
    """
    found = con.execute(_funnel_sql(), filters.params(snapshot_id, cutoff=cutoff)).fetchall()
    chosen = list(filters.industries)
    # projects and 万元 by industry (TOWN last) × rung; then from the top rung down, each rung's reach.
    reach = np.zeros((2, len(chosen) + 1, len(LADDER)))
    for industry, rung, projects, wan in found:
        if industry in chosen:
            reach[:, chosen.index(industry), rung] += (projects, 0.0 if wan is None else wan)
    reach[:, -1] = reach[:, :-1].sum(axis=1)
    reach = np.flip(np.cumsum(np.flip(reach, axis=2), axis=2), axis=2)
    rows = []
    for i, industry in enumerate([*chosen, TOWN]):
        previous = None
        for stage in LADDER:
            count, wan = int(reach[0, i, RANK[stage]]), float(reach[1, i, RANK[stage]])
            rows.append((industry, stage, count, wan, count / previous if previous else np.nan))
            previous = count
    return pd.DataFrame(rows, columns=["industry", "stage", "projects", "investment_wan", "conversion"])


# The rows are chosen on the columns that sort them and read whole only for those kept (see projects.page).
_REACHING = """
    SELECT p.*, s.as_of
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE p.rowid IN (
        SELECT p.rowid {scope} AND {reached} AND (p.industry = $industry OR $industry = $town)
        ORDER BY p.investment_wan DESC NULLS LAST, p.project_name LIMIT $limit
    )
    ORDER BY p.investment_wan DESC NULLS LAST, p.project_name
"""


def projects_reaching(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date, stage: str, industry: str = TOWN,
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The projects behind one funnel bar: those of an industry (or the town) that reached a rung by the cutoff.

    Largest first; `limit` keeps the first (the bar's `projects` in `funnel` says how many there are in all).
    """
    sql = _REACHING.format(scope=SCOPE, reached=reached_sql(stage, "$cutoff"))
    params = filters.params(snapshot_id, cutoff=cutoff, industry=industry, town=TOWN, limit=limit)
    return con.execute(sql, params).df()
