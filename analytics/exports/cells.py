"""Writing values into xlsxwriter sheets so that text stays text: no formula, no link, ever.

A ledger comment such as =HYPERLINK("http://x") or +86 电话 must reach a spreadsheet as the characters typed.
Every string goes through write_string (never write(), which turns "=..." into a formula and "http..." into a
link), and a string that a spreadsheet would read as a formula once someone edits the cell gets the quote
prefix: the file-format form of typing a leading apostrophe, which keeps the cell text without changing it.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

# What makes Excel, WPS or LibreOffice read an edited cell (or a CSV field) as a formula: = + - @, and tab or
# carriage return ahead of one (OWASP's CSV-injection list); full-width forms are converted by CJK input methods.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take the text for a formula (leading spaces do not protect it)."""
    return text.lstrip(" ").startswith(FORMULA_START)


def write_value(
    sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None, text_fmt: Format | None, quoted: Format
) -> None:
    """Write one value by its type; text as a string cell, quote-prefixed when it looks like a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or _is_missing(value):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, text_fmt)
    elif isinstance(value, int | float) and math.isfinite(value):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        text = _NOT_XML.sub("", str(value))
        sheet.write_string(row, col, text, quoted if looks_like_formula(text) else text_fmt)


def _is_missing(value: object) -> bool:
    """pandas' NA and NaT without importing pandas here."""
    return type(value).__name__ in {"NAType", "NaTType"}


def safe_workbook(buffer: object) -> Workbook:
    """An in-memory workbook that never converts strings to formulas, numbers or links on its own."""
    return Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )


def sheet_names(wanted: list[str], fallback: str = "Sheet") -> list[str]:
    """Valid, unique sheet names: no []:*?/\\, no leading or trailing apostrophe, ≤ 31 characters, unique
    regardless of case (as Excel compares them)."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in wanted:
        base = _BAD_SHEET_CHARS.sub("_", _NOT_XML.sub("", raw)).strip().strip("'").strip() or fallback
        if base.lower() == "history":  # reserved by Excel
            base += "_"
        name, n = base[:SHEET_NAME_MAX], 1
        while name.lower() in seen:
            n += 1
            suffix = f"~{n}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        seen.add(name.lower())
        names.append(name)
    return names


def display_width(text: str) -> int:
    """Column width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
