"""One writer, many readers: threads and separate processes sharing the database file, and a killed import.

Every wait is bounded (thread joins, process timeouts, polling with a deadline); nothing asserts on timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analytics.ingest.ledger import read_ledger
from analytics.store.connection import Database, archive_dir, connect
from analytics.store.imports import import_bytes, import_ledger
from analytics.store.journal import read_journal
from analytics.store.recovery import check
from analytics.store.snapshots import active_snapshot_id, set_active_snapshot
from tests.fixtures.ledgers import multi_sheet_xlsx, title_rows_xlsx

REPO = Path(__file__).resolve().parents[2]
BOUND = 120  # seconds: the most any one wait below may take before the test fails instead of hanging


def _rows(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def _cli(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )  # fmt: skip


# An app-like process: holds a connection (read-only, as the app now reads, or read-write) until told to stop.
HOLDER = """
import sys
from analytics.store.connection import connect
con = connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def _holder(db: Path, mode: str, *tag: str) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), mode, *tag],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "holding"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(timeout=BOUND)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reserves.duckdb"
    connect(path).close()
    import_bytes(Database(path), multi_sheet_xlsx(), "第一周.xlsx")
    return path


def test_two_threads_committing_the_same_file_store_one_snapshot(db: Path) -> None:
    data = title_rows_xlsx()
    ledger = read_ledger(data, "第二周.xlsx")
    start = threading.Barrier(2, timeout=BOUND)
    outcomes, errors = [], []

    def commit() -> None:
        start.wait()
        try:
            outcomes.append(import_ledger(Database(db), ledger, data))
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BOUND)
    assert not errors
    assert sorted(o.duplicate for o in outcomes) == [False, True]
    assert {o.snapshot_id for o in outcomes} == {2}
    duplicate = next(o for o in outcomes if o.duplicate)
    assert duplicate.issues[0].code == "already_imported" and duplicate.issues[0].params == {"snapshot_id": 2}
    assert len(_rows(db)["snapshots"]) == 2


def test_readers_in_threads_never_fail_while_another_thread_writes(db: Path) -> None:
    import_bytes(Database(db), title_rows_xlsx(), "第二周.xlsx")
    stop = threading.Event()
    seen, errors = set(), []

    def read() -> None:
        while not stop.is_set():
            try:
                seen.add(active_snapshot_id(Database(db)))
            except Exception as exc:
                errors.append(exc)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for i in range(6):  # switching back and forth: every switch waits for the reads in flight
        set_active_snapshot(Database(db), 1 if i % 2 == 0 else 2)
    stop.set()
    for reader in readers:
        reader.join(timeout=BOUND)
    assert not errors
    assert seen <= {1, 2}
    assert [e["snapshot_id"] for e in read_journal(archive_dir(db)) if e["kind"] == "active"] == [1, 2] * 3


def test_two_processes_committing_the_same_file_store_one_snapshot(db: Path, tmp_path: Path) -> None:
    upload = tmp_path / "第二周.xlsx"
    upload.write_bytes(title_rows_xlsx())
    both = [_cli("import", str(upload), "--db", str(db), "--json") for _ in range(2)]
    results = [p.communicate(timeout=BOUND) for p in both]
    assert [p.returncode for p in both] == [0, 0], [err for _, err in results]
    outcomes = [json.loads(out) for out, _ in results]
    assert sorted(o["duplicate"] for o in outcomes) == [False, True]
    assert {o["snapshot_id"] for o in outcomes} == {2}
    assert len(_rows(db)["snapshots"]) == 2


def test_the_command_line_reads_while_an_app_like_process_holds_a_connection(db: Path) -> None:
    holder = _holder(db, "read")
    try:
        summary = _cli("summary", "--db", str(db), "--json")
        out, err = summary.communicate(timeout=BOUND)
        assert summary.returncode == 0, err
        assert json.loads(out)["total"]["projects"] > 0
    finally:
        _release(holder)


