"""The meeting deck as a PowerPoint file: native, editable charts and tables, notes with the briefing.

Charts are PowerPoint charts (not pictures) so an office can restyle them and see the numbers behind them.
Every run names a Latin and an East-Asian font, so the deck reads the same in PowerPoint, WPS and LibreOffice.
"""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.text.text import Font, TextFrame
from pptx.util import Emu, Inches, Pt

from analytics.charts.deck import category_label, series_colours, sorted_funnel
from analytics.exports.text import cell_text, clean, relevant_briefing
from analytics.i18n import t
from analytics.story.model import Chart, Deck, Slide, Table
from analytics.theme import PROJECTOR_TEXT, TARGET_COLOUR

LATIN_FONT = "Noto Sans CJK SC"
# PowerPoint and WPS on Windows have YaHei; LibreOffice maps it to an installed CJK sans.
EAST_ASIAN_FONT = "Microsoft YaHei"

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12192000), Emu(6858000)  # PowerPoint's own 16:9 (13.333 in × 7.5 in)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(1.1)
BODY_TOP = Inches(1.5)
BODY_BOTTOM = SLIDE_HEIGHT - Inches(0.55)
TEXT = RGBColor.from_string(PROJECTOR_TEXT.lstrip("#"))
MUTED = RGBColor(0x5A, 0x61, 0x6B)
GRID = RGBColor(0xD5, 0xDA, 0xE1)
MIN_CHART_HEIGHT = Inches(3.2)
CELL_MARGIN, CELL_PADDING = Inches(0.08), Inches(0.04)
HEADER_FILL = RGBColor(0x1D, 0x35, 0x57)
BAND_FILL = RGBColor(0xF1, 0xF4, 0xF8)

CHART_TYPES = {
    "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.COLUMN_STACKED,
    "hbar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_hbar": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "funnel": XL_CHART_TYPE.BAR_CLUSTERED,  # PowerPoint's own funnel is not in the chart XML python-pptx writes
}
HORIZONTAL = {"hbar", "stacked_hbar", "funnel"}
STACKED = {"stacked_bar", "stacked_hbar"}

# Layouts of python-pptx's default template.
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5


