"""Targets by year × industry × measure: read, upsert with an audit row per change, and the change log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from analytics.store import audit
from analytics.store.connection import Database, write_session
from analytics.store.journal import journalled

if TYPE_CHECKING:  # pandas is imported where a frame is built: the command line's reports run without it
    import pandas as pd

_TARGETS = """
    SELECT industry, measure, value, updated_at, updated_by, source
    FROM targets WHERE year = ? ORDER BY industry, measure
"""


def load_targets(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """(industry, measure, value, updated_at, updated_by, source) of one year's targets."""
    return con.execute(_TARGETS, [year]).df()


def target_rows(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str, float]]:
    """(industry, measure, value) of one year's targets, as `load_targets` orders them."""
    return [(industry, measure, value) for industry, measure, value, *_ in con.execute(_TARGETS, [year]).fetchall()]


def target_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT year FROM targets ORDER BY year").fetchall()]


def save_targets(
    con: duckdb.DuckDBPyConnection | Database,
    year: int,
    values: pd.DataFrame,
    who: str,
    source: str,
    replace: bool = False,
) -> int:
    """Store (industry, measure, value) rows for a year; log each real change; return how many changed.

    NaN values delete a target. With replace=True, targets of the year absent from `values` are deleted too.
    One transaction: either every change, its audit row and its journal entry are stored, or none.
    """
    import pandas as pd

    wanted = {(r.industry, r.measure): (None if pd.isna(r.value) else float(r.value)) for r in values.itertuples()}
    with write_session(con) as writer:
        current = load_targets(writer, year).set_index(["industry", "measure"])["value"].to_dict()
        if replace:
            wanted = {**dict.fromkeys(current, None), **wanted}
        changes = [(industry, measure, current.get((industry, measure)), new)
                   for (industry, measure), new in wanted.items() if current.get((industry, measure)) != new]  # fmt: skip
        apply_target_changes(writer, year, changes, who, source, audited=True)
    return len(changes)


def apply_target_changes(
    con: duckdb.DuckDBPyConnection,
    year: int,
    changes: list[tuple[str, str, float | None, float | None]],
    who: str,
    source: str,
    at: datetime | None = None,
    audited: bool = False,
) -> None:
    """Apply (industry, measure, old, new) changes with their change-log rows, journalled (rebuild replays this);
    audited=True adds the audit row in the same transaction (a replay is not audited again)."""
    if not changes:
        return
    at = at or datetime.now().replace(microsecond=0)
    with journalled(con) as pending:
        for industry, measure, old, new in changes:
            con.execute(
                "DELETE FROM targets WHERE year = ? AND industry = ? AND measure = ?", [year, industry, measure]
            )
            if new is not None:
                con.execute(
                    "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?)", [year, industry, measure, new, at, who, source]
                )
            con.execute(
                "INSERT INTO target_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [at, who, year, industry, measure, old, new, source],
            )
        if audited:
            audit.record(
                con, who, "target_edit", target=f"targets {year}",
                before={f"{industry}/{measure}": old for industry, measure, old, _ in changes},
                after={f"{industry}/{measure}": new for industry, measure, _, new in changes},
                detail={"year": year, "source": source}, at=at,
            )  # fmt: skip
        pending.record(
            "targets", year=year, at=at.isoformat(), who=who, source=source, changes=[list(c) for c in changes]
        )


def target_changes(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every recorded change of a year's targets, newest first."""
    return con.execute(
        """
        SELECT changed_at, changed_by, industry, measure, old_value, new_value, source
        FROM target_changes WHERE year = ? ORDER BY changed_at DESC, industry, measure
        """,
        [year],
    ).df()
