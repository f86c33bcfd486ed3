"""read_ledger end to end on one small fixture per quirk of the issue; every expected number is by hand."""

from __future__ import annotations

import datetime as dt
import io
import json

import opencc
import openpyxl
import pandas as pd
import pytest

from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import LedgerRead, read_ledger
from analytics.ingest.values import parse_flag, parse_text
from tests.fixtures import ledgers as fx

to_traditional = opencc.OpenCC("s2t").convert  # the other direction from the code's t2s


def read(data: bytes, name: str = "台账.xlsx", **kwargs: object) -> LedgerRead:
    return read_ledger(data, name, **kwargs)


def by_name(result: LedgerRead) -> dict[str, pd.Series]:
    return {row.project_name: row for row in result.projects.itertuples(index=False)}


def where(result: LedgerRead, severity: str) -> set[tuple[int | None, str | None]]:
    """(row, column) of every issue of one severity."""
    return {(i.row, i.column) for i in result.issues if i.severity == severity}


def codes(result: LedgerRead, severity: str | None = None) -> set[str]:
    return {i.code for i in result.issues if severity is None or i.severity == severity}


SKIPPED_ROW = {"total_row_skipped", "footnote_row_skipped", "header_row_skipped", "continuation_row_skipped"}


def one_column(header: list[str], values: list[object], extra_header: str = "项目名称") -> LedgerRead:
    """A ledger of one project per value: 项目1.. under extra_header, the value under header[0]."""
    rows = [[f"项目{i}", value] for i, value in enumerate(values, start=1)]
    return read(fx.rows_xlsx([extra_header, *header], rows))


# Title rows, totals, blank rows, footnotes


def test_title_rows_above_the_header_and_totals_blank_rows_and_footnotes_below() -> None:
    result = read(fx.title_rows_xlsx())
    # Header on row 4 under three title lines; projects on rows 5-7 and 9-10 (row 8 is blank).
    assert result.projects["source_row"].tolist() == [5, 6, 7, 9, 10]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (5, 5, 0)
    assert result.title_as_of == dt.date(2023, 12, 31)
    # 50000 + 12000.5 + 30000 + 80000 + 2500; the 合计 row (174500.5 again) is not a project.
    assert result.projects["investment_wan"].sum() == 174500.5
    skipped = {(i.row, i.severity) for i in result.issues if i.code in SKIPPED_ROW}
    assert skipped == {(11, "info"), (12, "info"), (13, "info")}  # 合计, 备注：…, 填表人：…
    assert "unit_assumed" not in codes(result)  # the title line says 单位：万元
    assert not where(result, "error")


def test_unit_in_a_title_line_applies_unless_the_header_states_one() -> None:
    in_yi = read(fx.title_rows_xlsx(unit_line="金额单位：亿元"))
    assert in_yi.projects["investment_wan"].tolist() == [500_000_000.0, 120_005_000.0, 300_000_000.0,
                                                         800_000_000.0, 25_000_000.0]  # fmt: skip
    header_wins = read(fx.title_rows_xlsx(unit_line="单位：亿元", header_unit="（万元）"))
    assert header_wins.projects["investment_wan"].sum() == 174500.5


def test_as_of_comes_from_the_title_line_of_a_legacy_xls() -> None:
    result = read(fx.xls_bytes(), "台账.xls")
    assert result.file_format == "xls"
    assert result.title_as_of == dt.date(2023, 12, 31)
    assert result.projects["source_row"].tolist() == [3, 4, 5, 6, 7]


def test_totals_subtotals_repeated_headers_template_rows_and_footnotes_are_skipped_not_rejected() -> None:
    result = read(fx.skipped_rows_xlsx())
    assert result.projects["project_name"].tolist() == ["甲项目", "乙项目", "丙项目"]
    assert result.projects["source_row"].tolist() == [3, 5, 9]
    assert result.projects["investment_wan"].sum() == 600.0  # 100 + 200 + 300
    assert (result.rows_read, result.rows_rejected) == (3, 0)
    assert not where(result, "error")
    # 小计, repeated header, 合计, 其中, 总计, 备注, 注1, 填表人 rows: each reported once, as info.
    assert {i.row for i in result.issues if i.code in SKIPPED_ROW} == {6, 7, 10, 11, 12, 13, 14, 15}
    # The footnote gives the cut-off date when no title line does.
    assert result.title_as_of == dt.date(2023, 12, 31)


