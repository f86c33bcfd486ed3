"""Facts worked out from the stored rows when a snapshot is written, so reads need not walk them again.

- projects.stage_since: the day each row's current, unbroken stage began (stage runs, below);
- projects.furthest_rung: each row's furthest rung as stored (analytics/domain.py furthest_rung without a
  cutoff, as its rank). Every "reached" count as the snapshot stands (the Overview's 累计 cards, the channels,
  the referral league) reads it instead of working out the stage and four dates of every row on each read,
  which cost more than the rest of those queries together at a million rows;
- projects.stage_rank and projects.project_no: the stored stage's rung (NULL when suspended) and a dense number
  per project_key (table project_numbers). Comparing two snapshots (analytics/metrics/changes.py) joins a
  million rows to a million: on the number and the rank it is a join of integers, where on the text key and
  the stage's words it took several times as long;
- projects.overdue_since: the day the row fell overdue (analytics/domain.py overdue_since_sql): a fact of the
  row and its snapshot's as_of, which never changes; the key-project lists and counts read it;
- snapshots.dated_until: the latest of the snapshot's as_of and every event date its rows hold. On a cutoff
  not before it, every row's stage and dates on the cutoff are those stored, so its rung on the cutoff is
  furthest_rung (the funnel of a year review reads the rank instead of rebuilding each row's stage);
- snapshots.repeated_keys: how many of a snapshot's rows repeat an earlier row's project_key (a ledger that
  lists a project twice); when it is 0, comparing two snapshots needs no de-duplication.

Stage runs. "Stalled" (analytics/domain.py STALLED_DAYS) asks how long a key project has stood at one stage. Answering it
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

from analytics.domain import (
    ALL_STAGES,
    EVENT_DATE,
    INDUSTRIES,
    RANK,
    furthest_rung_sql,
    ladder_rank_sql,
    overdue_since_sql,
)

ROW_FACTS = ("stage_since", "furthest_rung", "stage_rank", "project_no", "overdue_since")
"""The projects columns this module works out for each row: a copy of rows leaves them out, to be worked out
again for the copies (their key, snapshot and stage differ)."""

# One day from the day before it. A project's previous answer is its speaking row on the latest earlier day it
# appears on: nearly always the previous day, so only the projects missing from that day look further back.
_STEP = """
    UPDATE projects AS p SET stage_since = n.since
    FROM (
        WITH today AS (
            SELECT h.project_key, arg_max(h.stage, h.snapshot_id) AS stage
            FROM projects AS h JOIN snapshots AS s USING (snapshot_id)
            WHERE s.as_of = $day
            GROUP BY h.project_key
        ),
        previous_day AS (
            SELECT h.project_key, arg_max(h.stage, h.snapshot_id) AS stage,
                   arg_max(h.stage_since, h.snapshot_id) AS since
            FROM projects AS h
            WHERE h.snapshot_id IN (
                SELECT snapshot_id FROM snapshots WHERE as_of = (SELECT max(as_of) FROM snapshots WHERE as_of < $day)
            )
            GROUP BY h.project_key
        ),
        missing AS (SELECT project_key FROM today ANTI JOIN previous_day USING (project_key)),
        further_back AS (
            SELECT h.project_key, arg_max(h.stage, (s.as_of, h.snapshot_id)) AS stage,
                   arg_max(h.stage_since, (s.as_of, h.snapshot_id)) AS since
            FROM projects AS h JOIN snapshots AS s USING (snapshot_id)
            WHERE s.as_of < $day AND h.project_key IN (SELECT project_key FROM missing)
            GROUP BY h.project_key
        ),
        before AS (SELECT * FROM previous_day UNION ALL SELECT * FROM further_back)
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


_REPEATED = """
    UPDATE snapshots AS s SET repeated_keys = r.repeated
    FROM (
        SELECT snapshot_id, count(*) - count(DISTINCT project_key) AS repeated
        FROM projects WHERE list_contains($snapshots, snapshot_id) GROUP BY snapshot_id
    ) AS r
    WHERE s.snapshot_id = r.snapshot_id
"""


def count_repeated_keys(con: duckdb.DuckDBPyConnection, snapshot_ids: list[int]) -> None:
    """Store how many rows of each snapshot repeat an earlier row's project_key (call inside the write)."""
    con.execute(_REPEATED, {"snapshots": snapshot_ids})


# New keys get the next numbers, in the order first stored: by the first snapshot holding the key, then by its
# first row there. Snapshots are written in id order, so a rebuild from the archive and a backfill of an older
# database number every key as the live database did (recovery's check compares them).
_NUMBER_KEYS = """
    INSERT INTO project_numbers (project_key, project_no)
    SELECT project_key,
           (SELECT coalesce(max(project_no), 0) FROM project_numbers)
           + row_number() OVER (ORDER BY first_snapshot, first_row)
    FROM (
        SELECT p.project_key, min(p.snapshot_id) AS first_snapshot, min(p.rowid) AS first_row
        FROM projects AS p
        WHERE {rows} AND p.project_key NOT IN (SELECT project_key FROM project_numbers)
        GROUP BY p.project_key
    )
"""
# A row's own stage and dates decide its rungs, and its key its number: no other row or snapshot enters, so a
# write touches its own rows, in one pass.
_ROW_FACTS = f"""
    UPDATE projects AS p
    SET furthest_rung = {furthest_rung_sql()}, stage_rank = {ladder_rank_sql("p.stage")}, project_no = n.project_no,
        overdue_since = {overdue_since_sql(furthest_rung_sql())}
    FROM project_numbers AS n, snapshots AS s
    WHERE n.project_key = p.project_key AND s.snapshot_id = p.snapshot_id AND {{rows}}
"""


def reached_as_stored_sql(stage: str) -> str:
    """SQL condition (alias p): domain.reached_sql(stage) without a cutoff, read from the stored rank."""
    return f"(p.furthest_rung >= {RANK[stage]})"


def _row_facts(con: duckdb.DuckDBPyConnection, rows: str, params: dict | None = None) -> None:
    con.execute(_NUMBER_KEYS.format(rows=rows), params)
    con.execute(_ROW_FACTS.format(rows=rows), params)


def store_row_facts(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Store each row's furthest rung, stage rank, project number and overdue day for a snapshot just written
    (inside the write)."""
    _row_facts(con, "p.snapshot_id = $snapshot", {"snapshot": snapshot_id})


_DATED_UNTIL = f"""
    UPDATE snapshots AS s SET dated_until = greatest(s.as_of, (
        SELECT max(greatest({", ".join(f"p.{column}" for column in EVENT_DATE.values())}))
        FROM projects AS p WHERE p.snapshot_id = s.snapshot_id
    ))
    WHERE list_contains($snapshots, s.snapshot_id)
"""


def date_snapshots(con: duckdb.DuckDBPyConnection, snapshot_ids: list[int]) -> None:
    """Store each snapshot's dated_until (call inside the write)."""
    con.execute(_DATED_UNTIL, {"snapshots": snapshot_ids})


_OFF_THE_LISTS = """
    SELECT p.source_row, p.stage, p.industry FROM projects AS p
    WHERE p.snapshot_id = $snapshot AND (NOT list_contains($stages, p.stage) OR NOT list_contains($industries, p.industry))
    LIMIT 1
"""


def check_values(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Refuse a snapshot holding a stage outside ALL_STAGES or an industry outside INDUSTRIES (inside its write).

    The importer only ever stores those, and reads rely on it: a suspended row is the one without a stage_rank,
    and the whole town's filter tests no row's industry (analytics/metrics/filters.py IN_FILTERS)."""
    params = {"snapshot": snapshot_id, "stages": list(ALL_STAGES), "industries": list(INDUSTRIES)}
    found = con.execute(_OFF_THE_LISTS, params).fetchone()
    if found:
        raise ValueError(f"snapshot {snapshot_id}, row {found[0]}: stage {found[1]!r} or industry {found[2]!r} unknown")


def written(con: duckdb.DuckDBPyConnection, snapshot_id: int, as_of: date) -> None:
    """Everything this module derives, for a snapshot just written (inside its write)."""
    check_values(con, snapshot_id)
    store_row_facts(con, snapshot_id)
    date_snapshots(con, [snapshot_id])
    count_repeated_keys(con, [snapshot_id])
    refresh(con, as_of)


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    """Work out what rows stored before these facts existed lack (a database made by an earlier release)."""
    row = con.execute(
        "SELECT min(s.as_of) FROM projects AS p JOIN snapshots AS s USING (snapshot_id) WHERE p.stage_since IS NULL"
    ).fetchone()
    if row and row[0] is not None:
        refresh(con, row[0])
    missing = [r[0] for r in con.execute("SELECT snapshot_id FROM snapshots WHERE repeated_keys IS NULL").fetchall()]
    if missing:
        count_repeated_keys(con, missing)
    undated = [r[0] for r in con.execute("SELECT snapshot_id FROM snapshots WHERE dated_until IS NULL").fetchall()]
    if undated:
        date_snapshots(con, undated)
    # project_no is never NULL once stored (every key is numbered first); stage_rank is, for a suspended row,
    # and overdue_since for a row not overdue: all four are stored in one pass, so one marks them all.
    unfinished = "(p.furthest_rung IS NULL OR p.project_no IS NULL)"
    if con.execute(f"SELECT 1 FROM projects AS p WHERE {unfinished} LIMIT 1").fetchone():
        _row_facts(con, unfinished)
