"""Accounts: argon2 hashes with their own salt, verify, rehash of older hashes, refusals, audited sign-ins."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from analytics.store import audit
from analytics.store.connection import connect
from analytics.store.users import (
    AccountRefused,
    add_user,
    authenticate,
    has_accounts,
    hash_password,
    list_users,
    needs_rehash,
    password_matches,
    remove_user,
)

PASSWORD = "correct horse battery"


def test_hashes_are_salted_argon2id_and_verify() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and first != second  # a fresh salt each time
    assert PASSWORD not in first
    assert password_matches(first, PASSWORD) and password_matches(second, PASSWORD)
    assert not password_matches(first, PASSWORD + "!")
    assert not password_matches("not a hash", PASSWORD)


def test_a_hash_with_weaker_parameters_is_replaced_at_sign_in(tmp_path) -> None:
    con = connect(tmp_path / "u.duckdb")
    add_user(con, "王芳", PASSWORD, who="root")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert needs_rehash(weak)
    con.execute("UPDATE users SET password_hash = ? WHERE name = '王芳'", [weak])
    assert authenticate(con, "王芳", PASSWORD) == "analyst"
    stored = con.execute("SELECT password_hash FROM users WHERE name = '王芳'").fetchone()[0]
    assert stored != weak and not needs_rehash(stored) and password_matches(stored, PASSWORD)


def test_accounts_add_list_remove(tmp_path) -> None:
    con = connect(tmp_path / "u.duckdb")
    assert not has_accounts(con)
    add_user(con, "王芳", PASSWORD, who="root")
    add_user(con, "书记", PASSWORD, who="root", role="viewer")
    assert has_accounts(con, "analyst") and has_accounts(con, "viewer")
    users = list_users(con)
    assert users[["name", "role", "created_by"]].values.tolist() == [
        ["书记", "viewer", "root"],
        ["王芳", "analyst", "root"],
    ]
    assert "password_hash" not in users.columns
    remove_user(con, "书记", who="root")
    assert list_users(con)["name"].tolist() == ["王芳"]
    actions = audit.entries(con)[["who", "action", "target"]].values.tolist()
    assert actions == [["root", "user_remove", "书记"], ["root", "user_add", "书记"], ["root", "user_add", "王芳"]]


@pytest.mark.parametrize(
    ("name", "password", "code"),
    [
        ("王芳", "", "user.password_empty"),
        ("王芳", "short", "user.password_short"),
        ("王 芳", PASSWORD, "user.name_invalid"),
    ],
)
def test_refusals(tmp_path, name: str, password: str, code: str) -> None:
    con = connect(tmp_path / "u.duckdb")
    with pytest.raises(AccountRefused) as refused:
        add_user(con, name, password, who="root")
    assert refused.value.code == code
    assert not has_accounts(con)


def test_a_taken_name_or_unknown_role_is_refused(tmp_path) -> None:
    con = connect(tmp_path / "u.duckdb")
    add_user(con, "王芳", PASSWORD, who="root")
    with pytest.raises(AccountRefused, match="user.exists"):
        add_user(con, "王芳", PASSWORD + "2", who="root")
    with pytest.raises(AccountRefused, match="user.role_unknown"):
        add_user(con, "李明", PASSWORD, who="root", role="admin")
    with pytest.raises(AccountRefused, match="user.unknown"):
        remove_user(con, "nobody", who="root")


def test_sign_ins_are_audited_with_the_reason_of_a_failure(tmp_path) -> None:
    con = connect(tmp_path / "u.duckdb")
    add_user(con, "王芳", PASSWORD, who="root", role="analyst")
    assert authenticate(con, "王芳", "wrong password") is None
    assert authenticate(con, "nobody", PASSWORD) is None
    assert authenticate(con, "王芳", PASSWORD) == "analyst"
    rows = audit.as_records(audit.entries(con, ["sign_in", "sign_in_failed"]))
    assert [(r["who"], r["action"], r["detail"]["reason"] if r["action"] == "sign_in_failed" else r["detail"]["via"])
            for r in rows] == [("王芳", "sign_in", "password"), ("nobody", "sign_in_failed", "unknown_user"),
                               ("王芳", "sign_in_failed", "bad_password")]  # fmt: skip
    assert all(PASSWORD not in str(r) for r in rows)  # a password never reaches the trail