def test_a_column_without_header_that_holds_data_is_kept_as_extra() -> None:
    result = read(fx.skipped_rows_xlsx())
    first = by_name(result)["甲项目"]
    assert json.loads(first.extra) == {"F列（无表头）": "手写备忘A"}
    assert by_name(result)["乙项目"].extra is None


# Two-row headers


def test_two_row_header_with_a_merged_group_over_the_dates() -> None:
    result = read(fx.two_row_header_xlsx())
    rows = by_name(result)
    assert result.projects["source_row"].tolist() == [4, 5, 6]
    assert rows["甲项目"].signed_date == pd.Timestamp(2023, 1, 5)
    assert rows["甲项目"].construction_date == pd.Timestamp(2023, 3, 1)
    assert rows["甲项目"].problems == "用地未落实"
    # No stage column: the furthest stage whose date is filled, none filled: negotiating.
    assert [rows[n].stage for n in ("甲项目", "乙项目", "丙项目")] == ["construction", "production", "negotiating"]
    assert result.projects["investment_wan"].tolist() == [1000.0, 2000.0, 3000.0]


def test_two_row_header_from_a_csv_without_merges() -> None:
    text = (
        "项目名称,计划总投资（亿元）,项目进度,,\r\n"
        ",,签约时间,动工时间,投产时间\r\n"
        "甲项目,1.5,2023-01-05,2023.3,\r\n"
        "乙项目,0.2,,,\r\n"
    )
    result = read(text.encode("utf-8"), "台账.csv")
    rows = by_name(result)
    assert rows["甲项目"].construction_date == pd.Timestamp(2023, 3, 1)
    assert rows["甲项目"].stage == "construction"
    assert result.projects["investment_wan"].tolist() == [15000.0, 2000.0]
    assert result.projects["source_row"].tolist() == [3, 4]


# Units


def test_units_in_the_header_and_in_cells() -> None:
    result = read(fx.unit_cells_xlsx())  # header 计划总投资（亿元）
    # 1.5亿; 1.2亿; 3000万 (the cell's own unit); 3,000 亿; 全角 １２ 亿; 待定 -> empty.
    values = result.projects["investment_wan"].tolist()
    assert values[:5] == [15000.0, 12000.0, 3000.0, 30_000_000.0, 120000.0]
    assert pd.isna(values[5])
    assert (7, "计划总投资（亿元）") in where(result, "warning")


def test_units_with_a_wan_header() -> None:
    result = read(fx.unit_cells_xlsx(header="总投资(万元)"))
    values = result.projects["investment_wan"].tolist()
    assert values[:5] == [1.5, 12000.0, 3000.0, 3000.0, 12.0]


def test_unit_only_in_a_title_line() -> None:
    result = read(fx.title_unit_xlsx())
    assert result.projects["investment_wan"].tolist() == [15000.0, 20000.0, 3000.0]
    assert "unit_assumed" not in codes(result)


def test_unit_on_a_row_of_its_own_under_the_header() -> None:
    result = read(fx.unit_row_xlsx())
    assert result.projects["investment_wan"].tolist() == [20000.0, 5000.0]
    assert result.projects["invested_wan"].tolist()[0] == 500.0
    assert result.projects["source_row"].tolist() == [3, 4]
    assert not where(result, "error")


def test_unit_and_cut_off_date_stated_under_the_table() -> None:
    result = read(fx.notes_below_xlsx())
    assert result.projects["project_name"].tolist() == ["甲项目", "乙项目"]
    assert result.projects["investment_wan"].tolist() == [15000.0, 20000.0]
    assert result.title_as_of == dt.date(2023, 12, 31)
    assert {i.row for i in result.issues if i.code in SKIPPED_ROW} == {4, 5}


def test_a_lone_unit_cell_under_the_header() -> None:
    data = fx.grid_xlsx([["项目名称", "所属行业", "计划总投资"], [None, None, "单位：亿元"], ["甲", "灯饰", 1.5]])
    result = read(data)
    assert result.projects["investment_wan"].tolist() == [15000.0]
    assert result.projects["source_row"].tolist() == [3]
    assert result.rows_rejected == 0


