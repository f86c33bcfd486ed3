"""Figures of the targets page: bullet bars against targets, cumulative actual against the target line."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import apply_style
from analytics.domain import WAN_PER_YI
from analytics.i18n import label, t
from analytics.theme import INDUSTRY_COLOURS, PACE_COLOURS, percent

NO_STATUS_COLOUR = "#9AA5B1"


def _scope_label(scope: str, lang: str) -> str:
    return label("industry", scope, lang)


def bullets(progress: pd.DataFrame, measure: str, lang: str = "zh") -> go.Figure:
    """Actual (bar, coloured by pace) against the target (line) and the pace-so-far mark, per industry."""
    frame = progress[(progress["measure"] == measure) & progress["target"].notna()]
    money = measure == "signed_investment_wan"
    scale = WAN_PER_YI if money else 1
    names = [_scope_label(s, lang) for s in frame["industry"]]
    fig = go.Figure()
    fig.add_bar(
        y=names, x=frame["actual"] / scale, orientation="h", name=t("targets.actual", lang),
        marker_color=[PACE_COLOURS.get(s, NO_STATUS_COLOUR) for s in frame["status"]],
        text=[percent(c) for c in frame["completion"]], textposition="outside",
        customdata=list(zip(frame["target"] / scale, frame["completion"], strict=True)),
        hovertemplate="%{y}: %{x:,.2f} / %{customdata[0]:,.2f}<extra></extra>",
    )  # fmt: skip
    fig.add_scatter(
        y=names, x=frame["target"] / scale, mode="markers", name=t("targets.target", lang),
        marker={"symbol": "line-ns-open", "size": 34, "line": {"width": 4, "color": "#1B2430"}},
        hovertemplate="%{y} " + t("targets.target", lang) + ": %{x:,.2f}<extra></extra>",
    )  # fmt: skip
    if (frame["elapsed"] > 0).any() and (frame["elapsed"] < 1).any():
        fig.add_scatter(
            y=names, x=frame["expected"] / scale, mode="markers", name=t("targets.expected", lang),
            marker={"symbol": "line-ns-open", "size": 22, "line": {"width": 2, "color": "#6B7785"}},
            hovertemplate="%{y} " + t("targets.expected", lang) + ": %{x:,.2f}<extra></extra>",
        )  # fmt: skip
    title = t(f"targets.measure.{measure}", lang)
    total = frame[frame["industry"] == "total"]
    if not total.empty and pd.notna(total["completion"].iloc[0]):
        title = t("targets.bullet_title", lang, measure=title, share=percent(total["completion"].iloc[0]))
    fig.update_layout(barmode="overlay", bargap=0.45)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("axis.investment_yi", lang) if money else t("targets.count_axis", lang))
    return apply_style(fig, title, height=max(260, 62 * len(names) + 130))


def cumulative_against_target(monthly: pd.DataFrame, measure: str, year: int, lang: str = "zh") -> go.Figure:
    """Per industry: cumulative actual (solid) and the linear target line (dashed), by month."""
    money = measure == "signed_investment_wan"
    scale = WAN_PER_YI if money else 1
    fig = go.Figure()
    for industry, part in monthly.groupby("industry", sort=False):
        colour = INDUSTRY_COLOURS[industry]
        name = label("industry", industry, lang)
        fig.add_scatter(x=part["month"], y=part["actual"] / scale, name=name, mode="lines+markers",
                        line={"color": colour, "width": 3}, legendgroup=industry)  # fmt: skip
        if part["target_line"].notna().any():
            fig.add_scatter(x=part["month"], y=part["target_line"] / scale, name=f"{name} · {t('targets.target', lang)}",
                            mode="lines", line={"color": colour, "dash": "dash", "width": 2}, legendgroup=industry)  # fmt: skip
    fig.update_xaxes(
        tickmode="array", tickvals=list(range(1, 13)), ticktext=[t(f"month.{m}", lang) for m in range(1, 13)]
    )
    fig.update_yaxes(title=t("axis.investment_yi", lang) if money else t("targets.count_axis", lang))
    title = t("targets.cumulative_title", lang, year=year, measure=t(f"targets.measure.{measure}", lang))
    return apply_style(fig, title)
