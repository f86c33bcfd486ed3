"""Read a whole upload (any supported format, any number of sheets) into canonical project rows."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from analytics.domain import RANK
from analytics.i18n import ref
from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.fields import SheetContext
from analytics.ingest.headers import SCAN_ROWS, Column, Header, find_header, parse_as_of
from analytics.ingest.limits import column_letter
from analytics.ingest.normalise import PROJECT_COLUMNS, SheetResult, normalise_sheet
from analytics.ingest.readers import SheetGrid, candidate_decodings, read_workbook, text_grid
from analytics.ingest.rows import load_patterns
from analytics.ingest.sniff import DEFAULT_MAX_BYTES, detect_format
from analytics.vocabulary import Vocabulary, header_key, identity_keys, lookup, lookup_stage, vocabulary

_NUMERIC = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?")
_SUMMARY_SHEET = re.compile(r"汇总|总表|全部|总台账|合计")
# Sheet names that say nothing about their projects (so cannot stand in for an industry).
_GENERIC_SHEET = re.compile(
    r"^(?:sheet|工作表|表)?\d*$|^按|台账|汇总|项目|储备|总表|明细|清单|进展|进度|情况", re.IGNORECASE
)
# A one-project form has a handful of label rows; a list this long is a list whatever its names say.
_FORM_MAX_ROWS = 100


@dataclass
class SheetPlan:
    """How one sheet will be read: its header and column mapping (shown to the analyst before commit)."""

    grid: SheetGrid  # once read, only a targets sheet keeps its cells (they are stored with the snapshot)
    header: Header | None
    role: str  # "ledger", "targets", "skipped"
    reason: str = ""  # why a sheet is skipped: the catalogue entry sheet_reason.<reason> says it in words
    notes: list[Issue] = field(default_factory=list)  # how the header was read (columns mapped, a guessed one)


@dataclass
class LedgerRead:
    """Everything read from one upload, ready to be stored as a snapshot."""

    file_name: str
    file_format: str
    projects: pd.DataFrame
    issues: list[Issue]
    rows_read: int
    rows_rejected: int
    title_as_of: date | None
    sheets: list[SheetPlan] = field(default_factory=list)
    rates: dict[str, float] = field(default_factory=dict)  # yuan per unit of each currency converted

    @property
    def rows_imported(self) -> int:
        return len(self.projects)

    def unmapped_columns(self) -> list[tuple[str, str]]:
        """(sheet, label) of every ledger column that maps to no canonical field."""
        return [
            (plan.grid.name, col.label)
            for plan in self.sheets
            if plan.role == "ledger" and plan.header
            for col in plan.header.columns
            if col.field is None and header_key(col.label) not in vocabulary().ignored_headers
        ]


def prepare_reading() -> None:
    """Load what every read needs and its sandboxed child would otherwise load again and throw away: the
    vocabulary and the row patterns. Call before run_limited(read_ledger, …): the forked child inherits them."""
    load_patterns(vocabulary())


def read_grids(data: bytes, file_name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[SheetGrid]]:
    """Detect the format from the bytes and read every sheet's cells."""
    fmt = detect_format(data, file_name, max_bytes)
    if fmt == "csv":
        return fmt, [_csv_grid(data, file_name)]
    return fmt, read_workbook(data, file_name)


def _csv_grid(data: bytes, file_name: str) -> SheetGrid:
    """The CSV read in the first encoding under which a ledger header appears (GBK and Big5 both decode
    almost any bytes, so only the header can tell them apart)."""
    vocab = vocabulary()
    fallback: SheetGrid | None = None
    for text, encoding, lossy in candidate_decodings(data):
        try:
            grid = text_grid(text, file_name)
        except csv.Error:
            continue
        header = find_header(grid, vocab)
        if header is None:
            continue
        if lossy:
            grid.notes.append(
                Issue("csv_encoding_lossy", grid.name, None, None, "warning",
                      {"encoding": encoding, "unreadable": text.count("\ufffd")})
            )  # fmt: skip
        elif encoding not in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
            grid.notes.append(Issue("csv_encoding", grid.name, None, None, "warning", {"encoding": encoding}))
        if "project_name" in header.field_columns():
            return grid
        fallback = fallback or grid
    if fallback is None:
        raise ImportRejected("csv_no_header", file_name, sheet=text_grid("", file_name).name)
    return fallback


