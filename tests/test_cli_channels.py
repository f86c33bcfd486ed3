"""`python -m analytics channels` on a small ledger whose channels, referrers and fund were counted by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.ledgers import rows_xlsx

REPO = Path(__file__).resolve().parents[1]
HEADER = ["项目名称", "所属行业", "计划总投资（万元）", "项目进度", "签约时间", "落地时间", "招商方式", "引荐企业", "基金出资（万元）"]  # fmt: skip
D = dt.date
ROWS = [
    ["A1", "灯饰", 10000, "竣工投产", D(2022, 3, 1), D(2022, 6, 1), "以商引商", "甲灯饰有限公司", None],
    ["A2", "灯饰", 5000, "已签约", D(2023, 5, 8), None, "以企引企", " 甲燈飾有限公司", None],
    ["A3", "半导体", 30000, "已落地", D(2023, 2, 1), D(2023, 8, 1), "以商引商", "乙电子有限公司", None],
    ["A4", "储能", 20000, "已签约", D(2023, 4, 1), None, "以商引商", "乙电子有限公司", None],
    ["A12", "灯饰", 4000, "暂缓", D(2023, 1, 1), D(2023, 6, 1), "以商引商", "丙照明", None],
    ["A5", "半导体", 40000, "已动工", D(2023, 3, 1), D(2023, 6, 1), "基金招商", None, 5000],
    ["A6", "储能", 8000, "已签约", D(2023, 7, 1), None, "以投促引", None, None],
    ["A7", "灯饰", 6000, "已落地", D(2022, 9, 1), D(2023, 1, 15), "展会招商", None, None],
    ["A8", "灯饰", 3000, "洽谈", None, None, "灯博会", None, None],
    ["A9", "家居", 2500, "已签约", D(2023, 10, 10), None, "挂榜招商", None, None],
    ["A10", "软件", 12000, "已动工", D(2022, 5, 1), D(2022, 10, 1), "驻点招商", None, 1000],
    ["A11", "灯饰", 7000, "洽谈", None, None, "中介招商", None, None],
    ["A13", "光伏", 9000, "洽谈", None, None, "朋友介绍", None, None],
    ["A14", "家居", 1500, "洽谈", None, None, None, None, None],
]
# By hand (the title says 截至2023年12月31日, so the default year is 2023):
# referral (以商引商/以企引企): A1 A2 A3 A4 A12 = 5 projects, 69000 万元; landed to date (累计落地, the JSON's
#   landed_or_beyond) A1 (投产), A3 (落地), A12 (suspended, but its landed date says it landed) = 3;
#   signed in 2023: A2 A3 A4 A12 = 4, 59000.
# fund (基金招商/以投促引): A5 A6 = 2, 48000; landed or beyond A5 = 1; signed in 2023: 2, 48000.
# event (展会招商/灯博会): A7 A8 = 2, 9000; A7 landed; A7 signed in 2022, so 0 in 2023.
# listing (挂榜招商) A9: 1, 2500, signed in 2023. direct (驻点招商) A10: 1, 12000, landed. agency (中介招商) A11.
# other: A13 (朋友介绍, unmapped) 9000. unknown: A14 (empty) 1500.
# Referrers: 乙 2 projects 50000, 甲 2 projects 15000 (both spellings), 丙 1 project 4000.
# Fund-backed: A5 (5000 fund money), A6 (fund channel, no amount), A10 (direct, 1000): 3 projects,
#   6000 fund money, 40000 + 8000 + 12000 = 60000 planned; leverage 10.


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True)


@pytest.fixture
def db(tmp_path: Path) -> str:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, ROWS, title="古镇镇项目储备台账（截至2023年12月31日）"))
    path = str(tmp_path / "c.duckdb")
    result = run("import", str(ledger), "--db", path)
    assert result.returncode == 0, result.stderr
    return path


def test_channels_json_counts_synonyms_referrers_and_fund(db: str) -> None:
    result = run("channels", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["snapshot_id"], out["as_of"], out["year"]) == (1, "2023-12-31", 2023)
    channels = out["by_channel"]
    assert list(channels) == ["referral", "fund", "event", "agency", "listing", "direct", "other", "unknown"]
    assert channels["referral"] == {
        "projects": 5,
        "investment_wan": 69000.0,
        "landed_or_beyond": 3,
        "signed": {"count": 4, "investment_wan": 59000.0},
    }
    assert channels["fund"] == {
        "projects": 2,
        "investment_wan": 48000.0,
        "landed_or_beyond": 1,
        "signed": {"count": 2, "investment_wan": 48000.0},
    }
    assert channels["event"] == {
        "projects": 2,
        "investment_wan": 9000.0,
        "landed_or_beyond": 1,
        "signed": {"count": 0, "investment_wan": 0.0},
    }
    assert channels["listing"]["signed"] == {"count": 1, "investment_wan": 2500.0}
    assert (channels["direct"]["projects"], channels["direct"]["landed_or_beyond"]) == (1, 1)
    assert (channels["agency"]["projects"], channels["agency"]["investment_wan"]) == (1, 7000.0)
    assert (channels["other"]["projects"], channels["other"]["investment_wan"]) == (1, 9000.0)
    assert (channels["unknown"]["projects"], channels["unknown"]["investment_wan"]) == (1, 1500.0)
    assert sum(c["projects"] for c in channels.values()) == 14

    assert out["referrers"] == [
        {"name": "乙电子有限公司", "projects": 2, "investment_wan": 50000.0},
        {"name": "甲灯饰有限公司", "projects": 2, "investment_wan": 15000.0},
        {"name": "丙照明", "projects": 1, "investment_wan": 4000.0},
    ]
    assert out["fund"] == {"projects": 3, "fund_wan": 6000.0, "investment_wan": 60000.0, "leverage": 10.0}


def test_channels_signings_follow_the_year(db: str) -> None:
    out = json.loads(run("channels", "--year", "2022", "--db", db, "--json").stdout)
    assert out["year"] == 2022
    # Signed in 2022: A1 (referral 10000), A7 (event 6000), A10 (direct 12000).
    assert out["by_channel"]["referral"]["signed"] == {"count": 1, "investment_wan": 10000.0}
    assert out["by_channel"]["event"]["signed"] == {"count": 1, "investment_wan": 6000.0}
    assert out["by_channel"]["direct"]["signed"] == {"count": 1, "investment_wan": 12000.0}
    assert out["by_channel"]["fund"]["signed"] == {"count": 0, "investment_wan": 0.0}
    assert out["by_channel"]["referral"]["projects"] == 5  # the reserve does not depend on the year


def test_no_fund_money_gives_null_leverage(tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(rows_xlsx(HEADER, [["B1", "灯饰", 800, "洽谈", None, None, "基金招商", None, None]]))
    db = str(tmp_path / "f.duckdb")
    assert run("import", str(ledger), "--db", db).returncode == 0
    out = json.loads(run("channels", "--db", db, "--json").stdout)
    assert out["fund"] == {"projects": 1, "fund_wan": 0.0, "investment_wan": 800.0, "leverage": None}
    assert out["referrers"] == []


def test_missing_database_or_snapshot_is_one_sentence(db: str, tmp_path: Path) -> None:
    missing = run("channels", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert missing.returncode == 2
    assert "不存在" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    assert missing.stdout == ""
    no_snapshot = run("channels", "--db", db, "--snapshot", "7", "--json")
    assert no_snapshot.returncode == 2
    assert "7" in no_snapshot.stderr and len(no_snapshot.stderr.strip().splitlines()) == 1
