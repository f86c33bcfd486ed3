"""The meeting deck as a workbook: the briefing first, then one sheet per table and per chart's numbers."""

from __future__ import annotations

import io

from analytics.charts.deck import category_label
from analytics.exports.cells import display_width, safe_workbook, sheet_names, write_value
from analytics.i18n import t
from analytics.story.model import Chart, Deck, Table

FONT = "Microsoft YaHei"  # the Chinese office face in Excel and WPS; LibreOffice substitutes a CJK sans
YI_FORMAT = "0.00"
MAX_WIDTH = 60


def deck_xlsx(deck: Deck) -> bytes:
    """An .xlsx: a briefing sheet, then per slide its table and its chart data, headers frozen and styled."""
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    styles = {
        "title": book.add_format({**base, "bold": True, "font_size": 16}),
        "muted": book.add_format({**base, "font_color": "#5A616B"}),
        "header": book.add_format(
            {**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1D3557", "border": 1, "text_wrap": True}
        ),  # fmt: skip
        "text": book.add_format({**base, "text_wrap": True}),
        "quoted": book.add_format({**base, "text_wrap": True, "quote_prefix": True}),
        "paragraph": book.add_format({**base, "text_wrap": True, "valign": "top"}),
    }
    numbers: dict[str, object] = {}

    def number_format(code: str):
        if code not in numbers:
            numbers[code] = book.add_format({**base, "num_format": code})
        return numbers[code]

    plan: list[tuple[str, str, object]] = [("briefing", t("export.briefing", deck.lang), None)]
    for slide in deck.slides:
        if slide.table is not None:
            plan.append(("table", slide.table.name or slide.title, slide.table))
        if slide.chart is not None:
            plan.append(("chart", f"{slide.title}{t('export.chart_data', deck.lang)}", (slide, slide.chart)))
    names = sheet_names([name for _, name, _ in plan])

    for (kind, _, item), name in zip(plan, names, strict=True):
        sheet = book.add_worksheet(name)
        # Printed or converted to PDF, a sheet goes across one A4 landscape page instead of splitting columns.
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        if kind == "briefing":
            _briefing(sheet, deck, styles)
        elif kind == "table":
            _table(sheet, item, styles, number_format)  # type: ignore[arg-type]
        else:
            slide, chart = item  # type: ignore[misc]
            _chart(sheet, slide.headline, chart, deck.lang, styles, number_format)
    book.close()
    return buffer.getvalue()


def _briefing(sheet, deck: Deck, styles: dict) -> None:
    sheet.set_column(0, 0, 100)
    write = _writer(sheet, styles)
    write(0, 0, deck.title, styles["title"])
    write(1, 0, deck.subtitle, styles["muted"])
    write(2, 0, t("export.as_of", deck.lang, as_of=deck.as_of.isoformat()), styles["muted"])
    row = 4
    for paragraph in deck.briefing:
        write(row, 0, paragraph, styles["paragraph"])
        sheet.set_row(row, 20 * max(1, -(-display_width(paragraph) // 96)))  # wrapped lines × line height
        row += 1
    row += 1
    write(row, 0, t("export.contents", deck.lang), styles["header"])
    for slide in deck.slides:
        row += 1
        write(row, 0, slide.headline, styles["text"])


def _writer(sheet, styles: dict):
    def write(row: int, col: int, value: object, fmt=None) -> None:
        write_value(sheet, row, col, value, fmt, fmt or styles["text"], styles["quoted"])

    return write


def _header(sheet, row: int, columns: list[str], styles: dict) -> None:
    write = _writer(sheet, styles)
    for col, name in enumerate(columns):
        write(row, col, name, styles["header"])
    sheet.freeze_panes(row + 1, 0)


def _widths(sheet, columns: list[str], rows: list[list[str]]) -> None:
    for col, name in enumerate(columns):
        widest = max([display_width(name), *(display_width(r[col]) for r in rows if col < len(r))])
        sheet.set_column(col, col, min(max(widest + 2, 8), MAX_WIDTH))


def column_format(header: str, values: list[object]) -> str | None:
    """Amounts in 亿元 as 0.00; other numbers as Excel shows them."""
    if "亿元" in header or "100M" in header:
        return YI_FORMAT
    if values and all(isinstance(v, int) for v in values if v is not None):
        return "0"
    return None


def _table(sheet, table: Table, styles: dict, number_format) -> None:
    columns = [str(c) for c in table.columns]
    _header(sheet, 0, columns, styles)
    write = _writer(sheet, styles)
    formats = []
    for col, header in enumerate(columns):
        code = column_format(header, [row[col] for row in table.rows if col < len(row)])
        formats.append(number_format(code) if code else None)
    for r, row in enumerate(table.rows, start=1):
        for col, value in enumerate(row):
            fmt = formats[col] if col < len(formats) and isinstance(value, int | float) else None
            write(r, col, value, fmt)
    shown = [[_shown(v) for v in row] for row in table.rows]
    _widths(sheet, columns, shown)


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def _chart(sheet, headline: str, chart: Chart, lang: str, styles: dict, number_format) -> None:
    """Row 0: the headline; row 1: the unit; row 2: header (category, one column per series, target); data."""
    write = _writer(sheet, styles)
    write(0, 0, headline, styles["title"])
    write(1, 0, t("export.unit", lang, unit=chart.unit), styles["muted"])
    columns = [t("export.category", lang), *(s.name for s in chart.series)]
    if chart.target is not None:
        columns.append(t("chart.target", lang))
    _header(sheet, 2, columns, styles)
    fmt = number_format(YI_FORMAT if chart.unit == "亿元" else chart.number_format)
    shown = []
    for i, category in enumerate(chart.categories):
        label = category_label(category, lang)
        values = [s.values[i] if i < len(s.values) else None for s in chart.series]
        if chart.target is not None:
            values.append(chart.target[i] if i < len(chart.target) else None)
        write(3 + i, 0, label)
        for col, value in enumerate(values, start=1):
            write(3 + i, col, value, fmt)
        shown.append([label, *(_shown(v) for v in values)])
    _widths(sheet, columns, shown)  # the headline may run on over the empty cells to its right
