"""Import an upload end to end: duplicate check, read, resolve as_of, store as a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from analytics.i18n import ref
from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.ledger import LedgerRead, prepare_reading, read_grids, read_ledger
from analytics.ingest.sandbox import collector_paused, run_limited
from analytics.ingest.sniff import DEFAULT_MAX_BYTES
from analytics.ingest.targets import read_targets
from analytics.store import audit
from analytics.store.connection import Database, write_session
from analytics.store.snapshots import (
    Stored,
    current_user,
    exchange_rates,
    sha256,
    snapshot_for_hash,
    snapshot_info,
    store_snapshot,
)
from analytics.store.targets import save_targets


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
    con: duckdb.DuckDBPyConnection | Database,
    data: bytes,
    file_name: str,
    as_of: date | None = None,
    who: str | None = None,
    overrides: dict[str, str] | None = None,
    archive: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportOutcome:
    """Read and store one upload; identical bytes already stored return their snapshot, unchanged.

    Given a Database, the file is read before any lock is taken: only the store itself waits for the writer.
    """
    stored = _already_stored(con, data, as_of)
    if stored is not None:  # not read again: the report says which snapshot holds it
        _record_duplicate(con, who or current_user(), file_name, data, stored.snapshot_id)
        return stored
    prepare_reading()
    with collector_paused():  # from the read's arrival to its rows stored, as one stretch
        try:
            ledger = run_limited(
                read_ledger, data, file_name, file_name=file_name, overrides=overrides, max_bytes=max_bytes,
                rates=exchange_rates(con),
            )  # fmt: skip
        except ImportRejected as exc:
            record_refusal(con, who or current_user(), file_name, data, exc)
            raise
        outcome = import_ledger(con, ledger, data, as_of, who, overrides, archive)
        del ledger  # its rows go before the collector is back: only the report's issues are left for it to walk
    return outcome


def _record_duplicate(con: duckdb.DuckDBPyConnection, who: str, file_name: str, data: bytes, snapshot_id: int) -> None:
    """Audit a commit of bytes already stored: nothing new was made, the trail says which snapshot holds them."""
    audit.record(
        con,
        who,
        "commit",
        target=file_name,
        detail={"duplicate": True, "snapshot_id": snapshot_id, "sha256": sha256(data)},
    )


def record_refusal(con: duckdb.DuckDBPyConnection, who: str, file_name: str, data: bytes, exc: ImportRejected) -> None:
    """Audit an upload the reader refused: which file, and the reason as a code with its parameters."""
    audit.record(
        con, who, "refusal", target=file_name,
        detail={"sha256": sha256(data), "size_bytes": len(data), "code": exc.code, "sentence": exc.sentence("zh")},
    )  # fmt: skip


def import_ledger(
    con: duckdb.DuckDBPyConnection | Database,
    ledger: LedgerRead,
    data: bytes,
    as_of: date | None = None,
    who: str | None = None,
    overrides: dict[str, str] | None = None,
    archive: Path | None = None,
) -> ImportOutcome:
    """Store an upload already read (as the Data page previewed it, with the same overrides) as a snapshot.

    One write session: the duplicate check, the snapshot, its audit row and its target sheets, so two people
    committing the same file at once get one snapshot and one "already stored as #N".
    """
    who = who or current_user()
    with collector_paused(), write_session(con) as writer:
        stored_before = _already_stored(writer, data, as_of)
        if stored_before is not None:
            _record_duplicate(writer, who, ledger.file_name, data, stored_before.snapshot_id)
            return stored_before
        resolved, source = resolve_as_of(ledger, as_of)
        stored: Stored = store_snapshot(writer, ledger, data, resolved, source, who, overrides, archive)
        if stored.duplicate:
            found = _already_stored(writer, data, as_of)
            _record_duplicate(writer, who, ledger.file_name, data, stored.snapshot_id)
            return found
        audit.record(
            writer, who, "commit", target=ledger.file_name,
            after={"snapshot_id": stored.snapshot_id, "as_of": resolved.isoformat(),
                   "rows_imported": ledger.rows_imported, "rows_rejected": ledger.rows_rejected},
            detail={"duplicate": False, "sha256": sha256(data), "overrides": overrides or {}},
        )  # fmt: skip
        target_issues = import_target_sheets(writer, ledger, who)
    return ImportOutcome(
        stored.snapshot_id, stored.duplicate, resolved, ledger.rows_read, ledger.rows_imported,
        ledger.rows_rejected, ledger.issues + target_issues,
    )  # fmt: skip


def _already_stored(con: duckdb.DuckDBPyConnection | Database, data: bytes, as_of: date | None) -> ImportOutcome | None:
    """The outcome of an upload whose identical bytes are already a snapshot (nothing is stored), else None."""
    existing = snapshot_for_hash(con, sha256(data))
    if existing is None:
        return None
    info = snapshot_info(con, existing) or {}
    notes = [Issue("already_imported", None, None, None, "info", {"snapshot_id": existing})]
    if as_of is not None and as_of != info["as_of"]:
        notes.append(
            Issue("as_of_not_applied", None, None, None, "warning",
                  {"snapshot_id": existing, "as_of": str(info["as_of"]), "requested": as_of.isoformat()})
        )  # fmt: skip
    return ImportOutcome(
        existing, True, info["as_of"], info["rows_read"], info["rows_imported"], info["rows_rejected"], notes
    )


def import_target_sheets(con: duckdb.DuckDBPyConnection | Database, ledger: LedgerRead, who: str) -> list[Issue]:
    """Store the targets sheet(s) of a ledger workbook (目标 / 2024年目标), reporting what was done."""
    issues: list[Issue] = []
    for plan in ledger.sheets:
        if plan.role != "targets":
            continue
        try:
            found = read_targets(plan.grid, ledger.file_name)
        except ImportRejected as exc:
            reason = ref(f"reject.{exc.code}", **exc.params)
            issues.append(Issue("targets_not_imported", plan.grid.name, None, None, "warning", {"reason": reason}))
            continue
        issues.extend(found.issues)
        if found.year is None:
            issues.append(Issue("targets_year_missing", plan.grid.name, None, None, "warning"))
            continue
        # Upsert, not replace: targets an analyst added in the editor survive a routine ledger upload.
        try:
            changed = save_targets(con, found.year, found.values, who, f"import:{ledger.file_name}")
        except Exception as exc:  # the snapshot is stored; a targets failure must not undo or hide that
            issues.append(Issue("targets_not_saved", plan.grid.name, None, None, "warning", {"detail": str(exc)}))
            continue
        issues.append(
            Issue("targets_imported", plan.grid.name, None, None, "info",
                  {"year": found.year, "targets": len(found.values), "changed": changed})
        )  # fmt: skip
    return issues


def import_targets_file(
    con: duckdb.DuckDBPyConnection | Database, data: bytes, file_name: str, who: str, year: int | None = None
) -> tuple[int, int, list[Issue]]:
    """Store a separate targets file's first targets table; return (year, values stored, issues)."""
    try:
        _fmt, grids = read_grids(data, file_name)
    except ImportRejected as exc:
        record_refusal(con, who, file_name, data, exc)
        raise
    last_error: ImportRejected | None = None
    for grid in grids:
        try:
            found = read_targets(grid, file_name, year)
        except ImportRejected as exc:
            last_error = exc
            continue
        if found.year is None:
            exc = ImportRejected("targets_year_missing", file_name, sheet=grid.name)
            record_refusal(con, who, file_name, data, exc)
            raise exc
        save_targets(con, found.year, found.values, who, f"import:{file_name}", replace=True)
        return found.year, len(found.values), found.issues
    exc = last_error or ImportRejected("no_sheets", file_name)
    record_refusal(con, who, file_name, data, exc)
    raise exc
