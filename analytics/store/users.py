"""Dashboard accounts: argon2id password hashes (salted by the library), adding, removing, checking a sign-in."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analytics.access import ANALYST, ROLES, name_problem, password_problem
from analytics.store import audit
from analytics.store.connection import write_session

_HASHER = PasswordHasher()
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("no account has this password")


class AccountRefused(ValueError):
    """An account change that cannot be made; `code` names the reason in the message catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)


def hash_password(password: str) -> str:
    """An argon2id hash with a fresh random salt (the salt and parameters are part of the string)."""
    return _HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than the library's current defaults."""
    return _HASHER.check_needs_rehash(stored_hash)


def has_accounts(con: duckdb.DuckDBPyConnection, role: str | None = None) -> bool:
    row = con.execute("SELECT count(*) FROM users WHERE $role IS NULL OR role = $role", {"role": role}).fetchone()
    return row[0] > 0


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """name, role, created_at, created_by of every account (never the hashes)."""
    return con.execute("SELECT name, role, created_at, created_by FROM users ORDER BY name").df()


def add_user(con: duckdb.DuckDBPyConnection, name: str, password: str, who: str, role: str = ANALYST) -> None:
    """Create an account; refuse a bad name, a short password or a name already taken."""
    with write_session(con) as con:  # the app's Database: a short read-write connection
        problem = name_problem(name) or password_problem(password)
        if problem:
            raise AccountRefused(problem, name=name)
        if role not in ROLES:
            raise AccountRefused("user.role_unknown", role=role)
        if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
            raise AccountRefused("user.exists", name=name)
        now = datetime.now().replace(microsecond=0)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", [name, role, hash_password(password), now, who])
            audit.record(con, who, "user_add", target=name, after={"name": name, "role": role}, at=now)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def remove_user(con: duckdb.DuckDBPyConnection, name: str, who: str) -> None:
    with write_session(con) as con:  # the app's Database: a short read-write connection
        row = con.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
        if row is None:
            raise AccountRefused("user.unknown", name=name)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM users WHERE name = ?", [name])
            audit.record(con, who, "user_remove", target=name, before={"name": name, "role": row[0]})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, detail: dict | None = None) -> str | None:
    """The account's role when the password is right, else None; the attempt is audited either way.

    A hash made with older parameters is replaced by a fresh one while the password is at hand.
    """
    with write_session(con) as con:  # the app's Database: a short read-write connection
        row = con.execute("SELECT password_hash, role FROM users WHERE name = ?", [name]).fetchone()
        matched = password_matches(row[0] if row else _DUMMY_HASH, password) and row is not None
        if not matched:
            reason = "bad_password" if row else "unknown_user"
            audit.record(con, name, "sign_in_failed", target=name, detail={**(detail or {}), "reason": reason})
            return None
        if needs_rehash(row[0]):
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [hash_password(password), name])
        audit.record(con, name, "sign_in", target=name, detail={**(detail or {}), "via": "password", "role": row[1]})
        return row[1]
