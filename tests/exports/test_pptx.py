"""The PPTX deck read back with python-pptx: native charts with the fixture's numbers, tables, plain text, notes."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from analytics.exports.pptx import deck_pptx
from tests.fixtures import deck as fx


@pytest.fixture(scope="module")
def prs() -> Presentation:
    return Presentation(io.BytesIO(deck_pptx(fx.fixture_deck())))


def _chart(slide):
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    return charts[0]


def test_sixteen_by_nine_with_a_title_slide_then_one_slide_each(prs: Presentation) -> None:
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 13.333 in × 7.5 in
    assert len(prs.slides) == 7
    assert prs.slides[0].shapes.title.text == "2023年度招商工作会议"
    assert [s.shapes.title.text for s in prs.slides][1:3] == [
        "灯饰照明签约额同比增长38%，占全镇过半",
        "重点项目推进：3个项目需协调",
    ]


def test_charts_are_native_with_the_fixture_values(prs: Presentation) -> None:
    bar = _chart(prs.slides[1])
    assert bar.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    plot = bar.plots[0]
    assert list(plot.categories) == ["灯饰照明", "新一代信息技术", "新能源", "其他"]
    assert [s.name for s in plot.series] == ["2022年", "2023年", "目标"]
    assert plot.series[0].values == (12.5, 8.0, 3.25, 1.0)
    assert plot.series[1].values == (17.25, 9.5, None, 0.75)
    assert plot.series[2].values == (15.0, 10.0, 5.0, None)
    assert str(plot.series[1].format.fill.fore_color.rgb) == "E89B0C"
    assert plot.data_labels.number_format == "0.00" and not plot.data_labels.number_format_is_linked

    assert _chart(prs.slides[2]).chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert [s.values for s in _chart(prs.slides[2]).plots[0].series] == [(5, 3, 2), (4, 2, 1), (2, 1, 0)]
    assert _chart(prs.slides[3]).chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert _chart(prs.slides[4]).chart_type == XL_CHART_TYPE.BAR_STACKED
    line = _chart(prs.slides[5])
    assert line.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(line.plots[0].categories) == ["2022年11月", "2022年12月", "2023年1月", "2023年2月"]
    assert line.plots[0].series[0].values == (1.5, 3.0, 4.25, 6.0)


def test_funnel_is_a_bar_chart_sorted_widest_first(prs: Presentation) -> None:
    funnel = _chart(prs.slides[6])
    assert funnel.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(funnel.plots[0].categories) == ["储备", "签约", "落地", "动工"]
    assert funnel.plots[0].series[0].values == (40, 14, 9, 5)
    assert funnel.plots[0].data_labels.number_format == "0"


def test_table_is_native_and_text_stays_plain(prs: Presentation) -> None:
    slide = prs.slides[2]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    cells = [[table.cell(r, c).text for c in range(5)] for r in range(4)]
    assert cells[0] == ["项目名称", "产业", "计划总投资（亿元）", "现处阶段", "备注"]
    assert cells[1] == ["光电产业园", "灯饰照明", "12.50", "动工", "进展顺利"]
    assert cells[2][0] == "**bold** [link](javascript:alert(1))"
    assert cells[2][4] == '=HYPERLINK("http://x")'
    assert cells[3][2] == "—"
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "存在问题：**bold** [link](javascript:alert(1))" in text
    # No run anywhere carries a hyperlink: a javascript: link in a project name stays text.
    xml = b"".join(s.part.blob for s in prs.slides)
    assert b"hlinkClick" not in xml


def test_notes_hold_the_slide_notes_and_its_briefing(prs: Presentation) -> None:
    first = prs.slides[0].notes_slide.notes_text_frame.text
    assert all(paragraph in first for paragraph in fx.BRIEFING)
    overview = prs.slides[1].notes_slide.notes_text_frame.text
    assert overview.startswith("先讲全镇总量，再讲灯饰照明。")
    assert fx.BRIEFING[1] in overview  # names 灯饰照明, a category of the slide's chart
    assert fx.BRIEFING[2] not in overview
    key_projects = prs.slides[2].notes_slide.notes_text_frame.text
    assert "重点说明用地指标问题。" in key_projects and fx.BRIEFING[2] in key_projects  # 光电产业园, a table row


def test_every_run_names_a_cjk_font_for_east_asian_text(prs: Presentation) -> None:
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.name == "Noto Sans CJK SC"
                    assert run.font._rPr.find(qn("a:ea")).get("typeface") == "Microsoft YaHei"


def test_english_deck_translates_the_frame_not_the_data() -> None:
    prs = Presentation(io.BytesIO(deck_pptx(fx.fixture_deck("en"))))
    assert [s.name for s in _chart(prs.slides[1]).plots[0].series][-1] == "Target"
    assert list(_chart(prs.slides[5]).plots[0].categories)[0] == "Nov 2022"
    assert "Data as of 2023-12-31" in prs.slides[0].placeholders[1].text_frame.text
