"""First-run seeding from the bundled sample ledger, and rebuilding a database from archived originals."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from analytics.ingest.ledger import read_ledger
from analytics.store.connection import REPO_ROOT, archive_dir, connect, database_path
from analytics.store.imports import import_bytes, import_target_sheets
from analytics.store.snapshots import archived_uploads, store_snapshot

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
    con = connect(path)
    try:
        for sample in samples:
            import_bytes(con, sample.read_bytes(), sample.name, who="sample", archive=archive_dir(path))
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)  # no half-made database left behind for the next start to trust
        raise
    con.close()
    return True


def rebuild_from_archive(archive: Path, target: Path) -> int:
    """Replay every archived original, oldest first, into a new database; return the snapshot count.

    Target sheets inside archived workbooks are replayed too; targets typed into the editor are decisions,
    not uploads, and are not in the archive. A failed rebuild leaves no partial database behind.
    """
    con = connect(target)
    count = 0
    try:
        for manifest in archived_uploads(archive):
            data = (archive / manifest["blob"]).read_bytes()
            ledger = read_ledger(
                data, manifest["file_name"], overrides=manifest["overrides"] or None, rates=manifest.get("rates")
            )
            store_snapshot(
                con, ledger, data, date.fromisoformat(manifest["as_of"]), manifest["as_of_source"],
                who=manifest["created_by"], overrides=manifest["overrides"], archive=archive_dir(target),
                created_at=datetime.fromisoformat(manifest["created_at"]),
            )  # fmt: skip
            import_target_sheets(con, ledger, manifest["created_by"])
            count += 1
    except BaseException:
        con.close()
        target.unlink(missing_ok=True)
        raise
    con.close()
    return count
