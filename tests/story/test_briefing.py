"""The briefing: hand-worked text on the eight-project fixture; on the sample, every number equals its metric
and the chart beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.domain import EVENTS, TOWN, yi
from analytics.metrics import changes, events, reserve, risks, targets
from analytics.metrics.filters import EVERYTHING, Filters
from analytics.store.comments import add_comment
from analytics.store.targets import save_targets
from analytics.story import briefing
from analytics.story.numbers import gather
from analytics.story.slides import build_deck
from tests.metrics.fixture_projects import database


def test_reserve_and_year_paragraphs_worked_by_hand() -> None:
    written = briefing.write(gather(database(), 1, EVERYTHING, 2023, 2024), "zh")
    # 8 projects, 495500 万元; lighting P1 P2 P3 P8 = 133000 (26.8%), new_it P4 60000 (12.1%),
    # new_energy P5 300000 (60.5%), other P6 P7 2500 (0.5%); key P1 P4 P5. Reached: signed P1 P2 P4 P5 P6 P8,
    # landed P1 P4 P5 (suspended after landing) P6, construction P1 P4, production P1.
    assert written.paragraphs[0] == (
        "截至2023年12月31日，全镇储备招商项目8个，计划总投资49.55亿元。其中灯饰照明项目4个、投资13.30亿元，占26.8%；"
        "新一代信息技术项目1个、投资6.00亿元，占12.1%；新能源项目1个、投资30.00亿元，占60.5%；其他项目2个、投资0.25亿元，"
        "占0.5%。重点项目3个。累计签约6个、落地4个、动工2个、竣工投产1个。"
    )
    # Signed in 2023: P2 20000, P4 60000, P6 2500, P8 8000 = 90500; in 2022 P1 and P5 = 400000, so 309500 less.
    # Landed in 2023: P4, P5, P6; construction P4; production P1. new_it signed most: 60000 of 90500.
    assert written.paragraphs[1] == (
        "2023年新签约项目4个，签约投资额9.05亿元，同比减少30.95亿元；新落地3个、新动工1个、新投产1个。"
        "签约额中新一代信息技术最多，6.00亿元，占66.3%。"
    )
    assert written.paragraphs[2] == "2023年目标尚未设定。"
    assert "重点项目3个中，逾期0个、停滞0个。" in written.paragraphs


def test_targets_paragraph_and_english() -> None:
    con = database()
    save_targets(con, 2023, _targets(), "测试", "file")
    zh = briefing.write(gather(con, 1, EVERYTHING, 2023, 2024), "zh")
    # Town signed_count target entered as 10, 4 signed: 40%, the year is over (behind).
    assert "签约项目数目标10个，完成4个，完成率40%（滞后）" in zh.paragraphs[2]
    en = briefing.write(gather(con, 1, EVERYTHING, 2023, 2024), "en")
    assert en.paragraphs[1].startswith("In 2023, 4 projects signed for 9.05 亿元, 30.95 亿元 less than the year before")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.paragraphs[1].replace("亿元", ""))


def _targets() -> pd.DataFrame:
    return pd.DataFrame([("total", "signed_count", 10.0)], columns=["industry", "measure", "value"])


@pytest.fixture(scope="module")
def sample(sample_db_template: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(sample_db_template), read_only=True)
    yield con
    con.close()


def test_every_fact_is_the_metric_and_is_in_the_text(sample: duckdb.DuckDBPyConnection) -> None:
    numbers = gather(sample, 2, EVERYTHING, 2023, 2024)
    written = briefing.write(numbers, "zh")
    facts, text = written.facts, written.text
    totals = reserve.totals(reserve.by_industry(sample, 2, EVERYTHING))
    assert facts["projects"] == totals["projects"] == 253
    assert facts["investment_wan"] == totals["investment_wan"]
    assert f"{yi(facts['investment_wan']):,.2f}亿元" in text
    for stage in EVENTS:
        assert facts[f"reached_{stage}"] == totals[f"reached_{stage}"]
    comparison = events.year_comparison(sample, 2, EVERYTHING, 2023).set_index("event")
    assert facts["2023.signed.count"] == comparison.loc["signed", "count"] == 115
    assert facts["2023.signed.investment_delta_wan"] == comparison.loc["signed", "investment_delta"]
    assert f"同比增加{yi(facts['2023.signed.investment_delta_wan']):,.2f}亿元" in text
    progress = targets.progress(sample, 2, EVERYTHING, 2024).set_index(["industry", "measure"])
    assert facts["target.2024.signed_count"] == progress.loc[(TOWN, "signed_count"), "target"]
    found = changes.since(sample, 2, EVERYTHING, 1)
    assert facts["changes.new"] == len(found["new"]) == 11
    assert facts["risks.overdue"] == risks.flag_counts(sample, 2, EVERYTHING)["overdue"]
    for key, value in facts.items():
        if isinstance(value, int) and not key.startswith("completion"):
            assert str(value) in text, key


def test_slides_chart_the_briefings_numbers(sample: duckdb.DuckDBPyConnection) -> None:
    deck = build_deck(sample, 2, EVERYTHING, 2023, 2024, "zh")
    facts = briefing.write(gather(sample, 2, EVERYTHING, 2023, 2024), "zh").facts
    overview = deck.slide("overview")
    by_industry = [round(sum(s.values[i] for s in overview.chart.series), 2) for i in range(4)]
    assert by_industry == [
        round(yi(facts[f"{i}.investment_wan"]), 2) for i in ("lighting", "new_it", "new_energy", "other")
    ]
    signed_2023 = sum(
        deck.slide(f"industry-{i}").chart.series[1].values[0] for i in ("lighting", "new_it", "new_energy", "other")
    )
    assert signed_2023 == facts["2023.signed.count"]
    review = deck.slide("review").chart
    assert review.series[0].values == tuple(facts[f"2023.{e}.count"] for e in EVENTS)
    assert deck.slide("changes").chart.series[0].values[0] == facts["changes.new"]
    assert deck.slide("overview").notes == deck.briefing[0]
    assert [s.section for s in deck.slides][:5] == ["overview", "industry", "industry", "industry", "industry"]


def test_key_project_slides_carry_comments_newest_first(sample_db_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    path.write_bytes(sample_db_template.read_bytes())
    con = duckdb.connect(str(path))
    first = risks.key_projects(con, 2, EVERYTHING).iloc[0]
    add_comment(
        con, first["project_key"], first["project_name"], "自然资源分局", "李明", "**用地**已上会", date(2024, 1, 2)
    )
    add_comment(
        con, first["project_key"], first["project_name"], "住建局", "王芳", "施工许可本周办结", date(2024, 1, 5)
    )
    slide = build_deck(con, 2, EVERYTHING, 2023, 2024, "zh").slide("key-1")
    comments = [(label, text) for label, text in slide.bullets if "·" in label]
    assert comments == [
        ("住建局 · 王芳 · 2024-01-05", "施工许可本周办结"),
        ("自然资源分局 · 李明 · 2024-01-02", "**用地**已上会"),
    ]
    assert [label for label, _ in slide.bullets][:5] == ["状态", "情况", "存在问题", "解决措施", "下一步"]


def test_a_filtered_deck_speaks_of_its_industries_only(sample: duckdb.DuckDBPyConnection) -> None:
    deck = build_deck(sample, 2, Filters(("lighting",)), 2023, 2024, "zh")
    assert [s.key for s in deck.slides if s.section == "industry"] == ["industry-lighting"]
    assert deck.briefing[0].startswith("截至2023年12月31日，灯饰照明储备招商项目126个")
