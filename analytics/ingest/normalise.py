"""Turn one sheet's grid into canonical project rows, column by column (vectorised), with issues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from analytics.domain import LADDER
from analytics.ingest.errors import Issue
from analytics.ingest.headers import Column, Header, parse_as_of, title_unit
from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import normalise_text, parse_amount, parse_date, parse_flag, parse_text
from analytics.vocabulary import Vocabulary, header_key, lookup, lookup_stage, to_traditional

# Fields where "无" is a real answer (no problems, no notes), so an empty placeholder is not worth a warning.
_FREE_TEXT = ("problems", "measures", "notes", "introduced_by")
_TEXT_FIELDS = ("project_name", "investor", "source_region", "department", *_FREE_TEXT)
# Fields whose value a vertically merged cell gives to every row it covers (an industry merged over a group).
_GROUP_FIELDS = ("industry", "stage", "project_type", "department", "source_region", "channel", "is_key")
_DATE_STAGE = {
    "signed_date": "signed",
    "landed_date": "landed",
    "construction_date": "construction",
    "production_date": "production",
}
_RANK = {stage: i for i, stage in enumerate(LADDER)}
_AMOUNT_COLUMN = {"investment": "investment_wan", "invested_to_date": "invested_wan", "fund_investment": "fund_wan"}
# "一、", "（二）", "(3)", "4.", "第一类" ...: how a section title (not a project) starts.
_ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、]|第[一二三四五六七八九十]+)"
)
_CHINESE_ORDINAL = r"[（(]?[一二三四五六七八九十]+[)）、.．]?"
_AMOUNT_LIKE = r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:亿|万|萬|億)?元?"
_SECTION_SUFFIX = re.compile(r"(?:产业|行业|类|板块|领域)?(?:项目)?$")
_MARKER_MAX_LEN = 12  # a totals/footnote label is short; a long text that starts with 合计 is something else
_STAGE_ZH = {"negotiating": "洽谈", "signed": "签约", "landed": "落地", "construction": "动工", "production": "投产"}

PROJECT_COLUMNS = [
    "project_name", "investor", "industry", "industry_raw", "investment_wan", "invested_wan",
    "stage", "stage_raw", "project_type", "project_type_raw", "source_region", "department", "is_key",
    "signed_date", "landed_date", "construction_date", "production_date", "problems", "measures", "notes",
    "channel", "channel_raw", "introduced_by", "fund_wan", "source_sheet", "source_row", "extra",
    "planned_landed_date", "planned_construction_date", "planned_production_date",
]  # fmt: skip
PLANNED_DATES = ("planned_landed_date", "planned_construction_date", "planned_production_date")


@dataclass
class SheetResult:
    """Canonical rows of one sheet, the issues found, and how many data rows were read and rejected."""

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    footnotes: list[str] = field(default_factory=list)  # texts of the footnote and section rows


@dataclass
class SheetContext:
    """Facts about a sheet that stand in for a missing column (sheet per industry / per stage)."""

    name: str
    industry: str | None = None
    stage: str | None = None
    unit_wan: float | None = None
    industry_raw: str | None = None  # the text the industry came from (the sheet's name)


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _raw_frame(grid: SheetGrid, header: Header) -> pd.DataFrame:
    """The data rows below the header as an object frame, one column per sheet column."""
    body = grid.rows[header.data_start :]
    width = max([c.index + 1 for c in header.columns] + [len(row) for row in body])
    padded = [list(row) + [None] * (width - len(row)) for row in body]
    frame = (
        pd.DataFrame(padded, columns=range(width), dtype=object)
        if padded
        else pd.DataFrame(columns=range(width), dtype=object)
    )
    frame.index = np.arange(header.data_start + 1, header.data_start + 1 + len(frame))  # spreadsheet rows
    return frame


def _fill_merged_down(raw: pd.DataFrame, grid: SheetGrid, header: Header) -> None:
    """Give a vertically merged group cell (an industry over several projects) to every row it covers."""
    group_cols = {c.index for c in header.columns if c.field in _GROUP_FIELDS}
    for (r0, c0), (r1, c1) in grid.merged:
        if r1 > r0 and c0 == c1 and c0 in group_cols and r0 >= header.data_start and r0 + 1 in raw.index:
            raw.loc[r0 + 2 : r1 + 1, c0] = raw.at[r0 + 1, c0]  # index is 1-based spreadsheet rows


def _continuation_rows(grid: SheetGrid, header: Header) -> set[int]:
    """Spreadsheet rows under the top of a vertically merged project name: a project's second line."""
    name = header.field_columns().get("project_name")
    if name is None:
        return set()
    return {
        r + 1
        for (r0, c0), (r1, c1) in grid.merged
        if c0 <= name.index <= c1 and r0 >= header.data_start
        for r in range(r0 + 1, r1 + 1)
    }


