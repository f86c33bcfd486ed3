"""总览 Overview: a leader's first screen — the reserve and stages reached with their change since the previous
snapshot, this year's targets and pace, the key projects needing attention; the industry detail below."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts.overview import investment_by_industry_stage
from analytics.domain import TOWN
from analytics.i18n import label
from analytics.metrics import reserve, risks
from analytics.metrics import targets as target_metrics
from analytics.store.targets import target_years
from analytics.theme import count, day, percent, signed, signed_yi, yi
from pages.context import PageContext, chart, metric, page_context, read, snapshot_caption
from pages.summary_table import summary_table

TOP_FLAGGED = 3
# st.badge and Markdown take named colours only: the nearest to analytics.theme's STATUS_COLOURS and PACE_COLOURS.
BADGE_COLOURS = {"red": "red", "yellow": "orange", "green": "green"}
PACE_MARKS = {"ahead": "green", "on_track": "orange", "behind": "red"}


def _delta_note(ctx: PageContext, change: pd.DataFrame) -> str:
    previous = change["previous_as_of"].iloc[0]
    return ctx.t("overview.no_previous") if pd.isna(previous) else ctx.t("overview.delta_since", as_of=day(previous))


def _kpis(ctx: PageContext, change: pd.DataFrame) -> None:
    """Seven cards — the reserve, then the stages reached — each with its change since the previous snapshot."""
    change = change.set_index("measure")
    cards = [
        ("kpi.projects", "projects", count, signed),
        ("kpi.investment", "investment_wan", yi, signed_yi),
        ("kpi.key_projects", "key_projects", count, signed),
        ("kpi.signed", "reached_signed", count, signed),
        ("kpi.landed", "reached_landed", count, signed),
        ("kpi.construction", "reached_construction", count, signed),
        ("kpi.production", "reached_production", count, signed),
    ]
    # Two rows, the reserve then how far its projects have come; on a phone the grid reflows to two a row.
    for row in (cards[:3], cards[3:]):
        with st.grid(len(row), min_column_width=150, gap="small"):
            for key, measure, show, show_change in row:
                delta = change.loc[measure, "delta"]
                unchanged = pd.notna(delta) and delta == 0
                st.metric(
                    ctx.t(key), show(change.loc[measure, "current"]), show_change(delta), border=True,
                    delta_color="off" if unchanged else "normal", delta_arrow="off" if unchanged else "auto",
                    help=ctx.t("kpi.help_stage") if measure.startswith("reached_") else None,
                )  # fmt: skip


def _targets(ctx: PageContext) -> None:
    """The town's targets for the year: target, done, completion and pace, one compact row per measure."""
    year = target_metrics.default_target_year(ctx.snapshot["as_of"], read(target_years))
    elapsed = target_metrics.elapsed_share(year, ctx.snapshot["as_of"])
    st.markdown(f"**{ctx.t('overview.targets', year=year, share=percent(elapsed))}**")
    progress = metric(target_metrics.progress, ctx.snapshot_id, ctx.filters, year)
    town = progress[(progress["industry"] == TOWN) & progress["target"].notna()]
    if town.empty:
        st.info(ctx.t("overview.targets_none", year=year))
        return
    money = town["measure"] == "signed_investment_wan"
    measure_names = [ctx.t(f"targets.measure.{m}") for m in town["measure"]]
    status = town["status"].tolist()
    table = pd.DataFrame(
        {
            "measure": [
                ctx.t("targets.measure_yi", measure=n) if m else n for n, m in zip(measure_names, money, strict=True)
            ],
            # "done / target" in one column keeps the table within a phone's width.
            "done_of_target": [
                f"{yi(a)} / {yi(t)}" if m else f"{count(a)} / {count(t)}"
                for a, t, m in zip(town["actual"], town["target"], money, strict=True)
            ],
            # Completion and pace in one cell, coloured by the pace: the table stays within half a laptop screen.
            "completion_pace": [
                f"{percent(c)} · {ctx.t(f'targets.status.{s}')}" if isinstance(s, str) else percent(c)
                for c, s in zip(town["completion"], status, strict=True)
            ],
        }
    )
    colours = [PACE_MARKS.get(s, "gray") if isinstance(s, str) else None for s in status]
    table.columns = [ctx.t(f"overview.target_col.{c}") for c in table.columns]
    summary_table(table, right=table.columns[1:2], colours={table.columns[-1]: colours})


