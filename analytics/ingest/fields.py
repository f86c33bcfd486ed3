"""One field's cells on the project rows → canonical values (texts, amounts, dates, flags, industry, stage,
type, channel), vectorised. Every helper returns the values and the issues it found; none mutates its input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat

import numpy as np
import pandas as pd

from analytics.domain import DATE_EVENT, LADDER, RANK, SUSPENDED
from analytics.i18n import ref
from analytics.ingest.errors import Issue
from analytics.ingest.values import (
    normalise_text,
    parse_amount,
    parse_date,
    parse_flag,
    parse_text,
    texts_hit,
)
from analytics.vocabulary import Vocabulary, lookup, lookup_stage

_JOIN = "\x00"  # between texts searched as one string


@dataclass
class SheetContext:
    """Facts about a sheet that stand in for a missing column (sheet per industry / per stage)."""

    name: str
    industry: str | None = None
    stage: str | None = None
    unit_wan: float | None = None
    industry_raw: str | None = None  # the text the industry came from (the sheet's name)
    foreign: tuple[str, float] | None = None  # a foreign-currency unit in a title or side cell (金额单位：万美元)
    rates: dict[str, float] = field(default_factory=dict)  # yuan per unit of each foreign currency


@dataclass(frozen=True)
class Cells:
    """One field's cells on the project rows (indexed by spreadsheet row) and the column they came from."""

    sheet: str
    values: pd.Series
    label: str | None  # the column's header text; None when the sheet has no such column (values all None)

    def empty(self, value: object, dtype: str) -> pd.Series:
        """Every row's value for a field the sheet has no column for: nothing to parse, nothing to report.

        A typical ledger lacks a dozen of the fields; parsing a column of 100,000 Nones costs as much as a real one.
        """
        # np.full: pandas fills pd.Series(None, dtype=object) with NaN, and a missing text is None. dtype again: pandas
        # would read an object array of texts as its str dtype.
        return pd.Series(np.full(len(self.values), value, dtype=dtype), index=self.values.index, dtype=dtype)


@dataclass(frozen=True)
class Field:
    """A field's canonical values, the issues found reading them, and the original text beside a mapped key."""

    values: pd.Series
    issues: list[Issue] = field(default_factory=list)
    raw: pd.Series | None = None


def row_issues(
    code: str, sheet: str, rows: pd.Index, column: str | None, severity: str, **params: pd.Series | object
) -> list[Issue]:
    """One issue per row; a Series parameter gives each row its own value (looked up by row)."""
    if not len(rows):
        return []
    fixed = {name: value for name, value in params.items() if not isinstance(value, pd.Series)}
    varying = {name: value.reindex(rows).tolist() for name, value in params.items() if isinstance(value, pd.Series)}
    return [
        Issue(code, sheet, int(r), column, severity, {**fixed, **{name: v[i] for name, v in varying.items()}})
        for i, r in enumerate(rows)
    ]


def _placeholders(cells: Cells, mask: pd.Series, expected: str) -> list[Issue]:
    """A warning per cell that held a placeholder (待定, —) where a value was expected."""
    if cells.label is None or not mask.any():
        return []
    # Only the cells being reported are turned back into text: most columns have none.
    text = normalise_text(cells.values[mask])
    return row_issues(
        "placeholder", cells.sheet, text.index, cells.label, "warning", expected=ref(f"expected.{expected}"), text=text
    )


def _unreadable(code: str, cells: Cells, mask: pd.Series) -> list[Issue]:
    """A warning per cell whose text could not be read, quoting it."""
    if cells.label is None or not mask.any():
        return []
    text = normalise_text(cells.values[mask])
    return row_issues(code, cells.sheet, text.index, cells.label, "warning", text=text)


def text_field(cells: Cells, expected: str | None = None) -> Field:
    """Normalised text; placeholders are emptied, and reported when a value was expected (not free text)."""
    if cells.label is None:
        return Field(cells.empty(None, "object"))
    parsed = parse_text(cells.values)
    issues = _placeholders(cells, parsed.placeholder, expected) if expected else []
    return Field(parsed.values, issues)


