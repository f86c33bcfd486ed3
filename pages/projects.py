"""项目清单 Projects: search, filter, sort and export the list; one project's full record and life."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analytics.charts.projects import lifecycle
from analytics.domain import ALL_STAGES
from analytics.export import workbook_bytes
from analytics.i18n import label
from analytics.metrics import projects as project_metrics
from analytics.metrics.history import project_history
from analytics.metrics.projects import ProjectFilter
from analytics.metrics.reserve import SIZE_BANDS
from analytics.theme import day, wan, yi
from analytics.vocabulary import CHANNELS, PROJECT_TYPES
from pages.comments import comment_section
from pages.context import PageContext, connection, metric, page_context, plain, snapshot_caption
from pages.project_table import display_frame, show

DETAIL_FIELDS = [
    "project_name", "investor", "industry", "investment_wan", "invested_wan", "stage", "project_type",
    "source_region", "department", "is_key", "channel", "introduced_by", "fund_wan", "signed_date",
    "landed_date", "construction_date", "production_date", "problems", "measures", "notes",
]  # fmt: skip
PAGE_ROWS = 100
"""Projects per page of the list: the page holds these, whatever the size of the reserve."""
EXPORT_ROWS = 50_000
"""The Excel export holds at most this many of the filtered projects (biggest first)."""
LIST_EXTRAS = ["project_type", "source_region", "department", "channel", "landed_date", "construction_date", "production_date"]  # fmt: skip


@st.cache_data(show_spinner=False)
def _history(project_key: str) -> pd.DataFrame:
    return project_history(connection(), project_key)


def _options(ctx: PageContext, column: str) -> list[str]:
    return metric(project_metrics.option_values, ctx.snapshot_id, ctx.filters, column)


def _filters(ctx: PageContext) -> ProjectFilter:
    query = st.text_input(ctx.t("projects.search"), key="project_search", placeholder=ctx.t("projects.search_hint"))
    row1 = st.columns(4)
    stages = row1[0].multiselect(ctx.t("field.stage"), ALL_STAGES, format_func=lambda k: label("stage", k, ctx.lang),
                                 key="f_stage", placeholder=ctx.t("projects.any"))  # fmt: skip
    types = row1[1].multiselect(ctx.t("field.project_type"), PROJECT_TYPES,
                                format_func=lambda k: label("project_type", k, ctx.lang), key="f_type", placeholder=ctx.t("projects.any"))  # fmt: skip
    regions = row1[2].multiselect(
        ctx.t("field.source_region"),
        _options(ctx, "source_region"),
        key="f_region",
        placeholder=ctx.t("projects.any"),
    )
    departments = row1[3].multiselect(
        ctx.t("field.department"),
        _options(ctx, "department"),
        key="f_department",
        placeholder=ctx.t("projects.any"),
    )
    row2 = st.columns([1, 1, 1, 1])
    bands = row2[0].multiselect(ctx.t("projects.size_band"), [k for k, _, _ in SIZE_BANDS],
                                format_func=lambda k: label("size_band", k, ctx.lang), key="f_size", placeholder=ctx.t("projects.any"))  # fmt: skip
    channels = row2[1].multiselect(ctx.t("field.channel"), CHANNELS, format_func=lambda k: label("channel", k, ctx.lang),
                                   key="f_channel", placeholder=ctx.t("projects.any"))  # fmt: skip
    key_only = row2[2].toggle(ctx.t("projects.key_only"), key="f_key_only")
    return ProjectFilter(query, tuple(stages), tuple(types), tuple(regions), tuple(departments), tuple(bands),
                         tuple(channels), key_only)  # fmt: skip


# The detail's labels: the amounts are written in 亿元 with 万元 beside, so their label carries no unit.
DETAIL_LABELS = {"investment_wan": "field.investment"}


def _value(ctx: PageContext, column: str, value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if column in ("investment_wan", "invested_wan", "fund_wan"):
        return f"{yi(value)} {ctx.t('unit.yi')}（{value:,.0f} {ctx.t('unit.wan')}）"
    if column in ("industry", "stage", "project_type", "channel"):
        return label(column, value, ctx.lang)
    if column == "is_key":
        return ctx.t("common.yes") if value else ctx.t("common.no")
    if column.endswith("_date"):
        return day(value)
    return str(value)


def _fields_table(ctx: PageContext, fields: list[tuple[str, str]], key: str) -> None:
    """Field names and values as a two-column table: cells are plain text, whatever the spreadsheet held."""
    frame = pd.DataFrame(fields, columns=[ctx.t("projects.field"), ctx.t("projects.cell")])
    st.dataframe(frame, hide_index=True, width="stretch", key=key, row_height=32)


def _detail(ctx: PageContext, project: pd.Series) -> None:
    st.subheader(plain(project["project_name"]))
    fields = [(ctx.t(DETAIL_LABELS.get(c, f"field.{c}")), _value(ctx, c, project.get(c))) for c in DETAIL_FIELDS]
    left, right = st.columns(2)
    half = (len(fields) + 1) // 2
    with left:
        _fields_table(ctx, fields[:half], "detail_left")
    with right:
        _fields_table(ctx, fields[half:], "detail_right")
    extra = json.loads(project["extra"]) if isinstance(project.get("extra"), str) else {}
    if extra:
        st.markdown(f"**{ctx.t('projects.extra')}**")
        st.dataframe(pd.DataFrame({ctx.t("projects.column"): list(extra), ctx.t("projects.cell"): [
            "—" if v is None else str(v) for v in extra.values()]}), hide_index=True, width="stretch")  # fmt: skip
    history = _history(project["project_key"])
    latest = history.iloc[-1]
    st.caption(ctx.t("projects.source", file=plain(latest["file_name"]), sheet=plain(latest["source_sheet"]),
                     row=latest["source_row"], snapshot_id=latest["snapshot_id"]))  # fmt: skip
    st.plotly_chart(lifecycle(history, ctx.lang), key="lifecycle_chart", width="stretch")
    table = history[
        ["snapshot_id", "as_of", "stage", "investment_wan", "file_name", "source_sheet", "source_row"]
    ].copy()
    table["as_of"] = table["as_of"].map(day)
    table["stage"] = table["stage"].map(lambda k: label("stage", k, ctx.lang) if isinstance(k, str) else "—")
    table["investment_wan"] = table["investment_wan"].map(wan)
    st.dataframe(table.rename(columns=lambda c: ctx.t(f"projects.history.{c}")), hide_index=True, width="stretch")
    comment_section(ctx, project["project_key"], project["project_name"], key="comment")


def _sync_project_to_url() -> None:
    """Keep ?project= on the project shown, so the address bar is a link to it."""
    st.query_params["project"] = st.session_state["project_detail"]


ctx = page_context()
st.title(ctx.t("projects.header"))
snapshot_caption(ctx)
if ctx.snapshot_id is None:
    st.stop()

spec = _filters(ctx)
number = int(st.session_state.get("project_page", 1))
found = metric(project_metrics.page, ctx.snapshot_id, ctx.filters, spec, (number - 1) * PAGE_ROWS, PAGE_ROWS)
pages = max(1, -(-found.total // PAGE_ROWS))
if number > pages:  # a narrower filter has fewer pages than the one asked for: show its last
    number = st.session_state["project_page"] = pages
    found = metric(project_metrics.page, ctx.snapshot_id, ctx.filters, spec, (number - 1) * PAGE_ROWS, PAGE_ROWS)
st.markdown(ctx.t("projects.count", n=found.total, total=found.reserve, investment=yi(found.investment_wan)))
if pages > 1:
    st.number_input(ctx.t("projects.page", pages=pages), min_value=1, max_value=pages, step=1, key="project_page")
chosen = found.rows
shown = display_frame(ctx, chosen, LIST_EXTRAS)
show(ctx, shown, key="project_list", height=420)


def _export(ctx: PageContext, spec: ProjectFilter) -> bytes:
    """The filtered list as a workbook, made when the button is pressed (EXPORT_ROWS at most)."""
    rows = project_metrics.page(connection(), ctx.snapshot_id, ctx.filters, spec, 0, EXPORT_ROWS).rows
    title = ctx.t("projects.export_title", as_of=day(ctx.snapshot["as_of"]))
    return workbook_bytes({ctx.t("nav.projects"): display_frame(ctx, rows, LIST_EXTRAS)}, title=title)


st.download_button(
    ctx.t("projects.export"),
    lambda: _export(ctx, spec),
    file_name=f"projects-{day(ctx.snapshot['as_of'])}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="export_projects",
    help=ctx.t("projects.export_capped", n=f"{EXPORT_ROWS:,}") if found.total > EXPORT_ROWS else None,
)

st.divider()
names = dict(zip(chosen["project_key"], chosen["project_name"], strict=True))
# ?project=<project_key> (the Overview's links) picks the detail, on this page of the list or not; a key
# outside the filtered snapshot is ignored.
wanted = st.query_params.get("project")
if wanted is not None and wanted not in names:
    linked = metric(project_metrics.one_project, ctx.snapshot_id, ctx.filters, wanted)
    if not linked.empty:
        chosen = pd.concat([linked, chosen], ignore_index=True)
        names = {wanted: linked.loc[0, "project_name"], **names}
if names:
    if wanted in names:
        st.session_state["project_detail"] = wanted
    picked = st.selectbox(
        ctx.t("projects.detail"), list(names), format_func=names.get, key="project_detail",
        on_change=_sync_project_to_url,
    )  # fmt: skip
    project = chosen[chosen["project_key"] == picked].iloc[0]
    _detail(ctx, project)
