"""Header finding: synonyms in any spacing, unit or script; title lines; two-row headers; units; as_of."""

from __future__ import annotations

import datetime as dt
import tomllib

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest.headers import find_header, parse_as_of, title_unit
from analytics.ingest.readers import SheetGrid
from analytics.vocabulary import VOCABULARY_FILE, header_key, vocabulary

# The synonyms as the issue lists them, read straight from the data file (not through the code under test).
SYNONYMS = [
    (field, text)
    for field, texts in tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))["fields"].items()
    for text in texts
]
_TO_TRADITIONAL = opencc.OpenCC("s2t")
UNITS = ["", "（万元）", "(亿元)", "【万元】", "（单位：万元）", "(元)", "（年月日）", "（是/否）", "*"]
GAPS = st.sampled_from(["", " ", "  ", "\n", "\r\n", "\u3000", "\t"])


def _grid(rows: list[list[object]], merged: list | None = None) -> SheetGrid:
    return SheetGrid("台账", rows, merged or [])


def _spread(text: str, gaps: list[str]) -> str:
    """text with a gap (space, line break, ideographic space...) after each character."""
    return "".join(c + gaps[i % len(gaps)] for i, c in enumerate(text))


@settings(max_examples=400, deadline=None)
@given(
    synonym=st.sampled_from(SYNONYMS),
    gaps=st.lists(GAPS, min_size=1, max_size=6),
    unit=st.sampled_from(UNITS),
    traditional=st.booleans(),
    lead=GAPS,
)
def test_any_synonym_in_any_spacing_unit_or_script_maps_to_its_field(
    synonym: tuple[str, str], gaps: list[str], unit: str, traditional: bool, lead: str
) -> None:
    field, text = synonym
    if traditional:
        text = _TO_TRADITIONAL.convert(text)
    label = lead + _spread(text + unit, gaps)
    assert vocabulary().header_to_field[header_key(label).upper()] == field
    # And inside a sheet: a header row of that label beside 项目名称 (or 计划总投资 for project_name itself).
    other = "计划总投资" if field == "project_name" else "项目名称"
    header = find_header(_grid([["XX镇招商引资项目储备台账"], [other, label], ["甲", "1"]]), vocabulary())
    assert header is not None and header.first_row == 1
    assert header.columns[1].field == field


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("项 目 名 称", "project_name"),
        ("项目\n名称", "project_name"),
        ("計劃總投資（億元）", "investment"),
        ("计划总投资\n（亿元）", "investment"),
        ("计划总投资/万元", "investment"),
        ("总投资 亿元", "investment"),
        ("*项目名称", "project_name"),
        ("是否重点项目（是/否）", "is_key"),
        ("簽約時間", "signed_date"),
        ("投資方來源地", "source_region"),
        ("專案名稱", "project_name"),
    ],
)
def test_header_spellings(label: str, field: str) -> None:
    assert vocabulary().header_to_field[header_key(label).upper()] == field


def test_header_is_found_below_title_lines_not_assumed_on_row_one() -> None:
    grid = _grid(
        [
            ["XX镇2023年招商引资项目储备台账"],
            ["填报单位：招商办", None, "单位：万元"],
            ["截至2023年12月31日"],
            [],
            ["序号", "项目名称", "计划总投资", "项目进度"],
            [1, "甲", 100, "洽谈"],
        ]
    )
    header = find_header(grid, vocabulary())
    assert header is not None
    assert (header.first_row, header.n_rows, header.data_start) == (4, 1, 5)
    assert [c.field for c in header.columns] == [None, "project_name", "investment", "stage"]
    assert header.title_unit_wan == 1.0
    assert header.title_as_of == dt.date(2023, 12, 31)


def test_two_row_header_with_a_merged_group_over_the_dates() -> None:
    # Row 2 (0-based 1): 项目进度 merged over D:F; row 3: 签约时间 | 动工时间 | 投产时间; A-C merged down.
    grid = _grid(
        [
            ["XX镇招商台账"],
            ["序号", "项目名称", "总投资(万元)", "项目进度", None, None, "存在问题"],
            [None, None, None, "签约时间", "动工时间", "投产时间", None],
            [1, "甲", 1000, "2023-01-05", None, None, None],
        ],
        merged=[((1, 3), (1, 5)), ((1, 0), (2, 0)), ((1, 1), (2, 1)), ((1, 2), (2, 2)), ((1, 6), (2, 6))],
    )
    header = find_header(grid, vocabulary())
    assert header is not None
    assert (header.first_row, header.n_rows, header.data_start) == (1, 2, 3)
    assert [c.field for c in header.columns] == [
        None, "project_name", "investment", "signed_date", "construction_date", "production_date", "problems"
    ]  # fmt: skip
    assert header.columns[3].label == "项目进度/签约时间"
    assert header.columns[2].unit_wan == 1.0


