"""The import report as tables: issues by place, and the mapped rows with their issues beside them."""

from __future__ import annotations

import pandas as pd

from analytics.ingest.errors import Issue

ISSUE_COLUMNS = ["sheet", "row", "column", "severity", "message"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    """All issues as a table, errors first, then by sheet and row."""
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=ISSUE_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    order = frame["severity"].map(SEVERITY_ORDER)
    return frame.assign(_o=order).sort_values(["_o", "sheet", "row"], na_position="first").drop(columns="_o")


def severity_counts(issues: list[Issue]) -> dict[str, int]:
    """How many errors, warnings and notes the import produced."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for issue in issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    return counts


def rows_with_issues(projects: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """The mapped project rows, each with its own issues joined into one text column."""
    per_row = (
        pd.DataFrame(
            [
                (i.sheet, i.row, f"{i.column + '：' if i.column else ''}{i.message}")
                for i in issues
                if i.row is not None and i.severity != "info"
            ],
            columns=["source_sheet", "source_row", "issues"],
        )
        .groupby(["source_sheet", "source_row"], as_index=False)["issues"]
        .agg("；".join)
    )
    merged = projects.merge(per_row, on=["source_sheet", "source_row"], how="left")
    return merged
