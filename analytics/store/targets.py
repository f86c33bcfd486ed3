"""Targets by year × industry × measure: read, upsert with an audit row per change, and the change log."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from analytics.store import audit


def load_targets(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """(industry, measure, value, updated_at, updated_by, source) of one year's targets."""
    return con.execute(
        """
        SELECT industry, measure, value, updated_at, updated_by, source
        FROM targets WHERE year = ? ORDER BY industry, measure
        """,
        [year],
    ).df()


def target_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT year FROM targets ORDER BY year").fetchall()]


def save_targets(
    con: duckdb.DuckDBPyConnection, year: int, values: pd.DataFrame, who: str, source: str, replace: bool = False
) -> int:
    """Store (industry, measure, value) rows for a year; log each real change; return how many changed.

    NaN values delete a target. With replace=True, targets of the year absent from `values` are deleted too.
    One transaction: either every change and its audit row is stored, or none.
    """
    now = datetime.now().replace(microsecond=0)
    current = load_targets(con, year).set_index(["industry", "measure"])["value"].to_dict()
    wanted = {(r.industry, r.measure): (None if pd.isna(r.value) else float(r.value)) for r in values.itertuples()}
    if replace:
        wanted = {**dict.fromkeys(current, None), **wanted}
    changes = [(key, current.get(key), new) for key, new in wanted.items() if current.get(key) != new]
    con.execute("BEGIN TRANSACTION")
    try:
        for (industry, measure), old, new in changes:
            con.execute(
                "DELETE FROM targets WHERE year = ? AND industry = ? AND measure = ?", [year, industry, measure]
            )
            if new is not None:
                con.execute(
                    "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?)", [year, industry, measure, new, now, who, source]
                )
            con.execute(
                "INSERT INTO target_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [now, who, year, industry, measure, old, new, source],
            )
        if changes:
            audit.record(
                con, who, "target_edit", target=f"targets {year}",
                before={f"{industry}/{measure}": old for (industry, measure), old, _ in changes},
                after={f"{industry}/{measure}": new for (industry, measure), _, new in changes},
                detail={"year": year, "source": source}, at=now,
            )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(changes)


def target_changes(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every recorded change of a year's targets, newest first."""
    return con.execute(
        """
        SELECT changed_at, changed_by, industry, measure, old_value, new_value, source
        FROM target_changes WHERE year = ? ORDER BY changed_at DESC, industry, measure
        """,
        [year],
    ).df()
