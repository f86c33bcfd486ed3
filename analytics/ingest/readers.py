"""Read an upload's sheets into grids of raw cell values (python-calamine for workbooks, csv for text)."""

from __future__ import annotations

import contextlib
import csv
import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import python_calamine
from charset_normalizer import from_bytes

from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.limits import (
    check_declared,
    check_filled,
    check_filled_count,
    check_width,
    cut_long_text,
    formulas_without_values,
)

Cell = object
# A sheet of formatted but empty rows ends the grid here; a real ledger never has that many blanks in a row.
MAX_BLANK_RUN = 2000
# A worksheet part this large that yields few rows is mostly formatted empty rows: worth telling the analyst.
_BLOATED_SHEET_BYTES = 5 * 1024 * 1024
_CSV_DELIMITERS = (",", "\t", ";", "|")


@dataclass
class SheetGrid:
    """One sheet's cells; rows[i] is the spreadsheet's row i + 1 (1-based, as the analyst sees it)."""

    name: str
    rows: list[list[Cell]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)  # about the sheet as a whole (hidden, bloated)


def _blank(row: list[Cell]) -> bool:
    # A plain loop: run on every row of a sheet, where any() over a generator costs four times as much.
    for c in row:  # noqa: SIM110
        if c is not None and (not isinstance(c, str) or c.strip()):
            return False
    return True


def _trim_blank_tail(rows: list[list[Cell]]) -> tuple[list[list[Cell]], int]:
    """Drop trailing empty rows; return the rows and how many were dropped."""
    end = len(rows)
    while end and _blank(rows[end - 1]):
        end -= 1
    return rows[:end], len(rows) - end