def _extra_columns(raw: pd.DataFrame, header: Header, vocab: Vocabulary) -> list[Column]:
    """Columns kept per row as JSON: unmapped headers, and unlabelled columns that hold data."""
    labelled = {c.index for c in header.columns}
    kept = [c for c in header.columns if c.field is None and header_key(c.label) not in vocab.ignored_headers]
    for index in raw.columns:
        if index not in labelled and raw[index].map(lambda v: v is not None and str(v).strip() != "").any():
            kept.append(Column(index, f"{column_letter(index)}列（无表头）", None))
    return sorted(kept, key=lambda c: c.index)


_NUMBER_LIKE = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?|\d{4}-\d{2}-\d{2}(?: 00:00:00)?")
# header_key of every distinct text seen while classifying one sheet. A sheet's texts are reused across
# the checks below (totals, footnotes, repeated headers, titles), and a 100,000-row sheet holds about as
# many distinct names: computing each once instead of once per check is most of the classifying time.
_KeyMemo = dict[str, str]


def _keys(texts: pd.Series, memo: _KeyMemo) -> pd.Series:
    """header_key of each text, computed once per distinct text; '' for empty cells and plain numbers."""
    for u in texts.dropna().unique():
        if u not in memo:
            memo[u] = "" if _NUMBER_LIKE.fullmatch(u) else header_key(u)
    # astype(str) first: pandas 3 keeps missing values missing in str, and an all-empty column maps to float.
    return texts.map(memo).astype(str).fillna("")


def _marker_hit(texts: pd.Series, markers: tuple[str, ...], memo: _KeyMemo) -> pd.Series:
    """Cells that read as a totals label: 合计, 小计（3个）, 灯饰照明小计, 其中：签约项目."""
    keys = _keys(texts, memo)
    long_markers = tuple(m for m in markers if len(m) > 1)
    short = keys.str.len() <= _MARKER_MAX_LEN
    return keys.isin(markers) | (short & (keys.str.startswith(long_markers) | keys.str.endswith(long_markers)))


def to_footnote_key(text: str) -> str:
    """The label before a colon in a footnote line (备注：…, 填表人：…, 注1：…), else ''."""
    for sep in ("：", ":"):
        if sep in text:
            return re.sub(r"[0-9①-⑩]+$", "", header_key(text.split(sep, 1)[0]))
    return ""


def _title_like(text: str, vocab: Vocabulary) -> bool:
    """A text in the name column that reads as a section title (一、…, 灯饰照明产业, 在谈项目, 其他类)."""
    key = _SECTION_SUFFIX.sub("", header_key(text).upper())
    return bool(_ENUMERATED.match(text)) or key in vocab.industries or key in vocab.stages or key in ("其他", "其它")


@dataclass
class _Rows:
    """What each data row is, and what the section titles above the projects say."""

    kind: pd.Series  # project / blank / total / footnote / header / section / continuation
    first_text: pd.Series  # the row's first non-empty text
    section_industry: pd.Series
    section_stage: pd.Series
    section_title: pd.Series  # the title an industry came from, kept as the industry's original text


def _per_text(texts: pd.Series, test) -> pd.Series:  # noqa: ANN001
    """A boolean test applied once per distinct non-empty text (False for empty cells)."""
    uniques = texts.dropna().unique()
    found = dict(zip(uniques, map(test, uniques), strict=True))
    return pd.Series([found.get(t, False) for t in texts], index=texts.index, dtype=bool)


