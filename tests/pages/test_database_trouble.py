"""AppTest: a damaged or long-locked database is one sentence on the page, never a traceback with paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.store import connection
from analytics.store.connection import DatabaseBusy
from tests.pages.apptest import open_page


def test_a_truncated_database_is_called_damaged(sample_db: Path) -> None:
    os.truncate(sample_db, sample_db.stat().st_size // 2)
    at = open_page("overview")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "数据库文件已损坏：请管理员从备份恢复（python -m analytics restore）或从归档重建（rebuild）。"
    ]
    assert str(sample_db) not in " ".join(e.value for e in at.error)


def test_a_lock_held_too_long_says_to_reload_later(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(db: Path, *_args: object, **_kwargs: object) -> None:
        raise DatabaseBusy(db, "Conflicting lock is held (PID 4242)", 4242, "cli")

    monkeypatch.setattr(connection, "_open", locked)
    at = open_page("overview", lang="en")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Another program is holding the database and has not let go: please reload the page in a moment."
    ]
