"""Searching and filtering the project list (项目清单)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.domain import EVENT_DATE
from analytics.metrics.filters import SCOPE, Filters
from analytics.metrics.reserve import size_band
from analytics.vocabulary import to_simplified

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


def options(projects: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of a column, most frequent first (for filter widgets)."""
    return projects[column].dropna().value_counts().index.tolist()


_FIND = f"SELECT p.project_key, p.project_name, p.investor, p.industry, p.is_key {SCOPE}"


def find(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, text: str) -> pd.DataFrame:
    """The projects a person means by `text`: its exact key or name, else every name or investor containing it.

    An exact match wins over partial ones, so a project whose name is part of another's is still reachable.
    """
    rows = con.execute(_FIND, filters.params(snapshot_id)).df()
    wanted = text.strip()
    exact = rows[(rows["project_key"] == wanted) | (rows["project_name"] == wanted)]
    if not exact.empty or not wanted:
        return exact.reset_index(drop=True)
    return rows[search(rows, wanted)].reset_index(drop=True)
