"""Commands for accounts and the audit trail: user add / list / remove, audit.

The command line is for people with a shell on the server: it is not gated by sign-in, and what it changes is
recorded under $RESERVES_USER or the OS user.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from analytics.cli.common import CommandError, database, emit, open_existing
from analytics.i18n import t
from analytics.store import audit
from analytics.store.snapshots import current_user
from analytics.store.users import AccountRefused, add_user, list_users, remove_user


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(t("user.prompt", "zh", name=args.name))
    if getpass.getpass(t("user.prompt_again", "zh")) != first:
        raise CommandError(t("user.password_mismatch", "zh"))
    return first


def user_add(args: argparse.Namespace) -> int:
    con = database(args.db)
    try:
        add_user(con, args.name, _password(args), who=current_user(), role=args.role)
    except AccountRefused as exc:
        raise CommandError(t(exc.code, "zh", **exc.params)) from None
    finally:
        con.close()
    print(t("user.added", "zh", name=args.name, role=t(f"role.{args.role}", "zh")))
    return 0


def user_list(args: argparse.Namespace) -> int:
    con = open_existing(args.db)
    try:
        frame = list_users(con)
    finally:
        con.close()
    if args.json:
        frame["created_at"] = frame["created_at"].map(lambda d: d.isoformat())
        emit(frame.to_dict(orient="records"))
    else:
        for row in frame.itertuples():
            print(f"{row.name}\t{row.role}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.created_by}")
    return 0


def user_remove(args: argparse.Namespace) -> int:
    con = database(args.db)
    try:
        remove_user(con, args.name, who=current_user())
    except AccountRefused as exc:
        raise CommandError(t(exc.code, "zh", **exc.params)) from None
    finally:
        con.close()
    print(t("user.removed", "zh", name=args.name))
    return 0


def audit_log(args: argparse.Namespace) -> int:
    unknown = sorted(set(args.action or []) - set(audit.ACTIONS))
    if unknown:
        raise CommandError(f"未知的审计动作：{'、'.join(unknown)}（可用：{'、'.join(audit.ACTIONS)}）")
    con = open_existing(args.db)
    try:
        rows = audit.as_records(audit.entries(con, args.action, args.limit))
    finally:
        con.close()
    if args.json:
        emit(rows)
    else:
        for row in rows:
            print(f"{row['at']}\t{row['who']}\t{row['action']}\t{row['target'] or ''}")
    return 0
