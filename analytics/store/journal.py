"""The archive's journal: every stored change as one JSON line, written in the same transaction as the change.

The archive folder beside the database holds each uploaded original (content-addressed, `<sha256>.<format>`)
and `journal.jsonl`: one line per committed change, in order, so `rebuild` replays the database exactly.

    {"seq": 3, "kind": "snapshot", "snapshot_id": 2, "sha256": "…", "blob": "….xlsx", "file_name": "…",
     "as_of": "2023-12-31", "as_of_source": "title", "created_at": "…", "created_by": "…", "overrides": {}}
    {"seq": 4, "kind": "targets", "year": 2024, "at": "…", "who": "…", "source": "editor",
     "changes": [["total", "signed_count", 75.0, 4.0]]}
    {"seq": 5, "kind": "comment", "comment_id": 1, "project_key": "…", …, "created_at": "…"}
    {"seq": 6, "kind": "active", "snapshot_id": 1}          (null: back to the newest as_of)

A database made before the journal existed gets a "baseline" entry (its targets, change log, comments and
active choice, row for row) with its first journalled change; its older originals are replayed from the
manifests written beside them, before the journal.

Order of a write: the database changes inside a transaction, then the originals and the journal lines are
written and flushed to disk, then COMMIT. If the archive cannot be written the transaction rolls back; if the
COMMIT fails the lines are cut off again. A process killed between the two leaves lines the database never
committed: the database records the last committed `seq` (settings `journal_seq`) and the next write cuts
the journal back to it; `check` and `rebuild` ignore such a tail.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics.store.connection import archive_dir, database_file

JOURNAL_NAME = "journal.jsonl"
SEQ_KEY = "journal_seq"


class ArchiveWriteFailed(Exception):
    """The archive folder could not be written; the database change was rolled back with it."""

    def __init__(self, archive: Path, reason: str) -> None:
        self.archive, self.reason = archive, reason
        super().__init__(f"{archive}: {reason}")


def archive_for(con: duckdb.DuckDBPyConnection, archive: Path | None = None) -> Path | None:
    """The archive of the database behind a connection (None for an in-memory database)."""
    if archive is not None:
        return archive
    db = database_file(con)
    return archive_dir(db) if db is not None else None


def journal_file(archive: Path) -> Path:
    return archive / JOURNAL_NAME


def read_journal(archive: Path, up_to: int | None = None) -> list[dict]:
    """The journal's entries in order (only those up to seq `up_to` when given); a torn last line is skipped."""
    path = journal_file(archive)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a write cut short by a crash: never committed
        if up_to is None or entry["seq"] <= up_to:
            entries.append(entry)
    return entries


def committed_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The seq of the last journal entry the database committed (0 before the first)."""
    row = con.execute("SELECT value FROM settings WHERE key = ?", [SEQ_KEY]).fetchone()
    return int(row[0]) if row else 0


@dataclass
class Pending:
    """What a transaction will add to the archive: originals to keep and journal entries to append."""

    entries: list[dict] = field(default_factory=list)
    blobs: dict[str, bytes] = field(default_factory=dict)

    def record(self, kind: str, **payload: object) -> None:
        self.entries.append({"kind": kind, **payload})

    def keep(self, name: str, data: bytes) -> None:
        self.blobs[name] = data


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already rolled back by itself)."""
    with suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


@contextmanager
def journalled(con: duckdb.DuckDBPyConnection, archive: Path | None = None) -> Iterator[Pending]:
    """One transaction whose archive writes happen before its COMMIT and are undone if it does not commit."""
    archive = archive_for(con, archive)
    con.execute("BEGIN TRANSACTION")
    pending = Pending()
    written: tuple[Path, int] | None = None
    try:
        first = baseline(con) if archive is not None and committed_seq(con) == 0 else None
        yield pending
        if first is not None and pending.entries:
            pending.entries.insert(0, first)
        if archive is not None and (pending.entries or pending.blobs):
            written = _write(con, archive, pending)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        if written is not None:
            _cut(*written)
        raise


BASELINE_TABLES = ("targets", "target_changes", "comments")


def baseline(con: duckdb.DuckDBPyConnection) -> dict | None:
    """A database made before the journal existed: its targets, change log, comments and active choice as one
    entry, so the journal's first line brings a rebuild to where the database was (None when it is empty)."""
    snapshots = con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    rows = {table: _rows(con, table) for table in BASELINE_TABLES}
    active = con.execute("SELECT value FROM settings WHERE key = 'active_snapshot'").fetchone()
    if not snapshots and not any(rows.values()) and active is None:
        return None
    return {"kind": "baseline", **rows, "active_snapshot": active[0] if active else None}


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict]:
    cursor = con.execute(f"SELECT * FROM {table} ORDER BY ALL")  # a fixed table name from BASELINE_TABLES
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _write(con: duckdb.DuckDBPyConnection, archive: Path, pending: Pending) -> tuple[Path, int]:
    """Write originals, append the entries (flushed to disk), record the last seq; return (journal, old size)."""
    seq = committed_seq(con)
    path = journal_file(archive)
    try:
        archive.mkdir(parents=True, exist_ok=True)
        _drop_uncommitted(path, seq)
        for name, data in pending.blobs.items():
            _write_blob(archive / name, data)
        size = path.stat().st_size if path.exists() else 0
        lines = []
        for entry in pending.entries:
            seq += 1
            lines.append(json.dumps({"seq": seq, **entry}, ensure_ascii=False, separators=(",", ":"), default=str))
        with path.open("a", encoding="utf-8") as journal:
            journal.write("".join(line + "\n" for line in lines))
            journal.flush()
            os.fsync(journal.fileno())
    except OSError as exc:
        raise ArchiveWriteFailed(archive, exc.strerror or str(exc)) from exc
    con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [SEQ_KEY, str(seq)])
    return path, size


def _write_blob(path: Path, data: bytes) -> None:
    """Content-addressed: an original already kept is not written again; a new one appears whole or not at all."""
    if path.exists() and path.stat().st_size == len(data):
        return
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)


def _drop_uncommitted(path: Path, committed: int) -> None:
    """Cut off lines a killed process appended but never committed."""
    if not path.exists():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [line for line in lines if _committed(line, committed)]
    if len(keep) != len(lines):
        path.write_text("".join(keep), encoding="utf-8")


def _committed(line: str, committed: int) -> bool:
    try:
        return line.endswith("\n") and json.loads(line)["seq"] <= committed
    except (json.JSONDecodeError, KeyError, TypeError):
        return False


def _cut(path: Path, size: int) -> None:
    with path.open("r+b") as journal:
        journal.truncate(size)
