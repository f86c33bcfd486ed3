"""Excel exports a chair or analyst can circulate: plain workbooks with Chinese headers and 万元 amounts."""

from __future__ import annotations

import io

import pandas as pd

from analytics.exports.cells import display_width, safe_workbook, sheet_names, write_value


def workbook_bytes(sheets: dict[str, pd.DataFrame], title: str | None = None) -> bytes:
    """An .xlsx with one sheet per frame (title line on top, header frozen, columns sized to fit).

    Cells are written one by one through analytics/exports/cells.py, so ledger text that starts with = + - @
    stays text (pandas' to_excel would hand it to xlsxwriter as a formula).
    """
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
    title_format = book.add_format({"bold": True, "font_size": 14})
    quoted = book.add_format({"quote_prefix": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, frame in zip(sheet_names(list(sheets)), sheets.values(), strict=True):
        sheet = book.add_worksheet(name)
        start = 2 if title else 0
        if title:
            write_value(sheet, 0, 0, title, title_format, title_format, quoted)
        for col, column in enumerate(frame.columns):
            write_value(sheet, start, col, str(column), header, header, quoted)
            for row, value in enumerate(frame[column].tolist(), start=start + 1):
                is_date = hasattr(value, "year") and not isinstance(value, str)
                write_value(sheet, row, col, value, dates if is_date else None, None, quoted)
        sheet.freeze_panes(start + 1, 0)
        for i, column in enumerate(frame.columns):
            values = frame[column].astype(str).str.len().fillna(0)  # empty cells: no width (pandas 3 keeps NaN)
            width = max(display_width(str(column)), int(values.quantile(0.9)) * 2 if len(values) else 8)
            sheet.set_column(i, i, min(max(width, 8), 50))
    book.close()
    return buffer.getvalue()