def test_a_command_line_write_waits_for_a_reader_then_succeeds(db: Path) -> None:
    import_bytes(Database(db), title_rows_xlsx(), "第二周.xlsx")
    holder = _holder(db, "read")
    try:
        activate = _cli("activate", "1", "--db", str(db), RESERVES_WRITE_TIMEOUT=str(BOUND))
        # The command says it is waiting (it cannot write while the holder reads); then the holder lets go.
        assert activate.stderr.readline().strip() == "数据库正忙，正在重试…"
    finally:
        _release(holder)
    out, err = activate.communicate(timeout=BOUND)
    assert activate.returncode == 0, err
    assert out.strip() == "当前快照：1"


def test_reads_share_one_instance_that_lets_go_of_the_file_when_idle(db: Path) -> None:
    from analytics.store import connection

    app = Database(db)
    assert app.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    with app.reading() as first, app.reading() as second:  # two reads at once: cursors on one instance
        assert len(connection._shared) == 1
        assert first.execute("SELECT 1").fetchone() == second.execute("SELECT 1").fetchone()
    # Idle, the instance closes by itself, so another process can take the file to write.
    deadline = time.monotonic() + BOUND
    while connection._shared and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection._shared
    writer = _holder(db, "write")  # a plain read-write open: it fails at once if the file is still held
    _release(writer)
    # A write in this process closes the shared instance first, and the next read sees what it wrote.
    app.execute("SELECT 1")
    import_bytes(app, title_rows_xlsx(), "第二周.xlsx")
    assert app.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 2


def test_a_lock_held_too_long_is_called_a_lock_and_names_the_dashboard(db: Path) -> None:
    holder = _holder(db, "write", "streamlit")  # what a dashboard process's command line contains
    try:
        activate = _cli("activate", "1", "--db", str(db), RESERVES_WRITE_TIMEOUT="1")
        out, err = activate.communicate(timeout=BOUND)
    finally:
        _release(holder)
    assert activate.returncode == 2
    assert err.splitlines() == [
        "数据库正忙，正在重试…",
        f"数据库正被看板（进程 {holder.pid}）占用（文件已加锁），等待后仍未释放：请稍后再试，或先结束那个操作",
    ]
    assert "损坏" not in err


# An import that stops for good inside its transaction, after its original and journal line are written.
KILLED_IMPORT = """
import sys, time
from pathlib import Path
from analytics.store import journal
from analytics.store.connection import Database
from analytics.store.imports import import_bytes

written = journal._write

def write_then_hang(*args):
    result = written(*args)
    Path(sys.argv[2]).write_text("inside the transaction")
    time.sleep(600)
    return result

journal._write = write_then_hang
import_bytes(Database(sys.argv[1]), Path(sys.argv[3]).read_bytes(), "第二周.xlsx")
"""


def test_an_import_killed_mid_transaction_leaves_the_database_unchanged_and_usable(db: Path, tmp_path: Path) -> None:
    before = _rows(db)
    upload, marker = tmp_path / "第二周.xlsx", tmp_path / "inside"
    upload.write_bytes(title_rows_xlsx())
    child = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(db), str(marker), str(upload)], cwd=REPO)
    deadline = time.monotonic() + BOUND
    while not marker.exists():
        assert child.poll() is None, "the import ended before it was killed"
        assert time.monotonic() < deadline, "the import never reached its transaction"
        time.sleep(0.1)
    child.kill()
    child.wait(timeout=BOUND)
    assert child.returncode != 0

    assert _rows(db) == before
    assert len(read_journal(archive_dir(db))) == 2  # its journal line is there, but never committed…
    assert check(db).ok  # …so check replays only what the database committed
    retry = import_bytes(Database(db), upload.read_bytes(), "第二周.xlsx")
    assert (retry.duplicate, retry.snapshot_id) == (False, 2)
    assert [e["seq"] for e in read_journal(archive_dir(db))] == [1, 2]
    assert read_journal(archive_dir(db))[1]["snapshot_id"] == 2
    assert check(db).ok
