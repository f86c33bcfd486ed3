"""Commands that write or list what is stored: import, import-targets, snapshots, activate, rebuild, seed."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.cli.common import CommandError, database, emit, open_existing, read_file
from analytics.store.connection import DatabaseUnavailable, archive_dir, database_path
from analytics.store.imports import import_bytes, import_targets_file
from analytics.store.journal import JOURNAL_NAME
from analytics.store.recovery import holds_data
from analytics.store.seed import ensure_seeded, rebuild_from_archive
from analytics.store.snapshots import active_snapshot_id, current_user, list_snapshots, set_active_snapshot


def import_ledger(args: argparse.Namespace) -> int:
    path = Path(args.path)
    data = read_file(path)
    new_database = not database_path(args.db).exists()
    con = database(args.db, create=True)
    try:
        outcome = import_bytes(
            con, data, path.name, as_of=args.as_of, archive=archive_dir(args.db), max_bytes=args.max_mb * 1024 * 1024
        )
    except BaseException:
        # A failed first import (refused or not) leaves no database behind, not even for the audit row of its
        # refusal; one that another import filled meanwhile stays.
        if new_database and _empty(database_path(args.db)):
            database_path(args.db).unlink(missing_ok=True)
        raise
    if args.json:
        emit(outcome.as_json())
    else:
        verb = "已存在（相同文件）" if outcome.duplicate else "已导入"
        print(
            f"{verb}：快照 {outcome.snapshot_id}，数据截至 {outcome.as_of}，读取 {outcome.rows_read} 行，"
            f"导入 {outcome.rows_imported} 行，拒绝 {outcome.rows_rejected} 行，问题 {len(outcome.issues)} 条"
        )
        for issue in outcome.issues:
            if issue.severity != "info":
                print(f"  [{issue.severity}] {issue.sheet} 第{issue.row}行 {issue.column or ''}：{issue.message}")
    return 0


def _empty(db: Path) -> bool:
    try:
        return not holds_data(db, ignore=("audit",))
    except DatabaseUnavailable:  # someone else holds it: theirs now, not ours to delete
        return False


def import_targets(args: argparse.Namespace) -> int:
    path = Path(args.path)
    data = read_file(path)
    con = database(args.db, create=True)
    try:
        year, stored, issues = import_targets_file(con, data, path.name, who=current_user(), year=args.year)
    finally:
        con.close()
    payload = {"year": year, "targets": stored, "issues": [i.as_dict() for i in issues]}
    if args.json:
        emit(payload)
    else:
        print(f"已导入 {year} 年目标 {stored} 项")
    return 0


def snapshots(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        frame = list_snapshots(con)
    finally:
        con.close()
    if args.json:
        frame["as_of"] = frame["as_of"].map(lambda d: d.date().isoformat())
        frame["created_at"] = frame["created_at"].map(lambda d: d.isoformat())
        emit(frame.to_dict(orient="records"))
    else:
        print(frame.drop(columns=["sha256"]).to_string(index=False))
    return 0


def activate(args: argparse.Namespace) -> int:
    con = database(args.db)
    try:
        set_active_snapshot(con, None if args.snapshot == "newest" else int(args.snapshot), who=current_user())
        print(f"当前快照：{active_snapshot_id(con)}")
    except (LookupError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        con.close()
    return 0


def rebuild(args: argparse.Namespace) -> int:
    source = Path(args.from_archive) if args.from_archive else archive_dir(None)
    target = database_path(args.db)
    if target.exists():
        raise CommandError(f"目标数据库 {target} 已存在；重建需要一个新的文件路径")
    if not source.is_dir() or not (any(source.glob("*.json")) or (source / JOURNAL_NAME).exists()):
        raise CommandError(f"归档目录 {source} 不存在或其中没有归档文件")
    count = rebuild_from_archive(source, target)
    print(f"已从 {source} 重建 {count} 个快照到 {target}")
    return 0


def seed(args: argparse.Namespace) -> int:
    created = ensure_seeded(args.db)
    print("已用示例台账创建数据库" if created else "数据库已有数据，未改动")
    return 0
