"""AppTest of the year review: KPIs match hand counts on the sample database; filters change them."""

from __future__ import annotations

from pathlib import Path

from tests.pages.apptest import ACTIVE, open_database, open_page, open_section


def _signed_in(path: Path, year: int, industry: str | None = None) -> int:
    """Count straight from the table, independently of analytics.metrics."""
    with open_database(path) as con:
        sql = f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND year(signed_date) = ?"
        params: list = [year]
        if industry:
            sql += " AND industry = ?"
            params.append(industry)
        return con.execute(sql, params).fetchone()[0]


def _metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_review_defaults_to_2023_and_counts_signings(sample_db: Path) -> None:
    at = open_page("review")
    assert not at.exception
    assert at.title[0].value == "2023 年度回顾"
    shown = _metrics(at)
    signed_2023, signed_2022 = _signed_in(sample_db, 2023), _signed_in(sample_db, 2022)
    assert shown["签约项目"] == (f"{signed_2023:,}", f"{signed_2023 - signed_2022:+,d}")
    # The first tab only: the reserve and the funnel.
    assert [tab.label for tab in at.tabs] == ["储备与推进", "签约与资金到位", "结构分析", "重点项目", "招商渠道"]
    assert len(at.get("plotly_chart")) == 2
    assert not at.dataframe and not at.table
    assert not any("Error" in str(e.value) for e in at.error)


def test_only_the_open_section_is_worked_out(sample_db: Path, monkeypatch) -> None:
    """A tab's metrics run when it is opened; the section stays open across a language switch."""
    from analytics.metrics import reserve

    asked = []
    real_mix = reserve.mix
    monkeypatch.setattr(reserve, "mix", lambda *args: asked.append(args[3]) or real_mix(*args))
    st_cache_clear()
    at = open_page("review")
    assert not asked
    at = open_section("review", "review_section", "结构分析")
    assert not at.exception
    assert sorted(asked) == ["department", "project_type", "size_band", "source_region"]
    assert len(at.get("plotly_chart")) == 4
    at.segmented_control(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert at.session_state["review_section"] == "Mix"
    assert len(at.get("plotly_chart")) == 4


def test_industry_filter_and_year_change_the_numbers(sample_db: Path) -> None:
    at = open_page("review", industry="new_energy")
    assert _metrics(at)["签约项目"][0] == f"{_signed_in(sample_db, 2023, 'new_energy'):,}"
    at.pills(key="review_year").set_value(2022).run()
    assert not at.exception
    assert at.title[0].value == "2022 年度回顾"
    shown = _metrics(at)
    assert shown["签约项目"][0] == f"{_signed_in(sample_db, 2022, 'new_energy'):,}"
    assert not shown["签约项目"][1]  # the sample has no 2021 data: no delta is invented
    assert "上一年无数据" in " ".join(c.value for c in at.caption)


def test_key_projects_table_lists_every_key_project(sample_db: Path) -> None:
    at = open_section("review", "review_section", "重点项目")
    with open_database(sample_db) as con:
        keys = con.execute(f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND is_key").fetchone()[0]
    table = next(d.value for d in at.dataframe if "状态" in d.value.columns)  # the channels' detail follows it
    assert len(table) == keys
    assert {"存在问题", "解决措施", "状态"} <= set(table.columns)
    # A red / yellow / green word, not ticked boxes: every key project has one.
    assert not {"停滞", "逾期"} & set(table.columns)
    assert set(table["状态"]) <= {"● 逾期", "● 停滞", "● 正常"}
    assert table.columns[0] == "状态"


def test_figures_are_built_once_per_data_and_language(sample_db: Path, monkeypatch) -> None:
    """Plotly validates every property as a figure is built; a rerun on the same data reuses the figure."""
    import json

    from analytics.charts import review as charts
    from pages.context import _chart

    _chart.clear()
    built = []
    real_funnel = charts.funnel
    monkeypatch.setattr(charts, "funnel", lambda *args, **kwargs: built.append(args) or real_funnel(*args, **kwargs))
    at = open_page("review")
    assert not at.exception
    town = json.loads(at.get("plotly_chart")[1].proto.spec)
    at.run()
    at.run()
    assert len(built) == 1
    assert json.loads(at.get("plotly_chart")[1].proto.spec) == town
    at.pills(key="funnel_scope").set_value("new_energy").run()  # other data: a figure of its own
    assert len(built) == 2
    with open_database(sample_db) as con:
        landed = con.execute(
            f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND industry = 'new_energy'"
            " AND (stage IN ('landed', 'construction', 'production')"
            " OR coalesce(landed_date, construction_date, production_date) IS NOT NULL)"
        ).fetchone()[0]
    funnel = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert funnel["y"][2] == "落地"
    assert _numbers(funnel["x"])[2] == landed  # the new figure counts the chosen industry
    assert _numbers(funnel["x"])[2] < _numbers(town["data"][0]["x"])[2]


def st_cache_clear() -> None:
    import streamlit as st

    st.cache_data.clear()


def _numbers(values: list | dict) -> list:
    """A Plotly array as sent to the browser: a plain list, or typed bytes ({"dtype": "i2", "bdata": base64})."""
    import base64

    import numpy as np

    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_signings_section_draws_the_months_and_the_money(sample_db: Path) -> None:
    import json

    at = open_section("review", "review_section", "签约与资金到位")
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(specs) == 2
    assert len(_numbers(specs[0]["data"][0]["x"])) == 12  # one point a month of the year
    with open_database(sample_db) as con:
        in_place = con.execute(
            f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND invested_wan IS NOT NULL"
        ).fetchone()[0]
    assert in_place > 0 and "已到位" in specs[1]["layout"]["title"]["text"]
