"""The look shared by every figure: fonts sized for a projector, white background, compact margins."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from analytics.i18n import t
from analytics.theme import BASE_FONT_SIZE, FONT_FAMILY


def apply_style(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    """Give a figure the project's fonts, title and margins."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": BASE_FONT_SIZE + 4}},
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 50},
        # At the foot of the whole figure (below the x-axis title), so neither the takeaway title nor an
        # axis title collides with it.
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE}},
    )
    fig.update_xaxes(gridcolor="#E6E9EE", zerolinecolor="#C9CED6")
    fig.update_yaxes(gridcolor="#E6E9EE", zerolinecolor="#C9CED6")
    return fig


def date_axis(fig: go.Figure, lang: str) -> go.Figure:
    """Date ticks in the UI language (2022年11月, not Nov 2022), at day, month or year grain as the zoom needs."""
    week = 7 * 24 * 3600 * 1000  # Plotly measures dtick in milliseconds, months as "M1"
    fig.update_xaxes(
        tickformatstops=[
            {"dtickrange": [None, week], "value": t("chart.date_day", lang)},
            {"dtickrange": [week, "M1"], "value": t("chart.date_day", lang)},
            {"dtickrange": ["M1", "M12"], "value": t("chart.date_month", lang)},
            {"dtickrange": ["M12", None], "value": t("chart.date_year", lang)},
        ],
        hoverformat=t("chart.date_day", lang),
    )
    return fig


def plain(text: object) -> str:
    """Data text made safe for Plotly: no tag or entity in it is interpreted (<b>, <br>, <a href> stay text)."""
    return html.escape(str(text), quote=False)
