"""A project's life across snapshots (全生命周期): stage and investment at each as_of."""

from __future__ import annotations

import duckdb
import pandas as pd

_HISTORY = """
    SELECT p.project_key, s.snapshot_id, s.as_of, p.stage, p.investment_wan
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE s.as_of <= (SELECT as_of FROM snapshots WHERE snapshot_id = ?)
    ORDER BY p.project_key, s.as_of, s.snapshot_id
"""

_ONE_PROJECT = """
    SELECT s.snapshot_id, s.as_of, s.file_name, p.stage, p.stage_raw, p.investment_wan, p.invested_wan,
           p.signed_date, p.landed_date, p.construction_date, p.production_date, p.source_sheet, p.source_row
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
    WHERE p.project_key = ?
    ORDER BY s.as_of, s.snapshot_id
"""


def stage_history(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """(project_key, snapshot_id, as_of, stage, investment_wan) for every snapshot up to this one's as_of."""
    frame = con.execute(_HISTORY, [snapshot_id]).df()
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    # Two uploads with the same as_of: the later upload speaks for that day.
    return frame.drop_duplicates(["project_key", "as_of"], keep="last")


def project_history(con: duckdb.DuckDBPyConnection, project_key: str) -> pd.DataFrame:
    """One project in every snapshot that holds it, oldest first, with where each row came from."""
    return con.execute(_ONE_PROJECT, [project_key]).df()
