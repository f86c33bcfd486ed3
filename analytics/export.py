"""Excel exports a chair or analyst can circulate: plain workbooks with Chinese headers and 万元 amounts."""

from __future__ import annotations

import io

import pandas as pd


def workbook_bytes(sheets: dict[str, pd.DataFrame], title: str | None = None) -> bytes:
    """An .xlsx with one sheet per frame (title line on top, header frozen, columns sized to fit)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            start = 2 if title else 0
            frame.to_excel(writer, sheet_name=name[:31], index=False, startrow=start)
            sheet = writer.sheets[name[:31]]
            if title:
                sheet.write(0, 0, title, writer.book.add_format({"bold": True, "font_size": 14}))
            sheet.freeze_panes(start + 1, 0)
            for i, column in enumerate(frame.columns):
                values = frame[column].astype(str).str.len().fillna(0)  # empty cells: no width (pandas 3 keeps NaN)
                width = max(len(str(column)) * 2, int(values.quantile(0.9)) * 2 if len(values) else 8)
                sheet.set_column(i, i, min(max(width, 8), 50))
    return buffer.getvalue()