def amount_field(cells: Cells, unit_wan: float) -> Field:
    """Amounts in 万元; unit_wan is the column's unit in 万元 (亿元 10000)."""
    if cells.label is None:
        return Field(cells.empty(np.nan, "float64"))
    parsed = parse_amount(cells.values, unit_wan)
    issues = _placeholders(cells, parsed.placeholder, "amount") + _unreadable(
        "amount_unreadable", cells, parsed.invalid
    )
    return Field(parsed.values.astype("float64"), issues)


def date_field(cells: Cells) -> Field:
    """Dates as datetime64 (NaT when empty or unreadable)."""
    if cells.label is None:
        return Field(cells.empty(np.datetime64("NaT"), "datetime64[ns]"))
    parsed = parse_date(cells.values)
    issues = _placeholders(cells, parsed.placeholder, "date") + _unreadable("date_unreadable", cells, parsed.invalid)
    return Field(pd.to_datetime(parsed.values), issues)


def flag_field(cells: Cells) -> Field:
    """Yes/no flags as bool; an unreadable mark counts as no."""
    if cells.label is None:
        return Field(cells.empty(False, "bool"))
    parsed = parse_flag(cells.values)
    issues = _placeholders(cells, parsed.placeholder, "flag") + _unreadable("flag_unreadable", cells, parsed.invalid)
    return Field(parsed.values.astype(bool), issues)


def _map_values(raw_text: pd.Series, table: dict[str, str], how: Callable = lookup) -> pd.Series:
    """Map texts to keys via the vocabulary, computing each distinct text once."""
    values = raw_text.to_numpy()
    # Read as Series.map(dict) reads its mapping (inferred as text: a text that maps to no key gives NaN), then a
    # dict look-up per cell: Series.map would hash every text again through an Index.
    keys = pd.Series({u: how(table, u) for u in pd.unique(values) if isinstance(u, str)}).astype(object).to_dict()
    looked_up = list(map(keys.get, values, repeat(np.nan)))  # map: no Python frame per cell
    return pd.Series(looked_up, index=raw_text.index, dtype=object)


def industry_field(
    cells: Cells,
    section: pd.Series,
    section_title: pd.Series,
    context: SheetContext,
    vocab: Vocabulary,
    names: pd.Series | None = None,
) -> Field:
    """Industry key from the cell, else the section title above, else the sheet, else (with no industry
    column) a keyword in the project's name; unknown text is 'other'."""
    text = text_field(cells, "industry")
    raw_text, issues = text.values, list(text.issues)
    mapped = _map_values(raw_text, vocab.industries)
    key = mapped.where(raw_text.isna() | mapped.notna(), "other")  # unknown text: other, original kept
    fallback = section.where(section.notna(), context.industry)
    key = key.where(key.notna(), fallback)
    if cells.label is None and names is not None and key.isna().any():
        from_name = _map_values(names.where(key.isna()), vocab.industries)
        if from_name.notna().any():
            issues.append(
                Issue("industry_inferred", cells.sheet, None, None, "info", {"count": int(from_name.notna().sum())})
            )
        key = key.where(key.notna(), from_name)
    if cells.label is not None:
        issues += row_issues("industry_empty", cells.sheet, key.index[key.isna()], cells.label, "warning")
    elif context.industry is None and key.isna().any():
        issues.append(Issue("industry_column_missing", cells.sheet, None, None, "info"))
    # Original text: the cell, else the section title, else the sheet name the industry came from.
    raw = raw_text.where(raw_text.notna(), section_title)
    if context.industry_raw:
        raw = raw.where(raw.notna(), context.industry_raw)
    return Field(key.fillna("other"), issues, raw)


