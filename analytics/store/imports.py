"""Import an upload end to end: duplicate check, read, resolve as_of, store as a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from analytics.ingest.errors import Issue
from analytics.ingest.ledger import LedgerRead, read_ledger
from analytics.ingest.sniff import DEFAULT_MAX_BYTES
from analytics.store.snapshots import Stored, sha256, snapshot_for_hash, snapshot_info, store_snapshot


@dataclass
class ImportOutcome:
    snapshot_id: int
    duplicate: bool
    as_of: date
    rows_read: int
    rows_imported: int
    rows_rejected: int
    issues: list[Issue]

    def as_json(self) -> dict:
        """The shape the command line prints with --json."""
        return {
            "snapshot_id": self.snapshot_id,
            "duplicate": self.duplicate,
            "as_of": self.as_of.isoformat(),
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_rejected": self.rows_rejected,
            "issues": [i.as_dict() for i in self.issues],
        }


def resolve_as_of(ledger: LedgerRead, as_of: date | None, today: date | None = None) -> tuple[date, str]:
    """as_of from the argument, else a title line (截至…), else today."""
    if as_of:
        return as_of, "argument"
    if ledger.title_as_of:
        return ledger.title_as_of, "title"
    return today or date.today(), "today"


def import_bytes(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    as_of: date | None = None,
    who: str | None = None,
    overrides: dict[str, str] | None = None,
    archive: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportOutcome:
    """Read and store one upload; identical bytes already stored return their snapshot, unchanged."""
    existing = snapshot_for_hash(con, sha256(data))
    if existing is not None:
        info = snapshot_info(con, existing) or {}
        note = Issue(None, None, None, "info", f"相同内容的文件已导入为快照 {existing}，未重复创建")
        return ImportOutcome(
            existing, True, info["as_of"], info["rows_read"], info["rows_imported"], info["rows_rejected"], [note]
        )
    ledger = read_ledger(data, file_name, overrides=overrides, max_bytes=max_bytes)
    resolved, source = resolve_as_of(ledger, as_of)
    stored: Stored = store_snapshot(con, ledger, data, resolved, source, who, overrides, archive)
    return ImportOutcome(
        stored.snapshot_id, stored.duplicate, resolved, ledger.rows_read, ledger.rows_imported,
        ledger.rows_rejected, ledger.issues,
    )  # fmt: skip
