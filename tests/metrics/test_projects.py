"""Searching and filtering the project list, on the eight-project fixture."""

from __future__ import annotations

import pandas as pd

from analytics.metrics.projects import ProjectFilter, filter_projects, search
from tests.metrics.fixture_projects import projects


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
