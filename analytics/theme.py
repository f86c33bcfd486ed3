"""Colours and number formats shared by every chart and table (one fixed colour per industry and stage)."""

from __future__ import annotations

import math

import pandas as pd

from analytics.domain import ALL_STAGES, WAN_PER_YI

INDUSTRY_COLOURS = {
    "lighting": "#E89B0C",  # amber: the pillar industry, lamps
    "new_it": "#2F6FD6",
    "new_energy": "#23A05A",
    "other": "#8A8F98",
}

# Stages in the ladder's order, then suspended: distinct hues (not shades of one) so a projector keeps them apart.
STAGE_COLOURS = dict(zip(ALL_STAGES, ("#B8C2CC", "#F2B134", "#3D8BD9", "#2A9D8F", "#1D3557", "#D1495B"), strict=True))

PACE_COLOURS = {"ahead": "#23A05A", "on_track": "#E8B10C", "behind": "#D9534F"}
# A key project's status marker (red overdue, yellow stalled, green on schedule); the amber is darker than
# PACE_COLOURS' so a yellow marker stays legible as text on white.
STATUS_COLOURS = {"red": "#D9534F", "yellow": "#C98A00", "green": "#23A05A"}

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
BASE_FONT_SIZE = 16  # readable from the back of a meeting room on a projector


def yi(wan: float | None, digits: int = 2) -> str:
    """万元 → '12.34 亿元' text."""
    if wan is None or (isinstance(wan, float) and math.isnan(wan)):
        return "—"
    return f"{wan / WAN_PER_YI:,.{digits}f}"


def wan(value: float | None) -> str:
    """万元 as '12,345' text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.0f}"


def count(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{int(value):,}"


def percent(share: float | None, digits: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{share * 100:.{digits}f}%"


def signed(value: float | None, digits: int = 0) -> str | None:
    """A change as '+1,234' / '-5' (st.metric reads the sign for its arrow); None when there is no change to show."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return f"{value:+,.{digits}f}"


def signed_yi(wan: float | None, digits: int = 2) -> str | None:
    """A change in 万元 as '+1.23' 亿元 text; None when there is none."""
    return None if wan is None or (isinstance(wan, float) and math.isnan(wan)) else signed(wan / WAN_PER_YI, digits)


def day(value: object) -> str:
    """A date or timestamp as '2023-09-30' (no time of day); '—' when empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return f"{pd.Timestamp(value):%Y-%m-%d}"