def _apply_overrides(header: Header, sheet: str, overrides: dict[str, str] | None) -> None:
    """Apply the analyst's hand mapping {label or 'sheet/label': field} to unrecognised columns."""
    if not overrides:
        return
    taken = {c.field for c in header.columns if c.field}
    for col in header.columns:
        chosen = overrides.get(f"{sheet}/{col.label}", overrides.get(col.label))
        if chosen and chosen not in taken:
            col.field = chosen
            taken.add(chosen)


def plan_sheets(grids: list[SheetGrid], vocab: Vocabulary, overrides: dict[str, str] | None = None) -> list[SheetPlan]:
    """Decide for each sheet whether it is a ledger, a targets table or something to skip."""
    plans = []
    for grid in grids:
        key = header_key(grid.name)
        if not grid.rows:
            plans.append(SheetPlan(grid, None, "skipped", "empty"))
            continue
        if key in vocab.non_data_sheets:
            plans.append(SheetPlan(grid, None, "skipped", "instructions"))
            continue
        if key in vocab.target_sheets or key.endswith("目标"):
            plans.append(SheetPlan(grid, None, "targets"))
            continue
        header = find_header(grid, vocab)
        if header is None:
            plans.append(
                SheetPlan(grid, None, "skipped", "summary_table" if _summary_table(grid, vocab) else "no_header")
            )
            continue
        _apply_overrides(header, grid.name, overrides)
        # A header's field may be claimed by two columns; the first keeps it, the other is kept as extra.
        seen: set[str] = set()
        for col in header.columns:
            if col.field in seen:
                col.field = None
            elif col.field:
                seen.add(col.field)
        _stage_from_words(header, seen)
        notes = []
        if "project_name" not in seen:
            unlabelled = _unlabelled_name_column(grid, header, vocab)
            if unlabelled is None:
                reason = "summary_table" if _summary_table(grid, vocab) else "no_name_column"
                plans.append(SheetPlan(grid, header, "skipped", reason))
                continue
            header.columns = sorted([*header.columns, unlabelled], key=lambda c: c.index)
            notes.append(Issue("name_column_unlabelled", grid.name, header.first_row + 1, unlabelled.label, "warning",
                               {"column": column_letter(unlabelled.index)}))  # fmt: skip
        plans.append(SheetPlan(grid, header, "ledger", notes=notes + _mapping_notes(grid.name, header)))
    return plans


def _stage_from_words(header: Header, seen: set[str]) -> None:
    """A 项目性质 / 进展情况 column stands for the stage when the sheet has no stage column; else it is an extra."""
    for col in header.columns:
        if col.field == "stage_text":
            col.field = None if "stage" in seen else "stage"
    seen.discard("stage_text")
    if any(c.field == "stage" for c in header.columns):
        seen.add("stage")


def _mapping_notes(sheet: str, header: Header) -> list[Issue]:
    """One note per header read as a field, so the report says how every column was understood."""
    return [
        Issue("header_mapped", sheet, header.first_row + 1, col.label, "info",
              {"label": col.label, "field": ref(f"field.{col.field}")})
        for col in header.columns
        if col.field
    ]  # fmt: skip


def _unlabelled_name_column(grid: SheetGrid, header: Header, vocab: Vocabulary) -> Column | None:
    """A column with a blank header beside 序号 that holds distinct texts: the project names, unlabelled."""
    labelled = {c.index for c in header.columns}
    numbering = [c.index for c in header.columns if header_key(c.label) in vocab.ignored_headers]
    body = grid.rows[header.data_start :]
    for index in sorted({i + d for i in numbering for d in (1, -1)} - labelled):
        if index < 0:
            continue
        values = [row[index] for row in body if index < len(row) and row[index] not in (None, "")]
        texts = [v.strip() for v in values if isinstance(v, str) and v.strip() and not _NUMERIC.fullmatch(v.strip())]
        if texts and len(texts) >= 0.8 * len(values) and len(set(texts)) >= 0.8 * len(texts):
            return Column(index, f"{column_letter(index)}列（无表头）", "project_name")
    return None


