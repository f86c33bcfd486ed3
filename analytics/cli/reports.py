"""Commands that report on a snapshot: summary, review, channels, targets, changes, projects (JSON contracts)."""

from __future__ import annotations

import argparse

from analytics.cli.common import CommandError, emit, open_existing, pick_snapshot, snapshot_and_as_of
from analytics.domain import TOWN, yi
from analytics.metrics import changes as change_metrics
from analytics.metrics import contracts, events
from analytics.metrics import targets as target_metrics
from analytics.store.targets import target_years


def summary(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        payload = contracts.summary_json(con, pick_snapshot(con, args.snapshot))
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        total = payload[TOWN]
        print(
            f"快照 {payload['snapshot_id']}：项目 {total['projects']} 个，计划总投资 {yi(total['investment_wan']):.2f} 亿元"
        )
    return 0


def review(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        if year > as_of.year:
            raise CommandError(f"快照 {snapshot_id} 的数据截至 {as_of}，无法回顾 {year} 年")
        payload = contracts.review_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for event, figures in payload[TOWN].items():
            print(f"{year} {event}: {figures['count']} 个，{yi(figures['investment_wan']):.2f} 亿元")
    return 0


def channels(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else events.default_year(as_of)
        payload = contracts.channels_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for channel, figures in payload["by_channel"].items():
            print(
                f"{channel}: 项目 {figures['projects']} 个，{yi(figures['investment_wan']):.2f} 亿元，"
                f"累计落地 {figures['landed_or_beyond']} 个，{year} 年签约 {figures['signed']['count']} 个"
            )
    return 0


def targets(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        snapshot_id, as_of = snapshot_and_as_of(con, args.snapshot)
        year = args.year if args.year is not None else target_metrics.default_target_year(as_of, target_years(con))
        payload = contracts.targets_json(con, snapshot_id, as_of, year)
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for industry, measures in {**payload["by_industry"], TOWN: payload[TOWN]}.items():
            for measure, f in measures.items():
                if f["target"] is not None:
                    print(f"{industry} {measure}: {f['actual']} / {f['target']} ({f['status']})")
    return 0


def changes(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        payload = contracts.changes_json(con, pick_snapshot(con, args.from_id), pick_snapshot(con, args.to_id))
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for kind in change_metrics.KINDS:
            print(f"{kind}: {len(payload[kind])}")
    return 0


def projects(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        payload = contracts.projects_json(con, pick_snapshot(con, args.snapshot))
    finally:
        con.close()
    if args.json:
        emit(payload)
    else:
        for p in payload["projects"]:
            amount = "—" if p["investment_wan"] is None else f"{yi(p['investment_wan']):.2f} 亿元"
            print(f"{p['project_name']}\t{p['industry']}\t{p['stage']}\t{amount}")
    return 0