def _classify_rows(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> _Rows:
    memo: _KeyMemo = {}
    text = raw.apply(normalise_text)
    filled = text.notna()
    n_filled = filled.sum(axis=1)
    kind = pd.Series("project", index=raw.index, dtype=object)
    kind[n_filled == 0] = "blank"
    first_text = text.bfill(axis=1).iloc[:, 0] if len(text.columns) else pd.Series(None, index=raw.index)
    name_col = header.field_columns().get("project_name")
    name_text = text[name_col.index] if name_col else pd.Series(None, index=raw.index, dtype=object)

    def mark(mask: pd.Series, label: str) -> None:
        kind[(kind == "project") & mask] = label

    lead_cols = sorted({*range(min(3, len(text.columns))), *([name_col.index] if name_col else [])})
    is_total = pd.Series(False, index=raw.index)
    for c in lead_cols:
        is_total |= _marker_hit(text[c], vocab.totals_markers, memo)
    mark(is_total, "total")

    # 备注：…, 填表人：… at the left, the name column empty or itself a footnote (审核人：…).
    footnote_key = first_text.fillna("").map(to_footnote_key)
    name_is_note = name_text.isna() | (name_text == first_text)
    name_is_note |= name_text.fillna("").map(to_footnote_key).isin(vocab.footnote_markers)
    mark(footnote_key.isin(vocab.footnote_markers) & ((n_filled <= 3) | name_is_note), "footnote")
    # A cut-off line under the table ("截至2023年12月31日") is a note, not a project of that name.
    cut_off = first_text.fillna("").map(lambda t: ("截至" in t or "截止" in t) and parse_as_of(t) is not None)
    mark(cut_off & (n_filled <= 2), "footnote")

    # A header repeated on every printed page: two or more cells that are field names.
    field_hits = pd.DataFrame(
        {c: _keys(text[c], memo).str.upper().map(vocab.header_to_field) for c in text.columns}, index=raw.index
    )
    maybe = field_hits.notna().sum(axis=1) >= 2  # only these rows need the (slow) row-wise count
    repeated = pd.Series(False, index=raw.index)
    repeated[maybe] = (field_hits[maybe].nunique(axis=1) >= 2).to_numpy(dtype=bool)
    mark(repeated, "header")
    if name_col is not None:
        mark(_keys(name_text, memo) == header_key(name_col.label), "header")

    # A lone text at the left ("一、灯饰照明产业", "（二）在谈项目") is a section title over the projects below.
    position = filled.to_numpy().argmax(axis=1) if len(text.columns) else np.zeros(len(raw), dtype=int)
    lone = (n_filled == 1) & first_text.fillna("").str.contains(r"[^\d\s.,\-]", regex=True)
    lone &= position <= (name_col.index if name_col else 1)
    in_name = lone & (position == (name_col.index if name_col else -1))
    lone &= ~in_name | _per_text(first_text, lambda t: _title_like(t, vocab))
    mark(lone, "section")
    # A title in the name column ("一" | "灯饰照明产业" | subtotal amounts), or a 序号 that is a Chinese
    # numeral (projects are numbered 1, 2, 3; groups 一、二、三).
    ignored = [c.index for c in header.columns if header_key(c.label) in vocab.ignored_headers]
    if name_col is not None:
        wordy = text.apply(lambda col: col.notna() & ~col.fillna("").str.fullmatch(_AMOUNT_LIKE))
        other_words = wordy.drop(columns=[name_col.index, *ignored]).sum(axis=1)
        titled = _per_text(name_text, lambda t: _title_like(t, vocab))
        numeral = pd.Series(False, index=raw.index)
        for c in ignored:
            numeral |= text[c].fillna("").str.fullmatch(_CHINESE_ORDINAL)
        mark((titled | numeral) & (other_words == 0), "section")

    mark(pd.Series(raw.index.isin(list(_continuation_rows(grid, header))), index=raw.index), "continuation")

    # Rows where only the 序号 column is filled are the template's empty lines.
    mark(filled.drop(columns=ignored).sum(axis=1) == 0, "blank")

    sections = name_text.where(name_text.notna(), first_text).where(kind == "section")
    industry = sections.map(lambda t: lookup(vocab.industries, t) if isinstance(t, str) else None)
    stage = sections.map(lambda t: lookup_stage(vocab.stages, t) if isinstance(t, str) else None)
    is_section = (kind == "section").to_numpy()
    # An industry title starts a new group (its stage sub-sections reset); a stage title keeps the industry;
    # a title that names neither ends both.
    industry_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    title_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    stage_at = np.full(len(raw), _AS_ABOVE, dtype=object)
    for i in np.flatnonzero(is_section):
        industry_key, stage_key = industry.iloc[i], stage.iloc[i]
        if industry_key or not stage_key:
            industry_at[i] = industry_key
            title_at[i] = sections.iloc[i]
        stage_at[i] = stage_key
    return _Rows(
        kind,
        first_text.where(kind != "section", sections),
        _carried(industry_at, raw.index),
        _carried(stage_at, raw.index),
        _carried(title_at, raw.index),
    )


_AS_ABOVE = object()
_BLANKS = ["", " ", "\u3000", "\n", "\t"]
# Text without which a lead cell cannot make its row a footnote, cut-off line or numbered title; the totals
# markers of the vocabulary (in both scripts) are added to it.
_SUSPECT_TEXT = (
    r"[：:]|截至|截止|^[（(]?[一二三四五六七八九十]+[)）、.．]|^第[一二三四五六七八九十]|^[0-9]+、|^[（(][0-9]+[)）]"
)


@cache
def _suspect_pattern(markers: tuple[str, ...]) -> re.Pattern:
    both = sorted({*markers, *(to_traditional(m) for m in markers)}, key=len, reverse=True)
    return re.compile("|".join([*map(re.escape, both), _SUSPECT_TEXT]))


_SHORT_NAME = 12  # a section title in the name column is short ("灯饰照明产业"); a project name seldom is


def _suspect_rows(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> pd.Series:
    """Rows that might not be projects, found with cheap vectorised tests; only these are classified in full.

    Classifying needs every cell as text and several vocabulary look-ups per distinct text; on a
    100,000-row export that is most of the import time, while almost every row is a plain project.
    """
    filled = raw.notna() & ~raw.isin(_BLANKS)
    n_filled = filled.sum(axis=1)
    suspect = n_filled <= 3
    name_col = header.field_columns().get("project_name")
    lead = sorted({*range(min(3, len(raw.columns))), *([name_col.index] if name_col else [])})
    labels = {c.index: c.label for c in header.columns}
    for c in lead:
        texts = raw[c].where(filled[c] & raw[c].map(type).eq(str), "")
        suspect |= texts.str.contains(_suspect_pattern(vocab.totals_markers))
        suspect |= texts.eq(labels.get(c, "\0"))
        if name_col is not None and c == name_col.index:
            suspect |= texts.str.len().between(1, _SHORT_NAME)
    suspect |= raw.index.isin(list(_continuation_rows(grid, header)))
    return suspect


def _classify(raw: pd.DataFrame, header: Header, vocab: Vocabulary, grid: SheetGrid) -> _Rows:
    """Classify every row: plain project rows are recognised cheaply, the rest in full."""
    suspects = _suspect_rows(raw, header, vocab, grid)
    index = raw.index
    if not suspects.any():
        none = pd.Series(None, index=index, dtype=object)
        return _Rows(pd.Series("project", index=index, dtype=object), none, none, none, none)
    found = _classify_rows(raw[suspects], header, vocab, grid)

    def carried(values: pd.Series) -> pd.Series:
        # Section facts hold from their row down to the next suspect row, which carries them on itself.
        out = values.reindex(index, method="ffill").astype(object)
        return out.where(index >= values.index[0], None)

    return _Rows(
        found.kind.reindex(index, fill_value="project"),
        found.first_text.reindex(index),
        carried(found.section_industry),
        carried(found.section_stage),
        carried(found.section_title),
    )


def _carried(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Section values carried down to the rows below them (_AS_ABOVE cells take the value above)."""
    carried, current = [], None
    for value in values:
        current = current if value is _AS_ABOVE else value
        carried.append(current)
    return pd.Series(carried, index=index, dtype=object)


_SKIP_LABELS = {
    "total": "合计/小计行",
    "footnote": "脚注行",
    "header": "重复的表头行",
    "continuation": "合并单元格的续行（属于上方项目）",
}


def _warn_rows(
    issues: list[Issue], sheet: str, rows: pd.Index, column: str, severity: str, messages: pd.Series | str
) -> None:
    if isinstance(messages, str):
        issues.extend(Issue(sheet, int(r), column, severity, messages) for r in rows)
    else:
        issues.extend(Issue(sheet, int(r), column, severity, str(messages[r])) for r in rows)


def _map_values(raw_text: pd.Series, table: dict[str, str], how=lookup) -> pd.Series:  # noqa: ANN001
    """Map texts to keys via the vocabulary, computing each distinct text once."""
    uniques = raw_text.dropna().unique()
    return raw_text.map({u: how(table, u) for u in uniques}).astype(object)


def normalise_sheet(
    grid: SheetGrid, header: Header, context: SheetContext, vocab: Vocabulary, default_unit_note: list[Issue]
) -> SheetResult:
    """Canonical project rows of one sheet."""
    sheet = grid.name
    issues: list[Issue] = []
    raw = _raw_frame(grid, header)
    _fill_merged_down(raw, grid, header)
    rows_info = _classify(raw, header, vocab, grid)
    kind, first_text = rows_info.kind, rows_info.first_text
    # Lines that are not projects may still state the unit or the cut-off date (注：金额单位：万元).
    footnotes = [str(t) for t in first_text[kind.isin(["footnote", "section"])]]

    for r in kind.index[kind.isin(list(_SKIP_LABELS))]:
        issues.append(Issue(sheet, int(r), None, "info", f"{_SKIP_LABELS[kind[r]]}，已跳过：{first_text[r]}"))
    for r in kind.index[kind == "section"]:
        issues.append(Issue(sheet, int(r), None, "info", f"分组标题行，不是项目，用作下方项目的分组：{first_text[r]}"))

    rows = raw[kind == "project"]
    cols = header.field_columns()
    out = pd.DataFrame(index=rows.index)

    def column_of(field_name: str) -> pd.Series:
        col = cols.get(field_name)
        return rows[col.index] if col else pd.Series(None, index=rows.index, dtype=object)

    def label_of(field_name: str) -> str:
        col = cols.get(field_name)
        return col.label if col else field_name

    def original(field_name: str, mask: pd.Series) -> pd.Series:
        # Only the cells being reported are turned back into text: most columns have none.
        return normalise_text(column_of(field_name)[mask])

    def warn_placeholders(field_name: str, mask: pd.Series, what: str) -> None:
        if field_name in cols and mask.any():
            _warn_rows(issues, sheet, rows.index[mask], label_of(field_name), "warning",
                       f"应填写{what}，实为占位符「" + original(field_name, mask) + "」，已按空值处理")  # fmt: skip

    for name in _TEXT_FIELDS:
        parsed = parse_text(column_of(name))
        out[name] = parsed.values
        if name not in _FREE_TEXT:
            warn_placeholders(name, parsed.placeholder, "内容")

    missing_name = out["project_name"].isna()
    _warn_rows(issues, sheet, rows.index[missing_name], label_of("project_name"), "error", "缺少项目名称，该行未导入")

    sheet_unit = context.unit_wan if context.unit_wan is not None else title_unit(footnotes)
    for name, target in _AMOUNT_COLUMN.items():
        col = cols.get(name)
        unit = col.unit_wan if col and col.unit_wan is not None else sheet_unit
        if col and unit is None:
            default_unit_note.append(
                Issue(sheet, header.first_row + 1, col.label, "warning", "未注明金额单位，按万元处理")
            )
        parsed = parse_amount(column_of(name), unit or 1.0)
        out[target] = parsed.values.astype("float64")
        if col:
            warn_placeholders(name, parsed.placeholder, "金额")
            _warn_rows(issues, sheet, rows.index[parsed.invalid], col.label, "warning",
                       "无法识别的金额「" + original(name, parsed.invalid) + "」，已按空值处理")  # fmt: skip

    # Milestone dates drive the stage; planned dates only say when the next step is due.
    for name in (*_DATE_STAGE, *PLANNED_DATES):
        parsed = parse_date(column_of(name))
        out[name] = pd.to_datetime(parsed.values)
        if name in cols:
            warn_placeholders(name, parsed.placeholder, "日期")
            _warn_rows(issues, sheet, rows.index[parsed.invalid], label_of(name), "warning",
                       "无法识别的日期「" + original(name, parsed.invalid) + "」，已按空值处理")  # fmt: skip

    flag = parse_flag(column_of("is_key"))
    out["is_key"] = flag.values.astype(bool)
    if "is_key" in cols:
        warn_placeholders("is_key", flag.placeholder, "是否重点（是/否）")
        _warn_rows(issues, sheet, rows.index[flag.invalid], label_of("is_key"), "warning",
                   "无法识别的是否重点标记「" + original("is_key", flag.invalid) + "」，按非重点处理")  # fmt: skip

    def text_of(field_name: str, what: str) -> pd.Series:
        parsed = parse_text(column_of(field_name))
        warn_placeholders(field_name, parsed.placeholder, what)
        return parsed.values

    section_industry = rows_info.section_industry.reindex(rows.index)
    section_stage = rows_info.section_stage.reindex(rows.index)
    section_title = rows_info.section_title.reindex(rows.index)
    _industry(out, text_of("industry", "所属行业"), cols, context, (section_industry, section_title), sheet,
              issues, vocab, label_of("industry"))  # fmt: skip
    _stage(out, text_of("stage", "项目进度"), context, section_stage, sheet, issues, vocab,
           label_of("stage") if "stage" in cols else None)  # fmt: skip
    _project_type(out, text_of("project_type", "项目类型"), sheet, issues, vocab, label_of("project_type"))
    _channel(out, text_of("channel", "招商方式"), sheet, issues, vocab, label_of("channel"), "channel" in cols)
    _date_order(out, sheet, issues, {name: label_of(name) for name in _DATE_STAGE})

    out["extra"] = _extras(rows, _extra_columns(raw, header, vocab))
    out["source_sheet"] = sheet
    out["source_row"] = rows.index.astype("int64")

    rejected = int(missing_name.sum())
    frame = out[~missing_name].reindex(columns=PROJECT_COLUMNS)
    return SheetResult(frame, issues, rows_read=len(rows), rows_rejected=rejected, footnotes=footnotes)


def _industry(out, raw_text, cols, context, sections, sheet, issues, vocab, label) -> None:  # noqa: ANN001
    section, section_title = sections
    mapped = _map_values(raw_text, vocab.industries)
    key = mapped.where(raw_text.isna() | mapped.notna(), "other")  # unknown text: other, original kept
    fallback = section.where(section.notna(), context.industry)
    key = key.where(key.notna(), fallback)
    if "industry" in cols:
        _warn_rows(issues, sheet, out.index[key.isna()], label, "warning", "所属行业为空，归入「其他」")
    elif context.industry is None and key.isna().any():
        issues.append(
            Issue(sheet, None, None, "info", "表中没有「所属行业」列，工作表名也不是行业，相应项目归入「其他」")
        )
    out["industry"] = key.fillna("other")
    # Original text: the cell, else the section title, else the sheet name the industry came from.
    raw = raw_text.where(raw_text.notna(), section_title)
    if context.industry_raw:
        raw = raw.where(raw.notna(), context.industry_raw)
    out["industry_raw"] = raw


def _stage(out, raw_text, context, section, sheet, issues, vocab, label) -> None:  # noqa: ANN001
    from_cell = _map_values(raw_text, vocab.stages, lookup_stage)
    unknown = raw_text.notna() & from_cell.isna()
    _warn_rows(issues, sheet, out.index[unknown], label, "warning",
               "无法识别的项目进度「" + raw_text[unknown].astype(str) + "」，按已填日期推断")  # fmt: skip
    # An empty cell takes the stage of its section title, else of its sheet (sheet per stage).
    named = from_cell.where(from_cell.notna() | unknown, section)
    named = named.where(named.notna() | unknown, context.stage)

    date_rank = pd.Series(-1, index=out.index)
    for name, stage in _DATE_STAGE.items():
        date_rank = date_rank.where(out[name].isna(), np.maximum(date_rank, _RANK[stage]))
    named_rank = named.map(_RANK).fillna(-1).astype(int)
    suspended = named == "suspended"
    disagree = ~suspended & named.notna() & (date_rank > named_rank)
    inferred = pd.Series([LADDER[max(r, 0)] for r in np.maximum(date_rank, named_rank)], index=out.index, dtype=object)
    for r in out.index[disagree]:
        if raw_text[r]:
            said = f"项目进度为「{raw_text[r]}」"
        elif section[r] == named[r]:
            said = f"分组标题表明为{_STAGE_ZH[named[r]]}"
        else:
            said = f"工作表「{context.name}」表明为{_STAGE_ZH[named[r]]}"
        zh = _STAGE_ZH[inferred[r]]
        issues.append(Issue(sheet, int(r), label, "warning", f"{said}，但已填写{zh}日期，按{zh}处理"))
    out["stage"] = inferred.where(~suspended, "suspended")
    out["stage_raw"] = raw_text


def _project_type(out, raw_text, sheet, issues, vocab, label) -> None:  # noqa: ANN001
    key = _map_values(raw_text, vocab.project_types)
    unknown = raw_text.notna() & key.isna()
    _warn_rows(issues, sheet, out.index[unknown], label, "warning",
               "无法识别的项目类型「" + raw_text[unknown].astype(str) + "」，原文保留")  # fmt: skip
    out["project_type"] = key
    out["project_type_raw"] = raw_text


def _channel(out, raw_text, sheet, issues, vocab, label, has_column) -> None:  # noqa: ANN001
    key = _map_values(raw_text, vocab.channels)
    unmapped = raw_text.notna() & key.isna()
    if has_column:
        _warn_rows(issues, sheet, out.index[unmapped], label, "warning",
                   "未能归类的招商方式「" + raw_text[unmapped].astype(str) + "」，归入「其他」，原文保留")  # fmt: skip
    out["channel"] = key.where(raw_text.isna() | key.notna(), "other").fillna("unknown")
    out["channel_raw"] = raw_text


def _date_order(out: pd.DataFrame, sheet: str, issues: list[Issue], labels: dict[str, str]) -> None:
    names = list(_DATE_STAGE)
    for earlier, later in zip(names, names[1:], strict=False):
        a, b = pd.to_datetime(out[earlier]), pd.to_datetime(out[later])
        wrong = a.notna() & b.notna() & (b < a)
        _warn_rows(issues, sheet, out.index[wrong], labels[later], "warning",
                   f"{_STAGE_ZH[_DATE_STAGE[later]]}日期早于{_STAGE_ZH[_DATE_STAGE[earlier]]}日期，请核对")  # fmt: skip


def _extras(rows: pd.DataFrame, extra_cols: list[Column]) -> pd.Series:
    """Every unmapped column's cell as JSON per row, so nothing the analyst typed is dropped."""
    if not extra_cols:
        return pd.Series(None, index=rows.index, dtype=object)
    labels = list(dict.fromkeys(c.label for c in extra_cols))
    if len(labels) < len(extra_cols):  # two columns with one label: tell them apart by their letter
        labels = [f"{c.label}（{column_letter(c.index)}列）" for c in extra_cols]
    sub = pd.DataFrame(
        {lab: normalise_text(rows[c.index]) for lab, c in zip(labels, extra_cols, strict=True)}, index=rows.index
    )
    lines = sub.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    empty = sub.isna().all(axis=1).to_numpy()
    # object dtype: a row without extras holds None (pandas 3 would infer str and turn None into NaN).
    return pd.Series(
        [None if e else line for line, e in zip(lines, empty, strict=True)], index=rows.index, dtype=object
    )
