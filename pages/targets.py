"""年度目标 Targets: progress against the year's targets, editing them, and what changed since last meeting."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.charts import targets as charts
from analytics.domain import SCOPES, WAN_PER_YI
from analytics.i18n import label
from analytics.metrics import changes as change_metrics
from analytics.metrics import risks
from analytics.metrics import targets as metrics
from analytics.store.snapshots import list_snapshots
from analytics.store.targets import load_targets, save_targets, target_changes, target_years
from analytics.theme import percent
from pages.context import PageContext, chart, connection, metric, page_context, read, snapshot_caption
from pages.project_table import project_table

TABLE_ROWS = 200
"""Rows a list of projects shows (the count above it is the whole list's)."""


def _pace_table(ctx: PageContext, progress: pd.DataFrame) -> None:
    frame = progress[progress["target"].notna()].copy()
    frame["scope"] = frame["industry"].map(lambda k: label("industry", k, ctx.lang))
    frame["measure_name"] = frame["measure"].map(lambda m: ctx.t(f"targets.measure.{m}"))
    money = frame["measure"] == "signed_investment_wan"
    # The amounts are in 亿元 on screen: the measure says so, as the counts' need no unit.
    frame["measure_name"] = frame["measure_name"].where(
        ~money, frame["measure_name"].map(lambda n: ctx.t("targets.measure_yi", measure=n))
    )
    numbers = ["target", "actual", "gap", "projection"]
    for column in numbers:
        frame[column] = frame[column].where(~money, frame[column] / WAN_PER_YI).round(2)
    frame["completion"] = frame["completion"].map(percent)
    frame["status"] = frame["status"].map(lambda s: ctx.t(f"targets.status.{s}") if isinstance(s, str) else "—")
    shown = frame[["scope", "measure_name", "target", "actual", "completion", "gap", "projection", "status"]]
    shown = shown.rename(columns=lambda c: ctx.t(f"targets.col.{c}"))
    # No projection before the year starts: "—", not None; numbers stay numbers so the columns sort.
    text = shown.style.format(
        lambda v: "—" if pd.isna(v) else f"{v:,.2f}".rstrip("0").rstrip("."),
        subset=[ctx.t(f"targets.col.{c}") for c in numbers],
    )
    st.dataframe(text, hide_index=True, width="stretch", key="pace_table")


MONEY = "signed_investment_wan"


def _to_wan(edited_yi: float, stored_wan: float | None) -> float:
    """An amount typed in 亿元 back in 万元; an untouched cell keeps its stored value exactly."""
    if pd.isna(edited_yi):
        return float("nan")
    if stored_wan is not None and not pd.isna(stored_wan) and math.isclose(edited_yi, stored_wan / WAN_PER_YI):
        return stored_wan
    return round(float(edited_yi) * WAN_PER_YI, 6)


def _editor(ctx: PageContext, year: int, targets: pd.DataFrame) -> None:
    """The analyst edits the year's targets in a grid; each saved change is logged with who and when.

    Amounts are typed in 亿元, as the caption and the pace table show them, and stored in 万元.
    """
    measures = list(metrics.MEASURES)
    scopes = list(SCOPES)
    wide = (
        targets.pivot(index="industry", columns="measure", values="value").reindex(index=scopes, columns=measures)
        if not targets.empty
        else pd.DataFrame(index=scopes, columns=measures, dtype=float)
    ).astype(float)
    stored = wide.copy()
    wide[MONEY] = wide[MONEY] / WAN_PER_YI
    wide.index = [label("industry", s, ctx.lang) for s in scopes]
    wide.columns = [
        ctx.t("targets.measure_yi", measure=ctx.t(f"targets.measure.{m}"))
        if m == MONEY
        else ctx.t(f"targets.measure.{m}")
        for m in measures
    ]
    edited = st.data_editor(wide, key=f"targets_editor_{year}", width="stretch", num_rows="fixed")
    st.caption(ctx.t("targets.total_rule"))
    if st.button(ctx.t("targets.save"), type="primary", key="targets_save"):
        values = edited.copy()
        values.index, values.columns = scopes, measures
        values[MONEY] = [_to_wan(v, stored.loc[s, MONEY]) for s, v in values[MONEY].items()]
        long = values.stack(future_stack=True).rename("value").reset_index()
        long.columns = ["industry", "measure", "value"]
        changed = save_targets(connection(), year, long, ctx.user, "editor", replace=True)
        st.success(ctx.t("targets.saved", n=changed))
        st.cache_data.clear()
        st.rerun()


def _change_log(ctx: PageContext, year: int) -> None:
    log = read(target_changes, year)
    if not log.empty:
        with st.expander(ctx.t("targets.log", n=len(log))):
            money = log["measure"] == MONEY
            log["industry"] = log["industry"].map(lambda k: label("industry", k, ctx.lang))
            log["measure"] = log["measure"].map(lambda m: ctx.t(f"targets.measure.{m}"))
            log["measure"] = log["measure"].where(
                ~money, log["measure"].map(lambda n: ctx.t("targets.measure_yi", measure=n))
            )
            log["changed_at"] = pd.to_datetime(log["changed_at"]).dt.strftime("%Y-%m-%d %H:%M")
            for column in ("old_value", "new_value"):
                log[column] = log[column].where(~money, log[column] / WAN_PER_YI)
                log[column] = log[column].map(lambda v: "—" if pd.isna(v) else f"{v:,.10g}")
            st.dataframe(log.rename(columns=lambda c: ctx.t(f"targets.logcol.{c}")), hide_index=True, width="stretch")


def _change_list(ctx: PageContext, base: int, kind: str, total: int) -> None:
    """One change list in an expander that reruns the page when opened: closed, none of its rows is read or sent."""
    box = st.expander(f"{ctx.t(f'targets.change.{kind}')}（{total}）", key=f"changes_{kind}_open", on_change="rerun")
    if not box.open:
        return
    with box:
        rows = metric(change_metrics.since, ctx.snapshot_id, ctx.filters, base, TABLE_ROWS, False, (kind,))[kind]
        extra = ["stage_before"] if "stage_before" in rows else []
        if kind == "investment_changed":
            extra = ["investment_wan_before", "investment_delta"]
        if total > TABLE_ROWS:
            st.caption(ctx.t("table.top_rows", n=TABLE_ROWS, total=total))
        project_table(ctx, rows, key=f"changes_{kind}", extra_columns=extra)


def _changes(ctx: PageContext) -> None:
    st.header(ctx.t("targets.changes"))
    snapshots = read(list_snapshots)
    active = snapshots[snapshots["snapshot_id"] == ctx.snapshot_id].iloc[0]
    earlier = snapshots[(snapshots["as_of"] <= active["as_of"]) & (snapshots["snapshot_id"] != ctx.snapshot_id)]
    if earlier.empty:
        st.info(ctx.t("targets.no_earlier"))
    else:
        describe = {
            r.snapshot_id: f"#{r.snapshot_id} · {r.as_of:%Y-%m-%d} · {r.file_name}" for r in earlier.itertuples()
        }
        base = st.selectbox(ctx.t("targets.compare_with"), list(describe), format_func=describe.get, key="compare_with")
        # The counts are of whole lists; a list's rows (its first TABLE_ROWS) are read once its expander is opened.
        found = metric(change_metrics.counts, ctx.snapshot_id, ctx.filters, int(base))
        cards = st.columns(len(change_metrics.KINDS))
        for column, kind in zip(cards, change_metrics.KINDS, strict=True):
            column.metric(ctx.t(f"targets.change.{kind}"), found[kind], border=True)
        for kind in change_metrics.KINDS:
            if found[kind]:
                _change_list(ctx, int(base), kind, found[kind])
    stalled = metric(risks.flag_counts, ctx.snapshot_id, ctx.filters)["stalled"]
    st.subheader(ctx.t("targets.stalled", n=stalled))
    if stalled == 0:
        st.caption(ctx.t("targets.stalled_none"))
        return
    # Like the change lists: the rows are read and sent once the list is opened.
    box = st.expander(ctx.t("targets.stalled_list", n=stalled), key="stalled_open", on_change="rerun")
    if box.open:
        with box:
            if stalled > TABLE_ROWS:
                st.caption(ctx.t("table.top_rows", n=TABLE_ROWS, total=stalled))
            project_table(
                ctx, metric(risks.key_projects, ctx.snapshot_id, ctx.filters, "stalled", TABLE_ROWS),
                key="stalled_projects", extra_columns=["status", "stalled_days", "problems", "measures"],
            )  # fmt: skip


ctx = page_context()
if ctx.snapshot_id is None:
    st.title(ctx.t("nav.targets"))
    snapshot_caption(ctx)
    st.stop()
as_of = ctx.snapshot["as_of"]
years = read(target_years)
default = metrics.default_target_year(as_of, years)
choices = sorted(set(years) | {default, as_of.year})
year = st.sidebar.pills(ctx.t("targets.year"), choices[::-1], default=default, required=True, key="targets_year")
st.title(ctx.t("targets.header", year=year))
snapshot_caption(ctx)

targets = read(load_targets, year)
progress = metric(metrics.progress, ctx.snapshot_id, ctx.filters, year)
elapsed = metrics.elapsed_share(year, as_of)
st.markdown(ctx.t("targets.elapsed", share=percent(elapsed), as_of=as_of))

if targets.empty:
    st.info(ctx.t("targets.none", year=year))
else:
    source = metrics.total_source(targets, ctx.filters)
    st.caption(ctx.t("targets.total_entered") if source == "entered" else ctx.t("targets.total_summed"))
    if elapsed == 0:
        st.info(ctx.t("targets.not_started", year=year))
    cols = st.columns(2)
    for i, measure in enumerate(metrics.MEASURES):
        with cols[i % 2]:
            st.plotly_chart(
                chart(charts.bullets, progress, measure, ctx.lang), key=f"bullet_{measure}", width="stretch"
            )
    _pace_table(ctx, progress)

    measure = st.selectbox(
        ctx.t("targets.curve_measure"), metrics.MEASURES, format_func=lambda m: ctx.t(f"targets.measure.{m}"),
        key="curve_measure",
    )  # fmt: skip
    monthly = metric(metrics.cumulative_against_target, ctx.snapshot_id, ctx.filters, year, measure)
    st.plotly_chart(
        chart(charts.cumulative_against_target, monthly, measure, year, ctx.lang), key="target_curve", width="stretch"
    )

    st.subheader(ctx.t("targets.coverage"))
    coverage = metric(metrics.pipeline_coverage, ctx.snapshot_id, ctx.filters, progress)
    coverage["industry"] = coverage["industry"].map(lambda k: label("industry", k, ctx.lang))
    coverage["negotiating_wan"] = (coverage["negotiating_wan"] / WAN_PER_YI).round(2)
    coverage["gap_wan"] = (coverage["gap_wan"] / WAN_PER_YI).round(2)
    coverage["coverage"] = coverage["coverage"].map(lambda c: "—" if pd.isna(c) else f"{c:.1f}×")
    st.dataframe(coverage.rename(columns=lambda c: ctx.t(f"targets.cov.{c}")), hide_index=True, width="stretch",
                 key="coverage_table")  # fmt: skip
    st.caption(ctx.t("targets.coverage_help"))

with st.expander(ctx.t("targets.edit", year=year), expanded=targets.empty and ctx.can("edit_targets")):
    if ctx.can("edit_targets"):
        _editor(ctx, year, targets)
    else:
        st.info(ctx.t("access.targets_need_sign_in"))
    _change_log(ctx, year)

_changes(ctx)
