"""Shapes no ledger has, refused before a reader spends memory or minutes on them.

A workbook declares each sheet's used range (`<dimension ref="A1:XFD1048576"/>`) at the top of the sheet's XML;
readers size their grid from it, so one stray cell at XFD1048576 would ask for hundreds of gigabytes. These
checks read that declaration (a few kilobytes of each sheet), count a sheet's values when neither it nor the
sheet's size rules out a million real rows, and check the parsed grid's width; each refuses in one sentence.
Real ledgers have a few dozen columns and at most tens of thousands of rows.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from itertools import chain
from operator import length_hint

from analytics.ingest.errors import ImportRejected, Issue

MAX_COLUMNS = 1_000
"""Columns a sheet may use (Excel allows 16,384; a ledger has a few dozen)."""
MAX_DECLARED_CELLS = 20_000_000
"""Cells a sheet's declared range may span (rows × columns): about 1,000,000 rows of 20 columns."""
MAX_FILLED_CELLS = 3_000_000
"""Cells holding a value one sheet may have: about 100,000 rows of 30 columns, or 300,000 of 10. A read holds each
twice (the reader's and Python's), a few hundred bytes in all: a million real rows would not fit the sandbox's
memory or time, and are refused before a reader starts on them."""
MAX_TEXT = 32_767
"""Characters in one cell, Excel's own limit; longer text (only CSV can hold it) is cut, with a warning."""
_HEAD_BYTES = 4096
_MIN_CELL_BYTES = 15  # the shortest XML of a cell with a value: <c><v>1</v></c>
_CHUNK = 4 * 1024 * 1024
# The end of a cell's value (<v>…</v>, or an inline string <is>…</is>), with or without a namespace prefix.
_VALUE_END = (b"</v>", b"</is>")
_PREFIXED_VALUE_END = re.compile(rb"</[A-Za-z_][\w.-]*:(?:v|is)>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def declared_shapes(data: bytes) -> dict[str, tuple[int, int]]:
    """(rows, columns) each .xlsx worksheet part declares, by part name; only each part's first bytes are read."""
    shapes: dict[str, tuple[int, int]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return shapes
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        try:
            with archive.open(info) as part:
                head = part.read(_HEAD_BYTES)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            continue  # a damaged part is the reader's to report
        found = _DIMENSION.search(head)
        if not found or not found.group(3):
            continue
        first_col, first_row = _column_number(found.group(1) or b"A"), int(found.group(2) or 1)
        last_col, last_row = _column_number(found.group(3)), int(found.group(4))
        shapes[posixpath.basename(info.filename)] = (last_row - first_row + 1, last_col - first_col + 1)
    return shapes


def check_declared(data: bytes, file_name: str) -> None:
    """Refuse a workbook whose declared used range is absurd (too wide, or too many cells to hold)."""
    for part, (rows, columns) in declared_shapes(data).items():
        if columns > MAX_COLUMNS or rows * columns > MAX_DECLARED_CELLS:
            raise ImportRejected(
                "sheet_too_large",
                file_name,
                params={"part": part, "rows": rows, "columns": columns, "max_columns": MAX_COLUMNS},
            )


def check_filled(data: bytes, file_name: str, sheet_parts: dict[str, zipfile.ZipInfo]) -> None:
    """Refuse an .xlsx sheet with more cells holding a value than one read can hold, before any reader parses it.

    A sheet whose declared range or unpacked size rules that out (every real ledger) costs nothing; any other
    has its values counted in one streamed pass that stops at the limit. A million formatted but empty rows
    hold no values and pass. `sheet_parts` maps each sheet's name to its worksheet part.
    """
    declared = declared_shapes(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    for sheet, info in sheet_parts.items():
        rows, columns = declared.get(posixpath.basename(info.filename), (MAX_FILLED_CELLS, MAX_FILLED_CELLS))
        if min(rows * columns, info.file_size // _MIN_CELL_BYTES) <= MAX_FILLED_CELLS:
            continue
        if _values_beyond(archive, info, MAX_FILLED_CELLS):
            check_filled_count(MAX_FILLED_CELLS + 1, file_name, sheet)


def check_filled_count(filled: int, file_name: str, sheet: str) -> None:
    """Refuse a sheet once `filled` of its cells hold a value and that is more than one read can hold."""
    if filled > MAX_FILLED_CELLS:
        raise ImportRejected("too_many_cells", file_name, sheet=sheet, params={"max_cells": MAX_FILLED_CELLS})


def _values_beyond(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bool:
    """Whether a worksheet part holds more than `limit` values (a value split by a 4 MB chunk's edge is missed:
    a handful in a sheet of millions)."""
    found = 0
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                found += sum(chunk.count(end) for end in _VALUE_END)
                if b":v>" in chunk or b":is>" in chunk:
                    found += len(_PREFIXED_VALUE_END.findall(chunk))
                if found > limit:
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # a damaged part is the reader's to report
    return False


def check_width(rows: list[list[object]], file_name: str, sheet: str) -> None:
    """Refuse a parsed sheet with more used columns than a ledger could have."""
    widest = max(map(len, rows), default=0)  # map: no Python frame per row
    if widest > MAX_COLUMNS:
        raise ImportRejected(
            "too_many_columns", file_name, sheet=sheet, params={"columns": widest, "max_columns": MAX_COLUMNS}
        )


def cut_long_text(rows: list[list[object]], sheet: str) -> list[Issue]:
    """Cut text cells longer than MAX_TEXT in place; one warning per cut cell (sheet, row, column letter)."""
    issues: list[Issue] = []
    # One pass at C speed first: length_hint is a text's length and 0 for numbers, dates and None (no other cell
    # type has a length), so a sheet without a long text (every real one) skips the per-cell loop below.
    if max(map(length_hint, chain.from_iterable(rows)), default=0) <= MAX_TEXT:
        return issues
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > MAX_TEXT:
                row[c] = cell[:MAX_TEXT]
                issues.append(
                    Issue("text_cut", sheet, r, column_letter(c), "warning", {"length": len(cell), "kept": MAX_TEXT})
                )
    return issues


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_MAX_FORMULA_SCAN = 64 * 1024 * 1024


def formulas_without_values(data: bytes, sheet_parts: dict[str, str]) -> list[Issue]:
    """Formula cells of an .xlsx that carry no stored result (the reader sees them empty): one warning each.

    `sheet_parts` maps a worksheet part's file name to the sheet's name. Parts larger than 64 MB unpacked are
    not scanned (the bloated-sheet note covers them).
    """
    issues: list[Issue] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return issues
    for info in archive.infolist():
        sheet = sheet_parts.get(posixpath.basename(info.filename))
        if sheet is None or info.file_size > _MAX_FORMULA_SCAN or not info.filename.startswith("xl/worksheets/"):
            continue
        try:
            xml = archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            continue
        if b"<f" not in xml:
            continue
        for cell in _CELL.finditer(xml):
            body = cell.group(2) or b""
            if b"<f" not in body or re.search(rb"<v>[^<]+</v>", body):
                continue
            ref = _REF.search(cell.group(1))
            if ref:
                formula = re.search(rb"<f[^>]*>(.*?)</f>", body, re.S)
                text = formula.group(1).decode("utf-8", "replace")[:80] if formula else ""
                issues.append(
                    Issue("formula_without_value", sheet, int(ref.group(2)), ref.group(1).decode(), "warning",
                          {"formula": text})
                )  # fmt: skip
    return issues
