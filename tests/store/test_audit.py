"""The audit trail: the store functions record every change with who, before and after; rows are only appended."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.ingest.errors import ImportRejected
from analytics.store import audit
from analytics.store.comments import add_comment
from analytics.store.connection import connect
from analytics.store.imports import import_bytes
from analytics.store.snapshots import set_active_snapshot
from analytics.store.targets import save_targets
from tests.fixtures.ledgers import title_rows_xlsx

REPO = Path(__file__).resolve().parents[2]


def _actions(con) -> list[tuple[str, str]]:
    return [(r["who"], r["action"]) for r in audit.as_records(audit.entries(con))]


def test_every_change_is_recorded_newest_first(tmp_path) -> None:
    con = connect(tmp_path / "a.duckdb")
    ledger = title_rows_xlsx()
    first = import_bytes(con, ledger, "周报.xlsx", as_of=date(2024, 1, 9), who="王芳").snapshot_id
    import_bytes(con, ledger, "周报（再传）.xlsx", who="李明")  # identical bytes: no new snapshot
    with pytest.raises(ImportRejected):
        import_bytes(con, b"\x00\x01 not a ledger", "坏文件.xlsx", who="李明")
    set_active_snapshot(con, first, who="王芳")
    values = pd.DataFrame({"industry": ["lighting"], "measure": ["signed_count"], "value": [70.0]})
    save_targets(con, 2024, values, "王芳", "editor")
    add_comment(con, "k1", "甲项目", "住建局", "张三", "已办结", who="王芳")
    assert _actions(con) == [
        ("王芳", "comment"),
        ("王芳", "target_edit"),
        ("王芳", "snapshot_switch"),
        ("李明", "refusal"),
        ("李明", "commit"),
        ("王芳", "commit"),
    ]
    comment, target, switch, refusal, duplicate, commit = audit.as_records(audit.entries(con))
    assert commit["target"] == "周报.xlsx" and commit["after"]["snapshot_id"] == first
    assert commit["after"]["as_of"] == "2024-01-09" and commit["detail"]["duplicate"] is False
    assert duplicate["target"] == "周报（再传）.xlsx"
    assert duplicate["detail"] == {"duplicate": True, "snapshot_id": first, "sha256": commit["detail"]["sha256"]}
    assert refusal["target"] == "坏文件.xlsx" and refusal["detail"]["code"]
    assert switch["before"] == {"snapshot_id": first} and switch["after"] == {"snapshot_id": first, "pinned": True}
    assert target["before"] == {"lighting/signed_count": None} and target["after"] == {"lighting/signed_count": 70.0}
    assert target["detail"] == {"year": 2024, "source": "editor"}
    assert (
        comment["target"] == "甲项目" and comment["after"]["author"] == "张三" and comment["after"]["text"] == "已办结"
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", comment["at"])


def test_unchanged_targets_record_nothing(tmp_path) -> None:
    con = connect(tmp_path / "a.duckdb")
    values = pd.DataFrame({"industry": ["lighting"], "measure": ["signed_count"], "value": [70.0]})
    save_targets(con, 2024, values, "王芳", "editor")
    save_targets(con, 2024, values, "王芳", "editor")
    assert len(audit.entries(con, ["target_edit"])) == 1


def test_filter_by_action_and_limit(tmp_path) -> None:
    con = connect(tmp_path / "a.duckdb")
    for who in ("a", "b", "c"):
        audit.record(con, who, "sign_in")
    audit.record(con, "d", "sign_in_failed")
    assert audit.entries(con, ["sign_in"])["who"].tolist() == ["c", "b", "a"]
    assert audit.entries(con, limit=2)["who"].tolist() == ["d", "c"]
    with pytest.raises(ValueError):
        audit.record(con, "a", "delete_everything")


# Statements that would change or remove audit rows, in SQL strings anywhere in the code.
_TAMPERING = re.compile(
    r"\b(UPDATE\s+audit\b|DELETE\s+FROM\s+audit\b|TRUNCATE\s+(TABLE\s+)?audit\b|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit\b"
    r"|ALTER\s+TABLE\s+audit\b|INSERT\s+OR\s+REPLACE\s+INTO\s+audit\b)",
    re.IGNORECASE,
)


def test_no_code_updates_or_deletes_audit_rows() -> None:
    sources = [
        p
        for folder in ("analytics", "pages", "tools")
        for p in (REPO / folder).rglob("*")
        if p.suffix in {".py", ".sql"}
    ] + [REPO / "app.py"]
    assert len(sources) > 30
    offending = [str(p.relative_to(REPO)) for p in sources if _TAMPERING.search(p.read_text(encoding="utf-8"))]
    assert offending == []
    # The scan itself finds what it looks for.
    assert _TAMPERING.search('con.execute("DELETE FROM audit WHERE who = ?")')
    assert _TAMPERING.search("update AUDIT set who = 'x'")
