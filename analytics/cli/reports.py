"""Commands that report on a snapshot: summary, review, channels, targets, changes, projects (JSON contracts).

Each command builds its payload on one read-only connection, then prints it as JSON (`--json`, the contract)
or as a few lines for a person. summary, review, targets and projects run without pandas (issue 17: an answer
within half a second); keep what they import free of it (tests/test_cli_imports.py checks).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable

import duckdb

from analytics.cli.common import CommandError, emit, open_existing, pick_snapshot, snapshot_and_as_of
from analytics.domain import TOWN, yi
from analytics.metrics import contracts, events
from analytics.metrics import targets as target_metrics
from analytics.store.targets import target_years


def _report(
    args: argparse.Namespace,
    build: Callable[[duckdb.DuckDBPyConnection], dict],
    lines: Callable[[dict], Iterable[str]],
) -> int:
    con = open_existing(args.db)
    try:
        payload = build(con)
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for line in lines(payload):
            print(line)
    return 0


def summary(args: argparse.Namespace) -> int:
    def lines(payload: dict) -> Iterable[str]:
        total = payload[TOWN]
        yield f"快照 {payload['snapshot_id']}：项目 {total['projects']} 个，计划总投资 {yi(total['investment_wan']):.2f} 亿元"

    return _report(args, lambda con: contracts.summary_json(con, pick_snapshot(con, args.snapshot)), lines)


def review(args: argparse.Namespace) -> int:
    def build(con: duckdb.DuckDBPyConnection) -> dict:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        if year > as_of.year:
            raise CommandError(f"快照 {snapshot_id} 的数据截至 {as_of}，无法回顾 {year} 年")
        return contracts.review_json(con, snapshot_id, as_of, year)

    def lines(payload: dict) -> Iterable[str]:
        for event, figures in payload[TOWN].items():
            yield f"{payload['year']} {event}: {figures['count']} 个，{yi(figures['investment_wan']):.2f} 亿元"

    return _report(args, build, lines)


def channels(args: argparse.Namespace) -> int:
    def build(con: duckdb.DuckDBPyConnection) -> dict:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        return contracts.channels_json(con, snapshot_id, as_of, year)

    def lines(payload: dict) -> Iterable[str]:
        for channel, figures in payload["by_channel"].items():
            yield (
                f"{channel}: 项目 {figures['projects']} 个，{yi(figures['investment_wan']):.2f} 亿元，"
                f"累计落地 {figures['landed_or_beyond']} 个，{payload['year']} 年签约 {figures['signed']['count']} 个"
            )

    return _report(args, build, lines)


def targets(args: argparse.Namespace) -> int:
    def build(con: duckdb.DuckDBPyConnection) -> dict:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else target_metrics.default_target_year(as_of, target_years(con))
        return contracts.targets_json(con, snapshot_id, as_of, year)

    def lines(payload: dict) -> Iterable[str]:
        for industry, measures in {**payload["by_industry"], TOWN: payload[TOWN]}.items():
            for measure, f in measures.items():
                if f["target"] is not None:
                    yield f"{industry} {measure}: {f['actual']} / {f['target']} ({f['status']})"

    return _report(args, build, lines)


def changes(args: argparse.Namespace) -> int:
    from analytics.metrics import changes as change_metrics

    def build(con: duckdb.DuckDBPyConnection) -> dict:
        return contracts.changes_json(con, pick_snapshot(con, args.from_id), pick_snapshot(con, args.to_id))

    return _report(args, build, lambda payload: (f"{kind}: {len(payload[kind])}" for kind in change_metrics.KINDS))


def projects(args: argparse.Namespace) -> int:
    def lines(payload: dict) -> Iterable[str]:
        for p in payload["projects"]:
            amount = "—" if p["investment_wan"] is None else f"{yi(p['investment_wan']):.2f} 亿元"
            yield f"{p['project_name']}\t{p['industry']}\t{p['stage']}\t{amount}"

    return _report(args, lambda con: contracts.projects_json(con, pick_snapshot(con, args.snapshot)), lines)