def _summary_table(grid: SheetGrid, vocab: Vocabulary) -> bool:
    """A table by county, region or industry that counts projects (县别 | 项目数 | 总投资) rather than lists them."""
    rows = [[header_key(str(c)) for c in row if isinstance(c, str) and c.strip()] for row in grid.rows[:SCAN_ROWS]]
    for r, row in enumerate(rows):
        if row and row[0] in vocab.summary_group_headers:
            near = {text for other in rows[r : r + 3] for text in other}
            if near & vocab.summary_count_headers:
                return True
    return False


def read_ledger(
    data: bytes,
    file_name: str,
    overrides: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    rates: dict[str, float] | None = None,
) -> LedgerRead:
    """Read and normalise an uploaded ledger; raise ImportRejected when nothing can be imported.

    rates: yuan per unit of foreign currencies (USD, HKD …), over the vocabulary's defaults.
    """
    vocab = vocabulary()
    rates = {**vocab.default_rates, **(rates or {})}
    fmt, grids = read_grids(data, file_name, max_bytes)
    plans = plan_sheets(grids, vocab, overrides)
    issues: list[Issue] = []
    results: list[tuple[SheetPlan, SheetResult]] = []
    n_ledgers = sum(p.role == "ledger" for p in plans)
    for plan in plans:
        issues.extend(plan.grid.notes)
        if plan.role == "targets":
            issues.append(Issue("targets_sheet", plan.grid.name, None, None, "info"))
            continue
        if plan.role != "ledger":
            issues.append(Issue("sheet_skipped", plan.grid.name, None, None, "info", _reason(plan)))
            continue
        assert plan.header is not None
        issues.extend(plan.notes)
        context = _context(plan.grid.name, plan.header, vocab, n_ledgers)
        context.rates = rates
        result = normalise_sheet(plan.grid, plan.header, context, vocab)
        not_a_list = _not_a_list(result, vocab)
        if not_a_list:
            plan.role, plan.reason = "skipped", not_a_list
            issues.append(Issue("sheet_skipped", plan.grid.name, None, None, "info", _reason(plan)))
            continue
        issues.extend(result.unit_notes)
        results.append((plan, result))
    if not results:
        _refuse_without_ledger(file_name, plans)

    dropped = _summary_sheets(results)
    for i in dropped:
        plan = results[i][0]
        plan.role, plan.reason = "skipped", "summary"
        issues.append(Issue("summary_sheet_skipped", plan.grid.name, None, None, "warning"))
    results = [pair for i, pair in enumerate(results) if i not in dropped]
    for _, result in results:
        issues.extend(result.issues)
    frames = [result.frame for _, result in results]
    rows_read = sum(result.rows_read for _, result in results)
    rows_rejected = sum(result.rows_rejected for _, result in results)
    title_as_of = next(filter(None, (plan.header.title_as_of for plan, _ in results if plan.header)), None)
    footnote_as_of = next(filter(None, (parse_as_of(t) for _, r in results for t in r.footnotes)), None)

    projects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROJECT_COLUMNS)
    if projects.empty:
        raise ImportRejected(
            "no_valid_rows", file_name, params={"rows_read": rows_read, "rows_rejected": rows_rejected}
        )
    projects = _merge_across_sheets(projects, issues)
    _flag_duplicates(projects, issues)
    order = {plan.grid.name: i for i, plan in enumerate(plans)}
    issues.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))
    used = {i.params["code"] for i in issues if i.code == "currency_converted"}
    for plan in plans:
        if plan.role != "targets":
            # Read already: a 100,000-row sheet's cells would double what the result holds and what the
            # sandbox carries back to the server, for nothing.
            plan.grid = replace(plan.grid, rows=[])
    return LedgerRead(
        file_name, fmt, projects, issues, rows_read, rows_rejected, title_as_of or footnote_as_of, plans,
        {code: rates[code] for code in sorted(used)},
    )  # fmt: skip


