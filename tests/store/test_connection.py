"""open_reader: one read-only open for a current database; an older one gains its new columns first."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics.store.connection import connect, open_reader


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()
    return {name for (name,) in rows}


def test_a_current_database_is_opened_once_read_only(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    connect(db).close()
    con = open_reader(db)
    try:
        assert "name_raw" in _columns(con, "projects")
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("INSERT INTO settings VALUES ('k', 'v')")
    finally:
        con.close()


def test_an_older_database_gains_its_new_columns_and_tables_before_the_read(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = connect(db)
    con.execute("ALTER TABLE projects DROP COLUMN name_raw")  # as made by a release before the column
    con.execute("DROP TABLE audit")
    con.close()
    con = open_reader(db)
    try:
        assert "name_raw" in _columns(con, "projects")
        assert "detail" in _columns(con, "audit")
    finally:
        con.close()
