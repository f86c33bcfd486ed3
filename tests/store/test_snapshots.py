"""Snapshots: one transaction per import, duplicates detected, originals kept, active switching, rebuild."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.store.connection import archive_dir, connect
from analytics.store.imports import import_bytes
from analytics.store.seed import rebuild_from_archive
from analytics.store.snapshots import (
    active_snapshot_id,
    list_snapshots,
    original_file,
    project_keys,
    set_active_snapshot,
)
from tests.fixtures.ledgers import multi_sheet_xlsx, title_rows_xlsx


def _count(con, table: str) -> int:  # noqa: ANN001
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def con(tmp_path: Path):  # noqa: ANN201
    connection = connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


def test_import_keeps_source_sheet_and_row(con) -> None:  # noqa: ANN001
    outcome = import_bytes(con, title_rows_xlsx(), "台账.xlsx")
    rows = con.execute(
        "SELECT project_name, source_sheet, source_row FROM projects WHERE snapshot_id = ? ORDER BY source_row",
        [outcome.snapshot_id],
    ).fetchall()
    # Header on row 4; rows 5-7, a blank row 8, rows 9-10 (worked out from the fixture's layout).
    assert [r[2] for r in rows] == [5, 6, 7, 9, 10]
    assert rows[0][:2] == ("华艺智能照明产业园项目", "项目台账")
    assert outcome.as_of == date(2023, 12, 31)


def test_identical_bytes_make_no_second_snapshot(con) -> None:  # noqa: ANN001
    data = title_rows_xlsx()  # built once: openpyxl stamps the save time into every file it writes
    first = import_bytes(con, data, "a.xlsx")
    again = import_bytes(con, data, "renamed.xlsx")
    assert again.duplicate and again.snapshot_id == first.snapshot_id
    assert _count(con, "snapshots") == 1
    assert _count(con, "projects") == 5


def test_failure_mid_import_leaves_database_exactly_as_before(con, monkeypatch) -> None:  # noqa: ANN001
    import_bytes(con, multi_sheet_xlsx(), "first.xlsx")
    before = {t: _count(con, t) for t in ("snapshots", "projects", "originals")}

    def broken_register(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(con), "register", broken_register, raising=False)
    with pytest.raises(RuntimeError):
        import_bytes(con, title_rows_xlsx(), "second.xlsx")
    monkeypatch.undo()
    assert {t: _count(con, t) for t in before} == before


def test_newest_as_of_is_active_until_an_analyst_chooses(con) -> None:  # noqa: ANN001
    late = import_bytes(con, title_rows_xlsx(), "a.xlsx", as_of=date(2024, 1, 9)).snapshot_id
    early = import_bytes(con, multi_sheet_xlsx(), "b.xlsx", as_of=date(2023, 6, 30)).snapshot_id
    assert active_snapshot_id(con) == late  # newest as_of, not newest upload
    set_active_snapshot(con, early)
    assert active_snapshot_id(con) == early
    assert list_snapshots(con).set_index("snapshot_id")["active"].to_dict() == {late: False, early: True}
    set_active_snapshot(con, None)
    assert active_snapshot_id(con) == late
    with pytest.raises(LookupError):
        set_active_snapshot(con, 99)


def test_original_bytes_come_back_unchanged(con) -> None:  # noqa: ANN001
    data = title_rows_xlsx()
    sid = import_bytes(con, data, "原件.xlsx").snapshot_id
    assert original_file(con, sid) == ("原件.xlsx", data)


def test_database_rebuilds_from_archived_originals(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    con = connect(db)
    import_bytes(con, title_rows_xlsx(), "a.xlsx", archive=archive_dir(db), who="李敏")
    import_bytes(con, multi_sheet_xlsx(), "b.xlsx", as_of=date(2024, 1, 9), archive=archive_dir(db))
    query = "SELECT snapshot_id, as_of, file_name, created_by, rows_imported FROM snapshots ORDER BY 1"
    original_snapshots = con.execute(query).fetchall()
    original_projects = con.execute(
        "SELECT * EXCLUDE (extra) FROM projects ORDER BY snapshot_id, source_sheet, source_row"
    ).df()
    con.close()

    rebuilt = tmp_path / "rebuilt.duckdb"
    assert rebuild_from_archive(archive_dir(db), rebuilt) == 2
    con = connect(rebuilt)
    assert con.execute(query).fetchall() == original_snapshots
    pd.testing.assert_frame_equal(
        con.execute("SELECT * EXCLUDE (extra) FROM projects ORDER BY snapshot_id, source_sheet, source_row").df(),
        original_projects,
    )
    con.close()


def test_project_identity_ignores_script_width_and_spacing() -> None:
    frame = pd.DataFrame(
        {
            "project_name": ["華藝智能照明 產業園項目", "华艺智能照明产业园项目", "华艺智能照明产业园项目"],
            "investor": ["中山市古鎮華藝照明有限公司", "中山市古镇华艺照明有限公司（）", "另一家公司"],
        }
    )
    keys = project_keys(frame)
    assert keys[0] == keys[1]
    assert keys[1] != keys[2]