def deck_pptx(deck: Deck) -> bytes:
    """A 16:9 .pptx: a title slide, then one slide per deck slide (headline, native chart, table, bullets, notes)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    _title_slide(prs, deck)
    for number, slide in enumerate(deck.slides, start=1):
        _content_slide(prs, deck, slide, number)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def set_font(font: Font, size: float | None = None, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    """Name the Latin and East-Asian fonts (and size, weight, colour) on a run or a default run property."""
    font.name = LATIN_FONT
    rpr = font._rPr  # python-pptx exposes only the Latin typeface; the East-Asian one is a sibling element
    for old in rpr.findall(qn("a:ea")):
        rpr.remove(old)
    ea = OxmlElement("a:ea")
    ea.set("typeface", EAST_ASIAN_FONT)
    ea.set("charset", "-122")  # GB2312: tells substituting apps this is a Simplified Chinese face
    rpr.find(qn("a:latin")).addnext(ea)
    # Names and places stay Chinese in either language; the tag makes fallbacks pick Simplified (SC), not
    # Japanese, glyph forms when the named fonts are missing.
    rpr.set("lang", "zh-CN")
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


def _write(frame: TextFrame, paragraphs: list[list[tuple[str, bool]]], size: float, colour: RGBColor = TEXT) -> None:
    """Fill a text frame with paragraphs of (text, bold) runs, all in the deck font."""
    frame.word_wrap = True
    for i, runs in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        for text, bold in runs:
            run = paragraph.add_run()
            run.text = clean(text)
            set_font(run.font, size, bold, colour)


def _place_title(shape, text: str, size: float, top: Emu, height: Emu) -> None:
    shape.left, shape.top, shape.width, shape.height = MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height
    frame = shape.text_frame
    frame.clear()
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _write(frame, [[(text, True)]], size)
    frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def _title_slide(prs: Presentation, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place_title(title, deck.title, 40, Inches(2.3), Inches(1.4))
    subtitle.left, subtitle.top = MARGIN, Inches(3.9)
    subtitle.width, subtitle.height = SLIDE_WIDTH - 2 * MARGIN, Inches(1.4)
    subtitle.text_frame.clear()
    lines = [[(deck.subtitle, False)], [(t("export.as_of", deck.lang, as_of=deck.as_of.isoformat()), False)]]
    _write(subtitle.text_frame, lines, 22, MUTED)
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
    # The whole written briefing goes with the first slide, so the presenter has it in one place.
    notes = [t("export.briefing", deck.lang), *deck.briefing] if deck.briefing else []
    _notes(slide, notes)


def _content_slide(prs: Presentation, deck: Deck, item: Slide, number: int) -> None:
    """Headline on top; the table across the foot at full width; chart and bullets share what is left."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _place_title(slide.shapes.title, item.headline, 28 if len(item.headline) <= 30 else 24, TITLE_TOP, TITLE_HEIGHT)
    left, width = MARGIN, SLIDE_WIDTH - 2 * MARGIN
    top, height = BODY_TOP, BODY_BOTTOM - BODY_TOP
    if item.table is not None:
        size = 14 if len(item.table.rows) <= 6 else 11
        rows, widths, heights = table_layout(item.table, width, size)
        room = height - (MIN_CHART_HEIGHT if item.chart is not None or item.bullets else 0)
        table_height = min(sum(heights), room)
        _table(slide, item.table, rows, widths, heights, size, left, BODY_BOTTOM - table_height, width)
        height -= table_height + Inches(0.25)
    if item.chart is not None:
        chart_width = int(width * 0.64) if item.bullets else width
        _chart(slide, item.chart, deck.lang, left, top, chart_width, height)
        left, width = left + chart_width + Inches(0.3), width - chart_width - Inches(0.3)
    if item.bullets:
        box = slide.shapes.add_textbox(left, top, width, height)
        _write(box.text_frame, [[(f"{label}：", True), (text, False)] for label, text in item.bullets], 16)
        box.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # apps that honour it shrink long bullets
        for paragraph in box.text_frame.paragraphs:
            paragraph.space_after = Pt(8)
    footer = slide.shapes.add_textbox(MARGIN, BODY_BOTTOM + Inches(0.05), SLIDE_WIDTH - 2 * MARGIN, Inches(0.4))
    as_of = t("export.as_of", deck.lang, as_of=deck.as_of.isoformat())
    _write(footer.text_frame, [[(f"{deck.title} · {as_of} · {number}/{len(deck.slides)}", False)]], 11, MUTED)
    notes = [item.notes] if item.notes else []
    briefing = relevant_briefing(deck, item)
    if briefing:
        notes += [t("export.briefing", deck.lang), *briefing]
    _notes(slide, notes)


def _notes(slide, paragraphs: list[str]) -> None:
    if paragraphs:
        _write(slide.notes_slide.notes_text_frame, [[(p, False)] for p in paragraphs], 12)