def test_unknown_unit_is_taken_as_wan_with_a_warning() -> None:
    result = read(fx.no_unit_xlsx())
    assert result.projects["investment_wan"].tolist() == [800.0, 12000.0]
    warnings = [i for i in result.issues if i.code == "unit_assumed"]
    assert [(i.severity, i.row, i.column) for i in warnings] == [("warning", 2, "总投资")]


# Multi-sheet workbooks


def test_one_sheet_per_industry_and_non_data_sheets_skipped_with_a_note() -> None:
    result = read(fx.multi_sheet_xlsx())
    rows = by_name(result)
    assert {n: r.industry for n, r in rows.items()} == {
        "灯甲": "lighting", "灯乙": "lighting", "能甲": "new_energy", "医甲": "other"
    }  # fmt: skip
    assert rows["医甲"].industry_raw == "生物医药"  # other, original text kept
    assert {n: r.source_sheet for n, r in rows.items()}["能甲"] == "新能源"
    skipped = {i.sheet for i in result.issues if i.code in ("sheet_skipped", "summary_sheet_skipped")}
    assert skipped == {"填表说明", "Sheet3"}
    assert result.projects["investment_wan"].sum() == 1000.0


def test_one_sheet_per_stage() -> None:
    result = read(fx.stage_sheets_xlsx())
    rows = by_name(result)
    assert {n: r.stage for n, r in rows.items()} == {
        "甲项目": "negotiating",
        "乙项目": "signed",  # on the 在谈 sheet but with a 签约时间: the furthest, with a warning
        "丙项目": "signed",
        "丁项目": "construction",
        "戊项目": "suspended",  # 停滞 sheet: suspended whatever its dates
    }
    assert ("在谈项目", 3) in {(i.sheet, i.row) for i in result.issues if i.severity == "warning"}
    skipped = {i.sheet for i in result.issues if i.code in ("sheet_skipped", "summary_sheet_skipped")}
    assert skipped == {"说明", "空白"}
    # The targets sheet is not a ledger sheet: it is noted as the year's targets, not as skipped.
    assert {i.sheet for i in result.issues if i.code == "targets_sheet"} == {"2024年目标"}
    assert result.projects["investment_wan"].sum() == 1500.0


def test_a_summary_sheet_repeating_the_others_is_not_counted_twice() -> None:
    result = read(fx.summary_sheet_xlsx())
    assert {n: r.industry for n, r in by_name(result).items()} == {"甲项目": "lighting", "乙项目": "new_energy"}
    assert result.projects["investment_wan"].sum() == 300.0
    assert ("汇总", "warning") in {(i.sheet, i.severity) for i in result.issues if i.code == "summary_sheet_skipped"}


# Dates, flags, placeholders


def test_every_date_form() -> None:
    result = read(fx.dates_xlsx())
    got = [ts.date() for ts in result.projects["signed_date"]]
    assert got == [expected for _, expected in fx.DATE_CELLS]
    assert not where(result, "warning")


def test_every_flag_form() -> None:
    result = read(fx.flags_xlsx())
    assert result.projects["is_key"].tolist() == [expected for _, expected in fx.FLAG_CELLS]


def test_placeholders_become_empty_with_a_warning_where_a_value_was_expected() -> None:
    result = read(fx.placeholders_xlsx())
    rows = by_name(result)
    assert rows["甲项目"].investor is None and pd.isna(rows["甲项目"].signed_date)
    assert rows["乙项目"].industry == "other"
    assert pd.isna(rows["丙项目"].investment_wan)
    assert rows["丁项目"].stage == "negotiating" and rows["丁项目"].stage_raw is None
    assert rows["戊项目"].channel == "unknown"
    assert {(2, "投资方"), (2, "签约时间"), (3, "所属行业"), (4, "计划总投资（万元）"), (5, "项目进度"),
            (6, "计划总投资（万元）"), (6, "签约时间"), (6, "招商方式")} <= where(result, "warning")  # fmt: skip
    assert result.rows_imported == 5 and result.rows_rejected == 0


