"""总览 Overview: headline KPIs of the active snapshot and investment by industry × stage."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts.overview import investment_by_industry_stage
from analytics.domain import yi as to_yi
from analytics.i18n import label
from analytics.metrics import reserve
from analytics.theme import count, yi
from pages.context import metric, page_context, snapshot_caption

ctx = page_context()
st.title(ctx.t("overview.header"))
snapshot_caption(ctx)
if ctx.snapshot_id is not None:
    by_industry = metric(reserve.by_industry, ctx.snapshot_id, ctx.filters)
    cells = metric(reserve.by_industry_stage, ctx.snapshot_id, ctx.filters)
    totals = reserve.totals(by_industry)
    # Two rows of cards: the reserve itself, then how far its projects have come (stages reached).
    reserve_cards = [
        ("kpi.projects", count(totals["projects"])),
        ("kpi.investment", yi(totals["investment_wan"])),
        ("kpi.key_projects", count(totals["key_projects"])),
    ]
    stage_cards = [
        ("kpi.signed", count(totals["reached_signed"])),
        ("kpi.landed", count(totals["reached_landed"])),
        ("kpi.construction", count(totals["reached_construction"])),
        ("kpi.production", count(totals["reached_production"])),
    ]
    # A responsive grid per row: side by side on a laptop or projector, two cards a row on a phone.
    for cards, help_key in ((reserve_cards, None), (stage_cards, "kpi.help_stage")):
        with st.grid(len(cards), min_column_width=150):
            for key, value in cards:
                st.metric(ctx.t(key), value, border=True, help=ctx.t(help_key) if help_key else None)

    st.plotly_chart(investment_by_industry_stage(cells, ctx.lang), width="stretch", key="overview_chart")

    st.subheader(ctx.t("overview.by_industry"))
    table = pd.DataFrame(
        {
            ctx.t("table.industry"): [label("industry", i, ctx.lang) for i in by_industry["industry"]],
            ctx.t("kpi.projects"): by_industry["projects"],
            ctx.t("table.investment_yi"): to_yi(by_industry["investment_wan"]),
            ctx.t("kpi.key_projects"): by_industry["key_projects"],
            ctx.t("kpi.signed"): by_industry["reached_signed"],
            ctx.t("kpi.landed"): by_industry["reached_landed"],
            ctx.t("kpi.construction"): by_industry["reached_construction"],
            ctx.t("kpi.production"): by_industry["reached_production"],
        }
    )
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={ctx.t("table.investment_yi"): st.column_config.NumberColumn(format="%.2f")},
    )  # fmt: skip
