"""Plotly figures of a meeting deck's chart specs (analytics/story/model.py), for the page, the HTML pack and PNGs.

Every text that comes from data (categories, series names) is escaped: Plotly reads a subset of HTML in
text (<b>, <br>, <a href>), and a project name is plain text. Plotly turns &lt; &gt; &amp; back into the
characters, so what shows is exactly what was typed.
"""

from __future__ import annotations

import re
from dataclasses import replace

import plotly.graph_objects as go

from analytics.charts.style import apply_style, plain
from analytics.i18n import t
from analytics.story.model import Chart
from analytics.theme import (
    BASE_FONT_SIZE,
    PROJECTOR_FONT_SIZE,
    PROJECTOR_GRID,
    PROJECTOR_TEXT,
    SERIES_PALETTE,
    TARGET_COLOUR,
    excel_to_d3,
    format_number,
)

MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")
HORIZONTAL = {"hbar", "stacked_hbar"}
STACKED = {"stacked_bar", "stacked_hbar"}

PROJECTOR_SIZE = (1280, 720)


def category_label(category: str, lang: str) -> str:
    """A category as shown: 'YYYY-MM' months in the deck's language (2022年11月 / Nov 2022), the rest as given."""
    match = MONTH.match(category)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return t("chart.month", lang, year=year, month=month, month_name=t(f"month.{month}", lang))
    return category


def series_colours(chart: Chart) -> list[str]:
    """Each series' colour: its own where given, else the palette's in order."""
    return [s.colour or SERIES_PALETTE[i % len(SERIES_PALETTE)] for i, s in enumerate(chart.series)]


def sorted_funnel(chart: Chart, labels: list[str] | None = None) -> tuple[Chart, list[str]]:
    """A funnel's rungs from the widest down (by the first series; ties keep their order), labels alongside."""
    labels = list(chart.categories) if labels is None else labels
    if not chart.series:
        return chart, labels
    first = chart.series[0].values
    order = sorted(range(len(chart.categories)), key=lambda i: -(first[i] if first[i] is not None else float("-inf")))
    series = tuple(replace(s, values=tuple(s.values[i] for i in order)) for s in chart.series)
    target = tuple(chart.target[i] for i in order) if chart.target is not None else None
    categories = tuple(chart.categories[i] for i in order)
    return replace(chart, categories=categories, series=series, target=target), [labels[i] for i in order]


def figure(chart: Chart, lang: str, projector: bool = False, title: str = "") -> go.Figure:
    """The chart as a Plotly figure in the project's style; projector=True: 1280×720, every text ≥ 20 px."""
    labels = [plain(category_label(c, lang)) for c in chart.categories]
    label_size = PROJECTOR_FONT_SIZE if projector else BASE_FONT_SIZE - 2
    fig = go.Figure()
    if chart.kind == "funnel":
        chart, labels = sorted_funnel(chart, labels)
        _funnel(fig, chart, labels, label_size)
    elif chart.kind == "line":
        _lines(fig, chart, labels, label_size)
    else:
        _bars(fig, chart, labels, label_size)
    if chart.target is not None and chart.kind != "funnel":
        _target(fig, chart, labels, t("chart.target", lang))

    apply_style(fig, plain(title), height=PROJECTOR_SIZE[1] if projector else 460)
    horizontal = chart.kind in HORIZONTAL or chart.kind == "funnel"
    category_axis, value_axis = (
        (fig.update_yaxes, fig.update_xaxes) if horizontal else (fig.update_xaxes, fig.update_yaxes)
    )
    # Categories are names, never dates or numbers Plotly should reinterpret ("2022-11" must not become "Nov 2022").
    category_axis(type="category", categoryorder="array", categoryarray=labels, automargin=True)
    if horizontal:
        fig.update_yaxes(autorange="reversed")  # the first category on top, as it reads in a table
    # Axis ticks keep Plotly's round steps; only a percentage needs its format (labels carry the exact one).
    percent = chart.number_format.strip().endswith("%")
    value_axis(tickformat=excel_to_d3(chart.number_format) if percent else None, automargin=True)
    if chart.kind in HORIZONTAL:
        fig.update_xaxes(title=plain(chart.unit))
    elif chart.kind != "funnel":
        # A rotated axis title turns CJK on its side ("个" reads as "<"): the unit sits level above the axis.
        fig.add_annotation(
            text=plain(t("export.unit", lang, unit=chart.unit)), xref="paper", yref="paper", x=0, y=1,
            xanchor="left", yanchor="bottom", yshift=8, showarrow=False,
        )  # fmt: skip
    if chart.kind == "funnel":
        fig.update_xaxes(showgrid=False, showticklabels=False, zeroline=False)
        fig.update_yaxes(showgrid=False)
    fig.update_layout(
        barmode="stack" if chart.kind in STACKED else "group",
        showlegend=len(fig.data) > 1,
        legend_traceorder="normal",  # stacked bars would list the top segment first, unlike the data
        separators=".,",
    )
    if projector:
        _projector(fig, title)
    return fig


