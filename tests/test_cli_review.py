"""`python -m analytics review` on a small ledger whose events were counted by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.ledgers import rows_xlsx

REPO = Path(__file__).resolve().parents[1]
HEADER = ["项目名称", "所属行业", "计划总投资（万元）", "项目进度", "签约时间", "落地时间", "动工时间", "投产时间"]
D = dt.date
ROWS = [
    ["甲", "灯饰照明", 100000, "竣工投产", D(2022, 3, 1), D(2022, 6, 1), D(2022, 9, 1), D(2023, 4, 1)],
    ["乙", "灯饰", 20000, "已签约", D(2023, 5, 8), None, None, None],
    ["丙", "半导体", 60000, "已动工", D(2023, 1, 15), D(2023, 3, 1), D(2023, 8, 1), None],
    ["丁", "储能", 300000, "暂缓", D(2022, 11, 3), D(2023, 2, 1), None, None],
    ["戊", "家居家电", 2500, "已落地", "2023.7.19", "2023年10月", None, None],
    ["己", "LED", 8000, "洽谈", None, None, None, None],
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True)


def test_review_json_counts_events_dated_in_the_year(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, ROWS, title="古镇镇项目储备台账（截至2023年12月31日）"))
    db = str(tmp_path / "r.duckdb")
    assert run("import", str(ledger), "--db", db).returncode == 0
    result = run("review", "--year", "2023", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["year"] == 2023
    # Signed in 2023: 乙 (lighting 20000), 丙 (new_it 60000), 戊 (other 2500).
    assert out["by_industry"]["lighting"]["signed"] == {"count": 1, "investment_wan": 20000.0}
    assert out["by_industry"]["new_it"]["signed"] == {"count": 1, "investment_wan": 60000.0}
    assert out["by_industry"]["new_energy"]["signed"] == {"count": 0, "investment_wan": 0.0}
    # Landed in 2023: 丙, 丁 (suspended; its date still counts), 戊 (month only: 1 October).
    assert out["by_industry"]["new_energy"]["landed"] == {"count": 1, "investment_wan": 300000.0}
    assert out["total"]["landed"] == {"count": 3, "investment_wan": 362500.0}
    assert out["by_industry"]["lighting"]["production"] == {"count": 1, "investment_wan": 100000.0}
    assert set(out["by_industry"]) == {"lighting", "new_it", "new_energy", "other"}
    # Reserve at the end of 2023 is the stored stages (as_of is 31 December).
    assert out["reserve_by_stage"]["suspended"] == {"count": 1, "investment_wan": 300000.0}
    assert out["reserve_by_stage"]["negotiating"] == {"count": 1, "investment_wan": 8000.0}
    assert sum(s["count"] for s in out["reserve_by_stage"].values()) == 6

    earlier = json.loads(run("review", "--year", "2022", "--db", db, "--json").stdout)
    assert earlier["total"]["signed"] == {"count": 2, "investment_wan": 400000.0}
    # At the end of 2022 甲 had started construction; the rest, dated later or undated, were in talks.
    assert earlier["reserve_by_stage"]["construction"] == {"count": 1, "investment_wan": 100000.0}
    assert earlier["reserve_by_stage"]["negotiating"]["count"] == 4


def test_years_outside_what_the_snapshot_can_tell_are_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, ROWS, title="古镇镇项目储备台账（截至2023年12月31日）"))
    db = str(tmp_path / "r.duckdb")
    run("import", str(ledger), "--db", db)
    for year in ("0", "2024", "abc"):
        result = run("review", "--year", year, "--db", db, "--json")
        assert result.returncode == 2, year
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_duplicate_import_with_another_as_of_says_it_was_not_used(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, ROWS))
    db = str(tmp_path / "r.duckdb")
    first = json.loads(run("import", str(ledger), "--db", db, "--as-of", "2024-01-15", "--json").stdout)
    again = json.loads(run("import", str(ledger), "--db", db, "--as-of", "2024-02-01", "--json").stdout)
    assert again["duplicate"] and again["snapshot_id"] == first["snapshot_id"] and again["as_of"] == "2024-01-15"
    assert any("2024-02-01" in i["message"] and i["severity"] == "warning" for i in again["issues"])
    listed = json.loads(run("snapshots", "--db", db, "--json").stdout)
    assert listed[0]["as_of"] == "2024-01-15"


def test_rebuild_from_a_missing_archive_fails_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    result = run("rebuild", "--db", str(target), "--from-archive", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "nowhere" in result.stderr
    assert not target.exists()
