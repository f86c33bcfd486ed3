"""The one way a list of projects is shown: Chinese labels, 亿元 with two decimals, dates, key flag."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.domain import WAN_PER_YI
from analytics.i18n import label

BASE_COLUMNS = ["project_name", "investor", "industry", "investment_wan", "stage", "signed_date", "is_key"]


def display_frame(ctx, projects: pd.DataFrame, extra_columns: list[str] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Projects with translated labels and 亿元 amounts, columns named in the UI language."""
    columns = [c for c in [*BASE_COLUMNS, *(extra_columns or [])] if c in projects.columns]
    frame = projects[columns].copy()
    if "stage_before" in frame.columns:
        frame["stage_before"] = frame["stage_before"].map(lambda k: label("stage", k, ctx.lang))
    for kind in ("industry", "stage", "project_type", "channel"):
        if kind in frame.columns:
            frame[kind] = frame[kind].map(lambda k, kind=kind: label(kind, k, ctx.lang) if isinstance(k, str) else None)
    frame["investment_wan"] = frame["investment_wan"] / WAN_PER_YI
    for column in frame.columns:
        if column.endswith("_date") or column.endswith("_since"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
    special = {"investment_wan": "table.investment_yi", "stalled": "review.stalled", "overdue": "review.overdue"}
    names = {c: ctx.t(special.get(c, f"field.{c}")) for c in columns}
    return frame.rename(columns=names)


def project_table(ctx, projects: pd.DataFrame, key: str, extra_columns: list[str] | None = None) -> None:  # noqa: ANN001
    """Show projects as a sortable table."""
    frame = display_frame(ctx, projects, extra_columns)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={ctx.t("table.investment_yi"): st.column_config.NumberColumn(format="%.2f")},
    )
