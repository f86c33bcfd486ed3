"""Department comments on projects (部门补充意见): appended by stable project identity, read newest first."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from analytics.store import audit
from analytics.store.snapshots import current_user

MAX_TEXT = 2000
MAX_NAME = 60


class CommentRefused(ValueError):
    """A comment that cannot be stored; `code` and `params` name the reason for the message catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)


def _clean(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise CommentRefused("comment.empty", field=field)
    if len(text) > limit:
        raise CommentRefused("comment.too_long", field=field, limit=limit)
    return text


def add_comment(
    con: duckdb.DuckDBPyConnection,
    project_key: str,
    project_name: str,
    department: str,
    author: str,
    text: str,
    on: date | None = None,
    who: str | None = None,
) -> int:
    """Store one comment exactly as typed (trimmed); return its id. `who` (the signed-in analyst, or the
    command line's user) is what the audit records; `author` is the person the comment is from."""
    row = [
        project_key,
        project_name,
        _clean(department, "department", MAX_NAME),
        _clean(author, "author", MAX_NAME),
        on or date.today(),
        _clean(text, "text", MAX_TEXT),
        datetime.now().replace(microsecond=0),
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        found = con.execute(
            """
            INSERT INTO comments (project_key, project_name, department, author, comment_date, text, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            RETURNING comment_id
            """,
            row,
        ).fetchone()
        audit.record(
            con, who or current_user(), "comment", target=project_name,
            after={"comment_id": int(found[0]), "project_key": project_key, "department": row[2], "author": row[3],
                   "text": row[5]},
            at=row[6],
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(found[0])


def comments(con: duckdb.DuckDBPyConnection, project_keys: list[str] | None = None) -> pd.DataFrame:
    """Comments (of some projects, or all), newest first: comment_id, project_key, project_name, department,
    author, comment_date, text, created_at."""
    sql = """
        SELECT comment_id, project_key, project_name, department, author, comment_date, text, created_at
        FROM comments
        WHERE $keys IS NULL OR list_contains($keys, project_key)
        ORDER BY comment_date DESC, created_at DESC, comment_id DESC
    """
    return con.execute(sql, {"keys": project_keys}).df()
