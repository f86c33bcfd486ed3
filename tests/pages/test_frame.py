"""AppTest of the frame every page shares: the sidebar's menu, language and filter on every page, with data or
without, above the page's own sidebar choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.store.connection import connect
from tests.pages.apptest import open_page

WITH_SIDEBAR = ("overview", "review", "targets", "projects", "data")
MENU = ["总览", "年度回顾", "年度目标", "项目清单", "会议模式", "数据导入"]


def _sidebar_order(at) -> list[str]:
    """The sidebar's widgets and links, in the order they stand (children sorted by position)."""

    def walk(node):
        children = getattr(node, "children", None)
        if children is None:
            return [node]
        return [element for _, child in sorted(children.items()) for element in walk(child)]

    return [getattr(e, "key", None) or e.type for e in walk(at.sidebar)]


@pytest.mark.parametrize("page", WITH_SIDEBAR)
def test_every_page_draws_menu_language_and_filter(sample_db: Path, page: str) -> None:
    at = open_page(page)
    assert not at.exception
    assert [link.proto.label for link in at.sidebar.get("page_link")] == MENU
    order = _sidebar_order(at)
    assert order.index("lang_choice") < order.index("industry_filter")
    # A page's own choice (the year) goes below the shared frame.
    own = {"review": "review_year", "targets": "targets_year"}.get(page)
    if own:
        assert order.index("industry_filter") < order.index(own)


@pytest.mark.parametrize("page", WITH_SIDEBAR)
def test_a_page_with_no_snapshot_still_has_its_menu(tmp_path: Path, monkeypatch, page: str) -> None:
    empty = tmp_path / "empty.duckdb"
    connect(empty).close()  # the schema, no snapshot
    monkeypatch.setenv("RESERVES_DB", str(empty))
    at = open_page(page)
    assert not at.exception
    assert [link.proto.label for link in at.sidebar.get("page_link")] == MENU
    assert at.pills(key="industry_filter")


def test_language_and_filter_switch_the_page_and_the_link(sample_db: Path) -> None:
    at = open_page("overview")
    at.segmented_control(key="lang_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Project reserve overview"
    assert at.query_params["lang"] == "en"
    at.pills(key="industry_filter").set_value(["new_energy", "lighting"]).run()
    assert at.query_params["industry"] == "lighting,new_energy"  # in the menu's order
    at.pills(key="industry_filter").set_value([]).run()  # cleared: every industry
    assert "industry" not in at.query_params
    assert at.pills(key="industry_filter").value == []
    assert at.pills(key="industry_filter").label == "Industries (none picked: all)"