def test_two_row_header_without_merges_and_bare_stage_sub_labels() -> None:
    # As a CSV export shows it: the group label only above its first column, sub-labels 签约 | 开工 | 投产.
    grid = _grid(
        [
            ["项目名称", "计划总投资（亿元）", "时间节点", None, None],
            [None, None, "签约", "开工", "投产"],
            ["甲", 1.5, "2023-01-05", None, None],
        ]
    )
    header = find_header(grid, vocabulary())
    assert header is not None and header.n_rows == 2
    fields = [c.field for c in header.columns]
    assert fields == ["project_name", "investment", "signed_date", "construction_date", "production_date"]
    assert header.columns[1].unit_wan == 10000.0


def test_a_row_of_units_under_the_header_belongs_to_the_header() -> None:
    grid = _grid(
        [["项目名称", "计划总投资", "到位资金", "用地"], ["单位", "（亿元）", "万元", "亩"], ["甲", 2, 300, 50]]
    )
    header = find_header(grid, vocabulary())
    assert header is not None and (header.first_row, header.n_rows) == (0, 2)
    assert [c.field for c in header.columns] == ["project_name", "investment", "invested_to_date", None]
    assert [c.unit_wan for c in header.columns] == [None, 10000.0, 1.0, None]


def test_a_single_row_header_does_not_swallow_the_first_project() -> None:
    grid = _grid([["项目名称", "所属行业", "计划总投资"], ["甲", "灯饰", 100], ["乙", "光伏", 200]])
    header = find_header(grid, vocabulary())
    assert header is not None and (header.first_row, header.n_rows) == (0, 1)


def test_no_header_in_a_sheet_of_prose() -> None:
    assert find_header(_grid([["本表按季度更新。"], ["请按模板填写。"]]), vocabulary()) is None


@pytest.mark.parametrize(
    ("lines", "unit"),
    [
        (["单位：万元"], 1.0),
        (["金额单位：亿元"], 10000.0),
        (["填报单位：招商办 金额单位：亿元"], 10000.0),
        (["填报单位：招商办", "单位：亿元"], 10000.0),
        (["單位：萬元"], 1.0),
        (["XX镇项目台账（万元）"], 1.0),
        (["填报单位：招商办"], None),
        (["全镇储备项目50个，总投资100亿元"], None),  # an amount in a sentence is not the table's unit
        (["单位：万美元"], None),  # another currency: no unit we can use
    ],
)
def test_title_unit(lines: list[str], unit: float | None) -> None:
    assert title_unit(lines) == unit


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        ("截至2023年12月31日", dt.date(2023, 12, 31)),
        ("（截止2023年6月30日）", dt.date(2023, 6, 30)),
        ("截至2023年12月", dt.date(2023, 12, 31)),  # month only: its last day
        ("截至2024年2月", dt.date(2024, 2, 29)),
        ("数据截止日期：2023.9.30", dt.date(2023, 9, 30)),
        ("截至2023年底", dt.date(2023, 12, 31)),
        ("截至2023年12月31日", dt.date(2023, 12, 31)),
        ("XX镇2023年招商引资项目储备台账", None),
        ("截至2023年2月30日", None),
    ],
)
def test_as_of_from_a_title_line(text: str, as_of: dt.date | None) -> None:
    assert parse_as_of(text) == as_of


def test_project_name_beside_unknown_columns_is_still_a_header() -> None:
    header = find_header(_grid([["说明文字"], ["项目名称", "联系人", "电话"], ["甲", "李敏", "123"]]), vocabulary())
    assert header is not None and header.first_row == 1
    assert [c.field for c in header.columns] == ["project_name", None, None]
    # A bare 项目 beside unknown columns is too vague to be a header.
    assert find_header(_grid([["项目", "金额合计"], ["甲", 1]]), vocabulary()) is None
    # A form (one project, field names down the first column) is not a table.
    form = [["项目名称", "甲产业园"], ["投资方", "某公司"], ["计划总投资", "5亿"]]
    assert find_header(_grid(form), vocabulary()) is None