def test_no_placeholder_warning_in_free_text() -> None:
    result = read(fx.rows_xlsx(["项目名称", "存在问题", "备注"], [["甲", "无", "—"]]))
    assert by_name(result)["甲"].problems is None
    assert not where(result, "warning")


# Stage


STAGE_VALUES = {
    "negotiating": ["洽谈", "在谈", "洽谈中", "接洽", "意向"],
    "signed": ["签约", "已签约", "签订协议"],
    "landed": ["落地", "已落地", "已供地", "已拿地", "注册落地"],
    "construction": ["动工", "已动工", "开工", "在建", "开工建设"],
    "production": ["投产", "已投产", "竣工投产", "建成投产"],
    "suspended": ["暂缓", "停滞", "终止", "搁置"],
}


@pytest.mark.parametrize("traditional", [False, True])
def test_every_stage_value(traditional: bool) -> None:
    pairs = [(text, key) for key, texts in STAGE_VALUES.items() for text in texts]
    texts = [text for text, _ in pairs]
    if traditional:
        texts = [to_traditional(t) for t in texts]
    result = one_column(["项目进度"], texts)
    assert result.projects["stage"].tolist() == [key for _, key in pairs]
    assert result.projects["stage_raw"].tolist() == texts
    assert not where(result, "warning")


def test_stage_from_dates_when_the_cell_is_empty_and_disagreement_keeps_the_furthest() -> None:
    header = ["项目名称", "项目进度", "签约时间", "落地时间", "动工时间", "投产时间"]
    rows = [
        ["空无日期", None, None, None, None, None],
        ["空有落地", None, "2023-01-01", "2023-02-01", None, None],
        ["签约但已动工", "已签约", "2023-01-01", None, "2023-06-01", None],
        ["投产无日期", "已投产", "2023-01-01", None, None, None],
        ["暂缓有投产", "暂缓", "2022-01-01", "2022-02-01", "2022-03-01", "2023-01-01"],
        ["签约后暂缓", "已签约（暂缓）", "2023-01-01", None, None, None],
        ["未签约", "未签约", None, None, None, None],
        ["已签约待落地", "已签约，待落地", None, None, None, None],
        ["前期", "前期工作", None, None, "2023-03-01", None],
    ]
    result = read(fx.rows_xlsx(header, rows))
    got = {n: r.stage for n, r in by_name(result).items()}
    assert got == {
        "空无日期": "negotiating",
        "空有落地": "landed",
        "签约但已动工": "construction",
        "投产无日期": "production",
        "暂缓有投产": "suspended",
        "签约后暂缓": "suspended",
        "未签约": "negotiating",  # "not signed": unrecognised, so from the dates (none)
        "已签约待落地": "signed",
        "前期": "construction",
    }
    warned = {i.row for i in result.issues if i.severity == "warning" and i.column == "项目进度"}
    # Row 4: 已签约 with a 动工时间; row 8: 未签约 unrecognised; row 10: 前期工作 unrecognised.
    assert warned == {4, 8, 10}


# Industry, project type, channel


INDUSTRY_VALUES = {
    "lighting": ["灯饰照明", "灯饰", "照明", "LED", "光电照明", "智能照明"],
    "new_it": ["新一代信息技术", "电子信息", "信息技术", "集成电路", "半导体", "软件", "5G", "人工智能", "物联网"],
    "new_energy": ["新能源", "光伏", "储能", "锂电", "新能源汽车", "氢能", "风电"],
}


@pytest.mark.parametrize("traditional", [False, True])
def test_every_industry_value(traditional: bool) -> None:
    pairs = [(text, key) for key, texts in INDUSTRY_VALUES.items() for text in texts]
    pairs += [("生物医药", "other"), ("家居家电", "other"), ("led灯具", "lighting")]
    texts = [to_traditional(t) if traditional else t for t, _ in pairs]
    result = one_column(["所属行业"], texts)
    assert result.projects["industry"].tolist() == [key for _, key in pairs]
    assert result.projects["industry_raw"].tolist() == texts  # original text kept, other included


def test_empty_industry_is_other_with_a_warning() -> None:
    result = one_column(["所属行业"], ["灯饰", None])
    assert result.projects["industry"].tolist() == ["lighting", "other"]
    assert (3, "所属行业") in where(result, "warning")


