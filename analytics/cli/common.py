"""What every command shares: one-sentence errors, JSON output, opening the database, picking a snapshot."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from analytics.store.connection import Database, database_path, open_reader, writing
from analytics.store.snapshots import active_snapshot_id, snapshot_info


class CommandError(Exception):
    """A problem worth one sentence on stderr and exit code 2."""


def emit(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def pick_snapshot(con: duckdb.DuckDBPyConnection, requested: int | None) -> int:
    if requested is not None:
        if snapshot_info(con, requested) is None:
            raise CommandError(f"数据库中没有编号为 {requested} 的快照")
        return requested
    active = active_snapshot_id(con)
    if active is None:
        raise CommandError("数据库中还没有任何快照，请先导入台账（python -m analytics import PATH）")
    return active


def snapshot_and_as_of(con: duckdb.DuckDBPyConnection, requested: int | None) -> tuple[int, date]:
    """The requested (or active) snapshot's id and as_of."""
    snapshot_id = pick_snapshot(con, requested)
    return snapshot_id, snapshot_info(con, snapshot_id)["as_of"]


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None


def busy_notice() -> None:
    """Said once when a command has to wait for another program's lock on the database."""
    print("数据库正忙，正在重试…", file=sys.stderr, flush=True)


def open_existing(db: str | None) -> duckdb.DuckDBPyConnection:
    """A read-only connection for a command's reads: the dashboard and other commands can read at the same time."""
    path = database_path(db)
    if not path.exists():
        raise CommandError(f"数据库文件 {path} 不存在")
    return open_reader(path, on_wait=busy_notice)


def database(db: str | None, create: bool = False) -> Database:
    """The database for a command that writes: each write waits for the lock (saying so) and holds it briefly."""
    path = database_path(db)
    if not path.exists():
        if not create:
            raise CommandError(f"数据库文件 {path} 不存在")
        with writing(path, on_wait=busy_notice):
            pass  # creates the file and its schema
    return Database(path, on_wait=busy_notice)
