"""First-run seeding from the bundled sample ledger, and rebuilding a database from archived originals."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from analytics.ingest.ledger import LedgerRead, read_ledger
from analytics.store.comments import add_comment
from analytics.store.connection import REPO_ROOT, archive_dir, connect, database_path
from analytics.store.imports import import_bytes, import_target_sheets
from analytics.store.journal import BASELINE_TABLES, journalled, read_journal
from analytics.store.snapshots import archived_uploads, set_active_snapshot, store_snapshot
from analytics.store.targets import apply_target_changes

SAMPLE_LEDGER = REPO_ROOT / "data" / "sample" / "sample_ledger.xlsx"
# The same office's export three months earlier, so "since the last meeting" and stalled projects
# have something to show on a first run. Imported first: the year-end file is the active snapshot.
SAMPLE_LEDGER_Q3 = REPO_ROOT / "data" / "sample" / "sample_ledger_2023q3.xlsx"
SAMPLES = (SAMPLE_LEDGER_Q3, SAMPLE_LEDGER)


def ensure_seeded(db: str | Path | None = None, samples: tuple[Path, ...] = SAMPLES) -> bool:
    """Create the database from the sample ledgers when the file does not exist yet; return whether it did.

    An existing database is never touched, even when empty: its owner may have emptied it on purpose.
    """
    path = database_path(db)
    if path.exists():
        return False
    archive_existed = archive_dir(path).exists()
    con = connect(path)
    try:
        for sample in samples:
            import_bytes(con, sample.read_bytes(), sample.name, who="sample", archive=archive_dir(path))
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)  # no half-made database left behind for the next start to trust
        if not archive_existed:
            shutil.rmtree(archive_dir(path), ignore_errors=True)
        raise
    con.close()
    return True


def rebuild_from_archive(archive: Path, target: Path, up_to: int | None = None) -> int:
    """Replay the archive into a new database; return the snapshot count.

    First the originals archived before the journal existed (their manifests, oldest first, target sheets
    included), then every journal entry in order: snapshots with their ids and times, target changes from
    files and the editor, comments, the active-snapshot choice. The new database gets its own archive beside
    it. A failed rebuild leaves no partial database behind.

    `up_to` stops at the last seq a database committed (check knows it). Without it a line a killed writer
    appended but never committed, and that no later write has cut off yet, is replayed too.
    """
    entries = read_journal(archive, up_to=up_to)
    journalled_blobs = {e["blob"] for e in entries if e["kind"] == "snapshot"}
    legacy = [m for m in archived_uploads(archive) if m["blob"] not in journalled_blobs]
    new_archive = archive_dir(target)
    archive_existed = new_archive.exists()
    con = connect(target)
    count = 0
    try:
        for manifest in legacy:
            ledger, data = _archived_ledger(archive, manifest)
            store_snapshot(
                con, ledger, data, date.fromisoformat(manifest["as_of"]), manifest["as_of_source"],
                who=manifest["created_by"], overrides=manifest["overrides"],
                created_at=datetime.fromisoformat(manifest["created_at"]),
            )  # fmt: skip
            import_target_sheets(con, ledger, manifest["created_by"])
            count += 1
        for entry in entries:
            count += replay(con, archive, entry)
    except BaseException:
        con.close()
        target.unlink(missing_ok=True)
        if not archive_existed:
            shutil.rmtree(new_archive, ignore_errors=True)
        raise
    con.close()
    return count


def _restore_baseline(con: duckdb.DuckDBPyConnection, entry: dict) -> None:
    """Put targets, their change log, comments and the active choice back exactly as the baseline recorded."""
    with journalled(con) as pending:
        for table in BASELINE_TABLES:
            con.execute(f"DELETE FROM {table}")  # fixed table names
            for row in entry[table]:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        con.execute("DELETE FROM settings WHERE key = 'active_snapshot'")
        if entry["active_snapshot"] is not None:
            con.execute("INSERT INTO settings VALUES ('active_snapshot', ?)", [entry["active_snapshot"]])
        pending.record("baseline", **{k: v for k, v in entry.items() if k not in ("kind", "seq")})


def _archived_ledger(archive: Path, manifest: dict) -> tuple[LedgerRead, bytes]:
    data = (archive / manifest["blob"]).read_bytes()
    ledger = read_ledger(
        data, manifest["file_name"], overrides=manifest["overrides"] or None, rates=manifest.get("rates")
    )  # a rebuild converts foreign currencies at the rates used then
    return ledger, data


def replay(con: duckdb.DuckDBPyConnection, archive: Path, entry: dict) -> int:
    """Apply one journal entry to a database as it was first applied; return 1 for a snapshot, else 0."""
    kind = entry["kind"]
    if kind == "snapshot":
        ledger, data = _archived_ledger(archive, entry)
        store_snapshot(
            con, ledger, data, date.fromisoformat(entry["as_of"]), entry["as_of_source"], who=entry["created_by"],
            overrides=entry["overrides"], created_at=datetime.fromisoformat(entry["created_at"]),
            snapshot_id=entry["snapshot_id"],
        )  # fmt: skip
        return 1
    if kind == "targets":
        changes = [tuple(change) for change in entry["changes"]]
        apply_target_changes(
            con, entry["year"], changes, entry["who"], entry["source"], at=datetime.fromisoformat(entry["at"])
        )
    elif kind == "comment":
        add_comment(
            con, entry["project_key"], entry["project_name"], entry["department"], entry["author"], entry["text"],
            on=date.fromisoformat(entry["comment_date"]), created_at=datetime.fromisoformat(entry["created_at"]),
            comment_id=entry["comment_id"],
        )  # fmt: skip
    elif kind == "active":
        set_active_snapshot(con, entry["snapshot_id"], audited=False)
    elif kind == "baseline":
        _restore_baseline(con, entry)
    else:
        raise ValueError(f"unknown journal entry kind {kind!r} (seq {entry.get('seq')})")
    return 0