def stage_field(
    cells: Cells, section: pd.Series, context: SheetContext, dates: pd.DataFrame, vocab: Vocabulary
) -> Field:
    """Stage key: the furthest of the stage named (cell, section title, sheet) and the event dates filled in."""
    text = text_field(cells, "stage")
    raw_text, issues = text.values, list(text.issues)
    from_cell = _map_values(raw_text, vocab.stages, lookup_stage)
    unknown = raw_text.notna() & from_cell.isna()
    issues += row_issues(
        "stage_unknown", cells.sheet, raw_text.index[unknown], cells.label, "warning", text=raw_text[unknown]
    )
    # An empty cell takes the stage of its section title, else of its sheet (sheet per stage).
    named = from_cell.where(from_cell.notna() | unknown, section)
    named = named.where(named.notna() | unknown, context.stage)

    date_rank = np.full(len(raw_text), -1)
    for column, stage in DATE_EVENT.items():
        date_rank = np.where(dates[column].isna().to_numpy(), date_rank, np.maximum(date_rank, RANK[stage]))
    named_rank = np.fromiter(map(RANK.get, named.to_numpy(), repeat(-1)), dtype=int, count=len(named))
    suspended = (named == SUSPENDED).to_numpy()
    disagree = ~suspended & named.notna().to_numpy() & (date_rank > named_rank)
    inferred = np.array(LADDER, dtype=object)[np.maximum(np.maximum(date_rank, named_rank), 0)]
    # A ledger whose stage column lags its dates has such a row in every few (a quarter of 100,000): one plain
    # loop over those rows, each stage's catalogue reference made once and shared by the issues that name it
    # (nothing changes an issue's params; shared, they also cross the sandbox once).
    refs = {key: ref(f"stage.{key}") for key in {*inferred[disagree], *named.to_numpy()[disagree]}}
    sheet, label = cells.sheet, cells.label
    rows, texts = raw_text.index[disagree].tolist(), raw_text.to_numpy()[disagree].tolist()
    stages = list(map(refs.__getitem__, inferred[disagree].tolist()))
    values = pd.Series(np.where(suspended, SUSPENDED, inferred), index=raw_text.index, dtype=object)
    if all(texts):  # every lagging stage is written in its own row (a stage column): one kind of note, made at once
        params = [{"text": text, "stage": stage} for text, stage in zip(texts, stages, strict=True)]
        issues += map(
            Issue, repeat("stage_behind_dates"), repeat(sheet), rows, repeat(label), repeat("warning"), params
        )
        return Field(values, issues, raw_text)
    for r, text, said_key, section_key, stage in zip(
        rows, texts, named.to_numpy()[disagree].tolist(), section.to_numpy()[disagree].tolist(), stages, strict=True
    ):  # fmt: skip
        if text:
            issues.append(Issue("stage_behind_dates", sheet, r, label, "warning", {"text": text, "stage": stage}))
        elif section_key == said_key:
            params = {"said": refs[said_key], "stage": stage}
            issues.append(Issue("section_stage_behind_dates", sheet, r, label, "warning", params))
        else:
            params = {"sheet": context.name, "said": refs[said_key], "stage": stage}
            issues.append(Issue("sheet_stage_behind_dates", sheet, r, label, "warning", params))
    return Field(values, issues, raw_text)


def project_type_field(cells: Cells, vocab: Vocabulary) -> Field:
    """Project type key (安家, 回家 …); unknown text stays as the original only."""
    if cells.label is None:  # no such column: no key, no text (a column of Nones looked up costs as much as a real one)
        return Field(cells.empty(np.nan, "object"), [], cells.empty(None, "object"))
    text = text_field(cells, "project_type")
    key = _map_values(text.values, vocab.project_types)
    unknown = text.values.notna() & key.isna()
    issues = text.issues + row_issues(
        "project_type_unknown", cells.sheet, key.index[unknown], cells.label, "warning", text=text.values[unknown]
    )
    return Field(key, issues, text.values)


