"""Stage runs: the day each stored project row's current, unbroken stage began (projects.stage_since).

"Stalled" (analytics/domain.py STALLED_DAYS) asks how long a key project has stood at one stage. Answering it
on read meant walking every snapshot's history of every key project, which grows with the reserve times the
snapshots; it is a fact about the stored history, so it is worked out once, when a snapshot is written.

The rules, per project_key and per day (as_of):
- two uploads with the same as_of: the later upload (higher snapshot_id) speaks for that day, and every row
  of that day carries the day's answer;
- the current run of a stage starts on the first day after the last day the project stood elsewhere; days on
  which the project is missing from the ledger do not break a run.

Adding a snapshot changes the answer for its own day and for later days only, so `refresh(con, as_of)` redoes
those days in order, each from the day before it.
"""

from __future__ import annotations

from datetime import date

import duckdb

_STEP = """
    UPDATE projects AS p SET stage_since = n.since
    FROM (
        WITH today AS (
            SELECT h.project_key, arg_max(h.stage, h.snapshot_id) AS stage
            FROM projects AS h JOIN snapshots AS s USING (snapshot_id)
            WHERE s.as_of = $day
            GROUP BY h.project_key
        ),
        before AS (
            SELECT h.project_key,
                   arg_max(h.stage, (s.as_of, h.snapshot_id)) AS stage,
                   arg_max(h.stage_since, (s.as_of, h.snapshot_id)) AS since
            FROM projects AS h JOIN snapshots AS s USING (snapshot_id)
            WHERE s.as_of < $day AND h.project_key IN (SELECT project_key FROM today)
            GROUP BY h.project_key
        )
        SELECT t.project_key, CASE WHEN b.stage = t.stage THEN b.since ELSE $day END AS since
        FROM today AS t LEFT JOIN before AS b USING (project_key)
    ) AS n
    WHERE p.project_key = n.project_key
      AND p.snapshot_id IN (SELECT snapshot_id FROM snapshots WHERE as_of = $day)
      AND p.stage_since IS DISTINCT FROM n.since
"""


def refresh(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Work out stage_since for the rows of this day and of every later day (call inside the write)."""
    days = con.execute("SELECT DISTINCT as_of FROM snapshots WHERE as_of >= ? ORDER BY 1", [as_of]).fetchall()
    for (day,) in days:
        con.execute(_STEP, {"day": day})


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    """Work out stage_since from the earliest day whose rows lack it (databases made before the column)."""
    row = con.execute(
        "SELECT min(s.as_of) FROM projects AS p JOIN snapshots AS s USING (snapshot_id) WHERE p.stage_since IS NULL"
    ).fetchone()
    if row and row[0] is not None:
        refresh(con, row[0])
