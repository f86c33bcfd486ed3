"""Figures of the channel review: which channels bring projects that land."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import apply_style
from analytics.i18n import label, t
from analytics.theme import STAGE_COLOURS, percent

# Segments of a channel's bar, left to right: where its projects stand today (they add up to the bar).
SEGMENTS = [
    ("standing_landed", "channels.segment.landed", STAGE_COLOURS["landed"]),
    ("standing_signed", "channels.segment.signed", STAGE_COLOURS["signed"]),
    ("negotiating", "channels.segment.negotiating", STAGE_COLOURS["negotiating"]),
    ("suspended", "channels.segment.suspended", STAGE_COLOURS["suspended"]),
]


def landing_by_channel(channels: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Stacked bars per channel: projects landed or beyond, signed only, in talks, suspended; conversion as text."""
    frame = channels[channels["projects"] > 0].copy()
    frame = frame.sort_values(["reached_landed", "conversion"], ascending=False, kind="stable")
    names = [label("channel", c, lang) for c in frame["channel"]]
    fig = go.Figure()
    for column, key, colour in SEGMENTS:
        fig.add_bar(
            y=names,
            x=frame[column],
            name=t(key, lang),
            orientation="h",
            marker_color=colour,
            customdata=list(zip(frame["channel"], frame["projects"], strict=True)),
            hovertemplate="%{y} · " + t(key, lang) + "：%{x} / %{customdata[1]} " + t("table.projects", lang)
            + "<extra></extra>",
        )  # fmt: skip
    # The conversion sits just past the end of each bar, so the eye reads count and rate together.
    fig.add_scatter(
        y=names,
        x=frame["projects"],
        mode="text",
        text=["  " + t("channels.conversion_text", lang, share=percent(c)) for c in frame["conversion"]],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    if not frame.empty and frame["reached_landed"].max() > 0:
        lead = frame.iloc[0]
        title = t("channels.chart_title", lang, channel=label("channel", lead["channel"], lang),
                  n=int(lead["reached_landed"]), share=percent(lead["conversion"]))  # fmt: skip
    else:
        title = t("channels.chart", lang)
    longest = float(frame["projects"].max()) if not frame.empty else 1.0
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=t("table.projects", lang), range=[0, longest * 1.22])
    fig.update_yaxes(autorange="reversed")
    return apply_style(fig, title, height=max(320, 48 * len(frame) + 160))
