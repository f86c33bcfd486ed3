"""`brief`, `comment add|list` and `projects --json` on the sample database: the exact command lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True)


@pytest.fixture
def db(sample_db: Path) -> str:
    return str(sample_db)


def test_brief_defaults_to_the_review_year_and_the_next(db: str) -> None:
    result = run("brief", "--db", db)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("截至2023年12月31日，全镇储备招商项目253个，计划总投资655.59亿元。")
    assert "2023年新签约项目115个，签约投资额318.74亿元，同比增加113.98亿元" in text
    assert "2024年目标：签约项目数目标146个" in text
    english = run("brief", "--db", db, "--lang", "en", "--year", "2023", "--target-year", "2024", "--snapshot", "2")
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith("As of 31 December 2023")


def test_brief_refuses_a_year_after_the_data(db: str) -> None:
    result = run("brief", "--db", db, "--year", "2025")
    assert result.returncode == 2
    assert result.stdout == "" and "2023-12-31" in result.stderr and "Traceback" not in result.stderr


def test_comments_round_trip_and_refusals(db: str) -> None:
    added = run(
        "comment",
        "add",
        "益嘉储能",
        "--department",
        "自然资源分局",
        "--by",
        "李明",
        "--text",
        "=1+1 用地已上会",
        "--db",
        db,
    )
    assert added.returncode == 0, added.stderr
    listed = run("comment", "list", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    [comment] = json.loads(listed.stdout)
    assert (comment["project_name"], comment["department"], comment["author"], comment["text"]) == (
        "益嘉储能系统集成项目", "自然资源分局", "李明", "=1+1 用地已上会",
    )  # fmt: skip
    ambiguous = run("comment", "add", "储能", "--department", "x", "--by", "y", "--text", "z", "--db", db)
    assert ambiguous.returncode == 2 and "匹配到" in ambiguous.stderr
    empty = run("comment", "add", "益嘉储能", "--department", " ", "--by", "y", "--text", "z", "--db", db)
    assert empty.returncode == 2 and empty.stderr.strip() == "请填写部门"
    assert json.loads(run("comment", "list", "益嘉储能系统集成项目", "--db", db, "--json").stdout) == [comment]


def test_projects_json_is_the_ledger_as_understood(db: str) -> None:
    result = run("projects", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["snapshot_id"] == 2 and len(out["projects"]) == 253
    first = out["projects"][0]
    for field in ("project_name", "investor", "industry", "investment_wan", "stage", "is_key", "project_type",
                  "source_region", "department", "signed_date", "landed_date", "construction_date",
                  "production_date", "source_sheet", "source_row"):  # fmt: skip
        assert field in first
    assert isinstance(first["is_key"], bool) and first["industry"] in {"lighting", "new_it", "new_energy", "other"}
    assert all(p["signed_date"] is None or len(p["signed_date"]) == 10 for p in out["projects"])
    assert run("projects", "--db", db, "--snapshot", "1", "--json").returncode == 0