def _bars(fig: go.Figure, chart: Chart, labels: list[str], label_size: int) -> None:
    horizontal = chart.kind in HORIZONTAL
    stacked = chart.kind in STACKED
    for series, colour in zip(chart.series, series_colours(chart), strict=True):
        values = list(series.values)
        # A zero segment of a stack has no height; its label would sit on the neighbouring one.
        text = ["" if stacked and v == 0 else format_number(v, chart.number_format) for v in values]
        axes = {"y": labels, "x": values, "orientation": "h"} if horizontal else {"x": labels, "y": values}
        fig.add_bar(
            **axes,
            name=plain(series.name),
            marker_color=colour,
            text=text,
            textposition="inside" if stacked else "outside",
            insidetextanchor="middle",
            textfont={"size": label_size},
            cliponaxis=False,
            hovertemplate=("%{y}" if horizontal else "%{x}") + "<br>" + plain(series.name) + "：%{text} "
            + plain(chart.unit) + "<extra></extra>",
        )  # fmt: skip


def _lines(fig: go.Figure, chart: Chart, labels: list[str], label_size: int) -> None:
    for series, colour in zip(chart.series, series_colours(chart), strict=True):
        values = list(series.values)
        fig.add_scatter(
            x=labels,
            y=values,
            name=plain(series.name),
            mode="lines+markers+text",
            line={"color": colour, "width": 4},
            marker={"size": 10},
            text=[format_number(v, chart.number_format) for v in values],
            textposition="top center",
            textfont={"size": label_size, "color": colour},
            cliponaxis=False,
            hovertemplate="%{x}<br>" + plain(series.name) + "：%{text} " + plain(chart.unit) + "<extra></extra>",
        )


def _funnel(fig: go.Figure, chart: Chart, labels: list[str], label_size: int) -> None:
    for series, colour in zip(chart.series, series_colours(chart), strict=True):
        values = list(series.values)
        fig.add_funnel(
            y=labels,
            x=values,
            name=plain(series.name),
            marker={"color": colour},
            text=[format_number(v, chart.number_format) for v in values],
            textinfo="text",
            textposition="inside",
            textfont={"size": label_size},
            hovertemplate="%{y}：%{text} " + plain(chart.unit) + "<extra></extra>",
        )


def _target(fig: go.Figure, chart: Chart, labels: list[str], name: str) -> None:
    """Targets: a dashed line over a line chart, a bold tick across each bar otherwise."""
    values = list(chart.target or ())
    if chart.kind == "line":
        line = {"color": TARGET_COLOUR, "width": 3, "dash": "dash"}
        fig.add_scatter(x=labels, y=values, name=name, mode="lines", line=line, hoverinfo="skip")
        return
    symbol = "line-ns" if chart.kind in HORIZONTAL else "line-ew"
    axes = {"y": labels, "x": values} if chart.kind in HORIZONTAL else {"x": labels, "y": values}
    fig.add_scatter(
        **axes,
        name=name,
        hoverinfo="skip",
        mode="markers",
        marker={"symbol": symbol, "size": 40, "line": {"width": 4, "color": TARGET_COLOUR}, "color": TARGET_COLOUR},
    )


def _projector(fig: go.Figure, title: str) -> None:
    """Big, dark text on white: every font ≥ 20 px at 1280×720, labels that cannot fit are hidden, not shrunk."""
    size = PROJECTOR_FONT_SIZE
    fig.update_layout(
        width=PROJECTOR_SIZE[0],
        height=PROJECTOR_SIZE[1],
        font={"size": size + 2, "color": PROJECTOR_TEXT},
        title={"font": {"size": size + 8, "color": PROJECTOR_TEXT}, "x": 0.01},
        legend={"font": {"size": size, "color": PROJECTOR_TEXT}},
        hoverlabel={"font": {"size": size}},
        uniformtext={"minsize": size, "mode": "hide"},
        margin={"l": 20, "r": 40, "t": 100 if title else 50, "b": 90},
    )
    axis = {
        "tickfont": {"size": size, "color": PROJECTOR_TEXT},
        "title": {"font": {"size": size + 2, "color": PROJECTOR_TEXT}},
        "gridcolor": PROJECTOR_GRID,
        "linecolor": PROJECTOR_TEXT,
        "zerolinecolor": PROJECTOR_TEXT,
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.for_each_trace(lambda trace: trace.update(textfont={"size": size}), selector=lambda tr: tr.text is not None)
