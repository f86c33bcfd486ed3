"""A hand-built snapshot of eight projects whose every metric is worked out by hand in the tests."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.store import derived
from analytics.store.connection import SCHEMA

COLUMNS = [
    "project_key", "project_name", "industry", "investment_wan", "invested_wan", "stage", "project_type",
    "source_region", "department", "is_key", "signed_date", "landed_date", "construction_date", "production_date",
]  # fmt: skip
ROWS = [
    ("p1", "P1", "lighting", 100000.0, 90000.0, "production", "expansion", "本镇", "落地办", True, "2022-03-01", "2022-06-01", "2022-09-01", "2023-04-01"),
    ("p2", "P2", "lighting", 20000.0, 1000.0, "signed", "settle", "深圳", "招商办", False, "2023-05-08", None, None, None),
    ("p3", "P3", "lighting", 5000.0, None, "negotiating", "settle", "深圳", "招商办", False, None, None, None, None),
    ("p4", "P4", "new_it", 60000.0, None, "construction", "settle", "广州", "招商办", True, "2023-01-15", "2023-03-01", "2023-08-01", None),
    ("p5", "P5", "new_energy", 300000.0, 30000.0, "suspended", "return", "香港", "工信科商局", True, "2022-11-03", "2023-02-01", None, None),
    ("p6", "P6", "other", 2500.0, None, "landed", "new_site", "本镇", "落地办", False, "2023-07-19", "2023-10-10", None, None),
    ("p7", "P7", "other", None, None, "negotiating", None, None, None, False, None, None, None, None),
    ("p8", "P8", "lighting", 8000.0, None, "signed", "expansion", "本镇", "招商办", False, "2023-12-31", None, None, None),
]  # fmt: skip


def projects(as_of: str = "2023-12-31") -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    for column in ("signed_date", "landed_date", "construction_date", "production_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["investor"] = frame["project_name"] + "投资公司"
    frame["as_of"] = pd.Timestamp(as_of)
    return frame


def database(frame: pd.DataFrame | None = None, as_of: str = "2023-12-31", snapshot_id: int = 1, con=None):
    """An in-memory database (the real schema) holding `frame` (default: the eight projects) as one snapshot.

    Columns the frame lacks get the importer's defaults, so small hand-made frames stay small.
    """
    con = con or duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    rows = (projects(as_of) if frame is None else frame).drop(columns=["as_of"], errors="ignore").copy()
    defaults = {
        "project_key": rows["project_name"], "is_key": False, "channel": "unknown", "source_sheet": "台账",
        "source_row": range(3, 3 + len(rows)), "stage": "negotiating", "industry": "other",
    }  # fmt: skip
    for column, value in defaults.items():
        if column not in rows:
            rows[column] = value
    rows["snapshot_id"] = snapshot_id
    con.execute(
        "INSERT INTO snapshots (snapshot_id, as_of, as_of_source, sha256, file_name, file_format, created_at,"
        " created_by, rows_read, rows_imported, rows_rejected) VALUES (?, ?, 'argument', ?, 'fixture.xlsx', 'xlsx',"
        " now(), 'test', ?, ?, 0)",
        [snapshot_id, as_of, f"sha{snapshot_id}", len(rows), len(rows)],
    )
    con.register("fixture_rows", rows)
    con.execute("INSERT INTO projects BY NAME SELECT * FROM fixture_rows")
    con.unregister("fixture_rows")
    derived.written(con, snapshot_id, date.fromisoformat(as_of))  # as the store does on every write
    return con