@pytest.mark.parametrize(
    ("text", "key"),
    [("安家", "settle"), ("新引进", "settle"), ("回家", "return"), ("回归", "return"), ("建新家", "new_site"),
     ("增资扩产", "expansion"), ("增資擴產", "expansion"), ("新引進", "settle"), ("回歸", "return")],
)  # fmt: skip
def test_every_project_type_value(text: str, key: str) -> None:
    result = one_column(["项目类型"], [text])
    assert result.projects["project_type"].tolist() == [key]
    assert result.projects["project_type_raw"].tolist() == [text]


def test_channel_values_empty_unknown_and_other_with_a_warning() -> None:
    texts = ["以商引商", "基金招商", "展会招商", "中介招商", "挂榜招商", "驻点招商", None, "网络直播招商", "展會招商"]
    result = one_column(["招商方式"], texts)
    assert result.projects["channel"].tolist() == [
        "referral", "fund", "event", "agency", "listing", "direct", "unknown", "other", "event"
    ]  # fmt: skip
    assert result.projects["channel_raw"].tolist()[7] == "网络直播招商"
    assert [(i.row, i.column) for i in result.issues if i.severity == "warning"] == [(9, "招商方式")]


# Every other column is kept


def test_unmapped_and_duplicate_columns_are_kept_per_row_as_extra() -> None:
    header = ["序号", "项目名称", "计划总投资", "总投资", "跟进人", "联系方式"]
    result = read(fx.rows_xlsx(header, [[1, "甲", 100, 120, "李敏", "13800000000"], [2, "乙", 200, None, None, None]]))
    rows = by_name(result)
    # 计划总投资 comes first and keeps the field; 总投资 is kept beside it; 序号 says nothing and is dropped.
    assert rows["甲"].investment_wan == 100.0
    assert json.loads(rows["甲"].extra) == {"总投资": "120", "跟进人": "李敏", "联系方式": "13800000000"}
    assert rows["乙"].extra is None


# Traditional script


def test_traditional_ledger_reads_exactly_like_its_simplified_twin() -> None:
    simplified, traditional = read(fx.twin_xlsx(False)), read(fx.twin_xlsx(True))
    keys = ["industry", "investment_wan", "stage", "project_type", "channel", "is_key", "source_row"]
    assert traditional.projects[keys].equals(simplified.projects[keys])
    assert traditional.title_as_of == simplified.title_as_of == dt.date(2023, 12, 31)
    # Names and free text are stored as written.
    assert traditional.projects["project_name"].tolist()[0] == "華藝燈飾產業園項目"
    assert traditional.projects["notes"].tolist()[0] == "用地已落實"
    # By hand: 5 projects, 174500 万元 (合計 skipped); lighting 62000 (signed, construction).
    assert traditional.projects["investment_wan"].sum() == 174500.0
    lighting = traditional.projects[traditional.projects["industry"] == "lighting"]
    assert lighting["investment_wan"].sum() == 62000.0
    assert sorted(lighting["stage"]) == ["construction", "signed"]
    assert traditional.projects["stage"].tolist() == ["signed", "construction", "negotiating", "suspended",
                                                       "production"]  # fmt: skip
    assert "unit_assumed" not in codes(traditional)  # 單位：萬元 was read
    assert [i.row for i in traditional.issues if i.code in SKIPPED_ROW] == [9, 10]  # 合計, 備註


def test_traditional_key_flag() -> None:
    assert parse_flag(pd.Series(["重點"], dtype=object)).values.tolist() == [True]


def test_traditional_placeholders() -> None:
    parsed = parse_text(pd.Series(["無", "暫無"], dtype=object))
    assert parsed.placeholder.tolist() == [True, True]


# Formats and encodings


