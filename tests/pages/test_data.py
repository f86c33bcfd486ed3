"""AppTest of the Data page: the snapshot list, rolling back to an earlier snapshot and forward again."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

from analytics.store.connection import connect
from analytics.store.imports import import_bytes
from analytics.store.snapshots import active_snapshot_id
from tests.fixtures.ledgers import title_rows_xlsx
from tests.pages.apptest import open_as_analyst, open_page

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r'"[^"]*"')  # English sentences quote what they cite from the spreadsheet


def _add_second_snapshot(db: Path) -> int:
    con = connect(db)
    try:
        return import_bytes(con, title_rows_xlsx(), "第二周.xlsx", as_of=date(2024, 1, 9), who="王芳").snapshot_id
    finally:
        con.close()


def test_snapshot_list_shows_who_and_when(sample_db: Path) -> None:
    second = _add_second_snapshot(sample_db)
    at = open_page("data")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "快照" in d.value.columns)
    # The sample seeds two snapshots (2023-09-30 as 1, 2023-12-31 as 2); newest as_of first.
    assert list(table["快照"]) == [second, 2, 1]
    assert list(table["导入人"]) == ["王芳", "sample", "sample"]
    assert list(table["当前"]) == [True, False, False]
    assert list(table["项目数"])[0] == 5
    # The chosen snapshot's stored import report: the sample's notes (skipped sheets, targets) are there.
    report = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert len(report) > 0 and set(report["级别"]) <= {"错误（未导入）", "警告（已修正）", "提示"}


def test_roll_back_and_forward(sample_db: Path) -> None:
    second = _add_second_snapshot(sample_db)
    at = open_as_analyst("data")
    at.selectbox(key="snapshot_pick").set_value(2)
    at.button(key="make_active").click().run()
    assert not at.exception
    con = connect(sample_db)
    assert active_snapshot_id(con) == 2
    con.close()
    assert "快照 2" in at.caption[0].value
    overview = open_page("overview")
    assert "数据截至 2023-12-31（快照 2" in overview.caption[0].value

    at.button(key="back_to_newest").click().run()
    con = connect(sample_db)
    assert active_snapshot_id(con) == second
    con.close()


def test_the_english_page_shows_the_import_report_in_english(sample_db: Path) -> None:
    at = open_page("data", lang="en")
    assert not at.exception
    report = next(d.value for d in at.dataframe if "Message" in d.value.columns)
    # The sample ledger's stored report: its instructions sheet skipped, its targets sheet imported.
    assert len(report) > 0
    assert set(report["Severity"]) <= {"Error (row left out)", "Warning (value fixed)", "Note"}
    assert any(m.startswith("Sheet skipped: ") for m in report["Message"])
    for message in report["Message"]:
        assert not CJK.search(QUOTED.sub("", message)), message


def test_a_report_stored_before_issues_had_codes_shows_as_stored(sample_db: Path) -> None:
    old = [{"sheet": "台账", "row": 5, "column": None, "severity": "warning", "message": "无法识别的日期「下月」"}]
    con = connect(sample_db)
    try:
        con.execute("UPDATE snapshots SET issues = ? WHERE snapshot_id = 2", [json.dumps(old, ensure_ascii=False)])
    finally:
        con.close()
    at = open_page("data", lang="en")
    assert not at.exception
    report = next(d.value for d in at.dataframe if "Message" in d.value.columns)
    assert list(report["Message"]) == ["无法识别的日期「下月」"] and list(report["Row"]) == [5]


def test_a_new_upload_while_a_snapshot_is_pinned_says_so_and_offers_to_switch(sample_db: Path) -> None:
    at = open_as_analyst("data")
    at.selectbox(key="snapshot_pick").set_value(1)
    at.button(key="make_active").click().run()  # pinned: the dashboard shows #1
    data = title_rows_xlsx()
    at.file_uploader(key="uploads").upload("第三周.xlsx", data).run()
    file_key = hashlib.sha256(data).hexdigest()[:16]
    at.button(key=f"commit_{file_key}").click().run()
    assert not at.exception
    # The sample seeds #1 and #2; the upload is #3, stored but not shown until someone switches.
    assert [s.value for s in at.success] == ["已保存为快照 3（5 个项目）。"]
    assert [w.value for w in at.warning] == ["看板仍显示此前选定的快照 1，而不是刚保存的快照 3。"]
    assert at.button(key=f"switch_{file_key}").label == "切换到新快照"
    at.button(key=f"switch_{file_key}").click().run()
    assert not at.exception
    con = connect(sample_db, read_only=True)
    assert active_snapshot_id(con) == 3
    con.close()
    assert "快照 3" in at.caption[0].value