def channel_field(cells: Cells, vocab: Vocabulary) -> Field:
    """Channel key (以商引商, 基金招商 …): 'other' for unknown text, 'unknown' when empty."""
    if cells.label is None:  # no such column: every channel unknown, no text
        return Field(cells.empty("unknown", "object"), [], cells.empty(None, "object"))
    text = text_field(cells, "channel")
    key = _map_values(text.values, vocab.channels)
    unmapped = text.values.notna() & key.isna()
    issues = list(text.issues)
    if cells.label is not None:
        issues += row_issues(
            "channel_unknown", cells.sheet, key.index[unmapped], cells.label, "warning", text=text.values[unmapped]
        )
    return Field(key.where(text.values.isna() | key.notna(), "other").fillna("unknown"), issues, text.values)


@cache
def _at_any_start(mark: re.Pattern) -> re.Pattern | None:
    """A pattern anchored at the start of a text (^…) made to find the same at the start of any text of a
    NUL-joined string; None when it is not anchored so."""
    return re.compile(_JOIN + mark.pattern[1:], mark.flags) if mark.pattern.startswith("^") else None


def _marked(texts: list[str], mark: re.Pattern) -> np.ndarray:
    """Bool per text: the anchored pattern matches it. The texts are searched as one NUL-joined string (100,000
    names, one scan), one by one when a text holds a NUL or the pattern cannot be searched so."""
    joined = _JOIN + _JOIN.join(texts)
    anywhere = _at_any_start(mark)
    if anywhere is None or joined.count(_JOIN) != len(texts):
        return np.array([mark.match(text) is not None for text in texts], dtype=bool)
    return texts_hit(texts, joined, [m.start() for m in anywhere.finditer(joined)])


def key_marks(names: pd.Series, numbering: pd.Series | None, sheet: str, label: str | None, vocab: Vocabulary) -> Field:
    """Names without a key-project mark (★古雷…, 【重点】…) as values, and as raw whether the name or its
    序号 carried one (a key project); a note per marked row quotes the name as written."""
    marked = pd.Series(False, index=names.index)
    cleaned = names
    if vocab.key_mark is not None and len(names):
        text = names.fillna("")
        marked = pd.Series(_marked(text.tolist(), vocab.key_mark), index=names.index, dtype=bool)
        if marked.any():
            stripped = text[marked].str.replace(vocab.key_mark, "", n=1, regex=True).str.strip()
            cleaned = names.astype(object).copy()
            cleaned[marked] = stripped.where(stripped != "", names[marked])
    issues = row_issues("key_mark", sheet, names.index[marked], label, "info", text=names[marked])
    if numbering is not None and vocab.key_symbols is not None:
        in_number = pd.Series(False, index=names.index)
        # 序号 is almost always a number (told by one C-speed pass): search its text cells only.
        numbers = pd.api.types.infer_dtype(numbering, skipna=False) in ("floating", "integer", "mixed-integer-float")
        texts = numbering.iloc[:0] if numbers else numbering[numbering.map(type).eq(str)]
        if len(texts):
            in_number[texts.index] = texts.str.contains(vocab.key_symbols).to_numpy(dtype=bool)
        in_number &= ~marked
        issues += row_issues("key_mark_numbering", sheet, names.index[in_number], label, "info",
                             text=numbering[in_number])  # fmt: skip
        marked = marked | in_number
    return Field(cleaned, issues, marked)


def date_order_issues(dates: pd.DataFrame, sheet: str, labels: dict[str, str | None]) -> list[Issue]:
    """A warning per row where an event's date is before the previous event's (动工 before 签约)."""
    columns = list(DATE_EVENT)
    issues: list[Issue] = []
    for earlier, later in zip(columns, columns[1:], strict=False):
        a, b = pd.to_datetime(dates[earlier]), pd.to_datetime(dates[later])
        wrong = a.notna() & b.notna() & (b < a)
        issues += row_issues(
            "dates_out_of_order", sheet, dates.index[wrong], labels[later], "warning",
            later=ref(f"stage.{DATE_EVENT[later]}"), earlier=ref(f"stage.{DATE_EVENT[earlier]}"),
        )  # fmt: skip
    return issues
