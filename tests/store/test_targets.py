"""Targets storage: edits are logged with who/when/old/new and survive a restart; imports read units."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd

from analytics.ingest.readers import read_workbook
from analytics.ingest.targets import read_targets
from analytics.store.connection import connect
from analytics.store.imports import import_bytes, import_targets_file
from analytics.store.targets import load_targets, save_targets, target_changes, target_rows
from tests.fixtures.ledgers import title_rows_xlsx, workbook_bytes


def _values(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["industry", "measure", "value"])


def test_edits_are_logged_and_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    con = connect(db)
    assert save_targets(con, 2024, _values(("lighting", "signed_count", 70.0)), "李敏", "editor") == 1
    assert save_targets(con, 2024, _values(("lighting", "signed_count", 75.0)), "王芳", "editor") == 1
    assert save_targets(con, 2024, _values(("lighting", "signed_count", 75.0)), "王芳", "editor") == 0  # no change
    con.close()

    con = connect(db)  # a restart: a new process would see the same
    current = load_targets(con, 2024)
    assert current[["industry", "measure", "value", "updated_by"]].values.tolist() == [
        ["lighting", "signed_count", 75.0, "王芳"]
    ]
    log = target_changes(con, 2024)
    assert sorted(zip(log["changed_by"], log["old_value"].fillna(-1), log["new_value"], strict=True)) == [
        ("李敏", -1, 70.0),
        ("王芳", 70.0, 75.0),
    ]
    con.close()


def test_replace_deletes_targets_left_out(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    save_targets(con, 2024, _values(("lighting", "signed_count", 70.0), ("new_it", "signed_count", 20.0)), "a", "x")
    save_targets(con, 2024, _values(("lighting", "signed_count", 70.0)), "b", "y", replace=True)
    assert load_targets(con, 2024)["industry"].tolist() == ["lighting"]
    log = target_changes(con, 2024)
    deleted = log[log["new_value"].isna()]
    assert deleted[["industry", "old_value", "changed_by"]].values.tolist() == [["new_it", 20.0, "b"]]
    con.close()


def _targets_workbook(unit_header: str = "签约投资额（亿元）", title: str = "古镇镇2024年招商引资目标任务") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "目标"
    ws.append([title])
    ws.append(["产业", "签约项目数（个）", unit_header, "落地项目数", "动工项目数", "投产项目数"])
    ws.append(["灯饰照明", "75个", 150, 50, 45, 30])
    ws.append(["新一代信息技术", 25, 65, 30, 21, 13])
    ws.append(["新能源", 30, "137", 17, 12, 8])
    ws.append(["其他", 16, 26, 30, 18, 7])
    ws.append(["合计", 150, 378, 127, 96, 58])  # signed count entered (146 by sum); the rest add up
    return workbook_bytes(book)


def _ledger_with_targets() -> bytes:
    """The five-project ledger with a 2024年目标 sheet added after its project sheet."""
    ledger = openpyxl.load_workbook(io.BytesIO(title_rows_xlsx()))
    extra = openpyxl.load_workbook(io.BytesIO(_targets_workbook(title="目标任务")))
    sheet = ledger.create_sheet("2024年目标")
    for row in extra.active.iter_rows(values_only=True):
        sheet.append(row)
    return workbook_bytes(ledger)


def test_targets_sheet_reads_units_counts_and_an_entered_total() -> None:
    grid = read_workbook(_targets_workbook(), "t.xlsx")[0]
    found = read_targets(grid, "t.xlsx")
    assert found.year == 2024
    v = found.values.set_index(["industry", "measure"])["value"]
    assert v[("lighting", "signed_count")] == 75.0  # "75个"
    assert v[("lighting", "signed_investment_wan")] == 1_500_000.0  # 150 亿元
    assert v[("new_energy", "signed_investment_wan")] == 1_370_000.0
    # The 合计 row's signed count (150) differs from the sum (146): an entered town total. Others are sums.
    assert v[("total", "signed_count")] == 150.0
    assert ("total", "landed_count") not in v.index


def test_ledger_workbook_with_a_targets_sheet_stores_targets(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    ledger = _ledger_with_targets()
    outcome = import_bytes(con, ledger, "台账.xlsx")
    assert outcome.rows_imported == 5
    assert len(load_targets(con, 2024)) == 21  # 4 industries × 5 measures + the entered town total
    year, stored, _ = import_targets_file(con, _targets_workbook(), "目标.xlsx", who="李敏")
    assert (year, stored) == (2024, 21)
    con.close()


def test_a_ledger_upload_keeps_targets_added_in_the_editor(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    save_targets(con, 2024, _values(("total", "landed_count", 200.0)), "李敏", "editor")
    ledger = _ledger_with_targets()
    import_bytes(con, ledger, "台账.xlsx")
    current = load_targets(con, 2024).set_index(["industry", "measure"])["value"]
    assert current[("total", "landed_count")] == 200.0  # the editor's town total survives
    assert current[("lighting", "signed_count")] == 75.0  # and the sheet's values arrived
    con.close()


def test_rebuild_replays_target_sheets(tmp_path: Path) -> None:
    from analytics.store.connection import archive_dir
    from analytics.store.seed import rebuild_from_archive

    db = tmp_path / "live.duckdb"
    con = connect(db)
    ledger = _ledger_with_targets()
    import_bytes(con, ledger, "台账.xlsx", archive=archive_dir(db))
    before = load_targets(con, 2024)[["industry", "measure", "value"]]
    con.close()
    rebuilt = tmp_path / "rebuilt.duckdb"
    rebuild_from_archive(archive_dir(db), rebuilt)
    con = connect(rebuilt)
    assert load_targets(con, 2024)[["industry", "measure", "value"]].equals(before)
    con.close()


def test_target_rows_are_the_loaded_targets_as_triples(tmp_path: Path) -> None:
    con = connect(tmp_path / "t.duckdb")
    save_targets(
        con, 2024, _values(("other", "landed_count", 3.0), ("lighting", "signed_count", 70.0)), "李敏", "editor"
    )
    save_targets(con, 2025, _values(("lighting", "signed_count", 1.0)), "李敏", "editor")
    assert target_rows(con, 2024) == [("lighting", "signed_count", 70.0), ("other", "landed_count", 3.0)]
    assert target_rows(con, 2023) == []
