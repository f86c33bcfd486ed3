"""Commands that keep the data safe: backup, restore, check."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.cli.common import CommandError, busy_notice, emit
from analytics.store.connection import archive_dir, database_path
from analytics.store.recovery import BackupRefused, Health, last_backup
from analytics.store.recovery import backup as make_backup
from analytics.store.recovery import check as run_check
from analytics.store.recovery import restore as replace_from

_REFUSALS = {
    "backup.dest_exists": "备份位置 {path} 已存在且不为空：请指定一个新的文件夹",
    "backup.no_folder": "无法写入备份：文件夹 {path} 不存在",
    "backup.copy_differs": "备份副本与数据库校验不一致，已删除，未留下备份：请检查磁盘后重试",
    "restore.not_a_backup": "{path} 不是备份文件夹（其中应有一个 .duckdb 数据库文件和它的 .archive 归档文件夹）",
    "restore.backup_damaged": "备份 {path} 未通过校验，未作恢复：请换一个备份（可先用 check --db 查看原因）",
    "restore.not_empty": "数据库 {path} 中已有数据；确认要用备份覆盖时请加 --force（原文件会改名保留）",
}

_ARCHIVE_PROBLEMS = {
    "archive_missing": "归档目录 {detail} 不存在",
    "original_missing": "快照 {detail} 的原始文件不在归档中",
    "original_altered": "快照 {detail} 的原始文件与记录的哈希不符",
    "journal_incomplete": "变更日志缺少记录（{detail}）",
    "replay_differs": "按归档重放的结果与数据库不一致（表 {detail}）",
    "journal_not_started": "变更日志尚未开始，本版本之前的目标修改、意见和当前快照选择还不在归档中，下一次修改时会自动补记",
}


def _refused(exc: BackupRefused) -> CommandError:
    return CommandError(_REFUSALS[exc.code].format(**exc.params))


def backup(args: argparse.Namespace) -> int:
    dest = Path(args.path)
    try:
        health = make_backup(dest, args.db, on_wait=busy_notice)
    except BackupRefused as exc:
        raise _refused(exc) from None
    snapshots = health.tables.get("snapshots", (0, 0))[0]
    print(f"已备份到 {dest}（数据库与归档，{snapshots} 个快照，副本与数据库逐表校验一致）")
    return 0


def restore(args: argparse.Namespace) -> int:
    source = Path(args.path)
    try:
        health = replace_from(source, args.db, force=args.force, on_wait=busy_notice)
    except BackupRefused as exc:
        raise _refused(exc) from None
    snapshots = health.tables.get("snapshots", (0, 0))[0]
    state = "校验通过" if health.ok else "但恢复后的校验未通过，请运行 check 查看"
    print(f"已从备份 {source} 恢复到 {database_path(args.db)}（{snapshots} 个快照，{state}）；原有文件已改名保留")
    return 0 if health.ok else 2


def verdict(health: Health, db: str | None) -> str:
    """The one sentence `check` prints: OK, or what is wrong and what to do."""
    if health.ok:
        rows = sum(rows for rows, _ in health.tables.values())
        return f"OK：数据库完好（{len(health.tables)} 张表、{rows} 行全部读出），归档完整（原始文件齐全、哈希一致、日志可重放）"
    if health.damaged is not None:
        found = last_backup(db)
        source = f"{found['at']} 的备份" if found else "备份"
        where = found["path"] if found else "备份文件夹"
        return (
            f"数据库已损坏（{health.damaged[:120]}）：请用 python -m analytics restore {where} --force 从{source}恢复，"
            f"或用 python -m analytics rebuild --db 新文件 --from-archive {archive_dir(database_path(db))} 从归档重建"
        )
    problems = "；".join(_ARCHIVE_PROBLEMS[code].format(detail=detail) for code, detail in health.archive_problems[:3])
    return f"数据库完好，但归档有问题（{problems}）：请立即用 python -m analytics backup 新文件夹 备份，并请维护人员核对归档"


def check(args: argparse.Namespace) -> int:
    path = database_path(args.db)
    if not path.exists():
        raise CommandError(f"数据库文件 {path} 不存在")
    health = run_check(path, on_wait=busy_notice)
    if args.json:
        emit({
            "ok": health.ok,
            "verdict": verdict(health, args.db),
            "damaged": health.damaged,
            "archive_problems": [{"code": c, "detail": d} for c, d in health.archive_problems],
            "tables": {name: {"rows": rows, "checksum": f"{checksum:016x}"} for name, (rows, checksum) in health.tables.items()},
        })  # fmt: skip
    else:
        print(verdict(health, args.db))
    return 0 if health.ok else 2
