"""The import report as tables: issues by place, and the mapped rows with their issues beside them."""

from __future__ import annotations

import pandas as pd

from analytics.i18n import DEFAULT_LANGUAGE, t
from analytics.ingest.errors import Issue

ISSUE_COLUMNS = ["sheet", "row", "column", "severity", "message"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def issues_frame(issues: list[Issue], lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """All issues as a table with their sentences in lang, errors first, then by sheet and row."""
    frame = pd.DataFrame(
        [(i.sheet, i.row, i.column, i.severity, i.sentence(lang)) for i in issues], columns=ISSUE_COLUMNS
    )
    frame["row"] = frame["row"].astype("Int64")
    order = frame["severity"].map(SEVERITY_ORDER)
    return frame.assign(_o=order).sort_values(["_o", "sheet", "row"], na_position="first").drop(columns="_o")


def severity_counts(issues: list[Issue]) -> dict[str, int]:
    """How many errors, warnings and notes the import produced."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for issue in issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    return counts


def rows_with_issues(projects: pd.DataFrame, issues: list[Issue], lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The mapped project rows, each with its own issues (in lang) joined into one text column."""

    def said(issue: Issue) -> str:
        text = issue.sentence(lang)
        return t("report.at_column", lang, column=issue.column, text=text) if issue.column else text

    per_row = (
        pd.DataFrame(
            [(i.sheet, i.row, said(i)) for i in issues if i.row is not None and i.severity != "info"],
            columns=["source_sheet", "source_row", "issues"],
        )
        .groupby(["source_sheet", "source_row"], as_index=False)["issues"]
        .agg(t("report.separator", lang).join)
    )
    merged = projects.merge(per_row, on=["source_sheet", "source_row"], how="left")
    return merged
