"""The one way a list of projects is shown: Chinese labels, 亿元 with two decimals, dates, key flag, status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.domain import WAN_PER_YI
from analytics.i18n import label
from analytics.theme import STATUS_COLOURS, day
from pages.context import PageContext

BASE_COLUMNS = ["project_name", "investor", "industry", "investment_wan", "stage", "signed_date", "is_key"]
EMPTY = "—"


def display_frame(ctx: PageContext, projects: pd.DataFrame, extra_columns: list[str] | None = None) -> pd.DataFrame:
    """Projects with translated labels and 亿元 amounts, columns named in the UI language.

    Empty cells read "—" (not None, nan or NaT on a projector); dates read 2023-09-30; a key project's
    `status` (red / yellow / green) reads as a marked word.
    """
    columns = [c for c in [*BASE_COLUMNS, *(extra_columns or [])] if c in projects.columns]
    if "status" in columns:
        # A status is a key project's, so a column of ticks would say nothing; the status leads the row.
        columns = ["status", *(c for c in columns if c not in ("status", "is_key"))]
    frame = projects[columns].copy()
    if "stage_before" in frame.columns:
        frame["stage_before"] = frame["stage_before"].map(
            lambda k: label("stage", k, ctx.lang) if isinstance(k, str) else EMPTY
        )
    for kind in ("industry", "stage", "project_type", "channel"):
        if kind in frame.columns:
            frame[kind] = frame[kind].map(
                lambda k, kind=kind: label(kind, k, ctx.lang) if isinstance(k, str) else EMPTY
            )
    if "status" in frame.columns:
        frame["status"] = frame["status"].map(lambda s: ctx.t(f"risk.status.{s}"))
    frame["investment_wan"] = frame["investment_wan"] / WAN_PER_YI
    for column in frame.columns:
        if column.endswith("_date") or column.endswith("_since"):
            frame[column] = frame[column].map(day)
        elif column == "stalled_days":
            frame[column] = frame[column].map(lambda d: EMPTY if pd.isna(d) else f"{int(d)}")
        elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: EMPTY if v is None or (not isinstance(v, str) and pd.isna(v)) else v
            )
    special = {"investment_wan": "table.investment_yi", "stalled": "review.stalled", "overdue": "review.overdue"}
    names = {c: ctx.t(special.get(c, f"field.{c}")) for c in columns}
    return frame.rename(columns=names)


def styled(ctx: PageContext, frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    """A display frame with a status column as shown: the status coloured (red, amber, green), 亿元 with two
    decimals, empty amounts "—". A Styler keeps the numbers sortable while their text is formatted."""
    out = frame.style
    money = ctx.t("table.investment_yi")
    if money in frame.columns:
        out = out.format("{:,.2f}", subset=[money], na_rep=EMPTY)
    column = ctx.t("field.status")
    colour = {ctx.t(f"risk.status.{s}"): c for s, c in STATUS_COLOURS.items()}
    return out.map(lambda v: f"color: {colour.get(v, 'inherit')}; font-weight: 600", subset=[column])


def show(ctx: PageContext, frame: pd.DataFrame, key: str, height: int | None = None) -> None:
    """A display frame as a sortable table. Only a status column needs a Styler (its colours); formatting every
    cell through one costs more than the rest of a page, so other lists format 亿元 in the table itself."""
    size = {"height": height} if height else {}
    if ctx.t("field.status") in frame.columns:
        st.dataframe(styled(ctx, frame), hide_index=True, width="stretch", key=key, **size)
        return
    money = {ctx.t(c): st.column_config.NumberColumn(format="%.2f") for c in MONEY if ctx.t(c) in frame.columns}
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=money, **size)


MONEY = ("table.investment_yi",)
"""Columns in 亿元 (message keys of their headers)."""


def project_table(ctx: PageContext, projects: pd.DataFrame, key: str, extra_columns: list[str] | None = None) -> None:
    """Show projects as a sortable table."""
    show(ctx, display_frame(ctx, projects, extra_columns), key)
