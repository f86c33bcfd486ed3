"""AppTest of the app shell and the Overview page: the KPIs shown match the database."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_database, open_page, summary_tables

REPO = Path(__file__).resolve().parents[2]


def _db_figures(path: Path, industries: tuple[str, ...] | None = None) -> dict[str, str]:
    """Count straight from the table, independently of analytics.metrics."""
    with open_database(path) as con:
        where = "snapshot_id = (SELECT max(snapshot_id) FROM snapshots)"
        if industries:
            where += " AND industry IN (" + ",".join(f"'{i}'" for i in industries) + ")"
        projects, investment, key, production = con.execute(
            f"""SELECT count(*), sum(investment_wan), count(*) FILTER (WHERE is_key),
                       count(*) FILTER (WHERE production_date IS NOT NULL OR stage = 'production')
                FROM projects WHERE {where}"""
        ).fetchone()
    return {
        "储备项目": f"{projects:,}",
        "计划总投资（亿元）": f"{investment / 10000:,.2f}",
        "重点项目": f"{key:,}",
        "累计投产": f"{production:,}",
    }


def _shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_app_opens_on_overview_with_database_kpis(sample_db: Path) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "招商项目储备总览"
    shown = _shown(at)
    for label, value in _db_figures(sample_db).items():
        assert shown[label] == value
    assert "数据截至 2023-12-31" in at.caption[0].value


def test_industry_table_counts_each_industry_and_adds_up_to_the_cards(sample_db: Path) -> None:
    at = open_page("overview")
    assert not at.exception
    table = summary_tables(at)[1][0].set_index("产业")
    names = {"lighting": "灯饰照明", "new_it": "新一代信息技术", "new_energy": "新能源", "other": "其他"}
    for key, name in names.items():
        figures = _db_figures(sample_db, (key,))
        assert table.loc[name, "储备项目"] == figures["储备项目"]
        assert table.loc[name, "计划总投资（亿元）"] == figures["计划总投资（亿元）"]
        assert table.loc[name, "累计投产"] == figures["累计投产"]
    # The same quantities on the cards above: the rows add up to them.
    cards = _shown(at)
    for column in ("储备项目", "重点项目", "累计签约", "累计投产"):
        assert sum(int(v.replace(",", "")) for v in table[column]) == int(cards[column].replace(",", ""))


def test_overview_industry_filter_changes_numbers(sample_db: Path) -> None:
    at = open_page("overview")
    all_projects = _shown(at)["储备项目"]
    at.pills(key="industry_filter").set_value(["lighting"]).run()
    assert not at.exception
    shown = _shown(at)
    assert shown["储备项目"] != all_projects
    for label, value in _db_figures(sample_db, ("lighting",)).items():
        assert shown[label] == value
    assert at.query_params["industry"] == "lighting"  # AppTest 1.67 gives a single value as str


def test_overview_speaks_english_on_request(sample_db: Path) -> None:
    at = open_page("overview", lang="en")
    assert not at.exception
    assert at.title[0].value == "Project reserve overview"
    assert "Projects in reserve" in _shown(at)


def test_empty_database_tells_how_to_start(tmp_path: Path, monkeypatch) -> None:
    from analytics.store.connection import connect

    path = tmp_path / "empty.duckdb"
    connect(path).close()  # exists, so it is not seeded: the page must say what to do
    monkeypatch.setenv("RESERVES_DB", str(path))
    at = open_page("overview")
    assert not at.exception
    assert "数据库中还没有快照" in at.info[0].value
    assert len(at.metric) == 0


def test_every_page_opens_on_an_empty_database(tmp_path: Path, monkeypatch) -> None:
    from analytics.store.connection import connect

    path = tmp_path / "empty.duckdb"
    connect(path).close()
    monkeypatch.setenv("RESERVES_DB", str(path))
    for page in ("overview", "review", "targets", "projects", "data"):
        at = open_page(page)
        assert not at.exception, page
        assert at.title, page  # every page still says where the visitor is
        assert [i.value for i in at.info].count("数据库中还没有快照。请在「数据导入」页上传台账。") == 1, page


def _page_strings(page: str) -> list[str]:
    """Every string standing alone as a statement in a page's source: docstrings of the module, its functions
    and its constants (Streamlit's "magic" would write each of these to the page)."""
    tree = ast.parse((REPO / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    return [
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]


def test_no_page_shows_its_own_source_text(sample_db: Path) -> None:
    for page in ("overview", "review", "targets", "projects", "meeting", "data"):
        strings = _page_strings(page)
        assert strings, page
        at = open_page(page)
        assert not at.exception, page
        shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
        assert not [text for text in strings if text in shown], page


def _elements(node: object) -> list:
    """Elements in the order they stand on the page (children sorted by position, not by arrival)."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [element for _, child in sorted(children.items()) for element in _elements(child)]


def _layout(node: object) -> list[str]:
    return [element.type for element in _elements(node)]


def test_overview_keeps_the_first_screen_above_the_chart(sample_db: Path) -> None:
    at = open_page("overview")
    assert not at.exception
    layout = _layout(at.main)
    chart = layout.index("plotly_chart")
    assert layout.count("metric") == 7
    assert max(i for i, kind in enumerate(layout) if kind == "metric") < chart
    assert chart < layout.index("subheader")  # the industry detail follows the chart
    # The targets table (Markdown) stands above the chart, the by-industry table below it.
    tables = [i for i, e in enumerate(_elements(at.main)) if e.type == "markdown" and e.value.startswith("| ")]
    assert [i < chart for i in tables] == [True, False]
    assert layout.index("title") < layout.index("metric")


def test_the_page_frame_reads_the_database_only_after_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Menu, sign-in and the active snapshot are read on one connection, and again only once a write (here
    the command line's `user add`) has changed the file: opening it costs more than these reads."""
    from analytics.store import connection
    from tests.pages.apptest import create_analyst

    path = tmp_path / "empty.duckdb"
    connection.connect(path).close()  # no snapshot yet: the page draws its frame and one line, nothing else
    monkeypatch.setenv("RESERVES_DB", str(path))
    opened = []
    real_open = connection._open
    monkeypatch.setattr(connection, "_open", lambda *args, **kwargs: opened.append(args) or real_open(*args, **kwargs))
    at = open_page("overview")
    assert not at.exception
    assert at.caption[-1].value.startswith("尚无分析员账户")
    opened.clear()
    at.run()
    assert opened == []  # nothing changed: nothing opened
    create_analyst()  # as `python -m analytics user add` does, from outside the app
    at.run()
    assert not at.exception
    assert len(opened) == 1
    assert at.text_input(key="sign_in_name")  # the sign-in form, now that an account exists


def test_the_libraries_objects_are_kept_out_of_each_runs_garbage_collection(sample_db: Path) -> None:
    import gc

    at = open_page("overview")
    assert not at.exception
    # Streamlit collects fully after every run: pandas', plotly's and DuckDB's objects are no longer walked.
    assert gc.get_freeze_count() > 50_000


# --- the first screen: change since the previous snapshot, this year's targets, red flags -----------------

SNAPSHOT_ON = "(SELECT snapshot_id FROM snapshots WHERE as_of = DATE '{}')"


def _kpi_sql(con: duckdb.DuckDBPyConnection, as_of: str) -> tuple:
    return con.execute(
        f"""SELECT count(*), sum(investment_wan), count(*) FILTER (WHERE is_key),
                   count(*) FILTER (WHERE production_date IS NOT NULL OR stage = 'production')
            FROM projects WHERE snapshot_id = {SNAPSHOT_ON.format(as_of)}"""
    ).fetchone()


def test_kpis_show_the_change_since_the_previous_snapshot(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        now, before = _kpi_sql(con, "2023-12-31"), _kpi_sql(con, "2023-09-30")
    at = open_page("overview")
    assert not at.exception
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["储备项目"] == f"{now[0] - before[0]:+,d}"
    assert deltas["计划总投资（亿元）"] == f"{(now[1] - before[1]) / 10000:+,.2f}"
    assert deltas["重点项目"] == f"{now[2] - before[2]:+,d}"
    assert deltas["累计投产"] == f"{now[3] - before[3]:+,d}"
    assert "较 2023-09-30 快照的变化" in at.caption[0].value


def test_no_change_is_shown_on_the_earliest_snapshot(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        con.execute(f"INSERT INTO settings VALUES ('active_snapshot', {SNAPSHOT_ON.format('2023-09-30')})")
    at = open_page("overview")
    assert not at.exception
    assert len(at.metric) == 7
    assert all(not m.delta for m in at.metric)  # no +/− from zero: there is nothing earlier to compare with
    assert "没有更早的快照" in at.caption[0].value


def test_a_snapshot_switched_from_outside_shows_on_the_next_run(sample_db: Path) -> None:
    at = open_page("overview")
    assert "数据截至 2023-12-31" in at.caption[0].value
    at.run()  # the frame now comes from the cache of this version of the file
    with open_database(sample_db) as con:  # as the command line's `activate` would
        con.execute(f"INSERT INTO settings VALUES ('active_snapshot', {SNAPSHOT_ON.format('2023-09-30')})")
    at.run()
    assert not at.exception
    assert "数据截至 2023-09-30" in at.caption[0].value


def test_targets_with_completion_and_pace(sample_db: Path) -> None:
    """2023 town targets set so signings run ahead, landings on track and starts behind (the year is over)."""
    import streamlit as st

    with open_database(sample_db) as con:
        active = SNAPSHOT_ON.format("2023-12-31")
        signed, landed, started = con.execute(
            f"""SELECT count(*) FILTER (WHERE year(signed_date) = 2023), count(*) FILTER (WHERE year(landed_date) = 2023),
                       count(*) FILTER (WHERE year(construction_date) = 2023)
                FROM projects WHERE snapshot_id = {active}"""
        ).fetchone()
        targets = {"signed_count": signed // 2, "landed_count": landed, "construction_count": started * 2}
        con.execute("DELETE FROM targets")
        for measure, value in targets.items():
            con.execute(
                "INSERT INTO targets VALUES (2023, 'total', ?, ?, now(), 'test', 'test')", [measure, float(value)]
            )
    st.cache_data.clear()  # the metrics cache outlives one AppTest; these targets are new
    at = open_page("overview")
    assert not at.exception
    assert any("2023 年目标完成情况（全镇，全年时间已过 100%）" in m.value for m in at.markdown)
    assert not at.dataframe  # small tables are Markdown: no grid script for the browser to load first
    table, colours = summary_tables(at)[0]
    table = table.set_index("指标")
    assert table.loc["签约项目数", "完成 / 目标"] == f"{signed} / {signed // 2}"
    assert table["完成率 · 进度"].to_dict() == {
        "签约项目数": f"{signed / (signed // 2) * 100:.0f}% · 超前",
        "落地项目数": "100% · 正常",
        "动工项目数": "50% · 滞后",
    }
    assert colours == {"完成率 · 进度": ["green", "orange", "red"]}


# Overdue: a key project whose planned landing / start / production date has passed (before as_of) while
# it has neither stood at that rung or beyond nor holds a date for it or a later one.
_OVERDUE = """
    (p.planned_landed_date < s.as_of AND p.stage NOT IN ('landed', 'construction', 'production')
        AND p.landed_date IS NULL AND p.construction_date IS NULL AND p.production_date IS NULL)
    OR (p.planned_construction_date < s.as_of AND p.stage NOT IN ('construction', 'production')
        AND p.construction_date IS NULL AND p.production_date IS NULL)
    OR (p.planned_production_date < s.as_of AND p.stage <> 'production' AND p.production_date IS NULL)
"""
# Stalled: the sample's two snapshots are 92 days apart, so a key project at the same stage in both is stalled.
_STALLED = (
    "p.stage = (SELECT q.stage FROM projects AS q WHERE q.snapshot_id = {before} AND q.project_key = p.project_key)"
)


def test_red_flags_count_and_the_largest_three_link_to_the_projects_page(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        flags = con.execute(
            f"""SELECT project_key, project_name, investment_wan, coalesce({_OVERDUE}, false) AS overdue,
                       coalesce({_STALLED.format(before=SNAPSHOT_ON.format("2023-09-30"))}, false) AS stalled
                FROM projects AS p JOIN snapshots AS s USING (snapshot_id)
                WHERE p.snapshot_id = {SNAPSHOT_ON.format("2023-12-31")} AND p.is_key"""
        ).df()
    flagged = flags[flags["overdue"] | flags["stalled"]].sort_values("investment_wan", ascending=False)
    assert 3 < len(flagged) < len(flags)  # the sample has some of each, so the test can tell them apart
    at = open_page("overview")
    assert not at.exception
    assert any(m.value == f"**需关注的重点项目 {len(flagged)} 个**" for m in at.markdown)
    counts = f"逾期 {int(flags['overdue'].sum())} 个、停滞 {int(flags['stalled'].sum())} 个"
    assert any(counts in c.value for c in at.caption)
    top = flagged.head(3)
    shown = [t.value for t in at.text]
    for name, investment in zip(top["project_name"], top["investment_wan"], strict=True):
        assert f"{name}  {investment / 10000:,.2f}\u00a0亿元" in shown
    links = [e.proto for e in at.get("page_link")]
    project_links = [link for link in links if "project=" in link.query_string]
    assert [link.query_string for link in project_links] == [f"project={quote(k)}" for k in top["project_key"]]
    assert all("projects" in link.page for link in project_links)
