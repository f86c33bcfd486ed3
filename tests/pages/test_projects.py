"""AppTest of the project list: search, filters, export and a project's detail with its source row."""

from __future__ import annotations

from pathlib import Path

from tests.pages.apptest import ACTIVE, open_database, open_page


def _first_key_project(db: Path) -> tuple[str, str, int]:
    with open_database(db) as con:
        return con.execute(
            f"SELECT project_name, investor, source_row FROM projects WHERE snapshot_id = {ACTIVE} AND is_key ORDER BY investment_wan DESC LIMIT 1"
        ).fetchone()


def test_search_filter_and_detail(sample_db: Path) -> None:
    name, investor, row = _first_key_project(sample_db)
    at = open_page("projects")
    assert not at.exception
    total = len(at.dataframe[0].value)
    at.text_input(key="project_search").input(name).run()
    assert len(at.dataframe[0].value) == 1
    assert f"第 {row} 行" in " ".join(c.value for c in at.caption)
    # The detail is plain-text cells (two field/value tables), never Markdown.
    detail = [d.value for d in at.dataframe[1:3]]
    assert investor in {value for table in detail for value in table["内容"]}
    assert "计划总投资" in {name for table in detail for name in table["栏目"]}  # no 万元 over a value in 亿元

    at.text_input(key="project_search").input("").run()
    at.toggle(key="f_key_only").set_value(True).run()
    with open_database(sample_db) as con:
        keys = con.execute(f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND is_key").fetchone()[0]
    assert len(at.dataframe[0].value) == keys < total


def test_stage_filter_and_export_button(sample_db: Path) -> None:
    at = open_page("projects")
    at.multiselect(key="f_stage").set_value(["production"]).run()
    with open_database(sample_db) as con:
        producing = con.execute(
            f"SELECT count(*) FROM projects WHERE snapshot_id = {ACTIVE} AND stage = 'production'"
        ).fetchone()[0]
    assert len(at.dataframe[0].value) == producing
    assert at.get("download_button")[0].proto.label == "导出当前清单（Excel）"


def test_project_query_parameter_opens_its_detail(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        key, name, investor = con.execute(
            f"SELECT project_key, project_name, investor FROM projects WHERE snapshot_id = {ACTIVE}"
            " ORDER BY investment_wan ASC NULLS LAST LIMIT 1"
        ).fetchone()  # the smallest project: not on the list's first page, so the link must fetch it
        (other,) = con.execute(
            f"SELECT project_key FROM projects WHERE snapshot_id = {ACTIVE} ORDER BY investment_wan DESC LIMIT 1"
        ).fetchone()  # the biggest: first on the first page
    at = open_page("projects", project=key)
    assert not at.exception
    assert at.selectbox(key="project_detail").value == key
    assert at.subheader[0].value.replace("\\", "") == name  # escaped for Markdown, shown as typed
    assert investor in {v for d in at.dataframe[1:3] for v in d.value["内容"]}
    at.selectbox(key="project_detail").set_value(other).run()
    assert at.selectbox(key="project_detail").value == other
    assert at.query_params["project"] == other  # the address bar follows the detail shown


def test_the_list_is_paged(sample_db: Path) -> None:
    with open_database(sample_db) as con:
        total, last = con.execute(
            f"SELECT count(*), arg_min(project_name, investment_wan) FROM projects WHERE snapshot_id = {ACTIVE}"
        ).fetchone()
    at = open_page("projects")
    assert len(at.dataframe[0].value) == 100 < total  # one page of 100, never the whole reserve
    pages = -(-total // 100)
    at.number_input(key="project_page").set_value(pages).run()
    assert len(at.dataframe[0].value) == total - 100 * (pages - 1)
    assert last in at.dataframe[0].value.iloc[:, 0].tolist()  # the smallest planned investment is on the last page
