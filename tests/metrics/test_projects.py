"""Searching and filtering the project list, on the eight-project fixture."""

from __future__ import annotations

import pandas as pd

from analytics.metrics.filters import Filters
from analytics.metrics.projects import ProjectFilter, filter_projects, option_values, page, rows_by_id, search
from tests.metrics.fixture_projects import database, projects

ALL = Filters()


def _names(frame: pd.DataFrame) -> list[str]:
    return frame["project_name"].tolist()


def test_search_finds_either_script() -> None:
    frame = pd.DataFrame({"project_name": ["華藝照明產業園", "欧普总部"], "investor": ["古鎮華藝", "欧普照明"]})
    assert search(frame, "华艺").tolist() == [True, False]
    assert search(frame, "歐普").tolist() == [False, True]
    assert search(frame, "照明").tolist() == [True, True]  # name of one, investor of the other
    assert search(frame, "  ").tolist() == [True, True]


def test_filters_combine_and_sort_by_investment() -> None:
    frame = projects()
    assert _names(filter_projects(frame, ProjectFilter(stages=("signed",)))) == ["P2", "P8"]
    assert _names(filter_projects(frame, ProjectFilter(key_only=True))) == ["P5", "P1", "P4"]
    assert _names(filter_projects(frame, ProjectFilter(size_bands=("lt_1yi",)))) == ["P8", "P3", "P6"]
    both = ProjectFilter(regions=("本镇",), project_types=("expansion",))
    assert _names(filter_projects(frame, both)) == ["P1", "P8"]
    assert _names(filter_projects(frame, ProjectFilter(departments=("不存在",)))) == []


def test_page_sorts_counts_and_pages_in_the_database() -> None:
    con = database()
    first = page(con, 1, ALL, ProjectFilter(), 0, 3)
    # By planned investment: P5 300,000, P1 100,000, P4 60,000 | P2, P8, P3 | P6 2,500, then P7 (none) last.
    assert first.rows["project_name"].tolist() == ["P5", "P1", "P4"]
    assert (first.total, first.investment_wan, first.reserve) == (8, 495500.0, 8)
    assert page(con, 1, ALL, ProjectFilter(), 6, 3).rows["project_name"].tolist() == ["P6", "P7"]
    key = page(con, 1, ALL, ProjectFilter(key_only=True), 0, 10)
    assert (key.rows["project_name"].tolist(), key.total, key.investment_wan) == (["P5", "P1", "P4"], 3, 460000.0)
    small = page(con, 1, ALL, ProjectFilter(size_bands=("lt_1yi",)), 0, 10)
    assert small.rows["project_name"].tolist() == ["P8", "P3", "P6"]
    both = page(con, 1, Filters(("lighting",)), ProjectFilter(stages=("signed", "production")), 0, 10)
    assert (both.rows["project_name"].tolist(), both.total, both.reserve) == (["P1", "P2", "P8"], 3, 4)


def test_page_search_finds_either_script() -> None:
    frame = pd.DataFrame(
        {"project_name": ["華藝照明總部項目", "华艺灯饰扩产项目", "欧普研发中心"], "investor": ["甲", "乙", "華藝集團"]}
    )
    con = database(frame.assign(investment_wan=[3.0, 2.0, 1.0]))
    for query in ("华艺", "華藝"):
        assert page(con, 1, ALL, ProjectFilter(query=query), 0, 10).rows["project_name"].tolist() == [
            "華藝照明總部項目", "华艺灯饰扩产项目", "欧普研发中心",
        ]  # fmt: skip
    # Every word must match: 华艺 and 项目 (項目) leave out the investor-only match.
    assert page(con, 1, ALL, ProjectFilter(query="华艺 项目"), 0, 10).total == 2


def test_page_search_ignores_letter_case_and_matches_name_or_investor() -> None:
    frame = pd.DataFrame(
        {
            "project_name": ["年产500万套LED灯具项目", "Led 面板项目", "储能项目"],
            "investor": ["甲", "乙", "丙 led 科技"],
        }
    )
    con = database(frame.assign(investment_wan=[3.0, 2.0, 1.0]))
    for query in ("led", "LED", "Led"):
        found = page(con, 1, ALL, ProjectFilter(query=query), 0, 10).rows["project_name"].tolist()
        assert found == ["年产500万套LED灯具项目", "Led 面板项目", "储能项目"], query
    # A word is looked for in the name or the investor, never across the two.
    assert page(con, 1, ALL, ProjectFilter(query="项目甲"), 0, 10).total == 0
    assert page(con, 1, ALL, ProjectFilter(query="500万套led"), 0, 10).total == 1


