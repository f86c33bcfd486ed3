"""The one place that opens the DuckDB database and makes sure its schema exists."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = REPO_ROOT / "data" / "reserves.duckdb"
SCHEMA = Path(__file__).with_name("schema.sql")


def database_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the argument, else $RESERVES_DB, else data/reserves.duckdb."""
    return Path(path or os.environ.get("RESERVES_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database (creating it and its schema if needed)."""
    db = database_path(path)
    if read_only:
        return duckdb.connect(str(db), read_only=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    return con


def archive_dir(path: str | os.PathLike | None = None) -> Path:
    """Folder beside the database holding every uploaded original, so the database can be rebuilt."""
    db = database_path(path)
    return db.parent / f"{db.stem}.archive"
