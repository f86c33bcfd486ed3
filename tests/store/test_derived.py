"""What the store derives when a snapshot is written: stage_since per row, repeated project keys per snapshot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.store import derived
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
    derived.backfill(con)
    assert _stored(con) == EXPECTED


def test_repeated_keys_are_counted_and_a_repeated_project_is_compared_on_its_first_row() -> None:
    from analytics.metrics import changes
    from analytics.metrics.filters import Filters

    june = _rows({"P": "signed", "Q": "negotiating"})
    # December lists Q twice: first at signed (an advance), then again at negotiating.
    december = pd.concat([_rows({"P": "signed", "Q": "signed"}), _rows({"Q": "negotiating"})], ignore_index=True)
    con = database(june, as_of="2023-06-30", snapshot_id=1)
    database(december, as_of="2023-12-31", snapshot_id=2, con=con)
    assert con.execute("SELECT snapshot_id, repeated_keys FROM snapshots ORDER BY 1").fetchall() == [(1, 0), (2, 1)]
    found = changes.since(con, 2, Filters(), 1)
    assert found["advanced"]["project_name"].tolist() == ["Q"]
    assert sum(found.counts.values()) == 1
    # Without the repeat, the same comparison takes the path that skips de-duplication, with the same answer.
    con.execute("DELETE FROM projects WHERE snapshot_id = 2 AND project_key = 'Q' AND stage = 'negotiating'")
    derived.count_repeated_keys(con, [2])
    assert con.execute("SELECT repeated_keys FROM snapshots WHERE snapshot_id = 2").fetchone() == (0,)
    assert changes.since(con, 2, Filters(), 1)["advanced"]["project_name"].tolist() == ["Q"]


# furthest_rung, by hand: the stage's rank or the furthest dated rung, whichever is further; a suspended row
# counts only its dates (none: 0).
RUNGS = pd.DataFrame(
    {
        "project_name": ["A", "B", "C", "D", "E"],
        "stage": ["negotiating", "signed", "suspended", "suspended", "production"],
        "landed_date": [pd.Timestamp("2023-03-01"), None, None, None, None],
        "construction_date": [None, None, pd.Timestamp("2023-05-01"), None, None],
    }
)
EXPECTED_RUNGS = {"A": 2, "B": 1, "C": 3, "D": 0, "E": 4}


def _rungs(con, snapshot_id: int) -> dict[str, int]:
    rows = con.execute("SELECT project_name, furthest_rung FROM projects WHERE snapshot_id = ?", [snapshot_id])
    return dict(rows.fetchall())


def test_furthest_rung_is_stored_for_each_write_in_any_order() -> None:
    con = database(RUNGS.assign(stage="negotiating"), as_of="2023-12-31", snapshot_id=2)
    database(RUNGS, as_of="2023-06-30", snapshot_id=1, con=con)  # backdated: touches only its own rows
    assert _rungs(con, 1) == EXPECTED_RUNGS
    assert _rungs(con, 2) == {"A": 2, "B": 0, "C": 3, "D": 0, "E": 0}


def test_backfill_works_out_furthest_rung_for_rows_stored_before_the_column() -> None:
    con = database(RUNGS, as_of="2023-06-30", snapshot_id=1)
    database(RUNGS, as_of="2023-12-31", snapshot_id=2, con=con)
    con.execute("UPDATE projects SET furthest_rung = NULL WHERE snapshot_id = 2")
    derived.backfill(con)
    assert _rungs(con, 1) == _rungs(con, 2) == EXPECTED_RUNGS


def test_dated_until_is_the_latest_of_as_of_and_every_event_date_also_after_a_backfill() -> None:
    con = database(RUNGS, as_of="2023-04-30", snapshot_id=1)  # C's construction date (1 May) is later
    database(RUNGS, as_of="2023-12-31", snapshot_id=2, con=con)
    database(RUNGS[["project_name", "stage"]], as_of="2023-02-28", snapshot_id=3, con=con)  # no dates at all
    expected = [(1, date(2023, 5, 1)), (2, date(2023, 12, 31)), (3, date(2023, 2, 28))]
    assert con.execute("SELECT snapshot_id, dated_until FROM snapshots ORDER BY 1").fetchall() == expected
    con.execute("UPDATE snapshots SET dated_until = NULL")
    derived.backfill(con)
    assert con.execute("SELECT snapshot_id, dated_until FROM snapshots ORDER BY 1").fetchall() == expected


def _numbers(con) -> dict[tuple[int, str], tuple[int, int | None]]:
    rows = con.execute("SELECT snapshot_id, project_key, project_no, stage_rank FROM projects").fetchall()
    return {(snapshot, key): (number, rank) for snapshot, key, number, rank in rows}


def test_each_project_keeps_one_number_and_each_row_its_stage_rank_also_after_a_backfill() -> None:
    con = database(JUNE, as_of="2023-06-30", snapshot_id=1)
    database(SEPTEMBER, as_of="2023-09-30", snapshot_id=2, con=con)
    # December adds S (suspended) before R: S is numbered in the order first stored, after June's three.
    database(_rows({"S": "suspended", "P": "landed", "R": "signed"}), as_of="2023-12-31", snapshot_id=3, con=con)
    numbers = _numbers(con)
    assert numbers == {
        (1, "P"): (1, 1), (1, "Q"): (2, 0), (1, "R"): (3, 1),
        (2, "P"): (1, 1), (2, "Q"): (2, 1),
        (3, "S"): (4, None), (3, "P"): (1, 2), (3, "R"): (3, 1),
    }  # fmt: skip
    assert con.execute("SELECT count(*), count(DISTINCT project_key) FROM project_numbers").fetchone() == (4, 4)
    # A database from before these facts: numbered and ranked alike on its next start.
    con.execute("UPDATE projects SET project_no = NULL, stage_rank = NULL")
    con.execute("DELETE FROM project_numbers")
    derived.backfill(con)
    assert _numbers(con) == numbers


def test_a_stage_or_industry_off_the_lists_is_refused_on_write() -> None:
    with pytest.raises(ValueError, match="row 4"):
        database(_rows({"P": "signed", "Q": "on hold"}), as_of="2023-06-30")
    with pytest.raises(ValueError, match="'lamps'"):
        database(JUNE.assign(industry="lamps"), as_of="2023-06-30")


def test_overdue_since_is_stored_per_row_by_the_domain_rule_also_after_a_backfill() -> None:
    from analytics.metrics import risks

    rows = pd.DataFrame(
        {
            "project_name": ["A", "B", "C", "D"],
            "stage": ["negotiating", "landed", "signed", "signed"],
            "planned_landed_date": pd.to_datetime(["2023-03-01", "2023-03-01", "2023-09-01", "2023-05-01"]),
            "planned_construction_date": pd.to_datetime([None, None, None, "2023-02-01"]),
        }
    )
    # A's landing was due 1 Mar; B has landed; C's is not due by 30 Jun; D's start was due first, on 1 Feb.
    expected = {"A": date(2023, 3, 1), "B": None, "C": None, "D": date(2023, 2, 1)}
    con = database(rows, as_of="2023-06-30")
    stored = dict(con.execute("SELECT project_name, overdue_since FROM projects").fetchall())
    assert stored == expected
    dates = dict.fromkeys(["signed_date", "landed_date", "construction_date", "production_date"], pd.NaT)
    by_pandas = risks.overdue_since(rows.assign(as_of=pd.Timestamp("2023-06-30"), **dates))
    assert [None if pd.isna(d) else d.date() for d in by_pandas] == list(expected.values())
    con.execute("UPDATE projects SET overdue_since = NULL, project_no = NULL")
    derived.backfill(con)
    assert dict(con.execute("SELECT project_name, overdue_since FROM projects").fetchall()) == expected