def _summary_sheets(results: list[tuple[SheetPlan, SheetResult]]) -> set[int]:
    """Positions of sheets named like a summary (汇总, 总表) whose every project another sheet lists too."""
    dropped: set[int] = set()
    for i, (plan, result) in enumerate(results):
        if not _SUMMARY_SHEET.search(header_key(plan.grid.name)) or result.frame.empty:
            continue
        others = {
            name
            for j, (_, other) in enumerate(results)
            if j != i and j not in dropped
            for name in other.frame["project_name"]
        }
        if set(result.frame["project_name"]) <= others:
            dropped.add(i)
    return dropped


def _context(name: str, header: Header, vocab: Vocabulary, n_ledgers: int) -> SheetContext:
    """What a sheet's name and title lines say about all its projects (industry, stage, unit)."""
    cols = header.field_columns()
    context = SheetContext(name, unit_wan=header.title_unit_wan, foreign=header.title_foreign)
    if "stage" not in cols:
        context.stage = lookup_stage(vocab.stages, name)
    if "industry" not in cols:
        context.industry = lookup(vocab.industries, name)
        # In a workbook of one sheet per industry, a sheet named 生物医药 is industry "other", text kept.
        generic = _GENERIC_SHEET.search(header_key(name)) or context.stage
        if context.industry or (n_ledgers > 1 and not generic):
            context.industry = context.industry or "other"
            context.industry_raw = name
    return context


def _not_a_list(result: SheetResult, vocab: Vocabulary) -> str:
    """Why a sheet read as a ledger holds no project list ("template", "form"), or "" when it does."""
    if result.frame.empty and not result.rows_rejected:
        return "template"  # a header, outline headings and numbered empty lines: nothing filled in
    names = result.frame["project_name"].dropna()
    if not 3 <= len(names) <= _FORM_MAX_ROWS:
        return ""
    # A label/value card: its "names" are labels (项目总投资额（万元）, 日期, 责任人, 业主（签名）：).
    labels = names.map(
        lambda n: n.rstrip().endswith((":", "：")) or header_key(n) in vocab.form_labels or bool(vocab.header_field(n))
    )
    return "form" if 3 * int(labels.sum()) >= len(names) else ""


_NOT_A_LIST = ("template", "form", "summary_table")  # in this order, the refusal a file of such sheets gets


def _refuse_without_ledger(file_name: str, plans: list[SheetPlan]) -> None:
    """Raise the refusal that says why no sheet could be read as a ledger."""
    if not plans:
        raise ImportRejected("no_sheets", file_name)
    unreadable = [p for p in plans if p.reason not in (*_NOT_A_LIST, "empty", "instructions", "")]
    for reason in _NOT_A_LIST if not unreadable else ():
        sheets = [p.grid.name for p in plans if p.reason == reason]
        if sheets:
            _refuse_not_a_list(file_name, reason, sheets)
    headed = [p for p in plans if p.header is not None]
    if headed:
        plan = headed[0]
        labels = [c.label for c in plan.header.columns if c.label] if plan.header else []
        raise ImportRejected(
            "no_name_column",
            file_name,
            sheet=plan.grid.name,
            row=plan.header.first_row + 1 if plan.header else None,
            params={"labels": [ref("report.quoted", text=label) for label in labels]},
        )
    reasons = [ref("sheet_reason.of_sheet", sheet=p.grid.name, **_reason(p)) for p in plans]
    sheet = plans[0].grid.name if len(plans) == 1 else None
    raise ImportRejected("no_ledger_header", file_name, sheet=sheet, params={"reasons": reasons})


