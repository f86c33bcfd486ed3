"""Command line: the same functions the pages use, for analysts and acceptance checks.

python -m analytics import PATH [--db DB] [--as-of YYYY-MM-DD] [--json]
python -m analytics summary [--db DB] [--snapshot ID] --json
python -m analytics channels [--year YEAR] [--db DB] [--snapshot ID] --json
python -m analytics snapshots [--db DB] [--json]
python -m analytics activate ID|newest [--db DB]
python -m analytics rebuild --db NEW_DB [--from-archive DIR]
python -m analytics seed [--db DB]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import duckdb

from analytics.domain import TOWN, yi
from analytics.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from analytics.ingest.errors import ImportRejected
from analytics.metrics import changes as change_metrics
from analytics.metrics import contracts, events
from analytics.metrics import targets as target_metrics
from analytics.metrics.contracts import COMMENT_FIELDS
from analytics.metrics.filters import EVERYTHING
from analytics.metrics.projects import find
from analytics.store.comments import CommentRefused, add_comment, comments
from analytics.store.connection import archive_dir, connect, database_path
from analytics.store.imports import import_bytes, import_targets_file
from analytics.store.seed import ensure_seeded, rebuild_from_archive
from analytics.store.snapshots import (
    active_snapshot_id,
    current_user,
    list_snapshots,
    set_active_snapshot,
    snapshot_info,
)
from analytics.store.targets import target_years
from analytics.story import briefing
from analytics.story.numbers import default_years, gather


class CommandError(Exception):
    """A problem worth one sentence on stderr and exit code 2."""


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度应为四位数字，收到「{text}」") from None
    if not 1990 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度应在 1990–2100 之间，收到 {year}")
    return year


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式，收到「{text}」") from None


def _emit(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def _snapshot(con: duckdb.DuckDBPyConnection, requested: int | None) -> int:
    if requested is not None:
        if snapshot_info(con, requested) is None:
            raise CommandError(f"数据库中没有编号为 {requested} 的快照")
        return requested
    active = active_snapshot_id(con)
    if active is None:
        raise CommandError("数据库中还没有任何快照，请先导入台账（python -m analytics import PATH）")
    return active


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    data = _read_file(path)
    new_database = not database_path(args.db).exists()
    con = connect(args.db)
    refused = False
    try:
        outcome = import_bytes(
            con, data, path.name, as_of=args.as_of, archive=archive_dir(args.db), max_bytes=args.max_mb * 1024 * 1024
        )
    except ImportRejected:
        refused = True
        raise
    finally:
        con.close()
        if refused and new_database:  # a refused first import leaves no empty database behind
            database_path(args.db).unlink(missing_ok=True)
    if args.json:
        _emit(outcome.as_json())
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


def cmd_summary(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        payload = contracts.summary_json(con, _snapshot(con, args.snapshot))
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        total = payload[TOWN]
        print(
            f"快照 {payload['snapshot_id']}：项目 {total['projects']} 个，计划总投资 {yi(total['investment_wan']):.2f} 亿元"
        )
    return 0


def _snapshot_and_as_of(con: duckdb.DuckDBPyConnection, requested: int | None) -> tuple[int, date]:
    """The requested (or active) snapshot's id and as_of."""
    snapshot_id = _snapshot(con, requested)
    return snapshot_id, snapshot_info(con, snapshot_id)["as_of"]


