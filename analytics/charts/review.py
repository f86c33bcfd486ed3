"""Figures of the year review: funnel, cumulative signings, breakdowns, size bands, money in place."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.overview import investment_by_industry_stage
from analytics.charts.style import apply_style, plain
from analytics.domain import WAN_PER_YI
from analytics.i18n import label, t
from analytics.theme import INDUSTRY_COLOURS, STAGE_COLOURS, count, percent, yi


def reserve_at_year_end(at_end: pd.DataFrame, year: int, lang: str = "zh") -> go.Figure:
    """The reserve as it stood at the year's end, industry × stage (亿元), titled with how large it was."""
    fig = investment_by_industry_stage(at_end, lang)
    title = t(
        "review.reserve_title", lang, year=year, projects=count(at_end["projects"].sum()),
        investment=yi(at_end["investment_wan"].sum()),
    )  # fmt: skip
    return fig.update_layout(title_text=title)


def funnel(stages: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Funnel of one industry (or the town): projects reaching each stage, with stage-to-stage conversion."""
    names = [label("stage", s, lang) for s in stages["stage"]]
    text = [
        f"{n} · {c:.0%}" if pd.notna(c) else f"{n}"
        for n, c in zip(stages["projects"], stages["conversion"], strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=names,
            x=stages["projects"],
            text=text,
            textinfo="text",
            marker={"color": [STAGE_COLOURS[s] for s in stages["stage"]]},
            customdata=list(zip(stages["stage"], stages["investment_wan"] / WAN_PER_YI, strict=True)),
            hovertemplate="%{y}: %{x} "
            + t("table.projects", lang)
            + "<br>%{customdata[1]:,.2f} "
            + t("unit.yi", lang)
            + "<extra></extra>",
        )  # fmt: skip
    )
    by_stage = stages.set_index("stage")["projects"]
    signed, landed = by_stage["signed"], by_stage["landed"]
    title = t("review.funnel_title", lang, share=percent(landed / signed)) if signed else t("review.funnel", lang)
    fig.update_layout(showlegend=False)
    return apply_style(fig, title, height=380)


def cumulative_signings(monthly: pd.DataFrame, year: int, lang: str = "zh") -> go.Figure:
    """Cumulative signed investment (亿元) by month, one line per industry."""
    fig = go.Figure()
    for industry, part in monthly.groupby("industry", sort=False):
        fig.add_scatter(
            x=part["month"],
            y=part["cum_investment_wan"] / WAN_PER_YI,
            name=label("industry", industry, lang),
            mode="lines+markers",
            line={"color": INDUSTRY_COLOURS[industry], "width": 3},
            customdata=list(zip(part["cum_count"], part["cum_investment_wan"], strict=True)),
            hovertemplate="%{x}" + t("review.month_suffix", lang) + "：%{y:,.2f} " + t("unit.yi", lang)
            + "（%{customdata[1]:,.0f} " + t("unit.wan", lang) + "，%{customdata[0]} "
            + t("table.projects", lang) + "）<extra></extra>",
        )  # fmt: skip
    totals = monthly.groupby("industry")["investment_wan"].sum()
    grand = float(totals.sum())
    if grand > 0:
        leader = totals.idxmax()
        title = t("review.cumulative_title", lang, year=year, industry=label("industry", leader, lang),
                  share=percent(totals[leader] / grand))  # fmt: skip
    else:
        title = t("review.cumulative_none", lang, year=year)
    fig.update_xaxes(
        tickmode="array", tickvals=list(range(1, 13)), ticktext=[t(f"month.{m}", lang) for m in range(1, 13)]
    )
    fig.update_yaxes(title=t("axis.investment_yi", lang))
    return apply_style(fig, title)


def breakdown(mix: pd.DataFrame, by: str, lang: str = "zh", kind: str | None = None, top: int = 10) -> go.Figure:
    """Horizontal bars of planned investment (亿元) by a breakdown key, with project counts as text."""
    frame = mix.head(top) if by != "size_band" else mix
    if kind:
        names = [label(kind, k, lang) if k != "unknown" else t("common.unknown", lang) for k in frame[by]]
    else:
        # Regions and departments are the spreadsheet's words: escaped, as Plotly reads <b>, <br> and <a href>.
        names = [plain(k) if k != "unknown" else t("common.unknown", lang) for k in frame[by]]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=frame["investment_wan"] / WAN_PER_YI,
            orientation="h",
            marker_color="#3E8ED0",
            text=[t("review.count_text", lang, n=n) for n in frame["projects"]],
            textposition="auto",
            customdata=list(zip(frame[by], frame["investment_wan"], frame["signed_count"], strict=True)),
            hovertemplate="%{y}<br>%{x:,.2f} "
            + t("unit.yi", lang)
            + "（%{customdata[1]:,.0f} "
            + t("unit.wan", lang)
            + "）<br>"
            + t("review.signed_in_year", lang)
            + " %{customdata[2]}<extra></extra>",
        )  # fmt: skip
    )
    total = float(mix["investment_wan"].sum())
    if total > 0 and not frame.empty:
        lead = frame.sort_values("investment_wan", ascending=False).iloc[0]
        lead_name = names[list(frame[by]).index(lead[by])]
        title = t(f"review.breakdown_title.{by}", lang, name=lead_name, share=percent(lead["investment_wan"] / total))
    else:
        title = t(f"review.breakdown.{by}", lang)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("axis.investment_yi", lang))
    return apply_style(fig, title, height=max(300, 44 * len(frame) + 120))


def money_in_place(money: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Planned vs in-place capital (亿元) by industry for projects that report it."""
    by_industry = money.groupby("industry", sort=False)[["planned_reporting_wan", "invested_wan"]].sum()
    names = [label("industry", i, lang) for i in by_industry.index]
    fig = go.Figure()
    fig.add_bar(
        y=names, x=by_industry["planned_reporting_wan"] / WAN_PER_YI, orientation="h", name=t("review.planned", lang),
        marker_color="#C9D6E5",
    )  # fmt: skip
    fig.add_bar(
        y=names, x=by_industry["invested_wan"] / WAN_PER_YI, orientation="h", name=t("review.in_place", lang),
        marker_color=[INDUSTRY_COLOURS[i] for i in by_industry.index],
    )  # fmt: skip
    planned = float(by_industry["planned_reporting_wan"].sum())
    title = (
        t("review.money_title", lang, share=percent(by_industry["invested_wan"].sum() / planned))
        if planned
        else t("review.money", lang)
    )
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("axis.investment_yi", lang))
    return apply_style(fig, title, height=max(300, 80 * len(names) + 140))
