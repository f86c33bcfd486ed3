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
    # The furthest rung on the cutoff is worked out once per project, then counted for every rung. On a cutoff
    # not before anything the snapshot dates (store/derived.py dated_until) it is the stored rank.
    columns = ",\n".join(
        f"count(*) FILTER (WHERE rung >= {RANK[s]}) AS n_{s}, "
        f"coalesce(sum(investment_wan) FILTER (WHERE rung >= {RANK[s]}), 0) AS wan_{s}"
        for s in LADDER
    )
    rung = f"(CASE WHEN s.dated_until <= $cutoff THEN p.furthest_rung ELSE {furthest_rung_sql('$cutoff')} END)"
    rungs = f"SELECT p.industry, p.investment_wan, {rung} AS rung {SCOPE}"
    return f"SELECT industry, {columns} FROM ({rungs}) AS r GROUP BY industry"


def funnel(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, cutoff: date) -> pd.DataFrame:
    """Per chosen industry and for the town (TOWN): projects and 万元 reaching each rung, with conversion rates.

    Columns: industry, stage, projects, investment_wan, conversion (÷ the rung before; NaN for the first).
    """
    wide = con.execute(_funnel_sql(), filters.params(snapshot_id, cutoff=cutoff)).df().set_index("industry")
    wide = wide.reindex(list(filters.industries)).fillna(0)
    wide.loc[TOWN] = wide.sum()
    rows = []
    for industry, row in wide.iterrows():
        previous = None
        for stage in LADDER:
            count = int(row[f"n_{stage}"])
            rows.append((industry, stage, count, float(row[f"wan_{stage}"]), count / previous if previous else np.nan))
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
