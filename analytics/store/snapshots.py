"""Write uploads as immutable snapshots (one transaction each), archive originals, pick the active one."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics.ingest.errors import Issue
from analytics.store import audit, derived
from analytics.store.connection import Database, write_session
from analytics.store.journal import journalled

# The command line's reports read snapshots without pandas, the importer or the vocabulary: those are
# imported by the functions that write.
if TYPE_CHECKING:
    import pandas as pd

    from analytics.ingest.ledger import LedgerRead


def current_user() -> str:
    """The command line's identity: $RESERVES_USER, else the OS user (the app passes the signed-in name)."""
    return os.environ.get("RESERVES_USER") or getpass.getuser()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_keys(projects: pd.DataFrame) -> pd.Series:
    """Stable identity across snapshots: normalised project name + investor (script, width, spacing)."""
    import numpy as np
    import pandas as pd

    from analytics.vocabulary import identity_keys

    names = identity_keys(projects["project_name"].tolist())
    # A firm invests in many projects: each distinct investor is normalised once (a fifth of the time at 100,000 rows).
    codes, distinct = pd.factorize(projects["investor"].to_numpy(dtype=object))  # no investor: code -1, the last key
    investors = np.array(identity_keys([*distinct.tolist(), None]), dtype=object)[codes].tolist()
    return pd.Series([f"{name}|{investor}" for name, investor in zip(names, investors, strict=True)],
                     index=projects.index, dtype=object)  # fmt: skip


@dataclass(frozen=True)
class Stored:
    snapshot_id: int
    duplicate: bool  # identical bytes were already stored: no new snapshot was made


RATE_SETTING = "rate."  # settings key prefix: rate.USD = yuan per US dollar


def exchange_rates(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Yuan per unit of each foreign currency: the vocabulary's defaults, overridden by settings."""
    from analytics.vocabulary import vocabulary

    rows = con.execute("SELECT key, value FROM settings WHERE starts_with(key, ?)", [RATE_SETTING]).fetchall()
    saved = {key[len(RATE_SETTING) :]: float(value) for key, value in rows}
    return {**vocabulary().default_rates, **saved}


def set_exchange_rate(con: duckdb.DuckDBPyConnection, code: str, rate: float) -> None:
    """Keep the rate (yuan per unit) that later imports convert a currency at."""
    if not rate > 0:
        raise ValueError(f"汇率应为正数，收到 {rate}")
    con.execute("DELETE FROM settings WHERE key = ?", [RATE_SETTING + code])
    con.execute("INSERT INTO settings VALUES (?, ?)", [RATE_SETTING + code, repr(float(rate))])


def snapshot_for_hash(con: duckdb.DuckDBPyConnection, digest: str) -> int | None:
    """The snapshot already made from these exact bytes, if any."""
    row = con.execute("SELECT min(snapshot_id) FROM snapshots WHERE sha256 = ?", [digest]).fetchone()
    return row[0] if row else None


def store_snapshot(
    con: duckdb.DuckDBPyConnection | Database,
    ledger: LedgerRead,
    data: bytes,
    as_of: date,
    as_of_source: str,
    who: str | None = None,
    overrides: dict[str, str] | None = None,
    archive: Path | None = None,
    created_at: datetime | None = None,
    snapshot_id: int | None = None,
) -> Stored:
    """Store one upload as a new snapshot in a single transaction with its original and journal entry.

    The original and the journal line reach the archive (default: beside the database) before the COMMIT and
    are undone with it, so a snapshot never exists without its original. Identical bytes already stored, even
    by a writer that committed a moment earlier, return that snapshot (duplicate=True).
    """
    from analytics.ingest.normalise import PROJECT_COLUMNS

    digest = sha256(data)
    who = who or current_user()
    created_at = created_at or datetime.now().replace(microsecond=0)
    projects = ledger.projects.reindex(columns=PROJECT_COLUMNS)  # a new frame (copy on write): the key goes on it only
    projects.insert(0, "project_key", project_keys(projects))
    # Codes and params, not sentences: the report renders in either language whenever it is read.
    # check_circular off: records are plain trees, and tracking every dict of 27,000 issues is a seventh of the work.
    issues_json = json.dumps(
        [i.record() for i in ledger.issues], ensure_ascii=False, separators=(",", ":"), check_circular=False
    )
    with write_session(con) as writer:
        existing = snapshot_for_hash(writer, digest)
        if existing is not None:
            return Stored(existing, duplicate=True)
        try:
            with _one_thread(writer), journalled(writer, archive) as pending:
                snapshot_id = snapshot_id or _next_snapshot_id(writer)
                # No "if not exists": the primary key on sha256 makes a second copy of the same bytes fail.
                writer.execute(
                    """
                    INSERT INTO originals (sha256, file_name, size_bytes, content, uploaded_at, uploaded_by)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [digest, ledger.file_name, len(data), data, created_at, who],
                )
                writer.execute(
                    """
                    INSERT INTO snapshots (snapshot_id, as_of, as_of_source, sha256, file_name, file_format,
                                           created_at, created_by, rows_read, rows_imported, rows_rejected,
                                           overrides, issues, rates)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        snapshot_id, as_of, as_of_source, digest, ledger.file_name, ledger.file_format,
                        created_at, who, ledger.rows_read, ledger.rows_imported, ledger.rows_rejected,
                        json.dumps(overrides or {}, ensure_ascii=False), issues_json, json.dumps(ledger.rates),
                    ],
                )  # fmt: skip
                writer.register("incoming_projects", projects)
                try:
                    writer.execute(
                        f"""
                        INSERT INTO projects (snapshot_id, project_key, {", ".join(PROJECT_COLUMNS)})
                        SELECT ?, project_key, {", ".join(PROJECT_COLUMNS)} FROM incoming_projects
                        """,
                        [snapshot_id],
                    )
                finally:
                    writer.unregister("incoming_projects")
                derived.written(writer, snapshot_id, as_of)
                blob = f"{digest}.{ledger.file_format}"
                pending.keep(blob, data)
                pending.record(
                    "snapshot", snapshot_id=snapshot_id, sha256=digest, blob=blob, file_name=ledger.file_name,
                    file_format=ledger.file_format, as_of=as_of.isoformat(), as_of_source=as_of_source,
                    created_at=created_at.isoformat(), created_by=who, overrides=overrides or {},
                    rates=ledger.rates,  # a rebuild converts foreign currencies at the rates used then
                )  # fmt: skip
        except duckdb.ConstraintException:
            existing = snapshot_for_hash(writer, digest)
            if existing is None:
                raise
            return Stored(existing, duplicate=True)
    return Stored(snapshot_id, duplicate=False)


