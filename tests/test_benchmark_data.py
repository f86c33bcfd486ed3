"""The benchmark's scaled databases hold what the store would have written for each copied row: copies of a
project are distinct projects, with their own number, rank, rung and overdue day (a copy carrying the
original's number made every comparison of two snapshots a join of thousands of rows to thousands)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from analytics.domain import furthest_rung_sql, ladder_rank_sql, overdue_since_sql
from analytics.metrics import changes, projects
from analytics.metrics.filters import EVERYTHING
from analytics.store.connection import connect

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory):
    spec = importlib.util.spec_from_file_location("benchmark_run", RUN)
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    folder = tmp_path_factory.mktemp("bench")
    db = run.scaled_database(run.sample_database(folder), 600, folder)
    con = connect(db, read_only=True)
    yield con
    con.close()


def test_every_copy_is_numbered_as_its_own_project(scaled) -> None:
    per_snapshot = scaled.execute(
        "SELECT count(*), count(DISTINCT project_key), count(DISTINCT project_no), count(project_no) "
        "FROM projects GROUP BY snapshot_id"
    ).fetchall()
    assert len(per_snapshot) == 12 and set(per_snapshot) == {(600, 600, 600, 600)}
    numbers = scaled.execute("SELECT count(*), count(DISTINCT project_no) FROM project_numbers").fetchone()
    assert numbers == (600, 600)
    assert scaled.execute(
        "SELECT count(*) FROM projects AS p JOIN project_numbers AS n USING (project_key) "
        "WHERE n.project_no <> p.project_no"
    ).fetchone() == (0,)


def test_every_copied_row_has_the_facts_of_its_own_stage_and_snapshot(scaled) -> None:
    wrong = scaled.execute(
        f"""
        SELECT count(*) FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
        WHERE p.furthest_rung IS DISTINCT FROM {furthest_rung_sql()}
           OR p.stage_rank IS DISTINCT FROM {ladder_rank_sql("p.stage")}
           OR p.overdue_since IS DISTINCT FROM {overdue_since_sql(furthest_rung_sql())}
           OR p.stage_since IS NULL
        """
    ).fetchone()
    assert wrong == (0,)
    # The month-end stages differ from the year end's, so the comparison has something to find.
    assert scaled.execute("SELECT count(DISTINCT stage) FROM projects WHERE snapshot_id = 3").fetchone()[0] > 1


def test_comparing_two_copied_snapshots_agrees_with_pandas(scaled) -> None:
    now = projects.snapshot_projects(scaled, 12, EVERYTHING)
    before = projects.snapshot_projects(scaled, 6, EVERYTHING)
    expected = {kind: len(rows) for kind, rows in changes.compare(before, now).items()}
    assert changes.counts(scaled, 12, EVERYTHING, 6) == expected
    assert expected["advanced"] > 0