def cmd_review(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        snapshot_id, as_of = _snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        if year > as_of.year:
            raise CommandError(f"快照 {snapshot_id} 的数据截至 {as_of}，无法回顾 {year} 年")
        payload = contracts.review_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        for event, figures in payload[TOWN].items():
            print(f"{year} {event}: {figures['count']} 个，{yi(figures['investment_wan']):.2f} 亿元")
    return 0


def cmd_channels(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        snapshot_id, as_of = _snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        payload = contracts.channels_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        for channel, figures in payload["by_channel"].items():
            print(
                f"{channel}: 项目 {figures['projects']} 个，{yi(figures['investment_wan']):.2f} 亿元，"
                f"累计落地 {figures['landed_or_beyond']} 个，{year} 年签约 {figures['signed']['count']} 个"
            )
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        snapshot_id, as_of = _snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else target_metrics.default_target_year(as_of, target_years(con))
        payload = contracts.targets_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        for industry, measures in {**payload["by_industry"], TOWN: payload[TOWN]}.items():
            for measure, f in measures.items():
                if f["target"] is not None:
                    print(f"{industry} {measure}: {f['actual']} / {f['target']} ({f['status']})")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        payload = contracts.changes_json(con, _snapshot(con, args.from_id), _snapshot(con, args.to_id))
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        for kind in change_metrics.KINDS:
            print(f"{kind}: {len(payload[kind])}")
    return 0


def cmd_projects(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        payload = contracts.projects_json(con, _snapshot(con, args.snapshot))
    finally:
        con.close()
    if args.json:
        _emit(payload)
    else:
        for p in payload["projects"]:
            amount = "—" if p["investment_wan"] is None else f"{yi(p['investment_wan']):.2f} 亿元"
            print(f"{p['project_name']}\t{p['industry']}\t{p['stage']}\t{amount}")
    return 0


def _years(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> tuple[int, date, int, int]:
    """Snapshot, as_of, review year and target year for the meeting commands (defaults as the review page)."""
    snapshot_id, as_of = _snapshot_and_as_of(con, args.snapshot)
    year, target_year = default_years(as_of)
    year = args.year if args.year is not None else year
    if year > as_of.year:
        raise CommandError(f"快照 {snapshot_id} 的数据截至 {as_of}，无法回顾 {year} 年")
    return snapshot_id, as_of, year, args.target_year if args.target_year is not None else year + 1


def cmd_brief(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        snapshot_id, _, year, target_year = _years(con, args)
        numbers = gather(con, snapshot_id, EVERYTHING, year, target_year)
    finally:
        con.close()
    print(briefing.write(numbers, args.lang).text)
    return 0


def _resolve_project(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, str]:
    found = find(con, _snapshot(con, None), EVERYTHING, text)
    if found.empty:
        raise CommandError(f"当前快照中没有与「{text}」匹配的项目（可用项目名称、其中的词或项目编号）")
    if len(found) > 1:
        names = "、".join(found["project_name"].head(5))
        raise CommandError(f"「{text}」匹配到 {len(found)} 个项目（{names}…），请写得更完整些")
    return str(found.loc[0, "project_key"]), str(found.loc[0, "project_name"])


def cmd_comment_add(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        key, name = _resolve_project(con, args.project)
        comment_id = add_comment(con, key, name, args.department, args.by, args.text)
    except CommentRefused as exc:
        raise CommandError(t(exc.code, "zh", **_comment_params(exc.params))) from None
    finally:
        con.close()
    print(f"已添加意见 {comment_id}：{name}（{args.department} · {args.by}）")
    return 0


def _comment_params(params: dict) -> dict:
    field = params.get("field")
    return {**params, "field": t(f"comment.field.{field}", "zh")} if field else params


def cmd_comment_list(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        keys = [_resolve_project(con, args.project)[0]] if args.project else None
        frame = comments(con, keys)
    finally:
        con.close()
    rows = contracts.records(frame, COMMENT_FIELDS)
    if args.json:
        _emit(rows)
    else:
        for c in rows:
            print(f"{c['comment_date']} {c['project_name']} · {c['department']} · {c['author']}：{c['text']}")
    return 0


def cmd_import_targets(args: argparse.Namespace) -> int:
    path = Path(args.path)
    data = _read_file(path)
    con = connect(args.db)
    try:
        year, stored, issues = import_targets_file(con, data, path.name, who=current_user(), year=args.year)
    finally:
        con.close()
    payload = {"year": year, "targets": stored, "issues": [i.as_dict() for i in issues]}
    if args.json:
        _emit(payload)
    else:
        print(f"已导入 {year} 年目标 {stored} 项")
    return 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        frame = list_snapshots(con)
    finally:
        con.close()
    if args.json:
        frame["as_of"] = frame["as_of"].map(lambda d: d.date().isoformat())
        frame["created_at"] = frame["created_at"].map(lambda d: d.isoformat())
        _emit(frame.to_dict(orient="records"))
    else:
        print(frame.drop(columns=["sha256"]).to_string(index=False))
    return 0


def cmd_activate(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        set_active_snapshot(con, None if args.snapshot == "newest" else int(args.snapshot))
        print(f"当前快照：{active_snapshot_id(con)}")
    except (LookupError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    finally:
        con.close()
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    source = Path(args.from_archive) if args.from_archive else archive_dir(None)
    target = database_path(args.db)
    if target.exists():
        raise CommandError(f"目标数据库 {target} 已存在；重建需要一个新的文件路径")
    if not source.is_dir() or not any(source.glob("*.json")):
        raise CommandError(f"归档目录 {source} 不存在或其中没有归档文件")
    count = rebuild_from_archive(source, target)
    print(f"已从 {source} 重建 {count} 个快照到 {target}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    created = ensure_seeded(args.db)
    print("已用示例台账创建数据库" if created else "数据库已有数据，未改动")
    return 0


def _open_existing(db: str | None) -> duckdb.DuckDBPyConnection:
    path = database_path(db)
    if not path.exists():
        raise CommandError(f"数据库文件 {path} 不存在")
    return connect(path)


class _Parser(argparse.ArgumentParser):
    """Argument errors as one sentence on stderr and exit code 2, like every other refusal."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"命令参数有误：{message}（用 {self.prog} --help 查看用法）\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m analytics", description="招商项目看板 command line")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("import", help="import a ledger file as a new snapshot")
    p.add_argument("path")
    p.add_argument("--db")
    p.add_argument("--as-of", type=_date)
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-mb", type=int, default=50, help="refuse files larger than this (MB)")
    p.set_defaults(run=cmd_import)

    for name, run, help_text, year_help in (
        ("summary", cmd_summary, "reserve totals by industry and stage", None),
        ("review", cmd_review, "the year in review: events by industry, reserve at year end",
         "default: the latest year complete at the snapshot's as_of"),
        ("channels", cmd_channels, "channels, the referral league and the industry fund",
         "signings in this year; default: as for review"),
        ("targets", cmd_targets, "progress against a year's targets",
         "default: the latest year with targets up to next year"),
    ):  # fmt: skip
        p = sub.add_parser(name, help=help_text)
        if year_help:
            p.add_argument("--year", type=_year, help=year_help)
        p.add_argument("--db")
        p.add_argument("--snapshot", type=int)
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=run)

    p = sub.add_parser("projects", help="the stored projects of a snapshot, as the dashboard understood the ledger")
    p.add_argument("--db")
    p.add_argument("--snapshot", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_projects)

    p = sub.add_parser("brief", help="the written briefing (汇报材料) for the meeting")
    p.add_argument("--year", type=_year, help="the year reviewed; default: as on the review page")
    p.add_argument("--target-year", type=_year, help="default: the year after --year")
    p.add_argument("--db")
    p.add_argument("--snapshot", type=int)
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    p.set_defaults(run=cmd_brief)

    comment = sub.add_parser("comment", help="department comments on projects").add_subparsers(
        dest="comment_command", required=True, parser_class=_Parser
    )
    p = comment.add_parser("add", help="add a comment to a project (name, part of it, or key)")
    p.add_argument("project")
    p.add_argument("--department", required=True)
    p.add_argument("--by", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--db")
    p.set_defaults(run=cmd_comment_add)
    p = comment.add_parser("list", help="comments, newest first (of one project when named)")
    p.add_argument("project", nargs="?")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_comment_list)

    p = sub.add_parser("changes", help="what changed between two snapshots")
    p.add_argument("--from", dest="from_id", type=int, required=True)
    p.add_argument("--to", dest="to_id", type=int, required=True)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_changes)

    p = sub.add_parser("import-targets", help="import a separate targets file (目标)")
    p.add_argument("path")
    p.add_argument("--year", type=_year)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_import_targets)

    p = sub.add_parser("snapshots", help="list snapshots")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_snapshots)

    p = sub.add_parser("activate", help="make a snapshot active (roll back), or 'newest'")
    p.add_argument("snapshot")
    p.add_argument("--db")
    p.set_defaults(run=cmd_activate)

    p = sub.add_parser("rebuild", help="rebuild a database from archived originals alone")
    p.add_argument("--db", required=True)
    p.add_argument("--from-archive")
    p.set_defaults(run=cmd_rebuild)

    p = sub.add_parser("seed", help="create the database from the bundled sample ledger if it is empty")
    p.add_argument("--db")
    p.set_defaults(run=cmd_seed)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ImportRejected as exc:
        print(exc.sentence(), file=sys.stderr)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
    except duckdb.IOException as exc:
        print(f"无法打开数据库（可能正被看板占用）：{exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
    except BrokenPipeError:
        return 0  # the reader (e.g. head) has what it wanted
    except Exception as exc:  # the contract is one sentence on stderr, never a traceback
        where = f"（文件 {args.path}）" if getattr(args, "path", None) else ""
        print(f"处理失败{where}：{type(exc).__name__}: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
