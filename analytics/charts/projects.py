"""The life of one project (全生命周期): its stage at each snapshot and its dated milestones."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import apply_style, date_axis
from analytics.domain import ALL_STAGES, DATE_EVENT
from analytics.i18n import label, t
from analytics.theme import STAGE_COLOURS


def lifecycle(history: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Milestone dates (diamonds) and the stage each snapshot recorded (circles), stage ladder on y."""
    names = [label("stage", s, lang) for s in ALL_STAGES]
    fig = go.Figure()
    latest = history.iloc[-1] if not history.empty else None
    if latest is not None:
        xs, ys, colours = [], [], []
        for column, stage in DATE_EVENT.items():
            if pd.notna(latest[column]):
                xs.append(pd.Timestamp(latest[column]))
                ys.append(label("stage", stage, lang))
                colours.append(STAGE_COLOURS[stage])
        fig.add_scatter(
            x=xs, y=ys, mode="lines+markers", name=t("projects.milestones", lang),
            marker={"symbol": "diamond", "size": 16, "color": colours}, line={"color": "#9AA5B1", "dash": "dot"},
        )  # fmt: skip
    fig.add_scatter(
        x=pd.to_datetime(history["as_of"]),
        y=[label("stage", s, lang) for s in history["stage"]],
        mode="markers",
        name=t("projects.snapshots", lang),
        marker={
            "size": 12,
            "color": [STAGE_COLOURS[s] for s in history["stage"]],
            "line": {"width": 2, "color": "white"},
        },
        customdata=history["snapshot_id"],
        hovertemplate=t("projects.snapshot_hover", lang) + "<extra></extra>",
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names, range=[-0.5, len(names) - 0.5])
    return date_axis(apply_style(fig, t("projects.lifecycle", lang), height=360), lang)
