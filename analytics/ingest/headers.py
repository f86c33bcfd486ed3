"""Find the header row(s) of a sheet and map its columns onto canonical fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import foreign_unit, unit_multiplier
from analytics.vocabulary import Vocabulary, header_key, to_simplified

SCAN_ROWS = 30  # headers sit under at most a few title lines; look no further than this
_AS_OF = re.compile(
    r"(?:截至|截止|截止到|截至到|至)(?:日期|时间)?\s*[:：]?\s*(\d{4})\s*"
    r"(?:年\s*(底|末)|[年.\-/]\s*(\d{1,2})\s*(?:[月.\-/]\s*(\d{1,2}))?)"
)
# A title line that is only a bracketed unit, or ends with one: "（万元）", "台账（单位：亿元）".
_BRACKETED_UNIT = re.compile(r"[（(【\[]\s*(?:金额)?(?:单位)?\s*[:：]?\s*(?:人民币)?(?:亿|万|千万|百万)?元\s*[）)】\]]")
_BRACKETED_FOREIGN = re.compile(r"[（(【\[]\s*(?:亿|万|千万|百万)?(?:美元|港元|港币|欧元|日元|英镑)\s*[）)】\]]")
# Texts that are only a unit, as a row of units under a header holds them.
_UNIT_WORDS = re.compile(
    r"(?:金额)?单位|(?:金额)?(?:单位)?(?:人民币)?(?:亿|万|千万|百万)?元|万?(?:亩|平方米|㎡|m²|吨|人|个|户)|%|年|月|日|天"
)
# Group labels over per-stage columns whose sub-labels are bare stage names (签约 | 动工 | 投产).
_DATE_GROUP_WORDS = ("进度", "时间", "日期", "节点", "进展")


@dataclass
class Column:
    """One column of the sheet: its position, its label as shown, and what it means."""

    index: int
    label: str
    field: str | None  # canonical field, or None for an extra column
    unit_wan: float | None = None  # unit stated in the header, as a multiplier into 万元
    foreign: tuple[str, float] | None = None  # a foreign-currency unit in the header: (currency, magnitude)


@dataclass
class Header:
    """Where a sheet's table starts and what its columns mean."""

    first_row: int  # 0-based index of the first header row
    n_rows: int  # 1 or 2 header rows
    columns: list[Column]
    title_lines: list[str] = field(default_factory=list)
    title_unit_wan: float | None = None
    title_foreign: tuple[str, float] | None = None  # 金额单位：万美元 in a title or side cell
    title_as_of: date | None = None

    @property
    def data_start(self) -> int:
        return self.first_row + self.n_rows

    def field_columns(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field}


@dataclass(frozen=True)
class _Label:
    """One column's header text over one or two rows."""

    parts: tuple[str, ...]  # distinct non-empty texts, top to bottom

    @property
    def shown(self) -> str:
        return "/".join(self.parts)

    @property
    def named(self) -> tuple[str, ...]:
        """Parts that say something once units are removed ("（万元）" alone says nothing)."""
        return tuple(p for p in self.parts if not _unit_only(p))


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


def _row_texts(grid: SheetGrid, r: int, width: int) -> list[str]:
    raw = [_text(c) for c in grid.rows[r][:width]]
    return _fill_merged_right(grid, r, raw + [""] * (width - len(raw)))


def _labels(grid: SheetGrid, first: int, n_rows: int, width: int) -> list[_Label]:
    rows = [_row_texts(grid, r, width) for r in range(first, first + n_rows)]
    if n_rows == 2:
        # Without merges (a CSV), a group label sits above its first sub-column only: carry it right
        # while sub-labels continue under empty cells.
        upper, lower = rows
        for c in range(1, width):
            if not upper[c] and lower[c] and upper[c - 1] and lower[c - 1]:
                upper[c] = upper[c - 1]
    return [_Label(tuple(dict.fromkeys(row[c] for row in rows if row[c]))) for c in range(width)]


def _match(vocab: Vocabulary, text: str) -> str | None:
    return vocab.header_field(text) if text else None


def _field_of(vocab: Vocabulary, label: _Label) -> str | None:
    """The field a column's label means: its lowest named part (or its group's, when that part only says
    "name": 单位名称 under 挂钩责任单位), else a stage under a date group."""
    named = label.named
    if not named:
        return None
    if len(named) >= 2 and header_key(named[-1]) in vocab.generic_sub_labels:
        return _match(vocab, named[-2])
    found = _match(vocab, named[-1])
    if found or len(named) < 2:
        return found
    # 项目进度 over 签约 | 动工 | 投产: each sub-column holds that stage's date.
    stage = vocab.stages.get(header_key(named[-1]).upper())
    group = header_key(named[-2])
    if stage and any(word in group for word in _DATE_GROUP_WORDS) and f"{stage}_date" in vocab.date_fields:
        return f"{stage}_date"
    return None


def _unit_of(label: _Label) -> float | None:
    """The unit a column's header states, the lowest row first (亿元 -> 10000), as a multiplier into 万元."""
    for part in reversed(label.parts):
        unit = unit_multiplier(to_simplified(part))
        if unit is not None:
            return unit
    return None


def _foreign_of(label: _Label) -> tuple[str, float] | None:
    """A foreign-currency unit a column's header states (投资总额（万美元）)."""
    for part in reversed(label.parts):
        found = foreign_unit(to_simplified(part))
        if found is not None:
            return found
    return None


def _score(vocab: Vocabulary, labels: list[_Label]) -> tuple[int, bool]:
    fields = {_field_of(vocab, label) for label in labels} - {None}
    return len(fields), "project_name" in fields


