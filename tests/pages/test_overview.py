"""AppTest of the app shell and the Overview page: the KPIs shown match the database."""

from __future__ import annotations

from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_page

REPO = Path(__file__).resolve().parents[2]


def _db_figures(path: Path, industries: tuple[str, ...] | None = None) -> dict[str, str]:
    """Count straight from the table, independently of analytics.metrics."""
    with duckdb.connect(str(path)) as con:
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


def test_overview_industry_filter_changes_numbers(sample_db: Path) -> None:
    at = open_page("overview")
    all_projects = _shown(at)["储备项目"]
    at.multiselect(key="industry_filter").set_value(["lighting"]).run()
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


def test_empty_database_tells_how_to_start(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from analytics.store.connection import connect

    path = tmp_path / "empty.duckdb"
    connect(path).close()  # exists, so it is not seeded: the page must say what to do
    monkeypatch.setenv("RESERVES_DB", str(path))
    at = open_page("overview")
    assert not at.exception
    assert "数据库中还没有快照" in at.info[0].value
    assert len(at.metric) == 0


def test_every_page_opens_on_an_empty_database(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from analytics.store.connection import connect

    path = tmp_path / "empty.duckdb"
    connect(path).close()
    monkeypatch.setenv("RESERVES_DB", str(path))
    for page in ("overview", "review", "targets", "projects", "data"):
        at = open_page(page)
        assert not at.exception, page
        assert at.title, page  # every page still says where the visitor is
        assert [i.value for i in at.info].count("数据库中还没有快照。请在「数据导入」页上传台账。") == 1, page
