"""Markdown summary tables: every cell shows as typed, figures align right, colours only where asked."""

from __future__ import annotations

import pandas as pd
import pytest

from pages.summary_table import markdown
from tests.pages.apptest import rendered


def test_cells_are_escaped_and_laid_out() -> None:
    frame = pd.DataFrame({"名称": ["A|B *粗* [x](y)", "第一行\n第二行"], "金额": ["1.50", None]})
    lines = markdown(frame, right=["金额"]).splitlines()
    assert lines[1] == "| :--- | ---: |"  # names left, figures right
    assert len(lines) == 4
    # A pipe in a name does not split its cell; emphasis and links stay text; a line break becomes a space.
    first = lines[2]
    assert first.count(" | ") == 1 and "\\|" in first
    assert rendered(first) == "| :small[A|B *粗* [x](y)] | :small[1.50] |"
    assert rendered(lines[3]) == "| :small[第一行 第二行] | :small[—] |"  # an empty amount reads —


def test_colours_mark_the_cells_given_and_refuse_unknown_names() -> None:
    frame = pd.DataFrame({"进度": ["超前", "滞后", "—"]})
    lines = markdown(frame, colours={"进度": ["green", "red", None]}).splitlines()
    assert lines[2:] == ["| :small[**:green[超前]**] |", "| :small[**:red[滞后]**] |", "| :small[—] |"]
    with pytest.raises(ValueError):
        markdown(frame, colours={"进度": ["#ff0000", None, None]})
    with pytest.raises(ValueError):
        markdown(frame, colours={"进度": ["green"]})  # one a row