def _unit_only(text: str) -> bool:
    """A header text that is nothing but a unit: "（万元）", "亿元", "单位：万元"."""
    key = header_key(text)
    return not key or bool(_UNIT_WORDS.fullmatch(key))


def _only_units(texts: list[str]) -> bool:
    """A row under the header that holds nothing but units."""
    filled = [t for t in texts if t]
    return bool(filled) and all(_unit_only(t) for t in filled)


def _names_alone(vocab: Vocabulary, labels: list[_Label], below: list[list[object]]) -> bool:
    """A header of 项目名称 and only columns we do not know is still a ledger's (a bare 项目 is too vague),
    unless the rows below it start with field names too: that is a form (项目名称 | X, 投资方 | Y), not a table."""
    named = [label for label in labels if label.parts]
    names = [
        i for i, label in enumerate(labels)
        if _field_of(vocab, label) == "project_name" and header_key(label.named[-1]) != "项目"
    ]  # fmt: skip
    if len(named) < 2 or not names:
        return False
    under = [_text(row[names[0]]) for row in below if len(row) > names[0]]
    return not any(_match(vocab, text) for text in under)


def find_header(grid: SheetGrid, vocab: Vocabulary) -> Header | None:
    """Locate the header: the row (or pair of rows) whose cells match the most known field names."""
    width = max((len(r) for r in grid.rows[: SCAN_ROWS + 2]), default=0)
    best: tuple[bool, int, int, int] | None = None  # has_name, score, rank of n_rows, first_row
    for r in range(min(SCAN_ROWS, len(grid.rows))):
        for n_rows in (1, 2):
            if r + n_rows > len(grid.rows):
                continue
            labels = _labels(grid, r, n_rows, width)
            score, has_name = _score(vocab, labels)
            # Two rows must earn their place (a tie goes to the single row, unless the second row is
            # only units); else the first such row wins.
            rank = -n_rows
            if n_rows == 2 and _only_units(_row_texts(grid, r + 1, width)):
                rank = 0
            candidate = (has_name, score, rank, r)
            if (score >= 2 or _names_alone(vocab, labels, grid.rows[r + n_rows : r + n_rows + 5])) and (
                best is None or candidate[:3] > best[:3]
            ):
                best = candidate
    if best is None:
        return None
    first = best[3]
    n_rows = 1 if best[2] == -1 else 2
    if n_rows == 1 and _sub_header_below(grid, vocab, first, width):
        n_rows = 2
    columns = [
        Column(index, label.shown, _field_of(vocab, label), _unit_of(label), _foreign_of(label))
        for index, label in enumerate(_labels(grid, first, n_rows, width))
        if label.parts
    ]
    header = Header(first, n_rows, columns)
    header.title_lines = [
        " ".join(_text(c) for c in row if _text(c)) for row in grid.rows[:first] if any(_text(c) for c in row)
    ]
    header.title_unit_wan = title_unit(header.title_lines)
    header.title_foreign = title_foreign(header.title_lines)
    header.title_as_of = next(filter(None, map(parse_as_of, header.title_lines)), None)
    return header


def _sub_header_below(grid: SheetGrid, vocab: Vocabulary, first: int, width: int) -> bool:
    """Whether the row under a one-row header holds its sub-headers (业主名称 | 负责人 under 项目业主单位):
    texts only, none under the name column, and each under a header cell that spreads over several
    columns or is blank, or beside header cells merged down into it."""
    if first + 1 >= len(grid.rows):
        return False
    below = [grid.rows[first + 1][c] if c < len(grid.rows[first + 1]) else None for c in range(width)]
    filled = [c for c, v in enumerate(below) if _text(v)]
    if not filled or any(not isinstance(below[c], str) for c in filled):
        return False
    top = _row_texts(grid, first, width)
    if any(_match(vocab, top[c]) == "project_name" for c in filled):
        return False
    raw_top = [_text(c) for c in grid.rows[first][:width]] + [""] * width
    spread = {c for (r0, c0), (r1, c1) in grid.merged if r0 <= first <= r1 and c1 > c0 for c in range(c0, c1 + 1)}
    merged_down = any(r0 == first and r1 > first for (r0, _), (r1, _) in grid.merged)
    under_group = all(c in spread or not raw_top[c] for c in filled)
    return under_group and (merged_down or any(not raw_top[c] for c in filled))


def title_unit(lines: list[str]) -> float | None:
    """The amount unit a title line states (单位：万元, 金额单位：亿元, （万元）) as a multiplier into 万元."""
    for line in lines:
        simplified = to_simplified(line)
        if "单位" in simplified:
            unit = unit_multiplier(simplified)
            if unit is not None:
                return unit
        bracketed = _BRACKETED_UNIT.search(simplified.replace(" ", ""))
        if bracketed:
            return unit_multiplier(bracketed.group(0))
    return None


def title_foreign(lines: list[str]) -> tuple[str, float] | None:
    """A foreign-currency unit a title line or side cell states (金额单位:万美元, （万港元）)."""
    for line in lines:
        simplified = to_simplified(line)
        if "单位" in simplified or _BRACKETED_FOREIGN.search(simplified.replace(" ", "")):
            found = foreign_unit(simplified)
            if found is not None:
                return found
    return None


def parse_as_of(text: str) -> date | None:
    """Read a cut-off date from a title line such as 截至2023年12月31日 (month only or 年底: its last day)."""
    m = _AS_OF.search(to_simplified(text))
    if not m:
        return None
    year = int(m.group(1))
    month = 12 if m.group(2) else int(m.group(3))
    try:
        if m.group(4):
            return date(year, month, int(m.group(4)))
        next_month = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1)
    except ValueError:
        return None