def chart_data(chart: Chart, lang: str) -> tuple[Chart, CategoryChartData, bool]:
    """The spec as PowerPoint chart data (funnels sorted widest first) and whether a target series was added."""
    if chart.kind == "funnel":
        chart, _ = sorted_funnel(chart)
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = [clean(category_label(c, lang)) for c in chart.categories]
    for series in chart.series:
        data.add_series(clean(series.name), [_number(v) for v in series.values])
    # A stacked chart would stack the target on the bars, and a funnel has none: only side-by-side kinds get it.
    with_target = chart.target is not None and chart.kind in {"bar", "hbar", "line"}
    if with_target:
        data.add_series(t("chart.target", lang), [_number(v) for v in chart.target or ()])
    return chart, data, with_target


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _chart(slide, spec: Chart, lang: str, left: Emu, top: Emu, width: Emu, height: Emu) -> None:
    spec, data, with_target = chart_data(spec, lang)
    unit_box = slide.shapes.add_textbox(left, top, width, Inches(0.4))
    if spec.kind != "funnel":
        _write(unit_box.text_frame, [[(t("export.unit", lang, unit=spec.unit), False)]], 14, MUTED)
    frame = slide.shapes.add_chart(CHART_TYPES[spec.kind], left, top + Inches(0.4), width, height - Inches(0.4), data)
    chart = frame.chart
    chart.has_title = False  # the headline is the slide title; PowerPoint would title one series by its name
    set_font(chart.font, 14, colour=TEXT)
    colours = series_colours(spec)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
        plot.overlap = 100 if spec.kind in STACKED else -10
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    labels.show_value = True
    set_font(labels.font, 14, colour=TEXT)
    if spec.kind in STACKED:
        # A zero segment has no height: its label would sit on the next one. The third section hides zeros.
        labels.number_format = f"{spec.number_format};-{spec.number_format};;@"
        labels.position = XL_LABEL_POSITION.CENTER
        set_font(labels.font, 14, colour=RGBColor(0xFF, 0xFF, 0xFF))
    elif spec.kind == "line":
        labels.position = XL_LABEL_POSITION.ABOVE
    else:
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for series, colour in zip(plot.series, colours, strict=False):
        rgb = RGBColor.from_string(colour.lstrip("#"))
        if spec.kind == "line":
            series.format.line.color.rgb = rgb
            series.format.line.width = Pt(3)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = rgb
            series.marker.format.line.color.rgb = rgb
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb
    if with_target:
        _style_target(plot.series[-1], spec.kind)
    chart.has_legend = len(plot.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        set_font(chart.legend.font, 14, colour=TEXT)
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = GRID
    value_axis.format.line.fill.background()
    set_font(value_axis.tick_labels.font, 14, colour=TEXT)
    set_font(category_axis.tick_labels.font, 14, colour=TEXT)
    category_axis.format.line.color.rgb = MUTED
    if spec.kind == "funnel":
        value_axis.visible = False
        value_axis.has_major_gridlines = False
    if spec.kind in HORIZONTAL:
        # The first category on top, as it reads in a table; the value axis stays at the bottom.
        category_axis.reverse_order = True
        # python-pptx sets crossings only from the value axis' side; the value axis must cross at the last
        # category, which the reversed order puts at the bottom.
        value_axis._element.find(qn("c:crosses")).set("val", "max")


def _style_target(series, kind: str) -> None:
    rgb = RGBColor.from_string(TARGET_COLOUR.lstrip("#"))
    if kind == "line":
        series.format.line.color.rgb = rgb
        series.format.line.width = Pt(2.5)
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        series.data_labels.show_value = False  # a line's labels would sit on the actual values' labels
        series.marker.format.fill.background()
        series.marker.format.line.color.rgb = rgb
        series.smooth = False
    else:
        # An outlined, unfilled bar beside the actual one: the target reads as "how far it should reach".
        series.format.fill.background()
        series.format.line.color.rgb = rgb
        series.format.line.width = Pt(2)
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH


def _display_width(text: str) -> int:
    """Width in Latin-character units: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def table_layout(table: Table, width: Emu, size: float) -> tuple[list[list[str]], list[Emu], list[Emu]]:
    """Cell texts, column widths (by content, long columns capped) and row heights (by wrapped lines)."""
    rows = [[clean(c) for c in table.columns]] + [[cell_text(v) for v in row] for row in table.rows]
    wanted = [min(max(_display_width(row[i]) for row in rows), 40) + 2 for i in range(len(table.columns))]
    widths = [Emu(int(width * w / sum(wanted))) for w in wanted]
    half_em = Pt(size) / 2  # one Latin character; CJK counts double in _display_width
    heights = []
    for row in rows:
        lines = max(
            math.ceil(_display_width(text) * half_em / max(w - 2 * CELL_MARGIN, half_em)) or 1
            for text, w in zip(row, widths, strict=True)
        )
        heights.append(Emu(int(lines * Pt(size) * 1.25 + 2 * CELL_PADDING)))
    return rows, widths, heights


def _table(slide, table: Table, rows: list[list[str]], widths: list[Emu], heights: list[Emu], size: float,
           left: Emu, top: Emu, width: Emu) -> None:  # fmt: skip
    shape = slide.shapes.add_table(len(rows), len(widths), left, top, width, Emu(sum(heights)))
    grid = shape.table
    for i, w in enumerate(widths):
        grid.columns[i].width = w
    for r, h in enumerate(heights):
        grid.rows[r].height = h
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = grid.cell(r, c)
            cell.text_frame.clear()
            header = r == 0
            _write(cell.text_frame, [[(text, header)]], size, RGBColor(0xFF, 0xFF, 0xFF) if header else TEXT)
            numeric = not header and isinstance(table.rows[r - 1][c], int | float)
            cell.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEADER_FILL if header else (BAND_FILL if r % 2 == 0 else RGBColor(255, 255, 255))
            cell.margin_left = cell.margin_right = CELL_MARGIN
            cell.margin_top = cell.margin_bottom = CELL_PADDING
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
