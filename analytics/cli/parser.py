"""The command line's arguments: each command names the module:function that runs it (imported on use)."""

from __future__ import annotations

import argparse
from datetime import date

LANGUAGES = ("zh", "en")


def year_arg(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度应为四位数字，收到「{text}」") from None
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度应在 1990–2100 之间，收到 {year}")
    return year


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式，收到「{text}」") from None


class _Parser(argparse.ArgumentParser):
    """Argument errors as one sentence on stderr and exit code 2, like every other refusal."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"命令参数有误：{message}（用 {self.prog} --help 查看用法）\n")


def _meeting_options(p: argparse.ArgumentParser) -> None:
    """The years, database, snapshot and language that `brief` and `export` share."""
    p.add_argument("--year", type=year_arg, help="the year reviewed; default: as on the review page")
    p.add_argument("--target-year", type=year_arg, help="default: the year after --year")
    p.add_argument("--db")
    p.add_argument("--snapshot", type=int)
    p.add_argument("--lang", choices=LANGUAGES, default="zh")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m analytics", description="招商项目看板 command line")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("import", help="import a ledger file as a new snapshot")
    p.add_argument("path")
    p.add_argument("--db")
    p.add_argument("--as-of", type=date_arg)
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-mb", type=int, default=50, help="refuse files larger than this (MB)")
    p.set_defaults(run="data:import_ledger")

    for name, run, help_text, year_help in (
        ("summary", "reports:summary", "reserve totals by industry and stage", None),
        ("review", "reports:review", "the year in review: events by industry, reserve at year end",
         "default: the latest year complete at the snapshot's as_of"),
        ("channels", "reports:channels", "channels, the referral league and the industry fund",
         "signings in this year; default: as for review"),
        ("targets", "reports:targets", "progress against a year's targets",
         "default: the latest year with targets up to next year"),
    ):  # fmt: skip
        p = sub.add_parser(name, help=help_text)
        if year_help:
            p.add_argument("--year", type=year_arg, help=year_help)
        p.add_argument("--db")
        p.add_argument("--snapshot", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=run)

    p = sub.add_parser("projects", help="the stored projects of a snapshot, as the dashboard understood the ledger")
    p.add_argument("--db")
    p.add_argument("--snapshot", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="reports:projects")

    p = sub.add_parser("brief", help="the written briefing (汇报材料) for the meeting")
    _meeting_options(p)
    p.set_defaults(run="meeting:brief")

    p = sub.add_parser("export", help="the meeting deck as one file: pptx, html, xlsx or pdf")
    p.add_argument("--format", choices=("pptx", "html", "xlsx", "pdf"), required=True)
    p.add_argument("--out", required=True)
    _meeting_options(p)
    p.set_defaults(run="meeting:export")

    comment = sub.add_parser("comment", help="department comments on projects").add_subparsers(
        dest="comment_command", required=True, parser_class=_Parser
    )
    p = comment.add_parser("add", help="add a comment to a project (name, part of it, or key)")
    p.add_argument("project")
    p.add_argument("--department", required=True)
    p.add_argument("--by", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--db")
    p.set_defaults(run="meeting:comment_add")
    p = comment.add_parser("list", help="comments, newest first (of one project when named)")
    p.add_argument("project", nargs="?")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="meeting:comment_list")

    p = sub.add_parser("changes", help="what changed between two snapshots")
    p.add_argument("--from", dest="from_id", type=int, required=True)
    p.add_argument("--to", dest="to_id", type=int, required=True)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="reports:changes")

    p = sub.add_parser("import-targets", help="import a separate targets file (目标)")
    p.add_argument("path")
    p.add_argument("--year", type=year_arg)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="data:import_targets")

    p = sub.add_parser("snapshots", help="list snapshots")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="data:snapshots")

    p = sub.add_parser("activate", help="make a snapshot active (roll back), or 'newest'")
    p.add_argument("snapshot")
    p.add_argument("--db")
    p.set_defaults(run="data:activate")

    p = sub.add_parser("rebuild", help="rebuild a database from archived originals alone")
    p.add_argument("--db", required=True)
    p.add_argument("--from-archive")
    p.set_defaults(run="data:rebuild")

    user = sub.add_parser("user", help="dashboard accounts (sign-in for analysts)").add_subparsers(
        dest="user_command", required=True, parser_class=_Parser
    )
    p = user.add_parser("add", help="create an account; prompts for the password twice")
    p.add_argument("name")
    p.add_argument("--role", choices=("analyst", "viewer"), default="analyst")
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    p.add_argument("--db")
    p.set_defaults(run="accounts:user_add")
    p = user.add_parser("list", help="list accounts (names and roles, never passwords)")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="accounts:user_list")
    p = user.add_parser("remove", help="delete an account")
    p.add_argument("name")
    p.add_argument("--db")
    p.set_defaults(run="accounts:user_remove")

    p = sub.add_parser("audit", help="the audit trail, newest first")
    p.add_argument("--db")
    p.add_argument("--action", action="append", help="only these actions (repeatable)")
    p.add_argument("--limit", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="accounts:audit_log")

    p = sub.add_parser("backup", help="copy the database and its archive into a new folder (works while the app runs)")
    p.add_argument("path", help="a new (or empty) folder")
    p.add_argument("--db")
    p.set_defaults(run="recovery:backup")

    p = sub.add_parser("restore", help="replace the database and archive with a verified backup folder")
    p.add_argument("path", help="a folder written by backup")
    p.add_argument("--db")
    p.add_argument("--force", action="store_true", help="overwrite a database that holds data (kept, renamed)")
    p.set_defaults(run="recovery:restore")

    p = sub.add_parser("check", help="read every table and verify the archive; exit 0 when healthy, 2 otherwise")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run="recovery:check")

    p = sub.add_parser("seed", help="create the database from the bundled sample ledger if it is empty")
    p.add_argument("--db")
    p.set_defaults(run="data:seed")
    return top