def _red_flags(ctx: PageContext) -> None:
    """How many key projects are overdue or stalled, and the largest few with a link to each on the Projects page."""
    flags = metric(risks.flag_counts, ctx.snapshot_id, ctx.filters)
    st.markdown(f"**{ctx.t('overview.flags', flagged=flags['flagged'])}**")
    if flags["flagged"] == 0:
        st.success(ctx.t("overview.flags_none"))
        return
    top = metric(risks.key_projects, ctx.snapshot_id, ctx.filters, "flagged", TOP_FLAGGED)
    st.caption(ctx.t("overview.flags_top", overdue=flags["overdue"], stalled=flags["stalled"], n=len(top)))
    for row in top.itertuples():
        with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False):
            st.badge(ctx.t(f"risk.status.{row.status}"), color=BADGE_COLOURS[row.status])
            # Project names come from the spreadsheet: st.text never reads them as Markdown.
            # Stretch: a long name wraps inside its line and the link stays on screen beside it.
            st.text(f"{row.project_name}  {yi(row.investment_wan)}\u00a0{ctx.t('unit.yi')}", width="stretch")
            st.page_link(
                "pages/projects.py", label=ctx.t("overview.open_project"), icon=":material/arrow_forward:",
                query_params={"project": row.project_key},
            )  # fmt: skip


def _detail(ctx: PageContext) -> None:
    """Below the first screen: investment by industry × stage, and the by-industry table."""
    by_industry = metric(reserve.by_industry, ctx.snapshot_id, ctx.filters)
    cells = metric(reserve.by_industry_stage, ctx.snapshot_id, ctx.filters)
    st.plotly_chart(chart(investment_by_industry_stage, cells, ctx.lang), width="stretch", key="overview_chart")
    st.subheader(ctx.t("overview.by_industry"))
    figures = {
        "kpi.projects": [count(n) for n in by_industry["projects"]],
        "table.investment_yi": [yi(w) for w in by_industry["investment_wan"]],
        "kpi.key_projects": [count(n) for n in by_industry["key_projects"]],
        "kpi.signed": [count(n) for n in by_industry["reached_signed"]],
        "kpi.landed": [count(n) for n in by_industry["reached_landed"]],
        "kpi.construction": [count(n) for n in by_industry["reached_construction"]],
        "kpi.production": [count(n) for n in by_industry["reached_production"]],
    }
    table = pd.DataFrame(
        {
            ctx.t("table.industry"): [label("industry", i, ctx.lang) for i in by_industry["industry"]],
            **{ctx.t(key): column for key, column in figures.items()},
        }
    )
    summary_table(table, right=table.columns[1:])


ctx = page_context()
st.title(ctx.t("overview.header"))
if ctx.snapshot_id is None:
    snapshot_caption(ctx)
else:
    change = metric(reserve.totals_change, ctx.snapshot_id, ctx.filters)
    snapshot_caption(ctx, _delta_note(ctx, change))
    # The first screen keeps its place above the chart but is filled after it: the browser then asks for the
    # chart's script (plotly.js, by far the largest) first, and draws the cards and tables while it downloads.
    first_screen = st.container()
    _detail(ctx)
    with first_screen:
        _kpis(ctx, change)
        left, right = st.columns(2, gap="medium")
        with left:
            _targets(ctx)
        with right:
            _red_flags(ctx)
