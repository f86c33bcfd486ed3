"""Turn one sheet's grid into canonical project rows: classify the rows (rows.py), then read each field of
the project rows (fields.py), keeping every unmapped column as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.domain import DATE_EVENT, PLANNED_DATE
from analytics.ingest.errors import Issue
from analytics.ingest.fields import (
    Cells,
    SheetContext,
    amount_field,
    channel_field,
    date_field,
    date_order_issues,
    flag_field,
    industry_field,
    key_marks,
    project_type_field,
    row_issues,
    stage_field,
    text_field,
)
from analytics.ingest.headers import Column, Header, title_foreign, title_unit
from analytics.ingest.limits import column_letter
from analytics.ingest.readers import SheetGrid
from analytics.ingest.rows import classify_rows, fill_merged_down, raw_frame, row_notes
from analytics.ingest.values import normalise_text
from analytics.vocabulary import Vocabulary, header_key

# Fields where "无" is a real answer (no problems, no notes), so an empty placeholder is not worth a warning.
_FREE_TEXT = ("problems", "measures", "notes", "introduced_by")
_TEXT_FIELDS = ("project_name", "investor", "source_region", "department", *_FREE_TEXT)
_AMOUNT_COLUMN = {"investment": "investment_wan", "invested_to_date": "invested_wan", "fund_investment": "fund_wan"}

PROJECT_COLUMNS = [
    "project_name", "investor", "industry", "industry_raw", "investment_wan", "invested_wan",
    "stage", "stage_raw", "project_type", "project_type_raw", "source_region", "department", "is_key",
    "signed_date", "landed_date", "construction_date", "production_date", "problems", "measures", "notes",
    "channel", "channel_raw", "introduced_by", "fund_wan", "source_sheet", "source_row", "extra",
    "planned_landed_date", "planned_construction_date", "planned_production_date", "name_raw",
]  # fmt: skip
PLANNED_DATES = tuple(PLANNED_DATE.values())


@dataclass
class SheetResult:
    """Canonical rows of one sheet, the issues found, and how many data rows were read and rejected."""

    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    footnotes: list[str] = field(default_factory=list)  # texts of the footnote and section rows
    unit_notes: list[Issue] = field(default_factory=list)  # amount columns read as 万元 for want of a unit


def _extra_columns(raw: pd.DataFrame, header: Header, vocab: Vocabulary) -> list[Column]:
    """Columns kept per row as JSON: unmapped headers, and unlabelled columns that hold data."""
    labelled = {c.index for c in header.columns}
    kept = [c for c in header.columns if c.field is None and header_key(c.label) not in vocab.ignored_headers]
    for index in raw.columns:
        if index not in labelled and raw[index].map(lambda v: v is not None and str(v).strip() != "").any():
            kept.append(Column(index, f"{column_letter(index)}列（无表头）", None))
    return sorted(kept, key=lambda c: c.index)


def normalise_sheet(grid: SheetGrid, header: Header, context: SheetContext, vocab: Vocabulary) -> SheetResult:
    """Canonical project rows of one sheet."""
    sheet = grid.name
    raw = raw_frame(grid, header)
    fill_merged_down(raw, grid, header)
    rows_info = classify_rows(raw, header, vocab, grid)
    kind, first_text = rows_info.kind, rows_info.first_text
    # Lines that are not projects may still state the unit or the cut-off date (注：金额单位：万元).
    footnotes = [str(t) for t in first_text[kind.isin(["footnote", "section"])]]
    issues = row_notes(sheet, rows_info)

    rows = _project_rows(raw, kind)
    cols = header.field_columns()
    out = pd.DataFrame(index=rows.index)

    def cells(field_name: str) -> Cells:
        col = cols.get(field_name)
        if col is None:
            return Cells(sheet, pd.Series(None, index=rows.index, dtype=object), None)
        return Cells(sheet, rows[col.index], col.label)

    for name in _TEXT_FIELDS:
        text = text_field(cells(name), None if name in _FREE_TEXT else "text")
        out[name] = text.values  # an object Series: None stays None (a bare array would infer str)
        issues += text.issues

    numbering = next((c for c in header.columns if header_key(c.label) in vocab.ignored_headers), None)
    marks = key_marks(out["project_name"], None if numbering is None else rows[numbering.index], sheet,
                      cells("project_name").label, vocab)  # fmt: skip
    marked = marks.raw.astype(bool)
    # The name as written (★ included) is kept only where a mark was taken off it.
    if marked.any():
        taken_off = marked & (marks.values != out["project_name"])
        out["name_raw"] = out["project_name"].where(taken_off, None).astype(object)
    else:  # no mark anywhere (most ledgers): no name as written to keep
        out["name_raw"] = cells("project_name").empty(None, "object")
    out["project_name"] = marks.values
    issues += marks.issues

    missing_name = out["project_name"].isna()
    issues += row_issues("name_missing", sheet, rows.index[missing_name], cells("project_name").label, "error")

    unit_notes: list[Issue] = []
    sheet_unit = context.unit_wan if context.unit_wan is not None else title_unit(footnotes)
    sheet_foreign = context.foreign or (title_foreign(footnotes) if sheet_unit is None else None)
    for name, target in _AMOUNT_COLUMN.items():
        col = cols.get(name)
        unit = col.unit_wan if col and col.unit_wan is not None else sheet_unit
        foreign = (col.foreign or (sheet_foreign if col.unit_wan is None else None)) if col else None
        if col and foreign is not None:
            unit = _converted_unit(foreign, context, vocab)
            unit_notes.append(_conversion_note(foreign, context, vocab, (sheet, header.first_row + 1, col.label)))
        elif col and unit is None:
            unit_notes.append(Issue("unit_assumed", sheet, header.first_row + 1, col.label, "warning"))
        amount = amount_field(cells(name), 1.0 if unit is None else unit)
        out[target] = amount.values.values
        issues += amount.issues

    # Milestone dates drive the stage; planned dates only say when the next step is due.
    for name in (*DATE_EVENT, *PLANNED_DATES):
        dates = date_field(cells(name))
        out[name] = dates.values
        issues += dates.issues

    flag = flag_field(cells("is_key"))
    out["is_key"] = flag.values | marked
    issues += flag.issues

    section_industry = rows_info.section_industry.reindex(rows.index)
    section_title = rows_info.section_title.reindex(rows.index)
    industry = industry_field(cells("industry"), section_industry, section_title, context, vocab, out["project_name"])
    out["industry"], out["industry_raw"] = industry.values, industry.raw
    stage = stage_field(cells("stage"), rows_info.section_stage.reindex(rows.index), context, out, vocab)
    out["stage"], out["stage_raw"] = stage.values, stage.raw
    project_type = project_type_field(cells("project_type"), vocab)
    out["project_type"], out["project_type_raw"] = project_type.values, project_type.raw
    channel = channel_field(cells("channel"), vocab)
    out["channel"], out["channel_raw"] = channel.values, channel.raw
    issues += industry.issues + stage.issues + project_type.issues + channel.issues
    issues += date_order_issues(out, sheet, {name: cells(name).label for name in DATE_EVENT})

    out["extra"] = _extras(rows, _extra_columns(raw, header, vocab))
    out["source_sheet"] = sheet
    out["source_row"] = rows.index.astype("int64")

    rejected = int(missing_name.sum())
    frame = (out[~missing_name] if rejected else out).reindex(columns=PROJECT_COLUMNS)
    return SheetResult(
        frame, issues, rows_read=len(rows), rows_rejected=rejected, footnotes=footnotes, unit_notes=unit_notes
    )


def _project_rows(raw: pd.DataFrame, kind: pd.Series) -> pd.DataFrame:
    """The project rows of the raw frame. When they are one unbroken run (a header above, a 合计 below: nearly
    every ledger) they are a slice of it rather than a copy of 100,000 rows' cells."""
    positions = np.flatnonzero((kind == "project").to_numpy())
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return raw.iloc[positions[0] : positions[-1] + 1]
    return raw.iloc[positions]


def _converted_unit(foreign: tuple[str, float], context: SheetContext, vocab: Vocabulary) -> float:
    """万元 per amount unit of a foreign-currency column (万美元 at 7.1 → 7.1); NaN without a rate."""
    word, magnitude = foreign
    rate = context.rates.get(vocab.currency_codes.get(word.upper(), ""))
    return magnitude * rate if rate else float("nan")


def _conversion_note(
    foreign: tuple[str, float], context: SheetContext, vocab: Vocabulary, where: tuple[str, int, str]
) -> Issue:
    """The warning that says which rate converted a column, or that none was known (amounts left empty)."""
    word, magnitude = foreign
    code = vocab.currency_codes.get(word.upper(), "")
    rate = context.rates.get(code)
    unit = ("万" if magnitude == 1.0 else "") + word
    if not rate:
        return Issue("currency_without_rate", *where, "warning", {"unit": unit})
    return Issue("currency_converted", *where, "warning", {"unit": unit, "code": code, "rate": rate})


def _extras(rows: pd.DataFrame, extra_cols: list[Column]) -> pd.Series:
    """Every unmapped column's cell as JSON per row, so nothing the analyst typed is dropped."""
    if not extra_cols or rows.empty:
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
