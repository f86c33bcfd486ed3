"""Searching and filtering the project list (项目清单)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.domain import EVENT_DATE
from analytics.metrics.filters import SCOPE, Filters
from analytics.metrics.reserve import size_band, size_band_sql
from analytics.vocabulary import to_simplified, to_traditional

_PROJECTS = f"SELECT p.*, s.as_of {SCOPE} ORDER BY p.source_sheet, p.source_row"


def snapshot_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Every project row of a snapshot within the filters, event dates and as_of as Timestamps."""
    frame = con.execute(_PROJECTS, filters.params(snapshot_id)).df()
    for column in [*EVENT_DATE.values(), "as_of"]:
        frame[column] = pd.to_datetime(frame[column])
    return frame


@dataclass(frozen=True)
class ProjectFilter:
    """What the analyst asked for; empty collections mean 'any'."""

    query: str = ""
    stages: tuple[str, ...] = ()
    project_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    key_only: bool = False
    extra: dict = field(default_factory=dict)


def _searchable(text: pd.Series) -> pd.Series:
    return text.fillna("").map(lambda s: to_simplified(s).lower() if s else "")


def search(projects: pd.DataFrame, query: str) -> pd.Series:
    """Rows whose name or investor contains the query, whichever script (繁/简) either is written in."""
    words = to_simplified(query).lower().split()
    if not words:
        return pd.Series(True, index=projects.index)
    haystack = _searchable(projects["project_name"]) + " " + _searchable(projects["investor"])
    mask = pd.Series(True, index=projects.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return mask


def filter_projects(projects: pd.DataFrame, spec: ProjectFilter) -> pd.DataFrame:
    """The projects matching every part of the filter, biggest planned investment first."""
    mask = search(projects, spec.query)
    for column, chosen in (
        ("stage", spec.stages),
        ("project_type", spec.project_types),
        ("source_region", spec.regions),
        ("department", spec.departments),
        ("channel", spec.channels),
    ):
        if chosen and column in projects.columns:
            mask &= projects[column].isin(chosen)
    if spec.size_bands:
        mask &= size_band(projects["investment_wan"]).isin(spec.size_bands)
    if spec.key_only:
        mask &= projects["is_key"].astype(bool)
    return projects[mask].sort_values("investment_wan", ascending=False, na_position="last")


@dataclass(frozen=True)
class ProjectPage:
    """One page of the filtered list, and what the whole filtered list adds up to."""

    rows: pd.DataFrame  # the page's projects (p.* and as_of), biggest planned investment first
    total: int  # projects matching the filter
    investment_wan: float  # their planned investment (万元)
    reserve: int  # projects of the snapshot within the industry filter


# The column a filter widget narrows, and the SQL it compares (size bands are computed, not stored).
_CHOSEN = {
    "stages": "p.stage", "project_types": "p.project_type", "regions": "p.source_region",
    "departments": "p.department", "channels": "p.channel", "size_bands": size_band_sql(),
}  # fmt: skip
_SEARCHED = ("p.project_name", "coalesce(p.investor, '')")


def _contains(word: str, param: str) -> tuple[str, str]:
    """SQL: the name or the investor contains the word whatever its letters' case, and the parameter's value.

    A word without cased letters (Chinese, digits) is looked for as it is: it matches lower-cased text exactly
    where it matches the text itself. A word with cased letters is a case-insensitive regular expression of the
    word as a literal: lower() over a province's names cost three times the expression, and ten times the search.
    """
    if word == word.upper():
        return " OR ".join(f"contains({c}, ${param})" for c in _SEARCHED), word
    return " OR ".join(f"regexp_matches({c}, ${param})" for c in _SEARCHED), "(?i)" + re.escape(word)


def _where(spec: ProjectFilter) -> tuple[str, dict[str, object]]:
    """The filter as SQL conditions (AND-ed after SCOPE) with their bound parameters.

    A search word matches in either script: the word is looked for in its Simplified and its Traditional
    form, so 华艺 finds 華藝 and the other way round (a name mixing both scripts inside one word is missed).
    """
    conditions, params = [], {}
    for i, word in enumerate(to_simplified(spec.query).lower().split()):
        traditional = to_traditional(word).lower()
        # Most words read the same in both scripts (照明): looked for once, as the search is most of the cost.
        forms = {f"w{i}s": word} | ({f"w{i}t": traditional} if traditional != word else {})
        tests = {name: _contains(form, name) for name, form in forms.items()}
        params.update({name: value for name, (_, value) in tests.items()})
        conditions.append(f"({' OR '.join(sql for sql, _ in tests.values())})")
    for name, column in _CHOSEN.items():
        chosen = getattr(spec, name)
        if chosen:
            params[name] = list(chosen)
            conditions.append(f"list_contains(${name}, {column})")
    if spec.key_only:
        conditions.append("p.is_key")
    return "".join(f" AND {c}" for c in conditions), params


# One pass counts and chooses: the search runs once over the snapshot's rows (it is most of the cost at a
# province), its hits are counted and added up, and the page's rows are chosen on the columns that sort them.
# Only those rows are then read whole, by row id and in no order (a join or a sort there costs more than reading
# them), and put in the chosen order in Python: sorting a province's rows with every column attached would carry
# them all through the sort.
_COUNTED = """
    WITH hits AS MATERIALIZED (SELECT p.rowid AS r, p.investment_wan {scope}{where}),
    kept AS (SELECT r, investment_wan FROM hits ORDER BY investment_wan DESC NULLS LAST, r LIMIT $limit OFFSET $offset)
    SELECT t.total, t.investment_wan, r.reserve, k.rows
    FROM (SELECT count(*) AS total, coalesce(sum(investment_wan), 0) AS investment_wan FROM hits) AS t,
         (SELECT count(*) AS reserve {reserve}) AS r,
         (SELECT list(r ORDER BY investment_wan DESC NULLS LAST, r) AS rows FROM kept) AS k
"""
_BY_ID = """
    SELECT p.rowid AS row_id, {columns}, (SELECT as_of FROM snapshots WHERE snapshot_id = $snapshot) AS as_of{extra}
    FROM projects AS p
    WHERE p.rowid IN (SELECT unnest($rows))
"""


def rows_by_id(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, row_ids: list[int], columns: list[str] | None = None,
    extra: str = "",
) -> pd.DataFrame:  # fmt: skip
    """Rows of a snapshot's projects by row id, in the ids' order: the `columns` (every one by default), as_of,
    then any `extra` SQL columns (alias p); event dates and as_of as Timestamps.

    Read by row id and in no order: a join or a sort there costs more than reading the rows, and a list's rows
    are chosen beforehand on the few columns that place them. Each row read costs a slice of every column it
    is read from, so a list that needs a few columns names them.
    """
    chosen = ", ".join(f"p.{column}" for column in columns) if columns else "p.*"
    sql = _BY_ID.format(columns=chosen, extra=extra)
    found = con.execute(sql, {"snapshot": snapshot_id, "rows": row_ids}).df()
    rows = found.set_index("row_id").loc[row_ids].reset_index(drop=True)
    for column in [*EVENT_DATE.values(), "as_of"]:
        if column in rows.columns:
            rows[column] = pd.to_datetime(rows[column])
    return rows


def page(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    filters: Filters,
    spec: ProjectFilter,
    offset: int = 0,
    limit: int = 100,
) -> ProjectPage:
    """One page (offset, limit) of the projects matching the filter, biggest planned investment first.

    Searched, filtered, counted and sorted in DuckDB: only the page's rows reach Python.
    """
    where, params = _where(spec)
    params = filters.params(snapshot_id, **params, limit=limit, offset=offset)
    # Without conditions every project in scope is a hit: the reserve is counted from them, not scanned again.
    counted = _COUNTED.format(scope=SCOPE, where=where, reserve="FROM hits" if not where else SCOPE)
    total, investment, reserve, chosen = con.execute(counted, params).fetchone()
    rows = rows_by_id(con, snapshot_id, chosen or [])
    return ProjectPage(rows, int(total), float(investment), int(reserve))


_OPTIONS = """
    SELECT {column} AS value, count(*) AS n
    {scope} AND {column} IS NOT NULL
    GROUP BY {column}
    ORDER BY n DESC, value
"""
OPTION_COLUMNS = ("source_region", "department")


def option_values(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, column: str) -> list[str]:
    """The distinct values of source_region or department, most frequent first (for filter widgets)."""
    if column not in OPTION_COLUMNS:
        raise ValueError(f"no options for {column!r}")
    sql = _OPTIONS.format(column=f"p.{column}", scope=SCOPE)
    return [row[0] for row in con.execute(sql, filters.params(snapshot_id)).fetchall()]


_ONE = f"SELECT p.*, s.as_of {SCOPE} AND p.project_key = $key LIMIT 1"


def one_project(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, key: str) -> pd.DataFrame:
    """The project with this key in the snapshot (within the filters): one row, or none."""
    rows = con.execute(_ONE, filters.params(snapshot_id, key=key)).df()
    for column in [*EVENT_DATE.values(), "as_of"]:
        rows[column] = pd.to_datetime(rows[column])
    return rows


_FIND = f"SELECT p.project_key, p.project_name, p.investor, p.industry, p.is_key {SCOPE}{{where}} ORDER BY p.rowid"


def find(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, text: str) -> pd.DataFrame:
    """The projects a person means by `text`: its exact key or name, else every name or investor containing it.

    An exact match wins over partial ones, so a project whose name is part of another's is still reachable.
    The partial match is the project list's search (every word, either script).
    """
    wanted = text.strip()
    exact = " AND (p.project_key = $wanted OR p.project_name = $wanted)"
    rows = con.execute(_FIND.format(where=exact), filters.params(snapshot_id, wanted=wanted)).df()
    if not rows.empty or not wanted:
        return rows
    where, params = _where(ProjectFilter(query=wanted))
    return con.execute(_FIND.format(where=where), filters.params(snapshot_id, **params)).df()
