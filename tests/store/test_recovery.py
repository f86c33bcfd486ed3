"""Recovery: the journal lets rebuild reproduce every table; archive and commit succeed or fail together."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from analytics.store import journal
from analytics.store.comments import add_comment
from analytics.store.connection import Database, archive_dir, connect
from analytics.store.imports import import_bytes, import_targets_file
from analytics.store.journal import ArchiveWriteFailed, read_journal
from analytics.store.recovery import NOT_JOURNALLED
from analytics.store.seed import rebuild_from_archive
from analytics.store.snapshots import active_snapshot_id, set_active_snapshot
from analytics.store.targets import save_targets
from tests.fixtures.ledgers import multi_sheet_xlsx, title_rows_xlsx, workbook_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    """Every table of a database, rows in a fixed order."""
    con = connect(db, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').df() for name in names}
    finally:
        con.close()


def _targets_file(lighting_signed: int) -> bytes:
    """A separate 2024 targets file: one industry, two measures."""
    book = openpyxl.Workbook()
    book.active.title = "目标"
    book.active.append(["古镇镇2024年招商引资目标任务"])
    book.active.append(["产业", "签约项目数（个）", "签约投资额（亿元）"])
    book.active.append(["灯饰照明", lighting_signed, 150])
    return workbook_bytes(book)


def test_rebuild_reproduces_every_table(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    con = Database(db)
    connect(db).close()
    # The bundled sample carries a targets sheet; the editor then changes a target and deletes another.
    sample = (SAMPLE / "sample_ledger.xlsx").read_bytes()
    first = import_bytes(con, sample, "sample_ledger.xlsx", who="李敏")
    second = import_bytes(con, title_rows_xlsx(), "第二周.xlsx", as_of=date(2024, 1, 9), who="王芳")
    import_bytes(con, multi_sheet_xlsx(), "第三周.xlsx", as_of=date(2024, 1, 2), who="王芳")
    targets = con.execute("SELECT year, industry, measure, value FROM targets ORDER BY ALL").df()
    assert not targets.empty  # the sample's targets sheet was read, so the edits below change something real
    year = int(targets["year"].iloc[0])
    edited = targets[targets["year"] == year][["industry", "measure", "value"]].copy()
    edited.loc[edited.index[0], "value"] = 4.0
    save_targets(con, year, edited.iloc[:-1], "张书记", "editor", replace=True)
    key, name = con.execute("SELECT project_key, project_name FROM projects LIMIT 1").fetchone()
    add_comment(con, key, name, "经发局", "陈工", "已约见投资方", on=date(2024, 1, 10))
    set_active_snapshot(con, first.snapshot_id)
    assert active_snapshot_id(con) == first.snapshot_id != second.snapshot_id

    rebuilt = tmp_path / "rebuilt" / "reserves.duckdb"
    rebuilt.parent.mkdir()
    assert rebuild_from_archive(archive_dir(db), rebuilt) == 3
    original, copy = _tables(db), _tables(rebuilt)
    assert set(copy) == set(original)
    for table, frame in original.items():
        if table in NOT_JOURNALLED:  # the audit trail and accounts belong to the server the file lived on
            continue
        pd.testing.assert_frame_equal(copy[table], frame, obj=table)
    # The rebuilt database has its own complete archive: it can be rebuilt again.
    assert len(read_journal(archive_dir(rebuilt))) == len(read_journal(archive_dir(db)))


def test_a_targets_file_and_its_replacement_are_replayed(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    con = Database(db)
    connect(db).close()
    import_bytes(con, title_rows_xlsx(), "a.xlsx")
    year, stored, _ = import_targets_file(con, _targets_file(75), "目标.xlsx", who="李敏")
    assert (year, stored) == (2024, 2)
    import_targets_file(con, _targets_file(4), "目标修订.xlsx", who="李敏")
    rebuilt = tmp_path / "rebuilt.duckdb"
    rebuild_from_archive(archive_dir(db), rebuilt)
    check = connect(rebuilt, read_only=True)
    value = check.execute(
        "SELECT value FROM targets WHERE year = 2024 AND industry = 'lighting' AND measure = 'signed_count'"
    ).fetchone()
    changes = check.execute("SELECT count(*) FROM target_changes").fetchone()[0]
    check.close()
    assert value == (4.0,)  # not 75: the later file's value, as in the live database
    assert changes == 3  # two targets from the first file, one change from the second


def test_an_archive_failure_stores_nothing_and_a_retry_succeeds(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "live.duckdb"
    con = Database(db)
    connect(db).close()
    data = title_rows_xlsx()

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal, "_write_blob", disk_full)
    with pytest.raises(ArchiveWriteFailed):
        import_bytes(con, data, "台账.xlsx")
    monkeypatch.undo()
    assert _tables(db)["snapshots"].empty and _tables(db)["originals"].empty
    assert read_journal(archive_dir(db)) == []

    retry = import_bytes(con, data, "台账.xlsx")
    assert (retry.duplicate, retry.snapshot_id) == (False, 1)
    (entry,) = read_journal(archive_dir(db))
    assert entry["snapshot_id"] == 1 and (archive_dir(db) / entry["blob"]).read_bytes() == data


def test_a_failed_commit_takes_its_journal_line_back(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "live.duckdb"
    con = Database(db)
    connect(db).close()
    import_bytes(con, title_rows_xlsx(), "a.xlsx")
    before = (archive_dir(db) / "journal.jsonl").read_bytes()
    real_execute = duckdb.DuckDBPyConnection.execute

    def commit_fails(self: duckdb.DuckDBPyConnection, sql: str, *args: object) -> object:
        if sql == "COMMIT":
            raise RuntimeError("power cut at COMMIT")
        return real_execute(self, sql, *args)

    monkeypatch.setattr(duckdb.DuckDBPyConnection, "execute", commit_fails)
    with pytest.raises(RuntimeError):
        set_active_snapshot(con, 1)
    monkeypatch.undo()
    assert (archive_dir(db) / "journal.jsonl").read_bytes() == before
    assert _tables(db)["settings"].query("key == 'active_snapshot'").empty


def test_lines_a_killed_writer_left_uncommitted_are_dropped(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    con = Database(db)
    connect(db).close()
    import_bytes(con, title_rows_xlsx(), "a.xlsx")
    path = archive_dir(db) / "journal.jsonl"
    # What a process killed after appending but before COMMIT leaves: a whole line and a torn one.
    orphan = json.dumps({"seq": 2, "kind": "active", "snapshot_id": 1})
    path.write_text(path.read_text(encoding="utf-8") + orphan + "\n" + '{"seq": 3, "ki', encoding="utf-8")
    assert [e["seq"] for e in read_journal(archive_dir(db), up_to=1)] == [1]
    set_active_snapshot(con, None)
    assert [(e["seq"], e["kind"]) for e in read_journal(archive_dir(db))] == [(1, "snapshot"), (2, "active")]
    assert read_journal(archive_dir(db))[1]["snapshot_id"] is None
