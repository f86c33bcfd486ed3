"""Write uploads as immutable snapshots (one transaction each), archive originals, pick the active one."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics.ingest.errors import Issue
from analytics.ingest.ledger import LedgerRead
from analytics.ingest.normalise import PROJECT_COLUMNS
from analytics.store import audit
from analytics.vocabulary import identity_key, vocabulary


def current_user() -> str:
    """The command line's identity: $RESERVES_USER, else the OS user (the app passes the signed-in name)."""
    return os.environ.get("RESERVES_USER") or getpass.getuser()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_keys(projects: pd.DataFrame) -> pd.Series:
    """Stable identity across snapshots: normalised project name + investor (script, width, spacing)."""
    names = projects["project_name"].map(identity_key)
    investors = projects["investor"].map(identity_key)
    return names + "|" + investors


@dataclass(frozen=True)
class Stored:
    snapshot_id: int
    duplicate: bool  # identical bytes were already stored: no new snapshot was made


RATE_SETTING = "rate."  # settings key prefix: rate.USD = yuan per US dollar


def exchange_rates(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Yuan per unit of each foreign currency: the vocabulary's defaults, overridden by settings."""
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
    con: duckdb.DuckDBPyConnection,
    ledger: LedgerRead,
    data: bytes,
    as_of: date,
    as_of_source: str,
    who: str | None = None,
    overrides: dict[str, str] | None = None,
    archive: Path | None = None,
    created_at: datetime | None = None,
) -> Stored:
    """Store one upload as a new snapshot in a single transaction (all or nothing)."""
    digest = sha256(data)
    existing = snapshot_for_hash(con, digest)
    if existing is not None:
        return Stored(existing, duplicate=True)
    who = who or current_user()
    created_at = created_at or datetime.now().replace(microsecond=0)
    projects = ledger.projects.reindex(columns=PROJECT_COLUMNS).copy()
    projects.insert(0, "project_key", project_keys(projects))
    # Codes and params, not sentences: the report renders in either language whenever it is read.
    issues_json = json.dumps([i.record() for i in ledger.issues], ensure_ascii=False, separators=(",", ":"))
    con.execute("BEGIN TRANSACTION")
    try:
        snapshot_id = con.execute("SELECT nextval('snapshot_ids')").fetchone()[0]
        con.execute(
            """
            INSERT INTO originals (sha256, file_name, size_bytes, content, uploaded_at, uploaded_by)
            SELECT ?, ?, ?, ?, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM originals WHERE sha256 = ?)
            """,
            [digest, ledger.file_name, len(data), data, created_at, who, digest],
        )
        con.execute(
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
        con.register("incoming_projects", projects)
        con.execute(
            f"""
            INSERT INTO projects (snapshot_id, project_key, {", ".join(PROJECT_COLUMNS)})
            SELECT ?, project_key, {", ".join(PROJECT_COLUMNS)} FROM incoming_projects
            """,
            [snapshot_id],
        )
        con.unregister("incoming_projects")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    # Only after the commit: a rolled-back import must not come back on a rebuild. The bytes are also in
    # the originals table, so a failure here loses nothing.
    if archive is not None:
        _archive_original(archive, digest, ledger, data, as_of, as_of_source, who, overrides, created_at)
    return Stored(snapshot_id, duplicate=False)


def _archive_original(
    archive: Path,
    digest: str,
    ledger: LedgerRead,
    data: bytes,
    as_of: date,
    as_of_source: str,
    who: str,
    overrides: dict[str, str] | None,
    created_at: datetime,
) -> None:
    """Keep the original bytes and how they were imported beside the database (content-addressed)."""
    archive.mkdir(parents=True, exist_ok=True)
    blob = archive / f"{digest}.{ledger.file_format}"
    if not blob.exists():
        blob.write_bytes(data)
    manifest = {
        "file_name": ledger.file_name,
        "as_of": as_of.isoformat(),
        "as_of_source": as_of_source,
        "created_at": created_at.isoformat(),
        "created_by": who,
        "overrides": overrides or {},
        "rates": ledger.rates,  # a rebuild converts foreign currencies at the rates used then
        "blob": blob.name,
        # Uploads within one second share created_at; this keeps their replay order exact.
        "sequence": time.time_ns(),
    }
    (archive / f"{digest}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def archived_uploads(archive: Path) -> list[dict]:
    """Manifests of every archived original, oldest first (the order to replay them in)."""
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


def active_snapshot_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The snapshot the dashboard shows: the one an analyst chose, else the newest as_of."""
    row = con.execute(
        """
        SELECT s.snapshot_id FROM settings AS t JOIN snapshots AS s ON s.snapshot_id = TRY_CAST(t.value AS INTEGER)
        WHERE t.key = 'active_snapshot'
        """
    ).fetchone()
    return row[0] if row else newest_snapshot_id(con)


def set_active_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int | None, who: str | None = None) -> None:
    """Make a snapshot active (roll back or forward); None returns to 'newest as_of'. Audited."""
    if snapshot_id is not None and snapshot_info(con, snapshot_id) is None:
        raise LookupError(f"没有编号为 {snapshot_id} 的快照")
    before = active_snapshot_id(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM settings WHERE key = 'active_snapshot'")
        if snapshot_id is not None:
            con.execute("INSERT INTO settings VALUES ('active_snapshot', ?)", [str(snapshot_id)])
        audit.record(
            con, who or current_user(), "snapshot_switch", target="active_snapshot",
            before={"snapshot_id": before}, after={"snapshot_id": active_snapshot_id(con), "pinned": snapshot_id is not None},
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


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
