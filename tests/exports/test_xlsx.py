"""The deck workbook read back with openpyxl: values, formats, sheet names, and text that never turns formula."""

from __future__ import annotations

import io

import openpyxl
import pytest

from analytics.exports.cells import looks_like_formula, sheet_names
from analytics.exports.xlsx import deck_xlsx
from tests.fixtures import deck as fx


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(deck_xlsx(fx.fixture_deck())))


def test_sheets_briefing_first_then_tables_and_chart_data(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "汇报材料", "总览图表数据", "重点项目", "重点项目图表数据", "来源地区图表数据", "规模结构图表数据",
        "逐月签约图表数据", "转化漏斗图表数据",
    ]  # fmt: skip
    briefing = book["汇报材料"]
    assert briefing["A1"].value == "2023年度招商工作会议"
    assert briefing["A3"].value == "数据截至 2023-12-31"
    assert [briefing.cell(5 + i, 1).value for i in range(3)] == list(fx.BRIEFING)


def test_table_sheet_holds_the_rows_with_chinese_headers(book: openpyxl.Workbook) -> None:
    sheet = book["重点项目"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["项目名称", "产业", "计划总投资（亿元）", "现处阶段", "备注"]
    assert rows[1] == ["光电产业园", "灯饰照明", 12.5, "动工", "进展顺利"]
    assert rows[3] == ["储能电池基地", "新能源", None, "洽谈", "+86 电话待核实"]
    assert sheet["C2"].number_format == "0.00"  # amounts in 亿元
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= len(fx.HOSTILE_NAME)  # fits the longest name
    assert sheet.column_dimensions["B"].width >= 2 * len("新一代信息技术")  # CJK counts double


def test_formula_looking_text_reads_back_as_text(book: openpyxl.Workbook) -> None:
    cell = book["重点项目"]["E3"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type != "f" and cell.data_type == "s"
    assert cell.quotePrefix  # the file's own "leading apostrophe": editing the cell keeps it text
    assert book["重点项目"]["E4"].quotePrefix  # "+86 ..." too
    assert not book["重点项目"]["E2"].quotePrefix
    assert book["重点项目"]["A3"].hyperlink is None
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_chart_data_sheet(book: openpyxl.Workbook) -> None:
    sheet = book["总览图表数据"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "灯饰照明签约额同比增长38%，占全镇过半"
    assert rows[1][0] == "单位：亿元"
    assert rows[2] == ["类别", "2022年", "2023年", "目标"]
    assert rows[3] == ["灯饰照明", 12.5, 17.25, 15.0]
    assert rows[5] == ["新能源", 3.25, None, 5.0]
    assert sheet["B4"].number_format == "0.00"
    assert sheet.freeze_panes == "A4"
    months = book["逐月签约图表数据"]
    assert [months.cell(4 + i, 1).value for i in range(4)] == ["2022年11月", "2022年12月", "2023年1月", "2023年2月"]
    assert book["重点项目图表数据"]["B4"].number_format == "0"


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["a/b:c*d?e[f]g\\h", "x" * 40, "x" * 40, "X" * 40, "'quoted'", "", "History"])
    assert names[0] == "a_b_c_d_e_f_g_h"
    assert names[1] == "x" * 31 and names[2] == "x" * 29 + "~2" and names[3] == "X" * 29 + "~3"
    assert names[4] == "quoted" and names[5] == "Sheet" and names[6] == "History_"
    assert all(len(n) <= 31 for n in names)


@pytest.mark.parametrize("text", ["=1+1", "+86", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "＝1"])
def test_formula_starts(text: str) -> None:
    assert looks_like_formula(text)


@pytest.mark.parametrize("text", ["1+1", "光电=产业", "a-b", ""])
def test_ordinary_text(text: str) -> None:
    assert not looks_like_formula(text)