@contextmanager
def _one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread while a snapshot is written. Inserting the frame's rows reads its Python strings, which
    needs the GIL, so a second DuckDB thread mostly waits for it; the derived facts and the COMMIT of one snapshot
    gain little from it (measured: a 100,000-row write a twentieth faster). Readers keep their own setting."""
    ((threads,),) = con.execute("SELECT current_setting('threads')").fetchall()
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute("SET threads = ?", [threads])


def _next_snapshot_id(con: duckdb.DuckDBPyConnection) -> int:
    """The sequence's next value, but past every stored id (a rebuilt database stores ids it did not draw)."""
    return con.execute(
        "SELECT greatest(nextval('snapshot_ids'), (SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots))"
    ).fetchone()[0]


def archived_uploads(archive: Path) -> list[dict]:
    """Manifests written beside each original before the journal existed, oldest first (the replay order)."""
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in archive.glob("*.json")]
    return sorted(manifests, key=lambda m: (m["created_at"], m.get("sequence", 0)))


def list_snapshots(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every snapshot, newest as_of first, with whether it is the active one."""
    active = active_snapshot_id(con)
    frame = con.execute(
        """
        SELECT snapshot_id, as_of, as_of_source, file_name, file_format, rows_read, rows_imported,
               rows_rejected, created_by, created_at, sha256
        FROM snapshots
        ORDER BY as_of DESC, snapshot_id DESC
        """
    ).df()
    frame["active"] = frame["snapshot_id"] == active
    return frame


def newest_snapshot_id(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute("SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def active_snapshot_id(con: duckdb.DuckDBPyConnection | Database) -> int | None:
    """The snapshot the dashboard shows: the one an analyst chose, else the newest as_of."""
    pinned = pinned_snapshot_id(con)
    return pinned if pinned is not None else newest_snapshot_id(con)


def set_active_snapshot(
    con: duckdb.DuckDBPyConnection | Database, snapshot_id: int | None, who: str | None = None, audited: bool = True
) -> None:
    """Make a snapshot active (roll back or forward); None returns to 'newest as_of'. Journalled and audited
    (a rebuild replaying the journal passes audited=False: the switch happened, and was audited, back then)."""
    with write_session(con) as writer:
        if snapshot_id is not None and snapshot_info(writer, snapshot_id) is None:
            raise LookupError(f"没有编号为 {snapshot_id} 的快照")
        before = active_snapshot_id(writer)
        with journalled(writer) as pending:
            writer.execute("DELETE FROM settings WHERE key = 'active_snapshot'")
            if snapshot_id is not None:
                writer.execute("INSERT INTO settings VALUES ('active_snapshot', ?)", [str(snapshot_id)])
            if audited:
                audit.record(
                    writer, who or current_user(), "snapshot_switch", target="active_snapshot",
                    before={"snapshot_id": before},
                    after={"snapshot_id": active_snapshot_id(writer), "pinned": snapshot_id is not None},
                )  # fmt: skip
            pending.record("active", snapshot_id=snapshot_id)


def pinned_snapshot_id(con: duckdb.DuckDBPyConnection | Database) -> int | None:
    """The snapshot an analyst chose to show (settings active_snapshot), None when following the newest."""
    row = con.execute(
        """
        SELECT s.snapshot_id FROM settings AS t JOIN snapshots AS s ON s.snapshot_id = TRY_CAST(t.value AS INTEGER)
        WHERE t.key = 'active_snapshot'
        """
    ).fetchone()
    return row[0] if row else None


def snapshot_info(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict | None:
    """One snapshot's metadata (as_of, file, who, when, counts), or None."""
    cursor = con.execute(
        """
        SELECT snapshot_id, as_of, as_of_source, file_name, file_format, created_at, created_by,
               rows_read, rows_imported, rows_rejected, sha256
        FROM snapshots WHERE snapshot_id = ?
        """,
        [snapshot_id],
    )
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))


def snapshot_issues(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[Issue]:
    """The import report stored with a snapshot (reports stored before issues had codes keep their sentence)."""
    row = con.execute("SELECT issues FROM snapshots WHERE snapshot_id = ?", [snapshot_id]).fetchone()
    return [Issue.from_record(record) for record in (json.loads(row[0]) if row and row[0] else [])]


def original_file(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[str, bytes] | None:
    """The uploaded file behind a snapshot, byte for byte: (file name, content)."""
    row = con.execute(
        """
        SELECT s.file_name, o.content FROM snapshots AS s JOIN originals AS o USING (sha256)
        WHERE s.snapshot_id = ?
        """,
        [snapshot_id],
    ).fetchone()
    return (row[0], bytes(row[1])) if row else None
