"""Figures of the Overview page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import apply_style
from analytics.domain import ALL_STAGES, WAN_PER_YI
from analytics.i18n import label, t
from analytics.theme import STAGE_COLOURS, percent


def investment_by_industry_stage(cells: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Stacked horizontal bars: planned investment (亿元) of each industry split by stage."""
    industries = list(dict.fromkeys(cells["industry"]))
    totals = cells.groupby("industry")["investment_wan"].sum().reindex(industries)
    names = [label("industry", i, lang) for i in industries]
    fig = go.Figure()
    for stage in ALL_STAGES:
        part = cells[cells["stage"] == stage].set_index("industry").reindex(industries)
        fig.add_bar(
            y=names,
            x=part["investment_wan"] / WAN_PER_YI,
            name=label("stage", stage, lang),
            orientation="h",
            marker_color=STAGE_COLOURS[stage],
            customdata=[(n, w, i, stage) for n, w, i in zip(part["projects"], part["investment_wan"], industries, strict=True)],
            hovertemplate=(
                "%{y} · " + label("stage", stage, lang) + "<br>%{x:,.2f} " + t("unit.yi", lang)
                + "（%{customdata[1]:,.0f} " + t("unit.wan", lang) + "）<br>%{customdata[0]} "
                + t("table.projects", lang) + "<extra></extra>"
            ),
        )  # fmt: skip
    grand = float(totals.sum())
    if grand > 0:
        leader = totals.idxmax()
        title = t("overview.chart_title", lang, industry=label("industry", leader, lang),
                  share=percent(totals[leader] / grand))  # fmt: skip
    else:
        title = t("overview.by_industry", lang)
    fig.update_layout(barmode="stack", xaxis_title=t("axis.investment_yi", lang))
    fig.update_yaxes(autorange="reversed")
    return apply_style(fig, title, height=max(320, 110 * len(industries) + 140))