def _refuse_not_a_list(file_name: str, reason: str, sheets: list[str]) -> None:
    """Refuse a file whose sheets are empty templates, one-project forms or summary tables, in one sentence."""
    sheet = None  # the sentence names every sheet concerned
    params: dict[str, object] = {"sheets": [ref("report.quoted", text=name) for name in sheets]}
    if reason == "template":
        raise ImportRejected("empty_template", file_name, sheet=sheet, params=params)
    if reason == "form":
        raise ImportRejected("form_not_list", file_name, sheet=sheet, params=params)
    raise ImportRejected("summary_table", file_name, sheet=sheet, params=params)


def _reason(plan: SheetPlan) -> dict[str, object]:
    """The params that say why a sheet was skipped."""
    return {"reason": ref(f"sheet_reason.{plan.reason or plan.role}")}


# Fields where a later sheet's value only counts when the first sheet said nothing ("other", "unknown").
_UNSAID = {"industry": "other", "channel": "unknown"}


def _merge_across_sheets(projects: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """One row per real project: the same name (and investor, where both sheets give one) on two sheets is
    one project, kept at its first place with the fields the other sheet adds; a note gives both places."""
    if projects["source_sheet"].nunique() < 2:
        return projects
    names = pd.Series(identity_keys(projects["project_name"].tolist()), index=projects.index, dtype=object)
    investors = pd.Series(identity_keys(projects["investor"].tolist()), index=projects.index, dtype=object)
    repeated = names.duplicated(keep=False)
    if not repeated.any():
        return projects
    merged = projects.copy()
    keep = pd.Series(True, index=projects.index)
    for _, group in projects[repeated].groupby(names[repeated], sort=False):
        kept: list[int] = []
        for i in group.index:
            owner = next(
                (
                    k for k in kept
                    if projects.at[k, "source_sheet"] != projects.at[i, "source_sheet"]
                    and (investors[k] == investors[i] or not investors[k] or not investors[i])
                ),
                None,
            )  # fmt: skip
            if owner is None:
                kept.append(i)
                continue
            _fill_from(merged, owner, projects.loc[i])
            keep[i] = False
            issues.append(
                Issue("merged_across_sheets", projects.at[i, "source_sheet"], int(projects.at[i, "source_row"]), None,
                      "info", {"name": projects.at[i, "project_name"], "sheet": projects.at[owner, "source_sheet"],
                               "row": int(projects.at[owner, "source_row"])})
            )  # fmt: skip
    return merged[keep].reset_index(drop=True)


def _fill_from(merged: pd.DataFrame, owner: int, other: pd.Series) -> None:
    """Give the kept row what the other sheet's row adds: empty fields, the further stage, a key mark."""
    for column in PROJECT_COLUMNS:
        if column in ("source_sheet", "source_row", "project_name"):
            continue
        mine, theirs = merged.at[owner, column], other[column]
        if column == "stage":
            if mine in RANK and theirs in RANK and RANK[theirs] > RANK[mine]:
                merged.at[owner, column], merged.at[owner, "stage_raw"] = theirs, other["stage_raw"]
        elif column == "is_key":
            merged.at[owner, column] = bool(mine) or bool(theirs)
        elif column == "extra" and isinstance(theirs, str):
            both = {**json.loads(theirs), **(json.loads(mine) if isinstance(mine, str) else {})}
            merged.at[owner, column] = json.dumps(both, ensure_ascii=False, separators=(",", ":"))
        elif column in _UNSAID and mine == _UNSAID[column] and theirs != _UNSAID[column]:
            merged.at[owner, column], merged.at[owner, f"{column}_raw"] = theirs, other[f"{column}_raw"]
        elif (mine is None or (not isinstance(mine, str) and pd.isna(mine))) and column != "stage_raw":
            merged.at[owner, column] = theirs


def _flag_duplicates(projects: pd.DataFrame, issues: list[Issue]) -> None:
    if not projects["project_name"].duplicated().any():
        return  # no name twice, so no (name, investor) twice: one hashing of the names instead of both columns'
    dup = projects.duplicated(subset=["project_name", "investor"], keep="first")
    for _, row in projects[dup].iterrows():
        issues.append(
            Issue("duplicate_project", row.source_sheet, int(row.source_row), None, "warning",
                  {"name": row.project_name})
        )  # fmt: skip
