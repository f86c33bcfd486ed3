"""Read an upload's sheets into grids of raw cell values (python-calamine for workbooks, csv for text)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import python_calamine
from charset_normalizer import from_bytes

from analytics.ingest.errors import ImportRejected

Cell = object
# A sheet of formatted but empty rows ends the grid here; a real ledger never has that many blanks in a row.
MAX_BLANK_RUN = 2000


@dataclass
class SheetGrid:
    """One sheet's cells; rows[i] is the spreadsheet's row i + 1 (1-based, as the analyst sees it)."""

    name: str
    rows: list[list[Cell]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _trim_blank_tail(rows: list[list[Cell]]) -> tuple[list[list[Cell]], int]:
    """Drop trailing empty rows; return the rows and how many were dropped."""
    end = len(rows)
    while end and not any(c not in (None, "") for c in rows[end - 1]):
        end -= 1
    return rows[:end], len(rows) - end


def _read_sheet(sheet: python_calamine.CalamineSheet) -> tuple[list[list[Cell]], int]:
    """Read rows from A1 (so row numbers are the analyst's), stopping at a long run of blank rows."""
    if sheet.start is None or sheet.height == 0:
        return [], 0  # calamine cannot iterate a sheet with no cells at all
    rows: list[list[Cell]] = []
    blank_run = 0
    skipped = 0
    for row in sheet.iter_rows():
        if any(c not in (None, "") for c in row):
            blank_run = 0
        else:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                skipped = sheet.height - len(rows)
                break
        rows.append(row)
    rows, trimmed = _trim_blank_tail(rows)
    offset_rows, offset_cols = sheet.start or (0, 0)
    if offset_rows or offset_cols:
        width = max((len(r) for r in rows), default=0) + offset_cols
        rows = [[None] * width for _ in range(offset_rows)] + [[None] * offset_cols + r for r in rows]
    return rows, skipped + trimmed


def read_workbook(data: bytes, file_name: str) -> list[SheetGrid]:
    """Read every sheet of an .xlsx/.xlsm/.xls/.ods workbook."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise ImportRejected(file_name, "工作簿设有密码，请取消密码后重新上传") from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise ImportRejected(file_name, f"文件已损坏或格式不正确，无法读取（{exc}）") from None
    grids = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows, skipped = _read_sheet(sheet)
                merged = sheet.merged_cell_ranges or []
            except Exception as exc:
                raise ImportRejected(file_name, f"工作表无法读取（{exc}）", sheet=meta.name) from None
            grid = SheetGrid(meta.name, rows, list(merged))
            if skipped > MAX_BLANK_RUN:
                grid.notes.append(f"工作表末尾有 {skipped} 行空白（仅有格式）的行，已忽略")
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                grid.notes.append("这是隐藏工作表，仍按普通工作表读取")
            grids.append(grid)
    return grids


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode CSV bytes: BOM, then UTF-8, then GB18030 (a superset of GBK), then a detector."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data).best()
    if guess is None:
        raise ImportRejected(file_name, "无法识别 CSV 文件的文字编码（已尝试 UTF-8、GBK/GB18030）")
    return str(guess), guess.encoding


def read_csv(data: bytes, file_name: str) -> tuple[list[SheetGrid], str]:
    """Read a CSV export as a single sheet; returns the grid and the encoding found."""
    text, encoding = decode_text(data, file_name)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[Cell]] = [
        [c if c != "" else None for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    rows, _ = _trim_blank_tail(rows)
    name = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return [SheetGrid(name, rows)], encoding
