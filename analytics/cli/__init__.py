"""Command line: the same functions the pages use, for analysts and acceptance checks.

`python -m analytics --help` lists the commands. A command's module is imported only when it runs, so a
call pays for what it uses. Every refusal is one sentence on stderr and exit code 2; never a traceback
(set RESERVES_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback

from analytics.cli.parser import parser


def _database_sentence(exc: Exception) -> str:
    """A lock is a lock (with its holder when DuckDB names one); anything else about the file is damage."""
    text = str(exc)
    if "lock" in text.lower():
        holder = re.search(r"PID (\d+)", text)
        who = f"（进程 {holder.group(1)}）" if holder else ""
        return f"数据库正被另一个程序{who}使用（文件已加锁）：请先关闭看板或另一个命令，或稍后再试"
    return "无法打开数据库：文件可能已损坏或不是看板的数据库（可用 rebuild 从归档重建）"


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
            traceback.print_exc()
    return 2


def _sentence(exc: Exception, args: object) -> str:
    import duckdb

    from analytics.cli.common import CommandError
    from analytics.ingest.errors import ImportRejected

    if isinstance(exc, ImportRejected):
        return exc.sentence()
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, duckdb.IOException | duckdb.InvalidInputException | duckdb.SerializationException):
        return _database_sentence(exc)
    where = f"（文件 {args.path}）" if getattr(args, "path", None) else ""
    return f"处理失败{where}：出现了意外错误，数据库未作改动；请把所用的命令和文件交给维护人员"
