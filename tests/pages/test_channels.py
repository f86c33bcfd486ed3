"""AppTest of the review page's 招商渠道 section: its tables match counts taken straight from the database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.pages.apptest import ACTIVE, expand, open_database, open_section, rendered


def _one(path: Path, sql: str, params: list) -> tuple:
    """A row straight from the projects table, independently of analytics.metrics."""
    with open_database(path) as con:
        return con.execute(sql, params).fetchone()


def _table(at, index_name: str) -> pd.DataFrame:
    """The static table whose first column (its index) is named index_name, its text cells as shown."""
    table = next(t.value for t in at.table if t.value.index.name == index_name)
    table.index = table.index.map(lambda v: rendered(v) if isinstance(v, str) else v)
    return table.map(lambda v: rendered(v) if isinstance(v, str) else v)


def test_channel_section_matches_the_database(sample_db: Path) -> None:
    at = open_section("review", "review_section", "招商渠道")
    assert not at.exception
    assert {"以商引商引荐榜", "基金招商"} <= {h.value for h in at.subheader}
    assert at.get("plotly_chart")  # the channel chart is among the page's figures
    by_channel = _table(at, "招商方式")
    referral = _one(
        sample_db,
        # 累计落地: standing at landed or beyond, or holding a landed-or-later date (suspended ones too).
        "SELECT count(*), count(*) FILTER (stage IN ('landed', 'construction', 'production')"
        " OR coalesce(landed_date, construction_date, production_date) IS NOT NULL),"
        f" count(*) FILTER (year(signed_date) = 2023) FROM projects WHERE snapshot_id = {ACTIVE} AND channel = 'referral'",
        [],
    )
    assert tuple(by_channel.loc["以商引商", ["储备项目", "累计落地", "2023 年签约"]]) == referral

    league = _table(at, "名次")
    firm, n, names = _one(
        sample_db,
        f"SELECT introduced_by, count(*), list(project_name) FROM projects WHERE snapshot_id = {ACTIVE} AND introduced_by IS NOT NULL"
        " GROUP BY 1 ORDER BY 2 DESC, sum(investment_wan) DESC LIMIT 1",
        [],
    )
    top = league.loc[1]
    assert (top["引荐企业"], top["项目数"]) == (firm, n)
    assert set(top["引荐的项目"].split("、")) == set(names)  # each firm's projects are listed
    firms = _one(sample_db, f"SELECT count(DISTINCT introduced_by) FROM projects WHERE snapshot_id = {ACTIVE}", [])[0]
    assert len(league) == firms

    fund = _table(at, "产业")
    backed, money = _one(
        sample_db,
        f"SELECT count(*), sum(fund_wan) FROM projects WHERE snapshot_id = {ACTIVE} AND (channel = 'fund' OR fund_wan > 0)",
        [],
    )
    assert fund.loc["全镇", "基金参与项目"] == backed
    assert round(fund.loc["全镇", "基金出资（亿元）"], 4) == round(money / 10_000, 4)


def test_industry_filter_changes_the_channel_numbers(sample_db: Path) -> None:
    everything = _table(open_section("review", "review_section", "招商渠道"), "招商方式")
    at = open_section("review", "review_section", "招商渠道", industry="new_energy")
    assert not at.exception
    by_channel = _table(at, "招商方式")
    expected = _one(
        sample_db,
        "SELECT count(*), count(*) FILTER (stage IN ('landed', 'construction', 'production')"
        " OR coalesce(landed_date, construction_date, production_date) IS NOT NULL)"
        f" FROM projects WHERE snapshot_id = {ACTIVE} AND channel = 'referral' AND industry = ?",
        ["new_energy"],
    )
    assert tuple(by_channel.loc["以商引商", ["储备项目", "累计落地"]]) == expected
    assert by_channel["储备项目"].sum() < everything["储备项目"].sum()
    # One industry: its fund row only, no town total.
    fund = _table(at, "产业")
    backed = _one(
        sample_db,
        f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND (channel = 'fund' OR fund_wan > 0) AND industry = ?",
        ["new_energy"],
    )[0]
    assert list(fund.index) == ["新能源"]
    assert fund.loc["新能源", "基金参与项目"] == backed


def test_channel_section_in_english(sample_db: Path) -> None:
    at = open_section("review", "review_section", "Investment channels", lang="en")
    assert not at.exception
    assert "Referral (以商引商)" in _table(at, "Channel").index


def test_referred_projects_are_listed_once_their_expander_is_opened(sample_db: Path) -> None:
    referred = _one(
        sample_db,
        f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND trim(coalesce(introduced_by, '')) <> ''",
        [],
    )[0]
    at = open_section("review", "review_section", "招商渠道")
    assert not at.exception
    box = next(e for e in at.expander if e.label.startswith("引荐项目明细"))
    assert box.label == f"引荐项目明细（{referred} 个）"
    # Closed, its rows are not sent at all: the page stays light until someone asks for them.
    assert not [d for d in at.dataframe if "引荐企业" in d.value.columns]
    expand(at, "referred_detail")
    detail = next(d.value for d in at.dataframe if "引荐企业" in d.value.columns).set_index("引荐企业")
    assert len(detail) == referred
    firm, n = _one(
        sample_db,
        f"SELECT introduced_by, count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND introduced_by IS NOT NULL"
        " GROUP BY 1 ORDER BY 2 DESC, sum(investment_wan) DESC LIMIT 1",
        [],
    )
    assert (detail.index == firm).sum() == n  # the league's first firm, each of its projects on a row