@pytest.mark.parametrize(
    ("encoding", "traditional"),
    [("utf-8", False), ("utf-8-sig", False), ("gbk", False), ("gb18030", False), ("utf-16", False),
     ("utf-8", True), ("big5", True)],
)  # fmt: skip
def test_csv_in_any_encoding_is_detected(encoding: str, traditional: bool) -> None:
    result = read(fx.twin_csv(encoding, traditional), "台账.csv")
    assert result.file_format == "csv"
    assert result.projects["investment_wan"].sum() == 174500.0
    assert result.projects["industry"].tolist() == ["lighting", "lighting", "new_it", "new_energy", "other"]
    assert result.projects["source_row"].tolist() == [4, 5, 6, 7, 8]
    assert result.title_as_of == dt.date(2023, 12, 31)


def test_excel_unicode_text_export_utf16_with_tabs() -> None:
    text = "项目名称\t所属行业\t计划总投资（亿元）\r\n甲项目\t光伏\t1.5\r\n乙项目\t灯饰\t0.5\r\n"
    result = read(b"\xff\xfe" + text.encode("utf-16-le"), "台账.txt")
    assert result.projects["investment_wan"].tolist() == [15000.0, 5000.0]
    assert result.projects["industry"].tolist() == ["new_energy", "lighting"]


def test_a_utf8_csv_cut_inside_a_character_is_read_with_a_warning() -> None:
    data = fx.twin_csv("utf-8")[:-4]  # drops the line break and two of the three bytes of the final 。
    result = read(data, "台账.csv")
    assert result.rows_imported == 5
    assert "csv_encoding_lossy" in codes(result, "warning")


def test_gb18030_characters_outside_gbk() -> None:
    data = "项目名称,计划总投资（万元）\r\n㐀䶵项目,100\r\n".encode("gb18030")
    assert read(data, "台账.csv").projects["project_name"].tolist() == ["㐀䶵项目"]


@pytest.mark.parametrize(
    ("builder", "name", "fmt"),
    [
        (fx.title_rows_xlsx, "台账.csv", "xlsx"),  # an .xlsx named .csv
        (fx.title_rows_xlsx, "台账.xlsm", "xlsx"),
        (fx.xls_bytes, "台账.xlsx", "xls"),
        (fx.ods_bytes, "台账.xls", "ods"),
        (lambda: fx.csv_bytes("gbk"), "台账.xlsx", "csv"),
        (lambda: fx.csv_bytes("utf-8"), "台账", "csv"),
    ],
)
def test_the_format_is_judged_by_content_not_extension(builder, name: str, fmt: str) -> None:
    result = read(builder(), name)
    assert result.file_format == fmt
    assert result.rows_imported == 5
    assert result.projects["investment_wan"].sum() == 174500.5


def test_real_xlsm_package() -> None:
    book = openpyxl.load_workbook(io.BytesIO(fx.title_rows_xlsx()))
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl writes the same package; calamine only looks inside
    assert read(buffer.getvalue(), "台账.xlsm").rows_imported == 5


@pytest.mark.parametrize(
    ("builder", "name"), [(fx.offset_xlsx, "a.xlsx"), (fx.offset_xls, "a.xls"), (fx.offset_ods, "a.ods")]
)
def test_row_numbers_are_the_spreadsheets_own_when_the_table_starts_at_c3(builder, name: str) -> None:
    result = read(builder(), name)
    assert result.projects["source_row"].tolist() == [4, 5]
    assert result.projects["investment_wan"].tolist() == [100.0, 200.0]


def test_sections_give_the_industry_of_the_rows_below() -> None:
    result = read(fx.sections_xlsx())
    got = {n: (r.industry, r.stage) for n, r in by_name(result).items()}
    assert got == {
        "甲项目": ("lighting", "signed"),
        "乙项目": ("lighting", "negotiating"),
        "丙项目": ("new_energy", "construction"),
        "丁项目": ("other", "negotiating"),
    }
    assert result.projects["investment_wan"].sum() == 750.0
    assert result.rows_rejected == 0


