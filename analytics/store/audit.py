"""The audit trail: one appended row per change or sign-in attempt (who, when, action, what, before, after).

Rows are only ever inserted; this module has no way to change or remove one, and a test checks that no code does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from analytics.store.connection import write_session

if TYPE_CHECKING:  # only `as_records` needs pandas; the command line's reports import this module without it
    import pandas as pd

# Every action the trail records, in the order the audit page lists them.
ACTIONS = (
    "upload",  # a file read for preview on the Data page
    "refusal",  # an upload or import refused (the reason code in detail)
    "commit",  # a snapshot stored (or found already stored: detail.duplicate)
    "snapshot_switch",  # the active snapshot changed (roll back / forward)
    "target_edit",  # targets changed (editor or import), before/after per industry × measure
    "comment",  # a department comment added
    "download_original",  # an archived original downloaded
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "user_add",
    "user_remove",
)
MAX_WHO = 60


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(
    con: duckdb.DuckDBPyConnection,
    who: str,
    action: str,
    target: str | None = None,
    before: object = None,
    after: object = None,
    detail: object = None,
    at: datetime | None = None,
) -> None:
    """Append one entry. Joins the caller's transaction when there is one, so a change and its row go together;
    given the app's Database, it writes on a short read-write connection of its own."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with write_session(con) as writer:
        _append(writer, who, action, target, before, after, detail, at)


def _append(
    con: duckdb.DuckDBPyConnection, who: str, action: str, target: str | None, before: object, after: object,
    detail: object, at: datetime | None,
) -> None:  # fmt: skip
    con.execute(
        """
        INSERT INTO audit (occurred_at, who, action, target, before_value, after_value, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [
            at or datetime.now().replace(microsecond=0),
            (who or "?")[:MAX_WHO],
            action,
            target,
            _json(before),
            _json(after),
            _json(detail),
        ],
    )


def entries(con: duckdb.DuckDBPyConnection, actions: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
    """Audit entries, newest first: at, who, action, target, before, after, detail (JSON text)."""
    return con.execute(
        """
        SELECT occurred_at AS at, who, action, target, before_value AS before, after_value AS after, detail
        FROM audit
        WHERE $actions IS NULL OR list_contains($actions, action)
        ORDER BY audit_id DESC
        LIMIT $limit
        """,
        {"actions": actions, "limit": limit},
    ).df()


def as_records(frame: pd.DataFrame) -> list[dict]:
    """Entries as JSON-ready dicts: `at` in ISO form, before/after/detail parsed back from JSON."""
    import pandas as pd

    rows = []
    for row in frame.itertuples(index=False):
        rows.append(
            {
                "at": pd.Timestamp(row.at).isoformat(),
                "who": row.who,
                "action": row.action,
                "target": row.target if isinstance(row.target, str) else None,
                "before": _parsed(row.before),
                "after": _parsed(row.after),
                "detail": _parsed(row.detail),
            }
        )
    return rows


def _parsed(text: object) -> object:
    return json.loads(text) if isinstance(text, str) else None
