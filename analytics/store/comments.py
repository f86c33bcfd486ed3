"""Department comments on projects (部门补充意见): appended by stable project identity, read newest first."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from analytics.store import audit
from analytics.store.connection import Database, write_session
from analytics.store.journal import journalled
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
    con: duckdb.DuckDBPyConnection | Database,
    project_key: str,
    project_name: str,
    department: str,
    author: str,
    text: str,
    on: date | None = None,
    who: str | None = None,
    created_at: datetime | None = None,
    comment_id: int | None = None,
) -> int:
    """Store one comment exactly as typed (trimmed), journalled and audited; return its id. `who` (the signed-in
    analyst, or the command line's user) is what the audit records; `author` is the person the comment is from.
    A rebuild replaying the journal passes comment_id (and is not audited again)."""
    row = {
        "project_key": project_key,
        "project_name": project_name,
        "department": _clean(department, "department", MAX_NAME),
        "author": _clean(author, "author", MAX_NAME),
        "comment_date": on or date.today(),
        "text": _clean(text, "text", MAX_TEXT),
        "created_at": created_at or datetime.now().replace(microsecond=0),
    }
    replayed = comment_id is not None
    with write_session(con) as writer, journalled(writer) as pending:
        # Past every stored id as well as the sequence: a rebuilt database stores ids it did not draw.
        comment_id = (
            comment_id
            or writer.execute(
                "SELECT greatest(nextval('comment_ids'), (SELECT coalesce(max(comment_id), 0) + 1 FROM comments))"
            ).fetchone()[0]
        )
        writer.execute(
            """
            INSERT INTO comments (comment_id, project_key, project_name, department, author, comment_date, text,
                                  created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [comment_id, *row.values()],
        )
        if not replayed:
            audit.record(
                writer, who or current_user(), "comment", target=project_name,
                after={"comment_id": int(comment_id), "project_key": project_key, "department": row["department"],
                       "author": row["author"], "text": row["text"]},
                at=row["created_at"],
            )  # fmt: skip
        pending.record("comment", comment_id=comment_id, **{k: str(v) for k, v in row.items()})
    return int(comment_id)


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
