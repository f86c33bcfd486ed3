"""projects.stage_since: the first day of each row's current, unbroken stage, worked out when a snapshot is written."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.store import runs
from tests.metrics.fixture_projects import database


def _rows(stages: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"project_name": list(stages), "stage": list(stages.values()), "is_key": True})


JUNE = _rows({"P": "signed", "Q": "negotiating", "R": "signed"})
SEPTEMBER = _rows({"P": "signed", "Q": "signed"})  # R is missing from this ledger
DECEMBER = _rows({"P": "signed", "Q": "signed", "R": "signed"})
# P stood at signed all year; Q moved to signed in September; R is missing in September, which does not
# break its run.
EXPECTED = {
    (1, "P"): date(2023, 6, 30), (1, "Q"): date(2023, 6, 30), (1, "R"): date(2023, 6, 30),
    (2, "P"): date(2023, 6, 30), (2, "Q"): date(2023, 9, 30),
    (3, "P"): date(2023, 6, 30), (3, "Q"): date(2023, 9, 30), (3, "R"): date(2023, 6, 30),
}  # fmt: skip


def _stored(con) -> dict[tuple[int, str], date]:
    rows = con.execute("SELECT snapshot_id, project_key, stage_since FROM projects").fetchall()
    return {(snapshot, key): since for snapshot, key, since in rows}


def test_written_in_date_order() -> None:
    con = database(JUNE, as_of="2023-06-30", snapshot_id=1)
    database(SEPTEMBER, as_of="2023-09-30", snapshot_id=2, con=con)
    database(DECEMBER, as_of="2023-12-31", snapshot_id=3, con=con)
    assert _stored(con) == EXPECTED


def test_a_backdated_upload_redoes_the_later_days() -> None:
    # December arrives first (everything starts then), then June, then September: each later day is redone.
    con = database(DECEMBER, as_of="2023-12-31", snapshot_id=3)
    assert set(_stored(con).values()) == {date(2023, 12, 31)}
    database(JUNE, as_of="2023-06-30", snapshot_id=1, con=con)
    database(SEPTEMBER, as_of="2023-09-30", snapshot_id=2, con=con)
    assert _stored(con) == EXPECTED


def test_a_later_upload_of_the_same_day_speaks_for_every_row_of_that_day() -> None:
    con = database(JUNE, as_of="2023-06-30", snapshot_id=1)
    database(DECEMBER, as_of="2023-12-31", snapshot_id=2, con=con)
    database(DECEMBER.assign(stage=["signed", "landed", "signed"]), as_of="2023-12-31", snapshot_id=3, con=con)
    stored = _stored(con)
    # Q landed in the later December upload: both December rows of Q now start on 31 Dec.
    assert stored[(2, "Q")] == stored[(3, "Q")] == date(2023, 12, 31)
    assert stored[(2, "P")] == stored[(3, "P")] == date(2023, 6, 30)


def test_backfill_works_out_rows_stored_before_the_column() -> None:
    con = database(JUNE, as_of="2023-06-30", snapshot_id=1)
    database(SEPTEMBER, as_of="2023-09-30", snapshot_id=2, con=con)
    database(DECEMBER, as_of="2023-12-31", snapshot_id=3, con=con)
    con.execute("UPDATE projects SET stage_since = NULL WHERE snapshot_id >= 2")
    runs.backfill(con)
    assert _stored(con) == EXPECTED
