"""`targets`, `changes` and `import-targets` on small ledgers whose answers were worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.fixtures.ledgers import rows_xlsx, workbook_bytes

REPO = Path(__file__).resolve().parents[1]
HEADER = ["项目名称", "投资方", "所属行业", "计划总投资（万元）", "项目进度", "签约时间", "落地时间"]
D = dt.date
JUNE = [
    ["甲", "甲公司", "灯饰照明", 10000, "已签约", D(2024, 2, 1), None],
    ["乙", "乙公司", "灯饰照明", 20000, "洽谈", None, None],
    ["丙", "丙公司", "新能源", 50000, "已落地", D(2024, 1, 10), D(2024, 5, 1)],
    ["丁", "丁公司", "新能源", 8000, "已签约", D(2024, 3, 3), None],
]
SEPTEMBER = [
    ["甲", "甲公司", "灯饰照明", 10000, "已落地", D(2024, 2, 1), D(2024, 8, 1)],  # advanced
    ["乙", "乙公司", "灯饰照明", 30000, "已签约", D(2024, 7, 1), None],  # advanced, +50% investment
    ["丙", "丙公司", "新能源", 50000, "暂缓", D(2024, 1, 10), D(2024, 5, 1)],  # suspended
    ["戊", "戊公司", "新一代信息技术", 6000, "洽谈", None, None],  # new; 丁 vanished
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True)


def _targets_file(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2024年目标"
    ws.append(["单位：亿元"])
    ws.append(["产业", "签约项目数", "签约投资额", "落地项目数"])
    ws.append(["灯饰照明", 4, 2, 2])
    ws.append(["新能源", 2, 10, 1])
    ws.append(["合计", 6, 12, 3])
    path.write_bytes(workbook_bytes(book))


def test_targets_progress_and_changes(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    june, september, goals = tmp_path / "6月.xlsx", tmp_path / "9月.xlsx", tmp_path / "目标.xlsx"
    june.write_bytes(rows_xlsx(HEADER, JUNE, title="台账（截至2024年6月30日）"))
    september.write_bytes(rows_xlsx(HEADER, SEPTEMBER, title="台账（截至2024年9月30日）"))
    _targets_file(goals)
    assert run("import", str(june), "--db", db).returncode == 0
    assert run("import-targets", str(goals), "--db", db).returncode == 0

    result = run("targets", "--year", "2024", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["year"] == 2024 and out["total_source"] == "sum"
    # 30 June 2024 is day 182 of 366.
    assert out["elapsed"] == round(182 / 366, 4)
    lighting = out["by_industry"]["lighting"]
    # Lighting signed 1 of 4 (甲): 25% against 49.7% of the year: behind.
    assert (lighting["signed_count"]["target"], lighting["signed_count"]["actual"]) == (4.0, 1.0)
    assert lighting["signed_count"]["completion"] == 0.25
    assert lighting["signed_count"]["status"] == "behind"
    # 2 亿元 = 20000 万元 target; 10000 signed.
    assert lighting["signed_investment_wan"]["target"] == 20000.0
    assert lighting["signed_investment_wan"]["completion"] == 0.5
    energy = out["by_industry"]["new_energy"]
    # New energy signed 丙 and 丁 (2 of 2), landed 丙 (1 of 1): ahead on both.
    assert energy["signed_count"]["status"] == "ahead"
    assert energy["landed_count"]["completion"] == 1.0
    assert out["total"]["signed_count"] == {
        "target": 6.0, "actual": 3.0, "completion": 0.5, "gap": 3.0,
        "projection": round(3 / (182 / 366), 4), "status": "on_track",
    }  # fmt: skip
    assert out["by_industry"]["new_it"]["signed_count"]["target"] is None

    assert run("import", str(september), "--db", db).returncode == 0
    changes = json.loads(run("changes", "--from", "1", "--to", "2", "--db", db, "--json").stdout)
    names = {kind: sorted(p["project_name"] for p in changes[kind]) for kind in changes if kind not in ("from", "to")}
    assert names == {
        "new": ["戊"], "advanced": ["乙", "甲"], "regressed": [], "suspended": ["丙"],
        "investment_changed": ["乙"], "vanished": ["丁"],
    }  # fmt: skip
    moved = next(p for p in changes["investment_changed"])
    assert (moved["investment_wan_before"], moved["investment_wan"], moved["investment_delta"]) == (
        20000.0,
        30000.0,
        10000.0,
    )


def test_changes_with_an_unknown_snapshot_fails_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    ledger = tmp_path / "a.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, JUNE))
    run("import", str(ledger), "--db", db)
    result = run("changes", "--from", "1", "--to", "9", "--db", db, "--json")
    assert result.returncode == 2
    assert "9" in result.stderr and "Traceback" not in result.stderr
