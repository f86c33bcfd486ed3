"""Turn one sheet's grid into canonical project rows, column by column (vectorised), with issues."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.errors import Issue
from analytics.ingest.headers import Header
from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import normalise_text, parse_amount, parse_date, parse_flag, parse_text
from analytics.vocabulary import STAGES, Vocabulary, header_key, lookup

# Fields where "无" is a real answer (no problems, no notes), so an empty placeholder is not worth a warning.
_FREE_TEXT = ("problems", "measures", "notes", "introduced_by")
_TEXT_FIELDS = ("project_name", "investor", "source_region", "department", *_FREE_TEXT)
_DATE_STAGE = {
    "signed_date": "signed",
    "landed_date": "landed",
    "construction_date": "construction",
    "production_date": "production",
}
_RANK = {stage: i for i, stage in enumerate(STAGES)}
_AMOUNT_COLUMN = {"investment": "investment_wan", "invested_to_date": "invested_wan", "fund_investment": "fund_wan"}

PROJECT_COLUMNS = [
    "project_name", "investor", "industry", "industry_raw", "investment_wan", "invested_wan",
    "stage", "stage_raw", "project_type", "project_type_raw", "source_region", "department", "is_key",
    "signed_date", "landed_date", "construction_date", "production_date", "problems", "measures", "notes",
    "channel", "channel_raw", "introduced_by", "fund_wan", "source_sheet", "source_row", "extra",
]  # fmt: skip


@dataclass
class SheetResult:
    """Canonical rows of one sheet, the issues found, and how many data rows were read and rejected."""

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0


@dataclass
class SheetContext:
    """Facts about a sheet that stand in for a missing column (sheet per industry / per stage)."""

    name: str
    industry: str | None = None
    stage: str | None = None
    unit_wan: float | None = None


def _raw_frame(grid: SheetGrid, header: Header) -> pd.DataFrame:
    """The data rows below the header as an object frame, one column per header column."""
    body = grid.rows[header.data_start :]
    width = max((c.index for c in header.columns), default=-1) + 1
    padded = [row[:width] + [None] * (width - len(row)) if len(row) < width else row[:width] for row in body]
    frame = (
        pd.DataFrame(padded, columns=range(width), dtype=object)
        if padded
        else pd.DataFrame(columns=range(width), dtype=object)
    )
    frame.index = np.arange(header.data_start + 1, header.data_start + 1 + len(frame))  # spreadsheet rows
    return frame


def _marker_hit(texts: pd.Series, markers: tuple[str, ...]) -> pd.Series:
    keys = texts.fillna("").map(lambda t: header_key(t) if t else "")
    return keys.isin(markers) | keys.str.startswith(tuple(f"{m}" for m in markers if len(m) > 1)) & (
        keys.str.len() <= 12
    )


def _classify_rows(raw: pd.DataFrame, header: Header, vocab: Vocabulary) -> tuple[pd.Series, pd.Series]:
    """Label each row project / blank / total / footnote / header / section; return labels and section text."""
    text = raw.apply(normalise_text)
    filled = text.notna()
    n_filled = filled.sum(axis=1)
    kind = pd.Series("project", index=raw.index)
    kind[n_filled == 0] = "blank"
    first_text = text.bfill(axis=1).iloc[:, 0] if len(text.columns) else pd.Series(dtype=object)
    name_col = header.field_columns().get("project_name")
    lead_cols = sorted({*range(min(3, len(text.columns))), *([name_col.index] if name_col else [])})
    is_total = pd.Series(False, index=raw.index)
    for c in lead_cols:
        is_total |= _marker_hit(text[c], vocab.totals_markers)
    kind[(kind == "project") & is_total] = "total"
    footnote_text = first_text.fillna("").map(to_footnote_key)
    is_footnote = footnote_text.isin(vocab.footnote_markers) & (n_filled <= 3)
    kind[(kind == "project") & is_footnote] = "footnote"
    header_labels = {c.index: c.label for c in header.columns}
    if name_col is not None:
        repeats = text[name_col.index] == header_labels[name_col.index]
        kind[(kind == "project") & repeats] = "header"
    # A lone text in the first columns above a group of projects ("一、灯饰照明产业") is a section title.
    lone = (n_filled == 1) & first_text.notna()
    if name_col is not None:
        lone &= text[name_col.index].isna() | (text.columns.get_loc(name_col.index) <= 1)
    kind[(kind == "project") & lone & first_text.fillna("").map(lambda t: _section_key(t, vocab) is not None)] = (
        "section"
    )
    return kind, first_text


def to_footnote_key(text: str) -> str:
    """The label before a colon in a footnote line (备注：…, 填表人：…), else ''."""
    for sep in ("：", ":"):
        if sep in text:
            return header_key(text.split(sep, 1)[0])
    return ""


def _section_key(text: str, vocab: Vocabulary) -> str | None:
    return lookup(vocab.industries, text)


def _warn_rows(
    issues: list[Issue], sheet: str, rows: pd.Index, column: str, severity: str, messages: pd.Series | str
) -> None:
    if isinstance(messages, str):
        issues.extend(Issue(sheet, int(r), column, severity, messages) for r in rows)
    else:
        issues.extend(Issue(sheet, int(r), column, severity, str(messages[r])) for r in rows)


def _map_values(raw_text: pd.Series, table: dict[str, str]) -> pd.Series:
    """Map texts to keys via the vocabulary, computing each distinct text once."""
    uniques = raw_text.dropna().unique()
    return raw_text.map({u: lookup(table, u) for u in uniques})


def normalise_sheet(
    grid: SheetGrid, header: Header, context: SheetContext, vocab: Vocabulary, default_unit_note: list[Issue]
) -> SheetResult:
    """Canonical project rows of one sheet."""
    sheet = grid.name
    issues: list[Issue] = []
    raw = _raw_frame(grid, header)
    kind, first_text = _classify_rows(raw, header, vocab)

    # Section titles give the industry to the rows under them (forward-filled until the next section).
    section = first_text.where(kind == "section").map(lambda t: _section_key(t, vocab) if isinstance(t, str) else None)
    section = section.ffill()
    for r in kind.index[kind.isin(["total", "footnote", "header"])]:
        label = {"total": "合计/小计行", "footnote": "脚注行", "header": "重复的表头行"}[kind[r]]
        issues.append(Issue(sheet, int(r), None, "info", f"{label}，已跳过：{first_text[r]}"))
    for r in kind.index[kind == "section"]:
        issues.append(Issue(sheet, int(r), None, "info", f"分组标题行，用作下方项目的行业：{first_text[r]}"))

    rows = raw[kind == "project"]
    cols = header.field_columns()
    out = pd.DataFrame(index=rows.index)

    def column_of(field_name: str) -> pd.Series:
        col = cols.get(field_name)
        return rows[col.index] if col else pd.Series(None, index=rows.index, dtype=object)

    def label_of(field_name: str) -> str:
        col = cols.get(field_name)
        return col.label if col else field_name

    for name in _TEXT_FIELDS:
        parsed = parse_text(column_of(name))
        out[name] = parsed.values
        if name not in _FREE_TEXT and name in cols:
            original = normalise_text(column_of(name))
            _warn_rows(
                issues, sheet, rows.index[parsed.placeholder], label_of(name), "warning",
                "应填写内容，实为占位符「" + original[parsed.placeholder] + "」，已按空值处理",
            )  # fmt: skip

    missing_name = out["project_name"].isna()
    _warn_rows(issues, sheet, rows.index[missing_name], label_of("project_name"), "error", "缺少项目名称，该行未导入")

    for name, target in _AMOUNT_COLUMN.items():
        col = cols.get(name)
        unit = (col.unit_wan if col else None) or context.unit_wan
        if col and unit is None:
            default_unit_note.append(
                Issue(sheet, header.first_row + 1, col.label, "warning", "未注明金额单位，按万元处理")
            )
        parsed = parse_amount(column_of(name), unit or 1.0)
        out[target] = parsed.values.astype("float64")
        if col:
            original = normalise_text(column_of(name))
            _warn_rows(issues, sheet, rows.index[parsed.placeholder], col.label, "warning",
                       "应填写金额，实为占位符「" + original[parsed.placeholder] + "」，已按空值处理")  # fmt: skip
            _warn_rows(issues, sheet, rows.index[parsed.invalid], col.label, "warning",
                       "无法识别的金额「" + original[parsed.invalid] + "」，已按空值处理")  # fmt: skip

    for name in _DATE_STAGE:
        parsed = parse_date(column_of(name))
        out[name] = pd.to_datetime(parsed.values)
        if name in cols:
            original = normalise_text(column_of(name))
            _warn_rows(issues, sheet, rows.index[parsed.placeholder], label_of(name), "warning",
                       "应填写日期，实为占位符「" + original[parsed.placeholder] + "」，已按空值处理")  # fmt: skip
            _warn_rows(issues, sheet, rows.index[parsed.invalid], label_of(name), "warning",
                       "无法识别的日期「" + original[parsed.invalid] + "」，已按空值处理")  # fmt: skip

    flag = parse_flag(column_of("is_key"))
    out["is_key"] = flag.values.astype(bool)
    if "is_key" in cols:
        original = normalise_text(column_of("is_key"))
        _warn_rows(issues, sheet, rows.index[flag.invalid], label_of("is_key"), "warning",
                   "无法识别的是否重点标记「" + original[flag.invalid] + "」，按非重点处理")  # fmt: skip

    _industry(out, rows, cols, context, section, sheet, issues, vocab, label_of("industry"))
    _stage(out, column_of("stage"), context, sheet, issues, vocab, label_of("stage"), "stage" in cols)
    _project_type(out, column_of("project_type"), sheet, issues, vocab, label_of("project_type"))
    _channel(out, column_of("channel"), sheet, issues, vocab, label_of("channel"), "channel" in cols)
    _date_order(out, sheet, issues)

    extra_cols = [c for c in header.columns if c.field is None and header_key(c.label) not in vocab.ignored_headers]
    out["extra"] = _extras(rows, extra_cols)
    out["source_sheet"] = sheet
    out["source_row"] = rows.index.astype("int64")

    rejected = int(missing_name.sum())
    frame = out[~missing_name].reindex(columns=PROJECT_COLUMNS)
    return SheetResult(frame, issues, rows_read=len(rows), rows_rejected=rejected)


def _industry(out, rows, cols, context, section, sheet, issues, vocab, label) -> None:  # noqa: ANN001
    if "industry" in cols:
        raw_text = parse_text(rows[cols["industry"].index]).values
    else:
        raw_text = pd.Series(None, index=rows.index, dtype=object)
    mapped = _map_values(raw_text, vocab.industries)
    fallback = section.reindex(rows.index)
    if context.industry:
        fallback = fallback.fillna(context.industry)
    key = mapped.where(raw_text.isna() | mapped.notna(), "other")
    key = key.where(key.notna(), fallback)
    empty = key.isna()
    if "industry" in cols:
        _warn_rows(issues, sheet, rows.index[empty], label, "warning", "所属行业为空，归入「其他」")
    out["industry"] = key.fillna("other")
    out["industry_raw"] = raw_text


def _stage(out, stage_col, context, sheet, issues, vocab, label, has_column) -> None:  # noqa: ANN001
    raw_text = parse_text(stage_col).values if has_column else pd.Series(None, index=out.index, dtype=object)
    named = _map_values(raw_text, vocab.stages)
    if context.stage and not has_column:
        named = named.fillna(context.stage)
    unknown = raw_text.notna() & named.isna()
    _warn_rows(issues, sheet, out.index[unknown], label, "warning",
               "无法识别的项目进度「" + raw_text[unknown].astype(str) + "」，按已填日期推断")  # fmt: skip

    date_rank = pd.Series(-1, index=out.index)
    for name, stage in _DATE_STAGE.items():
        date_rank = date_rank.where(out[name].isna(), np.maximum(date_rank, _RANK[stage]))
    named_rank = named.map(_RANK).fillna(-1).astype(int)
    suspended = named == "suspended"
    disagree = ~suspended & named.notna() & (date_rank > named_rank)
    inferred = pd.Series([STAGES[max(r, 0)] for r in np.maximum(date_rank, named_rank)], index=out.index, dtype=object)
    for r in out.index[disagree]:
        issues.append(Issue(sheet, int(r), label, "warning",
                            f"项目进度为「{raw_text[r] or named[r]}」，但已填写{_STAGE_ZH[inferred[r]]}日期，按{_STAGE_ZH[inferred[r]]}处理"))  # fmt: skip
    out["stage"] = inferred.where(~suspended, "suspended")
    out["stage_raw"] = raw_text


_STAGE_ZH = {"negotiating": "洽谈", "signed": "签约", "landed": "落地", "construction": "动工", "production": "投产"}


def _project_type(out, col, sheet, issues, vocab, label) -> None:  # noqa: ANN001
    raw_text = parse_text(col).values
    key = _map_values(raw_text, vocab.project_types)
    unknown = raw_text.notna() & key.isna()
    _warn_rows(issues, sheet, out.index[unknown], label, "warning",
               "无法识别的项目类型「" + raw_text[unknown].astype(str) + "」，原文保留")  # fmt: skip
    out["project_type"] = key
    out["project_type_raw"] = raw_text


def _channel(out, col, sheet, issues, vocab, label, has_column) -> None:  # noqa: ANN001
    raw_text = parse_text(col).values
    key = _map_values(raw_text, vocab.channels)
    unmapped = raw_text.notna() & key.isna()
    if has_column:
        _warn_rows(issues, sheet, out.index[unmapped], label, "warning",
                   "未能归类的招商方式「" + raw_text[unmapped].astype(str) + "」，归入「其他」，原文保留")  # fmt: skip
    out["channel"] = key.where(raw_text.isna() | key.notna(), "other").fillna("unknown")
    out["channel_raw"] = raw_text


def _date_order(out: pd.DataFrame, sheet: str, issues: list[Issue]) -> None:
    names = list(_DATE_STAGE)
    for earlier, later in zip(names, names[1:], strict=False):
        a, b = pd.to_datetime(out[earlier]), pd.to_datetime(out[later])
        wrong = a.notna() & b.notna() & (b < a)
        _warn_rows(issues, sheet, out.index[wrong], later, "warning",
                   f"{_STAGE_ZH[_DATE_STAGE[later]]}日期早于{_STAGE_ZH[_DATE_STAGE[earlier]]}日期，请核对")  # fmt: skip


def _extras(rows: pd.DataFrame, extra_cols: list) -> pd.Series:  # noqa: ANN001
    """Every unmapped column's cell as JSON per row, so nothing the analyst typed is dropped."""
    if not extra_cols:
        return pd.Series(None, index=rows.index, dtype=object)
    sub = pd.DataFrame({c.label: normalise_text(rows[c.index]) for c in extra_cols}, index=rows.index)
    lines = sub.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    empty = sub.isna().all(axis=1).to_numpy()
    return pd.Series([None if e else line for line, e in zip(lines, empty, strict=True)], index=rows.index)