def _read_sheet(sheet: python_calamine.CalamineSheet) -> tuple[list[list[Cell]], int]:
    """Read rows from A1 (so row numbers are the analyst's), stopping at a long run of blank rows."""
    if sheet.start is None or sheet.height == 0:
        return [], 0  # calamine cannot iterate a sheet with no cells at all
    rows: list[list[Cell]] = []
    blank_run = 0
    stopped_early = False
    for row in sheet.iter_rows():
        # Most rows start with a value (a 序号): told here without a call per row.
        first = row[0] if row else None
        if (first is None or (isinstance(first, str) and not first.strip())) and _blank(row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                stopped_early = True
                break
        else:
            blank_run = 0
        rows.append(row)
    (first_row, first_col), (last_row, _) = sheet.start, sheet.end
    # python-calamine 0.5 yields rows from row 1 but columns only from the first used column; should a
    # version yield only the used rows (height of them), pad those too so row numbers stay the analyst's.
    if not stopped_early and first_row and len(rows) == sheet.height != last_row + 1:
        rows = [[] for _ in range(first_row)] + rows
    skipped = last_row + 1 - len(rows)
    rows, trimmed = _trim_blank_tail(rows)
    if first_col:
        rows = [[None] * first_col + list(r) for r in rows]
    return rows, skipped + trimmed


def _sheet_parts(data: bytes) -> dict[str, zipfile.ZipInfo]:
    """Each .xlsx worksheet's part by sheet name (from the workbook's relationships; nothing inflated)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', rel), re.search(r'\bTarget="([^"]+)"', rel)
        if rid and target:
            path = target.group(1)
            targets[rid.group(1)] = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
    parts = {info.filename: info for info in archive.infolist()}
    out = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]+)"', tag)
        if name and rid and targets.get(rid.group(1)) in parts:
            out[_xml_unescape(name.group(1))] = parts[targets[rid.group(1)]]
    return out


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def read_workbook(data: bytes, file_name: str) -> list[SheetGrid]:
    """Read every sheet of an .xlsx/.xlsm/.xls/.ods workbook (absurd shapes refused before reading)."""
    parts = _sheet_parts(data) if data.startswith(b"PK") else {}
    if data.startswith(b"PK"):
        check_declared(data, file_name)
        check_filled(data, file_name, parts)
    if not parts:  # not an .xlsx: no worksheet part to look for formulas in
        return [_grid(read, parts, []) for read in _read_sheets(data, file_name)]
    # The formula check inflates each worksheet part a second time. zlib lets go of the GIL while it inflates, so on
    # a thread that work overlaps calamine's own read of the sheets (a tenth of a 100,000-row read, off the clock).
    with ThreadPoolExecutor(1) as pool:
        formulas = pool.submit(
            formulas_without_values, data, {posixpath.basename(p.filename): n for n, p in parts.items()}
        )
        reads = _read_sheets(data, file_name)
        formula_notes = formulas.result()
    return [_grid(read, parts, formula_notes) for read in reads]


@dataclass
class _SheetRead:
    """One worksheet as calamine read it, before its notes are gathered."""

    meta: python_calamine.SheetMetadata
    rows: list[list[Cell]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    skipped: int  # blank rows left out at the end
    cut: list[Issue]  # texts cut to MAX_TEXT


def _read_sheets(data: bytes, file_name: str) -> list[_SheetRead]:
    """Every worksheet's cells, refusing a file or sheet calamine cannot read."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise ImportRejected("password_protected", file_name) from None
    except MemoryError:
        raise  # past the sandbox's limit: reported as too demanding, not as a damaged file
    except Exception as exc:  # calamine raises several types for damaged files
        raise ImportRejected("unreadable_workbook", file_name, params={"detail": str(exc)}) from None
    reads = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows, skipped = _read_sheet(sheet)
                merged = sheet.merged_cell_ranges or []
            except MemoryError:
                raise
            except Exception as exc:
                raise ImportRejected(
                    "unreadable_sheet", file_name, sheet=meta.name, params={"detail": str(exc)}
                ) from None
            check_width(rows, file_name, meta.name)
            reads.append(_SheetRead(meta, rows, list(merged), skipped, cut_long_text(rows, meta.name)))
    return reads


def _grid(read: _SheetRead, parts: dict[str, zipfile.ZipInfo], formula_notes: list[Issue]) -> SheetGrid:
    """A sheet's grid with its notes: texts cut, formulas without values, a blank or bloated tail, hidden."""
    meta, rows = read.meta, read.rows
    grid = SheetGrid(meta.name, rows, read.merged)
    grid.notes += read.cut
    grid.notes += [i for i in formula_notes if i.sheet == meta.name]
    part = parts[meta.name].file_size if meta.name in parts else 0
    if read.skipped > MAX_BLANK_RUN:
        grid.notes.append(Issue("blank_tail_ignored", meta.name, None, None, "warning", {"rows": read.skipped}))
    elif part > _BLOATED_SHEET_BYTES and part > 20_000 * max(len(rows), 1):
        grid.notes.append(
            Issue("bloated_sheet", meta.name, None, None, "warning",
                  {"size_mb": round(part / 1024 / 1024), "rows": len(rows)})
        )  # fmt: skip
    if meta.visible != python_calamine.SheetVisibleEnum.Visible:
        grid.notes.append(Issue("hidden_sheet", meta.name, None, None, "warning"))
    return grid


def candidate_decodings(data: bytes) -> Iterator[tuple[str, str, bool]]:
    """Plausible (text, encoding, lossy) readings of CSV bytes, most likely first, each made only when asked for.

    A byte-order mark settles it; valid UTF-8 is never an accident; GB18030 (a superset of GBK) and Big5
    both accept almost any bytes, so the caller takes the first reading in which a ledger header appears.
    Then a detector's guess, and last a lossy reading (a download cut inside a character).
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                yield data.decode(encoding), encoding, False
                return
    tried = set()
    for encoding in ("utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be"):
        if encoding.startswith("utf-16") and (len(data) % 2 or b"\x00" not in data[:200]):
            continue  # BOM-less UTF-16 is only worth trying when it has the NULs of ASCII in it
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        tried.add(encoding)
        yield text, encoding, False
        if encoding == "utf-8":
            return
    guess = from_bytes(data[:200_000]).best()
    if guess is not None and guess.encoding not in tried:
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            yield data.decode(guess.encoding), guess.encoding, False
    lossy = [data.decode(encoding, errors="replace") for encoding in ("utf-8", "gb18030")]
    for text, encoding in sorted(zip(lossy, ("utf-8", "gb18030"), strict=True), key=lambda p: p[0].count("\ufffd")):
        yield text, encoding, True


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of the same (>1) width."""
    sample = text[:50_000].splitlines()[:60]
    best, best_score = ",", 0
    for delimiter in _CSV_DELIMITERS:
        widths = Counter(len(r) for r in csv.reader(sample, delimiter=delimiter) if len(r) > 1)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if count * 1000 + width > best_score:
            best, best_score = delimiter, count * 1000 + width
    return best


def text_grid(text: str, file_name: str) -> SheetGrid:
    """A decoded CSV text as one sheet named after the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    rows: list[list[Cell]] = []
    filled = 0
    for row in reader:
        cells = [c if c.strip() else None for c in row]
        filled += len(cells) - cells.count(None)
        check_filled_count(filled, file_name, name)  # a million rows are refused as they are read, not held
        rows.append(cells)
    rows, _ = _trim_blank_tail(rows)
    check_width(rows, file_name, name)
    return SheetGrid(name, rows, notes=cut_long_text(rows, name))
