"""Real office spreadsheets' shapes (generated in tests/fixtures/real_shapes.py); expected numbers by hand."""

from __future__ import annotations

import pytest

from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import LedgerRead, read_ledger
from tests.fixtures import real_shapes as rs


def read(data: bytes) -> LedgerRead:
    return read_ledger(data, "台账.xlsx")


def info(result: LedgerRead, code: str) -> list[tuple[int | None, str | None]]:
    return [(i.row, i.column) for i in result.issues if i.code == code]


def test_a_key_project_detail_sheet_reads_as_a_person_reads_it() -> None:
    result = read(rs.key_project_detail_xlsx())
    projects = result.projects
    assert projects["source_row"].tolist() == [7, 9, 10]
    assert projects["investment_wan"].tolist() == [500000.0, 9000.0, 20000.0]
    assert projects["investment_wan"].sum() == 529000.0
    assert projects["invested_wan"].tolist() == [300000.0, 0.0, 9000.0]
    assert projects["stage"].tolist() == ["construction", "construction", "signed"]  # 续建, 新开工, 前期
    assert projects["stage_raw"].tolist() == ["续建", "新开工", "前期"]
    assert projects["investor"].tolist() == ["甲芳烃有限公司", "乙体育用品有限公司", "丙水泥有限公司"]
    assert projects["department"].tolist() == ["甲县管委会", "乙镇政府", None]
    # The sub-header row belongs to the header, so nothing is rejected.
    assert (result.rows_rejected, [i for i in result.issues if i.severity == "error"]) == (0, [])
    assert info(result, "total_row_skipped") == [(4, None), (5, None)]  # 合计 | 3个, 甲县合计2个
    assert [r for r, _ in info(result, "section_row")] == [6, 8]  # 一 | 工业, （一）工业项目2个
    extra = projects["extra"].iloc[0]
    assert "2023年计划投资" in extra and "2023年1-7月完成投资" in extra  # other quantities, kept, not the investment


def test_the_report_says_which_header_was_read_as_which_field() -> None:
    result = read(rs.key_project_detail_xlsx())
    mapped = {i.column: i.params["field"]["key"] for i in result.issues if i.code == "header_mapped"}
    assert mapped == {
        "项目名称": "field.project_name",
        "项目性质": "field.stage",
        "总投资\n（万元）": "field.investment",
        "至2022年底累计完成投资（万元）": "field.invested_to_date",
        "项目业主单位/业主名称": "field.investor",
        "市或县挂钩责任单位/单位名称": "field.department",
    }
    note = next(i for i in result.issues if i.code == "header_mapped" and i.column == "项目性质")
    assert note.sentence("zh") == "表头「项目性质」读作「项目进度」" and note.row == 2


def test_headers_by_meaning_not_by_a_fixed_list() -> None:
    result = read(rs.header_by_meaning_xlsx())
    projects = result.projects
    assert projects["investment_wan"].tolist() == [15000.0, 8000.0]
    assert projects["invested_wan"].tolist() == [2000.0, 0.0]
    assert projects["investor"].tolist() == ["甲公司", "乙公司"]
    assert projects["industry"].tolist() == ["lighting", "new_energy"]
    # Free text gives the furthest stage it states as reached; 计划年内签约 is not reached yet.
    assert projects["stage"].tolist() == ["signed", "negotiating"]
    assert '"年度计划投资":"500"' in projects["extra"].iloc[0]


@pytest.mark.parametrize(
    ("text", "stage"),
    [("续建", "construction"), ("新开工", "construction"), ("在建", "construction"), ("前期", "signed"),
     ("筹建", "signed"), ("报批", "signed"), ("竣工", "production"), ("建成", "production"), ("在谈", "negotiating"),
     ("意向", "negotiating"), ("已签订投资协议，正在办理供地手续", "signed"), ("已完成前期工作，计划9月开工", "signed")],
)  # fmt: skip
def test_stage_from_the_words_offices_use(text: str, stage: str) -> None:
    from tests.fixtures.ledgers import rows_xlsx

    result = read(rows_xlsx(["项目名称", "建设性质"], [["甲项目", text]]))
    assert result.projects["stage"].tolist() == [stage]


def test_a_stage_column_wins_over_a_words_column() -> None:
    from tests.fixtures.ledgers import rows_xlsx

    result = read(rows_xlsx(["项目名称", "项目进度", "项目性质"], [["甲项目", "已签约", "续建"]]))
    assert result.projects["stage"].tolist() == ["signed"]
    assert '"项目性质":"续建"' in result.projects["extra"].iloc[0]


def test_totals_outline_headings_and_continuation_lines_are_never_projects() -> None:
    result = read(rs.outline_rows_xlsx())
    projects = result.projects
    assert projects["source_row"].tolist() == [5, 8, 10]
    assert projects["investment_wan"].sum() == 600.0  # 100 + 200 + 300
    assert projects["industry"].tolist() == ["lighting", "new_energy", "other"]  # from the outline headings
    assert [r for r, _ in info(result, "total_row_skipped")] == [2, 3, 11]
    assert [r for r, _ in info(result, "section_row")] == [4, 7, 9]
    assert info(result, "detail_row_attached") == [(6, None)]
    assert result.rows_rejected == 0


