"""Read a whole upload (any supported format, any number of sheets) into canonical project rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics.ingest.errors import ImportRejected, Issue
from analytics.ingest.headers import Header, find_header
from analytics.ingest.normalise import PROJECT_COLUMNS, SheetContext, normalise_sheet
from analytics.ingest.readers import SheetGrid, read_csv, read_workbook
from analytics.ingest.sniff import DEFAULT_MAX_BYTES, detect_format
from analytics.vocabulary import Vocabulary, header_key, lookup, vocabulary


@dataclass
class SheetPlan:
    """How one sheet will be read: its header and column mapping (shown to the analyst before commit)."""

    grid: SheetGrid
    header: Header | None
    role: str  # "ledger", "targets", "skipped"
    reason: str = ""


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


def read_grids(data: bytes, file_name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[SheetGrid]]:
    """Detect the format from the bytes and read every sheet's cells."""
    fmt = detect_format(data, file_name, max_bytes)
    if fmt == "csv":
        grids, _encoding = read_csv(data, file_name)
    else:
        grids = read_workbook(data, file_name)
    return fmt, grids


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
            plans.append(SheetPlan(grid, None, "skipped", "空工作表"))
            continue
        if key in vocab.non_data_sheets:
            plans.append(SheetPlan(grid, None, "skipped", "说明类工作表"))
            continue
        if key in vocab.target_sheets or key.endswith("目标"):
            plans.append(SheetPlan(grid, None, "targets", "目标表"))
            continue
        header = find_header(grid, vocab)
        if header is None:
            plans.append(SheetPlan(grid, None, "skipped", "未找到可识别的表头"))
            continue
        _apply_overrides(header, grid.name, overrides)
        # A header's field may be claimed by two columns; the first keeps it, the other is kept as extra.
        seen: set[str] = set()
        for col in header.columns:
            if col.field in seen:
                col.field = None
            elif col.field:
                seen.add(col.field)
        if "project_name" not in seen:
            plans.append(SheetPlan(grid, header, "skipped", "表头中没有「项目名称」列"))
            continue
        plans.append(SheetPlan(grid, header, "ledger"))
    return plans


def read_ledger(
    data: bytes,
    file_name: str,
    overrides: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LedgerRead:
    """Read and normalise an uploaded ledger; raise ImportRejected when nothing can be imported."""
    vocab = vocabulary()
    fmt, grids = read_grids(data, file_name, max_bytes)
    plans = plan_sheets(grids, vocab, overrides)
    issues: list[Issue] = []
    frames: list[pd.DataFrame] = []
    rows_read = rows_rejected = 0
    title_as_of: date | None = None
    for plan in plans:
        for note in plan.grid.notes:
            issues.append(Issue(plan.grid.name, None, None, "warning", note))
        if plan.role != "ledger":
            issues.append(Issue(plan.grid.name, None, None, "info", f"已跳过工作表：{plan.reason}"))
            continue
        header = plan.header
        assert header is not None
        cols = header.field_columns()
        context = SheetContext(
            plan.grid.name,
            industry=None if "industry" in cols else lookup(vocab.industries, plan.grid.name),
            stage=None if "stage" in cols else lookup(vocab.stages, plan.grid.name),
            unit_wan=header.title_unit_wan,
        )
        unit_notes: list[Issue] = []
        result = normalise_sheet(plan.grid, header, context, vocab, unit_notes)
        issues.extend(unit_notes)
        issues.extend(result.issues)
        frames.append(result.frame)
        rows_read += result.rows_read
        rows_rejected += result.rows_rejected
        title_as_of = title_as_of or header.title_as_of

    ledger_plans = [p for p in plans if p.role == "ledger"]
    if not ledger_plans:
        reasons = "；".join(f"{p.grid.name}：{p.reason}" for p in plans) or "文件中没有工作表"
        if any(p.header is not None for p in plans):
            raise ImportRejected(file_name, f"表头中找不到「项目名称」列（{reasons}）")
        raise ImportRejected(file_name, f"没有找到可识别的台账表头（{reasons}）")
    projects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROJECT_COLUMNS)
    if projects.empty:
        raise ImportRejected(file_name, f"没有可导入的有效项目行（读取 {rows_read} 行，拒绝 {rows_rejected} 行）")
    _flag_duplicates(projects, issues)
    issues.sort(key=lambda i: (i.sheet or "", i.row or 0))
    return LedgerRead(file_name, fmt, projects, issues, rows_read, rows_rejected, title_as_of, plans)


def _flag_duplicates(projects: pd.DataFrame, issues: list[Issue]) -> None:
    dup = projects.duplicated(subset=["project_name", "investor"], keep="first")
    for _, row in projects[dup].iterrows():
        issues.append(
            Issue(
                row.source_sheet,
                int(row.source_row),
                None,
                "warning",
                f"项目「{row.project_name}」与前面的行重复（名称和投资方相同），两行均已导入，请核对",
            )  # fmt: skip
        )
