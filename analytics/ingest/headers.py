"""Find the header row(s) of a sheet and map its columns onto canonical fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import unit_multiplier
from analytics.vocabulary import Vocabulary, header_key, to_simplified

SCAN_ROWS = 30  # headers sit under at most a few title lines; look no further than this
_AS_OF = re.compile(r"(?:截至|截止|截止到|截至到|至)\s*(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*(?:[月.\-/]\s*(\d{1,2}))?")


@dataclass
class Column:
    """One column of the sheet: its position, its label as shown, and what it means."""

    index: int
    label: str
    field: str | None  # canonical field, or None for an extra column
    unit_wan: float | None = None  # unit stated in the header, as a multiplier into 万元


@dataclass
class Header:
    """Where a sheet's table starts and what its columns mean."""

    first_row: int  # 0-based index of the first header row
    n_rows: int  # 1 or 2 header rows
    columns: list[Column]
    title_lines: list[str] = field(default_factory=list)
    title_unit_wan: float | None = None
    title_as_of: date | None = None

    @property
    def data_start(self) -> int:
        return self.first_row + self.n_rows

    def field_columns(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field}


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _fill_merged_right(grid: SheetGrid, row_index: int, row: list[str]) -> list[str]:
    """Spread a merged group label (e.g. 项目进度) over every column its merged range covers."""
    filled = list(row)
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 <= row_index <= r1 and c0 < len(filled) and filled[c0]:
            for c in range(c0 + 1, min(c1 + 1, len(filled))):
                filled[c] = filled[c] or filled[c0]
    return filled


def _labels(grid: SheetGrid, first: int, n_rows: int, width: int) -> list[tuple[str, str]]:
    """Per column: (label as shown, lowest non-empty header text) over n_rows header rows."""
    rows = []
    for r in range(first, first + n_rows):
        raw = [_text(c) for c in grid.rows[r]] + [""] * width
        rows.append(_fill_merged_right(grid, r, raw[:width]))
    out = []
    for c in range(width):
        parts = [row[c] for row in rows if row[c]]
        parts = list(dict.fromkeys(parts))
        out.append(("/".join(parts), parts[-1] if parts else ""))
    return out


def _match(vocab: Vocabulary, text: str) -> str | None:
    return vocab.header_to_field.get(header_key(text)) if text else None


def _score(vocab: Vocabulary, labels: list[tuple[str, str]]) -> tuple[int, bool]:
    fields = {_match(vocab, lowest) for _, lowest in labels} - {None}
    return len(fields), "project_name" in fields


def find_header(grid: SheetGrid, vocab: Vocabulary) -> Header | None:
    """Locate the header: the row (or pair of rows) whose cells match the most known field names."""
    width = max((len(r) for r in grid.rows[: SCAN_ROWS + 1]), default=0)
    best: tuple[bool, int, int, int] | None = None  # has_name, score, -n_rows, first_row
    for r in range(min(SCAN_ROWS, len(grid.rows))):
        for n_rows in (1, 2):
            if r + n_rows > len(grid.rows):
                continue
            score, has_name = _score(vocab, _labels(grid, r, n_rows, width))
            # Two rows must earn their place (a tie goes to the single row); else the first such row wins.
            candidate = (has_name, score, -n_rows, r)
            if score >= 2 and (best is None or candidate[:3] > best[:3]):
                best = candidate
    if best is None:
        return None
    first, n_rows = best[3], -best[2]
    columns = []
    for index, (label, lowest) in enumerate(_labels(grid, first, n_rows, width)):
        if not label:
            continue
        columns.append(Column(index, label, _match(vocab, lowest), unit_multiplier(to_simplified(lowest))))
    header = Header(first, n_rows, columns)
    header.title_lines = [
        " ".join(_text(c) for c in row if _text(c)) for row in grid.rows[:first] if any(_text(c) for c in row)
    ]
    for line in header.title_lines:
        simplified = to_simplified(line)
        if header.title_unit_wan is None and "单位" in simplified:
            header.title_unit_wan = unit_multiplier(simplified)
        if header.title_as_of is None:
            header.title_as_of = parse_as_of(simplified)
    return header


def parse_as_of(text: str) -> date | None:
    """Read a cut-off date from a title line such as 截至2023年12月31日 (month only: its last day)."""
    m = _AS_OF.search(to_simplified(text))
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    try:
        if m.group(3):
            return date(year, month, int(m.group(3)))
        next_month = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1)
    except ValueError:
        return None