def test_page_search_takes_a_word_with_letters_literally() -> None:
    names = ["C++ 软件项目", "CXX 软件项目", "LED.X 灯具项目", "LEDAX 灯具项目", "A|B 项目", "(Ｑ) 项目", "Ab[1] 项目"]
    con = database(pd.DataFrame({"project_name": names, "investor": ["甲"] * len(names)}).assign(investment_wan=1.0))

    def found(query: str) -> list[str]:
        return sorted(page(con, 1, ALL, ProjectFilter(query=query), 0, 10).rows["project_name"])

    assert found("c++") == ["C++ 软件项目"]
    assert found("led.x") == ["LED.X 灯具项目"]
    assert found("a|b") == ["A|B 项目"]
    assert found("ab[1]") == ["Ab[1] 项目"]
    assert found("(ｑ)") == ["(Ｑ) 项目"]  # a full-width letter, either case
    assert found("x") == ["CXX 软件项目", "LED.X 灯具项目", "LEDAX 灯具项目"]


def test_option_values_most_frequent_first() -> None:
    # Departments: 招商办 P2 P3 P4 P8, 落地办 P1 P6, 工信科商局 P5; P7 has none.
    assert option_values(database(), 1, ALL, "department") == ["招商办", "落地办", "工信科商局"]
    assert option_values(database(), 1, Filters(("other",)), "source_region") == ["本镇"]


def test_page_counts_every_match_whatever_page_is_read() -> None:
    # 照明 reads the same in both scripts. Four matches: Q1 and Q3 tie at 50 (ledger order keeps Q1 first),
    # Q2 has no amount (last); Q4's investor matches. Q5 does not match.
    frame = pd.DataFrame(
        {
            "project_name": ["Q1照明", "Q2照明", "Q3照明", "Q4", "Q5"],
            "investor": ["甲", None, "乙", "丙照明", "丁"],
            "investment_wan": [50.0, None, 50.0, 80.0, 1000.0],
        }
    )
    con = database(frame)
    first = page(con, 1, ALL, ProjectFilter(query="照明"), 0, 2)
    assert first.rows["project_name"].tolist() == ["Q4", "Q1照明"]
    assert (first.total, first.investment_wan, first.reserve) == (4, 180.0, 5)
    assert page(con, 1, ALL, ProjectFilter(query="照明"), 2, 2).rows["project_name"].tolist() == ["Q3照明", "Q2照明"]
    # Past the last match: no rows, the same counts, the same columns.
    beyond = page(con, 1, ALL, ProjectFilter(query="照明"), 4, 2)
    assert (beyond.rows.empty, beyond.total, beyond.investment_wan, beyond.reserve) == (True, 4, 180.0, 5)
    assert beyond.rows.columns.tolist() == first.rows.columns.tolist()
    nothing = page(con, 1, ALL, ProjectFilter(query="储能"), 0, 2)
    assert (nothing.rows.empty, nothing.total, nothing.investment_wan, nothing.reserve) == (True, 0, 0.0, 5)


def test_rows_by_id_come_in_the_order_asked_with_the_columns_asked() -> None:
    con = database()
    ids = dict(con.execute("SELECT project_name, rowid FROM projects WHERE snapshot_id = 1").fetchall())
    wanted = [ids["P8"], ids["P1"], ids["P5"]]
    rows = rows_by_id(con, 1, wanted, ["project_name", "signed_date"], ", p.investment_wan * 2 AS doubled")
    assert rows["project_name"].tolist() == ["P8", "P1", "P5"]
    assert list(rows.columns) == ["project_name", "signed_date", "as_of", "doubled"]
    assert rows["doubled"].tolist() == [16000.0, 200000.0, 600000.0]
    assert rows["signed_date"].tolist() == [
        pd.Timestamp("2023-12-31"),
        pd.Timestamp("2022-03-01"),
        pd.Timestamp("2022-11-03"),
    ]
    assert set(rows["as_of"]) == {pd.Timestamp("2023-12-31")}
    whole = rows_by_id(con, 1, wanted[::-1])
    assert whole["project_name"].tolist() == ["P5", "P1", "P8"] and "problems" in whole.columns
    assert rows_by_id(con, 1, []).empty
