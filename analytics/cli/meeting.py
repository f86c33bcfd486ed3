"""Commands for the meeting: the written briefing and department comments."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb

from analytics.cli.common import CommandError, database, emit, open_existing, pick_snapshot, snapshot_and_as_of
from analytics.i18n import t
from analytics.metrics import contracts
from analytics.metrics.contracts import COMMENT_FIELDS
from analytics.metrics.filters import EVERYTHING
from analytics.metrics.projects import find
from analytics.store.comments import CommentRefused, add_comment, comments
from analytics.store.connection import Database
from analytics.store.snapshots import current_user
from analytics.story import briefing
from analytics.story.numbers import default_years, gather


def _years(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> tuple[int, date, int, int]:
    """Snapshot, as_of, review year and target year for the meeting commands (defaults as the review page)."""
    snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
    year, target_year = default_years(as_of)
    year = args.year if args.year is not None else year
    if year > as_of.year:
        raise CommandError(f"快照 {snapshot_id} 的数据截至 {as_of}，无法回顾 {year} 年")
    return snapshot_id, as_of, year, args.target_year if args.target_year is not None else year + 1


def brief(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        snapshot_id, _, year, target_year = _years(con, args)
        numbers = gather(con, snapshot_id, EVERYTHING, year, target_year)
    finally:
        con.close()
    print(briefing.write(numbers, args.lang).text)
    return 0


def _resolve_project(con: duckdb.DuckDBPyConnection | Database, text: str) -> tuple[str, str]:
    found = find(con, pick_snapshot(con, None), EVERYTHING, text)
    if found.empty:
        raise CommandError(f"当前快照中没有与「{text}」匹配的项目（可用项目名称、其中的词或项目编号）")
    if len(found) > 1:
        names = "、".join(found["project_name"].head(5))
        raise CommandError(f"「{text}」匹配到 {len(found)} 个项目（{names}…），请写得更完整些")
    return str(found.loc[0, "project_key"]), str(found.loc[0, "project_name"])


def comment_add(args: argparse.Namespace) -> int:
    con = database(args.db)
    try:
        key, name = _resolve_project(con, args.project)
        comment_id = add_comment(con, key, name, args.department, args.by, args.text, who=current_user())
    except CommentRefused as exc:
        raise CommandError(t(exc.code, "zh", **_comment_params(exc.params))) from None
    finally:
        con.close()
    print(f"已添加意见 {comment_id}：{name}（{args.department} · {args.by}）")
    return 0


def _comment_params(params: dict) -> dict:
    field = params.get("field")
    return {**params, "field": t(f"comment.field.{field}", "zh")} if field else params


def comment_list(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        keys = [_resolve_project(con, args.project)[0]] if args.project else None
        frame = comments(con, keys)
    finally:
        con.close()
    rows = contracts.records(frame, COMMENT_FIELDS)
    if args.json:
        emit(rows)
    else:
        for c in rows:
            print(f"{c['comment_date']} {c['project_name']} · {c['department']} · {c['author']}：{c['text']}")
    return 0


def _deck(args: argparse.Namespace):
    from analytics.story.slides import build_deck

    con = open_existing(args.db)
    try:
        snapshot, _, year, target_year = _years(con, args)
        return build_deck(con, snapshot, EVERYTHING, year, target_year, args.lang)
    finally:
        con.close()


def export(args: argparse.Namespace) -> int:
    from analytics.exports import render
    from analytics.exports.errors import RendererFailed, RendererMissing

    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"无法写入 {out}：文件夹 {out.parent} 不存在")
    deck = _deck(args)
    try:
        data = render(deck, args.format)
    except (RendererMissing, RendererFailed) as exc:
        raise CommandError(exc.message("zh")) from None
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)  # the file appears whole or not at all
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CommandError(f"无法写入 {out}：{exc.strerror}") from None
    print(out)
    return 0