def test_a_blank_name_header_beside_the_numbering_is_read_as_the_name_with_a_warning() -> None:
    result = read(rs.unlabelled_name_xlsx())
    assert result.projects["project_name"].tolist() == ["甲项目", "乙项目"]
    assert result.projects["investment_wan"].sum() == 300.0
    warning = next(i for i in result.issues if i.code == "name_column_unlabelled")
    assert (warning.severity, warning.row, warning.params) == ("warning", 1, {"column": "B"})
    assert "B" in warning.sentence("en")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (rs.empty_template_xlsx, "empty_template"),
        (rs.one_project_form_xlsx, "form_not_list"),
        (rs.summary_table_xlsx, "empty_template"),
        (rs.summary_only_xlsx, "summary_table"),
    ],
)
def test_what_is_not_a_project_list_is_refused_in_one_sentence(make, code: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        read(make())
    refusal = caught.value
    assert refusal.code == code
    for lang in ("zh", "en"):
        sentence = refusal.sentence(lang)
        assert "\n" not in sentence and "Error" not in sentence and sentence.count("。") <= 1


def test_a_template_beside_a_summary_names_the_template_sheets() -> None:
    with pytest.raises(ImportRejected) as caught:
        read(rs.summary_table_xlsx())
    assert caught.value.sentence() == (
        "文件 台账.xlsx：这是未填写的空白模板，不是项目清单：表头下没有任何项目（工作表：合同、意向）"
    )


def test_a_mark_before_the_name_or_in_the_number_means_a_key_project() -> None:
    result = read(rs.marks_xlsx())
    projects = result.projects
    assert projects["is_key"].tolist() == [True] * 7 + [False]
    assert projects["project_name"].tolist() == [
        "甲项目", "乙项目", "丙项目", "丁项目", "戊项目", "己项目", "庚项目", "辛项目(重点推进)"
    ]  # fmt: skip
    assert projects["name_raw"].tolist()[:6] == [
        "★甲项目",
        "☆乙项目",
        "● 丙项目",
        "▲丁项目",
        "※戊项目",
        "【重点】己项目",
    ]
    assert projects["name_raw"].iloc[6] is None and projects["name_raw"].iloc[7] is None
    assert [i.row for i in result.issues if i.code == "key_mark"] == [2, 3, 4, 5, 6, 7]
    assert [i.row for i in result.issues if i.code == "key_mark_numbering"] == [8]


def test_the_same_project_on_two_sheets_is_stored_once_with_both_places_said() -> None:
    result = read(rs.two_sheets_same_projects_xlsx())
    projects = result.projects.set_index("project_name")
    assert projects.index.tolist() == ["甲项目", "乙项目", "丙项目"]
    assert projects["investment_wan"].sum() == 600.0
    assert projects.loc["甲项目", "stage"] == "construction"  # the further of 已签约 and 已动工
    assert projects.loc["甲项目", "problems"] == "用地"  # what the progress sheet adds
    assert projects.loc["乙项目", "investor"] == "乙公司"  # one sheet gives no investor: the same project
    merged = [(i.sheet, i.row, i.params["sheet"], i.params["row"]) for i in result.issues
              if i.code == "merged_across_sheets"]  # fmt: skip
    assert merged == [("进展表", 2, "明细表", 2), ("进展表", 3, "明细表", 3)]
    assert "duplicate_project" not in {i.code for i in result.issues}


def test_industry_from_keywords_in_the_name_when_nothing_else_gives_one() -> None:
    result = read(rs.industry_in_names_xlsx())
    assert result.projects["industry"].tolist() == ["lighting", "new_energy", "new_it", "other"]
    note = next(i for i in result.issues if i.code == "industry_inferred")
    assert (note.params, note.severity) == ({"count": 3}, "info")


def test_us_dollars_are_converted_at_the_default_rate_with_a_warning() -> None:
    result = read(rs.us_dollars_xlsx())
    assert result.projects["investment_wan"].tolist() == [710.0, 142.0]  # 100 and 20 万美元 at 7.1
    assert result.rates == {"USD": 7.1}
    warning = next(i for i in result.issues if i.code == "currency_converted")
    assert (warning.severity, warning.column, warning.params) == (
        "warning", "投资    总额", {"unit": "万美元", "code": "USD", "rate": 7.1}
    )  # fmt: skip
    assert warning.sentence("en") == (
        'Amounts are in "万美元"; converted to wan yuan at 1 USD = 7.1 yuan (the rate can be changed on the Data page)'
    )
    assert "unit_assumed" not in {i.code for i in result.issues}


def test_a_rate_given_by_the_analyst_wins_over_the_default() -> None:
    result = read_ledger(rs.us_dollars_xlsx(), "台账.xlsx", rates={"USD": 7.0})
    assert result.projects["investment_wan"].tolist() == [700.0, 140.0]
    assert result.rates == {"USD": 7.0}
