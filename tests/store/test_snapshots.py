"""Snapshots: one transaction per import, duplicates detected, originals kept, active switching, rebuild."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import read_ledger
from analytics.store import imports
from analytics.store.connection import archive_dir, connect
from analytics.store.imports import import_bytes
from analytics.store.seed import rebuild_from_archive
from analytics.store.snapshots import (
    active_snapshot_id,
    list_snapshots,
    original_file,
    project_keys,
    set_active_snapshot,
    snapshot_issues,
)
from tests.fixtures.ledgers import multi_sheet_xlsx, title_rows_xlsx


def _count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "t.duckdb")
    yield connection
    connection.close()


def test_import_keeps_source_sheet_and_row(con) -> None:
    outcome = import_bytes(con, title_rows_xlsx(), "台账.xlsx")
    rows = con.execute(
        "SELECT project_name, source_sheet, source_row FROM projects WHERE snapshot_id = ? ORDER BY source_row",
        [outcome.snapshot_id],
    ).fetchall()
    # Header on row 4; rows 5-7, a blank row 8, rows 9-10 (worked out from the fixture's layout).
    assert [r[2] for r in rows] == [5, 6, 7, 9, 10]
    assert rows[0][:2] == ("华艺智能照明产业园项目", "项目台账")
    assert outcome.as_of == date(2023, 12, 31)


def test_identical_bytes_make_no_second_snapshot(con) -> None:
    data = title_rows_xlsx()  # built once: openpyxl stamps the save time into every file it writes
    first = import_bytes(con, data, "a.xlsx")
    again = import_bytes(con, data, "renamed.xlsx")
    assert again.duplicate and again.snapshot_id == first.snapshot_id
    assert _count(con, "snapshots") == 1
    assert _count(con, "projects") == 5


def test_failure_mid_import_leaves_database_exactly_as_before(con, monkeypatch) -> None:
    import_bytes(con, multi_sheet_xlsx(), "first.xlsx")
    before = {t: _count(con, t) for t in ("snapshots", "projects", "originals")}

    def broken_register(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(con), "register", broken_register, raising=False)
    with pytest.raises(RuntimeError):
        import_bytes(con, title_rows_xlsx(), "second.xlsx")
    monkeypatch.undo()
    assert {t: _count(con, t) for t in before} == before


def test_the_cyclic_collector_is_back_after_an_import_stored_refused_or_failed(con, monkeypatch) -> None:
    """Paused while a read arrives and is stored, never left off: not after a refusal, nor after a failed write."""
    import_bytes(con, multi_sheet_xlsx(), "first.xlsx")
    assert gc.isenabled()
    with pytest.raises(ImportRejected):
        import_bytes(con, b"not a workbook", "x.xlsx")
    assert gc.isenabled()

    def broken_register(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(con), "register", broken_register, raising=False)
    with pytest.raises(RuntimeError):
        import_bytes(con, title_rows_xlsx(), "second.xlsx")
    assert gc.isenabled()


def test_newest_as_of_is_active_until_an_analyst_chooses(con) -> None:
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


def test_original_bytes_come_back_unchanged(con) -> None:
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


def test_project_keys_are_worked_out_name_by_name() -> None:
    """Names are keyed together in one pass: nothing of one name may reach the next (a final sigma stays
    final, an accent at the start of a name does not join the letter before it)."""
    frame = pd.DataFrame(
        {
            "project_name": ["ΑΣ", "e", "\u0301x", "華藝 項目", None, "", "Ａ_b-c"],
            "investor": ["古鎮", None, None, None, "乙公司", None, "Ｂ"],
        },
        dtype=object,  # as the importer hands them over: None where a cell was empty
    )
    assert project_keys(frame).tolist() == ["ας|古镇", "e|", "x|", "华艺项目|", "|乙公司", "|", "abc|b"]


def test_a_previewed_ledger_is_stored_without_reading_the_upload_again(
    con,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = title_rows_xlsx()
    ledger = read_ledger(data, "台账.xlsx")

    def no_second_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the upload was read again")

    monkeypatch.setattr(imports, "read_ledger", no_second_read)
    outcome = imports.import_ledger(con, ledger, data, as_of=date(2024, 1, 9), who="王芳")
    assert (outcome.duplicate, outcome.rows_imported) == (False, 5)
    assert _count(con, "projects") == 5


def test_the_stored_report_keeps_codes_and_params(con) -> None:
    outcome = import_bytes(con, title_rows_xlsx(), "台账.xlsx")
    stored = con.execute("SELECT issues FROM snapshots WHERE snapshot_id = ?", [outcome.snapshot_id]).fetchone()[0]
    records = [r for r in json.loads(stored) if r["code"] != "header_mapped"]  # one note per header (row 4)
    # 合计, 备注：…, 填表人：… rows (11-13), each a code with the row's text as its param.
    assert [(r["code"], r["row"]) for r in records] == [
        ("total_row_skipped", 11), ("footnote_row_skipped", 12), ("footnote_row_skipped", 13)
    ]  # fmt: skip
    assert records[0]["params"] == {"text": "合计"} and "message" not in records[0]
    report = snapshot_issues(con, outcome.snapshot_id)
    assert report == outcome.issues
    total = next(i for i in report if i.code == "total_row_skipped")
    assert total.sentence("en") == 'Total or subtotal row, skipped: "合计"'


def test_exchange_rates_come_from_settings_and_are_stored_with_the_snapshot(con) -> None:
    from analytics.store.snapshots import exchange_rates, set_exchange_rate
    from tests.fixtures.real_shapes import us_dollars_xlsx

    assert exchange_rates(con)["USD"] == 7.1  # the vocabulary's documented default
    set_exchange_rate(con, "USD", 6.5)
    assert exchange_rates(con)["USD"] == 6.5
    outcome = import_bytes(con, us_dollars_xlsx(), "签约.xlsx")
    amounts = con.execute(
        "SELECT investment_wan FROM projects WHERE snapshot_id = ? ORDER BY source_row", [outcome.snapshot_id]
    ).fetchall()
    assert amounts == [(650.0,), (130.0,)]  # 100 and 20 万美元 at 6.5
    stored = con.execute("SELECT rates FROM snapshots WHERE snapshot_id = ?", [outcome.snapshot_id]).fetchone()[0]
    assert json.loads(stored) == {"USD": 6.5}
