"""`python -m analytics import / summary` as the acceptance checks call them: exit codes, JSON, stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.fixtures import ledgers as fx

REPO = Path(__file__).resolve().parents[1]
STAGE_KEYS = {"negotiating", "signed", "landed", "construction", "production", "suspended"}
ISSUE_KEYS = {"code", "sheet", "row", "column", "severity", "params", "message"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def snapshot_count(db: str) -> int:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    finally:
        con.close()


def import_json(path: str, db: str, *extra: str) -> dict:
    result = run("import", path, "--db", db, "--json", *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def summary(db: str, *extra: str) -> dict:
    result = run("summary", "--db", db, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_json_and_summary_of_the_title_rows_ledger(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    out = import_json(write(tmp_path, "台账.xlsx", fx.title_rows_xlsx()), db)
    assert {"snapshot_id", "rows_read", "rows_imported", "rows_rejected", "issues"} <= set(out)
    assert (out["rows_read"], out["rows_imported"], out["rows_rejected"]) == (5, 5, 0)
    assert out["issues"] and all(set(i) == ISSUE_KEYS for i in out["issues"])
    # 合计, 备注, 填表人: the sheet's own rows; and the header (row 4), each column said as the field it was read as.
    assert {i["row"] for i in out["issues"]} == {4, 11, 12, 13}
    mapped = {i["column"]: i["params"]["field"]["key"] for i in out["issues"] if i["code"] == "header_mapped"}
    assert mapped["计划总投资"] == "field.investment" and mapped["项目名称"] == "field.project_name"

    got = summary(db)
    assert got["total"]["projects"] == 5
    assert got["total"]["investment_wan"] == 174500.5
    assert set(got["by_industry"]) == {"lighting", "new_it", "new_energy", "other"}
    assert all(set(block["stages"]) == STAGE_KEYS for block in [got["total"], *got["by_industry"].values()])
    lighting = got["by_industry"]["lighting"]
    assert (lighting["projects"], lighting["investment_wan"]) == (2, 62000.5)
    assert lighting["stages"] == {**dict.fromkeys(STAGE_KEYS, 0), "signed": 1, "construction": 1}
    assert got["by_industry"]["new_energy"]["stages"]["suspended"] == 1
    assert got["by_industry"]["other"] == {
        "projects": 1, "investment_wan": 2500.0, "stages": {**dict.fromkeys(STAGE_KEYS, 0), "landed": 1}
    }  # fmt: skip
    assert got["total"]["stages"] == {**dict.fromkeys(STAGE_KEYS, 1), "production": 0}


def test_same_bytes_twice_give_the_same_snapshot(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    data = fx.title_rows_xlsx()
    first = import_json(write(tmp_path, "a.xlsx", data), db)
    again = import_json(write(tmp_path, "b.xlsx", data), db)
    assert again["snapshot_id"] == first["snapshot_id"]
    assert snapshot_count(db) == 1


def test_as_of_from_the_title_and_the_argument_beats_it(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    titled = import_json(write(tmp_path, "a.xlsx", fx.title_rows_xlsx()), db)
    argued = import_json(
        write(tmp_path, "b.xlsx", fx.title_rows_xlsx(unit_line="单位：万元 ")), db, "--as-of", "2024-01-15"
    )
    con = duckdb.connect(db, read_only=True)
    try:
        as_of = dict(con.execute("SELECT snapshot_id, CAST(as_of AS VARCHAR) FROM snapshots").fetchall())
    finally:
        con.close()
    assert as_of == {titled["snapshot_id"]: "2023-12-31", argued["snapshot_id"]: "2024-01-15"}


def test_rows_with_errors_are_reported_and_left_out(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    data = fx.rows_xlsx(["项目名称", "所属行业", "计划总投资（万元）"], [["甲", "灯饰", 100], [None, "光伏", 200]])
    out = import_json(write(tmp_path, "a.xlsx", data), db)
    assert (out["rows_read"], out["rows_imported"], out["rows_rejected"]) == (2, 1, 1)
    errors = [i for i in out["issues"] if i["severity"] == "error"]
    assert [(i["sheet"], i["row"], i["column"]) for i in errors] == [("台账", 3, "项目名称")]
    assert summary(db)["total"]["investment_wan"] == 100.0


def test_traditional_summary_equals_its_simplified_twin(tmp_path: Path) -> None:
    simplified_db, traditional_db = str(tmp_path / "s.duckdb"), str(tmp_path / "t.duckdb")
    import_json(write(tmp_path, "简.xlsx", fx.twin_xlsx(False)), simplified_db)
    import_json(write(tmp_path, "繁.xlsx", fx.twin_xlsx(True)), traditional_db)
    simplified, traditional = summary(simplified_db), summary(traditional_db)
    simplified.pop("snapshot_id", None), traditional.pop("snapshot_id", None)
    assert traditional == simplified
    assert traditional["total"]["investment_wan"] == 174500.0
    assert traditional["by_industry"]["lighting"]["investment_wan"] == 62000.0


def test_a_million_formatted_empty_rows_import_with_a_warning(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    out = import_json(write(tmp_path, "台账.xlsx", fx.formatted_empty_rows_xlsx()), db)
    assert out["rows_imported"] == 2
    assert any(i["severity"] == "warning" and "空行" in i["message"] for i in out["issues"])


REFUSED = {
    "word.xlsx": fx.word_docx(),
    "bomb.xlsx": fx.zip_bomb_xlsx(),
    "locked.xlsx": fx.encrypted_workbook(),
    "cut.xlsx": fx.truncated(fx.title_rows_xlsx()),
    "prose.csv": "本表按季度更新。\n请按模板填写。\n".encode(),
    "noname.xlsx": fx.rows_xlsx(["投资方", "计划总投资", "所属行业"], [["某公司", 100, "灯饰"]]),
    "novalid.xlsx": fx.rows_xlsx(["项目名称", "计划总投资"], [[None, 100], ["待定", 200]]),
    "empty.csv": b"",
}


@pytest.fixture(scope="module")
def one_snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one snapshot (made once; tests copy it)."""
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "r.duckdb"
    import_json(write(folder, "good.xlsx", fx.multi_sheet_xlsx()), str(db))
    return db


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_imports_exit_2_with_one_sentence_and_store_nothing(
    tmp_path: Path, name: str, one_snapshot_db: Path
) -> None:
    db = str(tmp_path / "r.duckdb")
    shutil.copy(one_snapshot_db, db)
    assert snapshot_count(db) == 1
    result = run("import", write(tmp_path, name, REFUSED[name]), "--db", db, "--json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert name in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert snapshot_count(db) == 1


def test_refused_without_a_name_column_names_sheet_and_row(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    result = run("import", write(tmp_path, "noname.xlsx", REFUSED["noname.xlsx"]), "--db", db)
    assert result.returncode == 2
    assert "台账" in result.stderr and "第 1 行" in result.stderr and "项目名称" in result.stderr


def test_size_limit_is_configurable_on_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    path = write(tmp_path, "big.csv", fx.csv_bytes("utf-8") + b"," * (2 * 1024 * 1024))
    result = run("import", path, "--db", db, "--max-mb", "1")
    assert result.returncode == 2 and "超过上限" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_missing_database(tmp_path: Path) -> None:
    missing = run("import", str(tmp_path / "nope.xlsx"), "--db", str(tmp_path / "r.duckdb"))
    assert missing.returncode == 2 and "nope.xlsx" in missing.stderr and "Traceback" not in missing.stderr
    nodb = run("summary", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert nodb.returncode == 2 and "Traceback" not in nodb.stderr
