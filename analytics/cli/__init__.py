"""Command line: the same functions the pages use, for analysts and acceptance checks.

`python -m analytics --help` lists the commands. A command's module is imported only when it runs, so a
call pays for what it uses. Every refusal is one sentence on stderr and exit code 2; never a traceback
(set RESERVES_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib
import os
import sys

from analytics.cli.parser import parser

_HOLDERS = {"app": "看板", "cli": "另一个命令行命令"}


def _database_sentence(problem: Exception) -> str:
    """A lock is a lock (naming who holds it when known), damage is damage (with what to do), never a guess."""
    from analytics.store.connection import DatabaseBusy, DatabaseDamaged, DatabaseMissing, database_path

    if isinstance(problem, DatabaseBusy):
        holder = _HOLDERS.get(problem.holder or "", "另一个程序")
        pid = f"（进程 {problem.pid}）" if problem.pid else ""
        return f"数据库正被{holder}{pid}占用（文件已加锁），等待后仍未释放：请稍后再试，或先结束那个操作"
    if isinstance(problem, DatabaseMissing):
        return f"数据库文件 {problem.path} 不存在"
    path = problem.path if isinstance(problem, DatabaseDamaged) else database_path(None)
    return (
        f"数据库文件 {path} 已损坏：请用 python -m analytics restore 从备份恢复，"
        "或用 python -m analytics rebuild 从归档重建（python -m analytics check 可查看详情）"
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    module, function = args.run.split(":")
    try:
        run = getattr(importlib.import_module(f"analytics.cli.{module}"), function)
        return run(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
    except BrokenPipeError:
        return 0  # the reader (e.g. head) has what it wanted
    except Exception as exc:  # the contract is one sentence on stderr, never a traceback
        print(_sentence(exc, args), file=sys.stderr)
        if os.environ.get("RESERVES_DEBUG"):
            import traceback  # only here: every command pays for what it imports at the top

            traceback.print_exc()
    return 2


def _sentence(exc: Exception, args: object) -> str:
    import duckdb

    from analytics.cli.common import CommandError
    from analytics.ingest.errors import ImportRejected
    from analytics.store.connection import DatabaseUnavailable, database_path, unavailable
    from analytics.store.journal import ArchiveWriteFailed

    if isinstance(exc, ImportRejected):
        return exc.sentence()
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, DatabaseUnavailable):
        return _database_sentence(exc)
    if isinstance(exc, ArchiveWriteFailed):
        return f"无法写入归档目录 {exc.archive}（{exc.reason}）：数据库未作改动，请检查磁盘空间和权限后重试"
    if isinstance(exc, duckdb.Error):
        problem = unavailable(exc, database_path(getattr(args, "db", None)))
        if problem is not None:
            return _database_sentence(problem)
    where = f"（文件 {args.path}）" if getattr(args, "path", None) else ""
    return f"处理失败{where}：出现了意外错误，数据库未作改动；请把所用的命令和文件交给维护人员"
