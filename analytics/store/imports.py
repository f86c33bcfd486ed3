"""Import an upload end to end: duplicate check, read, resolve as_of, store as a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.ledger import LedgerRead, read_grids, read_ledger
from analytics.ingest.sniff import DEFAULT_MAX_BYTES
from analytics.ingest.targets import read_targets
from analytics.store.snapshots import (
    Stored,
    current_user,
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
        notes = [Issue(None, None, None, "info", f"相同内容的文件已导入为快照 {existing}，未重复创建")]
        if as_of is not None and as_of != info["as_of"]:
            notes.append(
                Issue(
                    None,
                    None,
                    None,
                    "warning",
                    f"快照 {existing} 的数据截至 {info['as_of']}，本次指定的 {as_of} 未采用",
                )
            )
        return ImportOutcome(
            existing, True, info["as_of"], info["rows_read"], info["rows_imported"], info["rows_rejected"], notes
        )
    ledger = read_ledger(data, file_name, overrides=overrides, max_bytes=max_bytes)
    resolved, source = resolve_as_of(ledger, as_of)
    stored: Stored = store_snapshot(con, ledger, data, resolved, source, who, overrides, archive)
    target_issues = import_target_sheets(con, ledger, who or current_user())
    return ImportOutcome(
        stored.snapshot_id, stored.duplicate, resolved, ledger.rows_read, ledger.rows_imported,
        ledger.rows_rejected, ledger.issues + target_issues,
    )  # fmt: skip


def import_target_sheets(con: duckdb.DuckDBPyConnection, ledger: LedgerRead, who: str) -> list[Issue]:
    """Store the targets sheet(s) of a ledger workbook (目标 / 2024年目标), reporting what was done."""
    issues: list[Issue] = []
    for plan in ledger.sheets:
        if plan.role != "targets":
            continue
        try:
            found = read_targets(plan.grid, ledger.file_name)
        except ImportRejected as exc:
            issues.append(Issue(plan.grid.name, None, None, "warning", f"目标表未导入：{exc.reason}"))
            continue
        issues.extend(found.issues)
        if found.year is None:
            issues.append(Issue(plan.grid.name, None, None, "warning", "目标表未写明年度（如「2024年目标」），未导入"))
            continue
        # Upsert, not replace: targets an analyst added in the editor survive a routine ledger upload.
        try:
            changed = save_targets(con, found.year, found.values, who, f"import:{ledger.file_name}")
        except Exception as exc:  # the snapshot is stored; a targets failure must not undo or hide that
            issues.append(Issue(plan.grid.name, None, None, "warning", f"目标表未能保存：{exc}"))
            continue
        issues.append(
            Issue(
                plan.grid.name,
                None,
                None,
                "info",
                f"已导入 {found.year} 年目标 {len(found.values)} 项（变更 {changed} 项）",
            )
        )
    return issues


def import_targets_file(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, who: str, year: int | None = None
) -> tuple[int, int, list[Issue]]:
    """Store a separate targets file's first targets table; return (year, values stored, issues)."""
    _fmt, grids = read_grids(data, file_name)
    last_error: ImportRejected | None = None
    for grid in grids:
        try:
            found = read_targets(grid, file_name, year)
        except ImportRejected as exc:
            last_error = exc
            continue
        if found.year is None:
            raise ImportRejected(file_name, "目标表未写明年度，请用 --year 指定", sheet=grid.name)
        save_targets(con, found.year, found.values, who, f"import:{file_name}", replace=True)
        return found.year, len(found.values), found.issues
    raise last_error or ImportRejected(file_name, "文件中没有工作表")
