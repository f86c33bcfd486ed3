"""Read a targets table (目标 / 2024年目标): industries down, measures across, units read like the ledger's."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.readers import SheetGrid
from analytics.ingest.values import parse_amount, unit_multiplier
from analytics.vocabulary import VOCABULARY_FILE, header_key, lookup, to_simplified, vocabulary

_YEAR = re.compile(r"(20\d{2})\s*年")
SCAN_ROWS = 15


@cache
def _measure_headers() -> tuple[dict[str, str], frozenset[str]]:
    raw = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    headers = {header_key(text): measure for measure, texts in raw["target_measures"].items() for text in texts}
    totals = frozenset(header_key(t) for t in raw["target_totals"]["names"])
    return headers, totals


@dataclass
class TargetsRead:
    year: int | None
    values: pd.DataFrame  # industry, measure, value (万元 for signed_investment_wan, counts otherwise)
    issues: list[Issue] = field(default_factory=list)


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _year_of(grid: SheetGrid, header_row: int) -> int | None:
    for text in [grid.name, *(" ".join(_text(c) for c in row) for row in grid.rows[:header_row])]:
        m = _YEAR.search(to_simplified(text)) or re.search(r"(20\d{2})", text)
        if m:
            return int(m.group(1))
    return None


def _find_header(grid: SheetGrid, measures: dict[str, str]) -> tuple[int, dict[int, str], int] | None:
    """(row index, {column: measure}, industry column) of the first row that reads like a targets header."""
    industry_headers = {k for k, v in vocabulary().header_to_field.items() if v == "industry"} | {"产业类别", "类别"}
    for r, row in enumerate(grid.rows[:SCAN_ROWS]):
        keys = [header_key(_text(c)) for c in row]
        found = {i: measures[k] for i, k in enumerate(keys) if k in measures}
        industry_col = next((i for i, k in enumerate(keys) if k in industry_headers), None)
        if found and industry_col is not None:
            return r, found, industry_col
    return None


def read_targets(grid: SheetGrid, file_name: str, year: int | None = None) -> TargetsRead:
    """Targets of one sheet; the year comes from the argument, the sheet name or a title line."""
    measures, totals = _measure_headers()
    located = _find_header(grid, measures)
    if located is None:
        raise ImportRejected("no_targets_header", file_name, sheet=grid.name)
    r, found, industry_col = located
    row = grid.rows[r]

    title_unit = next(
        (unit_multiplier(to_simplified(" ".join(_text(c) for c in line))) for line in grid.rows[:r]
         if "单位" in to_simplified(" ".join(_text(c) for c in line))),
        None,
    )  # fmt: skip
    issues: list[Issue] = []
    year = year or _year_of(grid, r)
    rows = []
    for offset, line in enumerate(grid.rows[r + 1 :], start=r + 2):
        name = _text(line[industry_col]) if industry_col < len(line) else ""
        if not name:
            continue
        key = header_key(name)
        industry = (
            "total"
            if key in totals
            else lookup(vocabulary().industries, name) or ("other" if key.upper() in vocabulary().other_words else None)
        )
        if industry is None:
            issues.append(
                Issue("target_industry_unknown", grid.name, offset, _text(row[industry_col]), "warning", {"text": name})
            )
            continue
        for col, measure in found.items():
            cell = line[col] if col < len(line) else None
            unit = 1.0
            if measure == "signed_investment_wan":
                unit = unit_multiplier(to_simplified(_text(row[col]))) or title_unit or 1.0
            if measure != "signed_investment_wan" and isinstance(cell, str):
                cell = cell.strip().rstrip("个家项")  # counts are often written 20个
            parsed = parse_amount(pd.Series([cell], dtype=object), unit)
            if parsed.invalid.iloc[0]:
                issues.append(
                    Issue("target_value_unknown", grid.name, offset, _text(row[col]), "warning", {"text": str(cell)})
                )
            elif pd.notna(parsed.values.iloc[0]):
                rows.append((industry, measure, float(parsed.values.iloc[0])))
    values = pd.DataFrame(rows, columns=["industry", "measure", "value"]).drop_duplicates(
        ["industry", "measure"], keep="first"
    )
    return TargetsRead(year, _drop_printed_totals(values, grid.name, issues), issues)


def _drop_printed_totals(values: pd.DataFrame, sheet: str, issues: list[Issue]) -> pd.DataFrame:
    """A 合计 row that just adds up the industries is not an entered town total: keep only real ones."""
    parts = values[values["industry"] != "total"].groupby("measure")["value"].sum()
    total = values[values["industry"] == "total"].set_index("measure")["value"]
    printed = [m for m in total.index if m in parts.index and abs(total[m] - parts[m]) < 1e-6]
    if printed:
        issues.append(Issue("printed_total_dropped", sheet, None, None, "info"))
    return values[~((values["industry"] == "total") & values["measure"].isin(printed))].reset_index(drop=True)
