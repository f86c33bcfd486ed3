"""Five real government spreadsheets, imported as ../shared/real-ledgers/SOURCES.md says a person reads them.

The files are public records kept beside the repository, never in it; without the folder these tests skip.
Every expected number below is read off the files by hand (SOURCES.md lists them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import read_ledger

REPO = Path(__file__).resolve().parents[2]
REAL = REPO.parent / "shared" / "real-ledgers"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="the real ledgers are not beside the repository")

DETAIL = "catkins10__cms__年度项目明细表.xls"
REFUSED = {
    "catkins10__cms__招商项目汇总表.xls": "empty_template",
    "catkins10__cms__可望签约项目情况表.template.xls": "empty_template",
    "catkins10__cms__专场招商签约外资项目进展情况表.template.xls": "empty_template",
    "catkins10__cms__在建、新开工项目台账.xls": "form_not_list",
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_the_annual_detail_workbook_gives_its_three_projects() -> None:
    result = read_ledger((REAL / DETAIL).read_bytes(), DETAIL)
    projects = result.projects.set_index("source_sheet")
    assert projects.index.tolist() == ["明细表", "按地区", "按行业"]
    assert projects["investment_wan"].tolist() == [1_378_400.0, 9_200.0, 20_000.0]  # 水泥's are text cells
    assert projects["investment_wan"].sum() == 1_407_600.0
    assert projects["stage"].tolist() == ["construction"] * 3  # 续建, 新开工, 续建
    assert projects["is_key"].tolist() == [True, False, False]  # the ★
    assert projects.loc["明细表", "project_name"].startswith("古雷腾龙芳烃")
    assert projects.loc["明细表", "name_raw"].startswith("★古雷腾龙芳烃")
    assert projects.loc["按地区", "project_name"] == "体育用品" and projects.loc["按行业", "project_name"] == "水泥"
    # 合计 13个, 合计37个, 龙海市合计14个, 总计 131个 and the outline rows are never projects; nothing rejected.
    assert result.rows_rejected == 0
    totals = {(i.sheet, i.row) for i in result.issues if i.code == "total_row_skipped"}
    assert totals == {("明细表", 4), ("按地区", 4), ("按地区", 5), ("按行业", 4)}
    sections = {(i.sheet, i.row) for i in result.issues if i.code == "section_row"}
    assert sections == {("按地区", 6), ("按行业", 5)}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_is_not_a_project_list_is_refused_in_one_sentence(name: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read_ledger((REAL / name).read_bytes(), name)
    assert caught.value.code == REFUSED[name]
    for lang in ("zh", "en"):
        sentence = caught.value.sentence(lang)
        assert "\n" not in sentence and "Error" not in sentence and name in sentence


def test_the_command_line_imports_the_detail_workbook_and_lists_its_projects(tmp_path: Path) -> None:
    db = str(tmp_path / "real.duckdb")
    imported = cli("import", str(REAL / DETAIL), "--db", db, "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["rows_imported"] == 3
    listed = cli("projects", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    projects = json.loads(listed.stdout)["projects"]
    by_sheet = {p["source_sheet"]: p for p in projects}
    assert sum(p["investment_wan"] for p in projects) == 1_407_600.0
    assert by_sheet["明细表"]["is_key"] is True and by_sheet["明细表"]["stage"] == "construction"
    assert by_sheet["按地区"]["investor"] == "威尔敦雅加(漳州)体育用品有限公司"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_first_import_leaves_no_database(tmp_path: Path, name: str) -> None:
    db = tmp_path / "refused.duckdb"
    result = cli("import", str(REAL / name), "--db", str(db), "--json")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and "Error" not in result.stderr
    assert not db.exists()
