"""The Excel export: a title line, the header, every row, readable back."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import python_calamine

from analytics.export import workbook_bytes


def test_export_round_trips_rows_and_title() -> None:
    frame = pd.DataFrame({"项目名称": ["甲", "乙"], "计划总投资（亿元）": [1.5, 0.25]})
    data = workbook_bytes({"项目清单": frame}, title="招商项目清单（数据截至 2023-12-31）")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["项目清单"]
    rows = book.get_sheet_by_name("项目清单").to_python(skip_empty_area=False)
    assert rows[0][0] == "招商项目清单（数据截至 2023-12-31）"
    assert rows[2] == ["项目名称", "计划总投资（亿元）"]
    assert rows[3:] == [["甲", 1.5], ["乙", 0.25]]


def test_export_keeps_formula_looking_text_as_text() -> None:
    frame = pd.DataFrame(
        {"项目名称": ['=HYPERLINK("http://x","点我")', "@SUM(1)", "http://example.com"], "金额": [1, 2, 3]}
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"项目清单": frame})))
    column = [row[0] for row in book["项目清单"].iter_rows(min_row=2)]
    assert [c.value for c in column] == ['=HYPERLINK("http://x","点我")', "@SUM(1)", "http://example.com"]
    assert [c.data_type for c in column] == ["s", "s", "s"]
    assert [c.quotePrefix for c in column] == [True, True, False]
    assert column[2].hyperlink is None
