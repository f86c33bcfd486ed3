"""`python -m analytics user add / list / remove` and `audit --json` as a script on the server calls them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from analytics.store.users import password_matches

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str | None = None, user: str = "运维") -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "RESERVES_USER": user}
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args], cwd=REPO, input=stdin, capture_output=True, text=True,
        timeout=60, env=env,
    )  # fmt: skip


def _db(sample_db_template: Path, tmp_path: Path) -> str:
    db = tmp_path / "r.duckdb"
    shutil.copy(sample_db_template, db)
    return str(db)


def test_user_add_reads_one_line_of_stdin_and_stores_a_hash(sample_db_template: Path, tmp_path: Path) -> None:
    db = _db(sample_db_template, tmp_path)
    done = run("user", "add", "王芳", "--db", db, "--password-stdin", stdin="correct horse battery\n")
    assert done.returncode == 0, done.stderr
    assert "王芳" in done.stdout
    with duckdb.connect(db, read_only=True) as con:
        role, stored, by = con.execute(
            "SELECT role, password_hash, created_by FROM users WHERE name = '王芳'"
        ).fetchone()
    assert (role, by) == ("analyst", "运维")
    assert stored.startswith("$argon2id$") and password_matches(stored, "correct horse battery")

    listed = run("user", "list", "--db", db, "--json")
    assert [(u["name"], u["role"]) for u in json.loads(listed.stdout)] == [("王芳", "analyst")]
    assert "argon2" not in listed.stdout

    assert run("user", "remove", "王芳", "--db", db).returncode == 0
    assert json.loads(run("user", "list", "--db", db, "--json").stdout) == []


def test_user_add_refuses_a_short_or_empty_password_in_one_sentence(sample_db_template: Path, tmp_path: Path) -> None:
    db = _db(sample_db_template, tmp_path)
    for password in ("short\n", "\n", ""):
        done = run("user", "add", "王芳", "--db", db, "--password-stdin", stdin=password)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "密码" in done.stderr
    assert json.loads(run("user", "list", "--db", db, "--json").stdout) == []


def test_audit_json_newest_first(sample_db_template: Path, tmp_path: Path) -> None:
    db = _db(sample_db_template, tmp_path)
    assert run("activate", "1", "--db", db, user="李明").returncode == 0
    assert run("user", "add", "王芳", "--db", db, "--password-stdin", stdin="correct horse battery\n").returncode == 0
    done = run("audit", "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert {"at", "who", "action", "target", "before", "after", "detail"} <= set(entries[0])
    # The two commands just run, newest first, each under the command line's user ($RESERVES_USER).
    assert [(e["who"], e["action"]) for e in entries[:2]] == [("运维", "user_add"), ("李明", "snapshot_switch")]
    assert entries[1]["before"] == {"snapshot_id": 2} and entries[1]["after"]["snapshot_id"] == 1
    # The seeding before them: the sample's two imports (oldest last).
    assert [e["action"] for e in entries if e["who"] == "sample" and e["action"] == "commit"] == ["commit", "commit"]
    assert entries == sorted(entries, key=lambda e: e["at"], reverse=True)
    only = json.loads(run("audit", "--db", db, "--json", "--action", "snapshot_switch").stdout)
    assert [e["action"] for e in only] == ["snapshot_switch"]
