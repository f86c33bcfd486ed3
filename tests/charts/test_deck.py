"""Deck charts: every kind draws its series, data text stays text, months read in Chinese, projector text is big."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.charts.deck import figure, plain
from analytics.story.model import Chart, Series
from tests.fixtures import deck as fx


def test_bar_draws_each_series_with_its_colour_labels_and_target() -> None:
    fig = figure(fx.INDUSTRY_BAR, "zh")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [b.name for b in bars] == ["2022年", "2023年"]
    assert list(bars[1].y) == [17.25, 9.5, None, 0.75]
    assert list(bars[1].x) == ["灯饰照明", "新一代信息技术", "新能源", "其他"]
    assert bars[1].marker.color == "#E89B0C"
    assert list(bars[1].text) == ["17.25", "9.50", "", "0.75"]  # number_format 0.00; no value, no label
    assert fig.layout.barmode == "group"
    target = next(tr for tr in fig.data if tr.name == "目标")
    assert list(target.y) == [15.0, 10.0, 5.0, None]


def test_stacked_and_horizontal_kinds() -> None:
    stacked = figure(fx.STAGE_STACK, "zh")
    assert stacked.layout.barmode == "stack"
    assert [list(tr.text) for tr in stacked.data][0] == ["5", "3", "2"]  # number_format "0"
    hbar = figure(fx.SIZE_STACKED_HBAR, "zh")
    assert {tr.orientation for tr in hbar.data} == {"h"}
    assert hbar.layout.barmode == "stack"
    assert list(hbar.data[0].x) == [2, 6, 11] and list(hbar.data[0].y)[0] == "10亿元以上"
    assert hbar.layout.yaxis.autorange == "reversed"  # first category on top
    assert hbar.layout.xaxis.title.text == "个"


def test_series_without_colour_get_the_palette() -> None:
    fig = figure(fx.REGION_HBAR, "zh")
    assert fig.data[0].marker.color == "#2F6FD6"


def test_funnel_is_sorted_widest_first() -> None:
    fig = figure(fx.FUNNEL, "zh")
    (funnel,) = fig.data
    assert funnel.type == "funnel"
    assert list(funnel.y) == ["储备", "签约", "落地", "动工"]
    assert list(funnel.x) == [40, 14, 9, 5]


def test_data_text_is_escaped_not_read_as_html() -> None:
    fig = figure(fx.REGION_HBAR, "zh", title="<i>标题</i>")
    assert list(fig.data[0].y)[2] == "&lt;b&gt;灯饰&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert fig.layout.title.text == "&lt;i&gt;标题&lt;/i&gt;"
    chart = Chart("line", ("a",), (Series("<br>x&y", (1.0,)),), unit="<b>")
    fig = figure(chart, "zh")
    assert fig.data[0].name == "&lt;br&gt;x&amp;y"
    assert "<b>" not in fig.layout.annotations[0].text
    assert plain("a<b") == "a&lt;b"


def test_months_read_in_the_deck_language_on_a_category_axis() -> None:
    zh = figure(fx.SIGNINGS_LINE, "zh")
    assert list(zh.data[0].x) == ["2022年11月", "2022年12月", "2023年1月", "2023年2月"]
    assert zh.layout.xaxis.type == "category"  # Plotly would otherwise make a date axis and write "Nov 2022"
    en = figure(fx.SIGNINGS_LINE, "en")
    assert list(en.data[0].x)[0] == "Nov 2022"
    assert en.layout.annotations[0].text == "Unit: 亿元"


def _font_sizes(node: Any, path: str = "") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure's JSON, with where it was found."""
    found: list[tuple[str, float]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                found.append((f"{path}.{key}", value["size"]))
            found += _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _font_sizes(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("chart", [fx.INDUSTRY_BAR, fx.STAGE_STACK, fx.REGION_HBAR, fx.SIZE_STACKED_HBAR,
                                   fx.SIGNINGS_LINE, fx.FUNNEL])  # fmt: skip
def test_projector_text_is_at_least_20px_at_1280_by_720(chart: Chart) -> None:
    fig = figure(chart, "zh", projector=True, title="标题")
    spec = fig.to_plotly_json()
    assert (spec["layout"]["width"], spec["layout"]["height"]) == (1280, 720)
    sizes = _font_sizes(spec)
    assert any(p.startswith(".layout.title") for p, _ in sizes)
    assert any("tickfont" in p for p, _ in sizes)
    assert any(p.startswith(".layout.legend") for p, _ in sizes)
    assert any(p.startswith(".data") for p, _ in sizes)  # data labels
    assert [(p, s) for p, s in sizes if s < 20] == []
    # Labels that cannot fit at 20 px are hidden rather than shrunk below it.
    assert spec["layout"]["uniformtext"] == {"minsize": 20, "mode": "hide"}
    assert spec["layout"]["font"]["color"] == "#111111"


def test_not_projector_keeps_the_page_size() -> None:
    fig = figure(fx.INDUSTRY_BAR, "zh")
    assert fig.layout.width is None and fig.layout.height == 460