def test_a_wps_export_with_everything_at_once() -> None:
    result = read(fx.wps_export_xlsx())
    rows = by_name(result)
    assert result.projects["source_row"].tolist() == [6, 7, 10]
    assert result.projects["investment_wan"].tolist() == [50000.0, 12000.0, 30000.0]
    assert rows["华艺智能照明产业园"].invested_wan == 3000.0
    assert {n: r.stage for n, r in rows.items()} == {
        "华艺智能照明产业园": "signed", "欧普研发中心": "construction", "芯联封测": "negotiating"
    }  # fmt: skip
    assert rows["欧普研发中心"].landed_date == pd.Timestamp(2023, 3, 1)
    assert rows["欧普研发中心"].notes == "重点推进" and rows["芯联封测"].department == "招商办"
    assert result.title_as_of == dt.date(2023, 12, 31)
    assert (result.rows_rejected, where(result, "error"), where(result, "warning")) == (0, set(), set())
    # Section rows 5 and 9, 小计 8 and 11, 合计 12, footnotes 13 and 14: all skipped and said so.
    skipped = {i.row for i in result.issues if i.severity == "info" and i.code != "header_mapped"}
    assert skipped == {5, 8, 9, 11, 12, 13, 14}


def test_a_section_title_in_the_name_column_with_a_chinese_numeral() -> None:
    header = ["序号", "项目名称", "计划总投资（万元）"]
    rows = [["一", "新能源产业", 300], [1, "甲", 100], [2, "乙", 200], ["（二）", "其他项目"], [3, "丙", 50]]
    result = read(fx.rows_xlsx(header, rows))
    assert {n: r.industry for n, r in by_name(result).items()} == {
        "甲": "new_energy",
        "乙": "new_energy",
        "丙": "other",
    }
    assert result.projects["investment_wan"].sum() == 350.0


def test_a_vertically_merged_industry_applies_to_every_row_it_covers() -> None:
    result = read(fx.merged_industry_xlsx())
    assert result.projects["industry"].tolist() == ["lighting", "lighting", "new_it", "new_it"]
    assert not where(result, "warning")


# Rows with errors, and refusals


def test_rows_without_a_name_are_rejected_with_an_error_and_the_rest_imported() -> None:
    result = read(fx.rows_xlsx(["项目名称", "计划总投资（万元）"], [["甲", 100], [None, 200], ["—", 300]]))
    assert result.projects["project_name"].tolist() == ["甲"]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (3, 1, 2)
    assert where(result, "error") == {(3, "项目名称"), (4, "项目名称")}


def test_refused_without_a_name_column_naming_sheet_and_row() -> None:
    with pytest.raises(ImportRejected) as caught:
        read(fx.rows_xlsx(["投资方", "计划总投资", "所属行业"], [["某公司", 100, "灯饰"]]))
    assert caught.value.sheet == "台账" and caught.value.row == 1
    assert "项目名称" in caught.value.sentence() and "台账.xlsx" in caught.value.sentence()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("本表按季度更新。\n请按模板填写。\n".encode(), "csv_no_header"),
        (fx.rows_xlsx(["项目名称", "计划总投资"], []), "empty_template"),
        (fx.rows_xlsx(["项目名称", "计划总投资"], [[None, 100], ["待定", 200]]), "no_valid_rows"),
    ],
)
def test_refused_without_a_header_or_without_a_valid_row(data: bytes, code: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read(data)
    assert caught.value.code == code


def test_a_million_formatted_empty_rows_are_ignored_with_a_warning() -> None:
    result = read(fx.formatted_empty_rows_xlsx())
    assert result.projects["investment_wan"].tolist() == [100.0, 200.0]
    assert "bloated_sheet" in codes(result, "warning")


def test_blank_rows_with_empty_strings_stop_the_grid_without_reading_a_million() -> None:
    head = (
        f'<row r="1">{fx._inline("A1", "项目名称")}{fx._inline("B1", "计划总投资")}</row>'
        f'<row r="2">{fx._inline("A2", "甲项目")}<c r="B2"><v>100</v></c></row>'
    )
    blank = "".join(f'<row r="{r}">{fx._inline(f"A{r}", "")}</row>' for r in range(3, 100_003))
    result = read(fx.raw_xlsx(head + blank))
    assert result.projects["project_name"].tolist() == ["甲项目"]
    assert "blank_tail_ignored" in codes(result)


def test_size_limit_is_configurable() -> None:
    data = fx.title_rows_xlsx()
    with pytest.raises(ImportRejected) as caught:
        read(data, max_bytes=len(data) - 1)
    assert caught.value.code == "too_large"
    assert read(data, max_bytes=len(data)).rows_imported == 5
