"""`backup`, `restore` and `check` as an administrator runs them: exit codes, the one sentence, what is left."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.store.recovery import NOT_JOURNALLED
from tests.fixtures import ledgers as fx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "sample_ledger.xlsx"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip


def ok(*args: str) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def rows(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built through the command line: two imports, a comment, a pinned snapshot."""
    folder = tmp_path_factory.mktemp("live")
    db = folder / "reserves.duckdb"
    second = folder / "第二周.xlsx"
    second.write_bytes(fx.title_rows_xlsx())
    ok("import", str(SAMPLE), "--db", str(db))
    ok("import", str(second), "--db", str(db), "--as-of", "2024-01-09")
    ok("comment", "add", "华艺", "--department", "经发局", "--by", "陈工", "--text", "已约见", "--db", str(db))
    ok("activate", "1", "--db", str(db))
    return db


def _copy(live: Path, tmp_path: Path) -> Path:
    """A private copy of the live database with its archive."""
    shutil.copytree(live.parent, tmp_path / "copy")
    return tmp_path / "copy" / live.name


def test_a_healthy_database_checks_ok(live: Path) -> None:
    result = run("check", "--db", str(live))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK：") and result.stdout.count("\n") == 1


def test_backup_and_restore_into_an_empty_place_give_the_same_tables(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "备份"
    assert "已备份到" in ok("backup", str(folder), "--db", str(live))
    assert sorted(p.name for p in folder.iterdir()) == ["reserves.archive", "reserves.duckdb"]
    target = tmp_path / "new" / "reserves.duckdb"
    assert "已从备份" in ok("restore", str(folder), "--db", str(target))
    assert rows(target) == rows(live)
    assert run("check", "--db", str(target)).returncode == 0
    # A second backup into the same folder is refused: a backup is never overwritten.
    again = run("backup", str(folder), "--db", str(live))
    assert again.returncode == 2 and "已存在" in again.stderr


def test_restore_refuses_to_overwrite_data_without_force(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "备份"
    ok("backup", str(folder), "--db", str(live))
    db = tmp_path / "other" / "reserves.duckdb"
    db.parent.mkdir()
    third = tmp_path / "x.xlsx"
    third.write_bytes(fx.multi_sheet_xlsx())
    ok("import", str(third), "--db", str(db))
    before = rows(db)
    refused = run("restore", str(folder), "--db", str(db))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert rows(db) == before
    ok("restore", str(folder), "--db", str(db), "--force")
    assert rows(db) == rows(live)
    kept = [p.name for p in db.parent.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 2  # the replaced database and its archive, renamed, not deleted


def test_restore_refuses_a_damaged_backup(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "备份"
    ok("backup", str(folder), "--db", str(live))
    os.truncate(folder / "reserves.duckdb", (folder / "reserves.duckdb").stat().st_size // 2)
    target = tmp_path / "new" / "reserves.duckdb"
    result = run("restore", str(folder), "--db", str(target))
    assert result.returncode == 2 and "未通过校验" in result.stderr
    assert not target.exists()


def test_a_truncated_file_is_called_damaged_not_locked(live: Path, tmp_path: Path) -> None:
    db = _copy(live, tmp_path)
    os.truncate(db, db.stat().st_size // 2)
    result = run("check", "--db", str(db))
    assert result.returncode == 2
    assert "已损坏" in result.stdout and "restore" in result.stdout and "rebuild" in result.stdout
    assert "锁" not in result.stdout + result.stderr
    summary = run("summary", "--db", str(db))
    assert summary.returncode == 2 and "已损坏" in summary.stderr and "Traceback" not in summary.stderr


def test_garbage_in_the_middle_is_found_by_check(live: Path, tmp_path: Path) -> None:
    db = _copy(live, tmp_path)
    with db.open("r+b") as f:
        f.seek(db.stat().st_size // 2)
        f.write(random.Random(16).randbytes(64 * 1024))
    result = run("check", "--db", str(db))
    assert result.returncode == 2 and "已损坏" in result.stdout, result.stdout


def test_a_damaged_database_check_names_the_last_backup(live: Path, tmp_path: Path) -> None:
    db = _copy(live, tmp_path)
    folder = tmp_path / "昨晚备份"
    ok("backup", str(folder), "--db", str(db))
    os.truncate(db, db.stat().st_size // 2)
    result = run("check", "--db", str(db))
    assert result.returncode == 2 and f"restore {folder.resolve()} --force" in result.stdout


def test_a_missing_original_is_reported(live: Path, tmp_path: Path) -> None:
    db = _copy(live, tmp_path)
    original = db.parent / "reserves.archive" / f"{hashlib.sha256(SAMPLE.read_bytes()).hexdigest()}.xlsx"
    original.unlink()
    result = run("check", "--db", str(db))
    assert result.returncode == 2
    assert "数据库完好" in result.stdout and "原始文件不在归档中" in result.stdout and original.name in result.stdout


def test_rebuild_from_the_journal_reproduces_the_database(live: Path, tmp_path: Path) -> None:
    target = tmp_path / "rebuilt.duckdb"
    out = ok("rebuild", "--db", str(target), "--from-archive", str(live.parent / "reserves.archive"))
    assert "2 个快照" in out
    # Everything but the audit trail and accounts, which belong to the server the file lived on (NOT_JOURNALLED).
    rebuilt, original = rows(target), rows(live)
    for table in NOT_JOURNALLED:
        rebuilt.pop(table), original.pop(table)
    assert rebuilt == original
