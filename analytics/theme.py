"""Colours and number formats shared by every chart and table (one fixed colour per industry and stage)."""

from __future__ import annotations

import math
import re

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


# Series without a colour of their own (meeting deck charts), then the target marker.
SERIES_PALETTE = ("#2F6FD6", "#E89B0C", "#23A05A", "#D1495B", "#1D3557", "#8A8F98")
TARGET_COLOUR = "#D1495B"

# Projector mode: every text at least this many px at 1280×720, near-black on white, visible grid.
PROJECTOR_FONT_SIZE = 20
PROJECTOR_TEXT = "#111111"
PROJECTOR_GRID = "#C4CAD3"

_EXCEL_FORMAT = re.compile(r"^(#,##)?0(?:\.(0+))?(%?)$")


def _parse_format(number_format: str) -> tuple[bool, int, bool]:
    """An Excel number format ('0', '0.00', '#,##0.0', '0%') as (thousands separator, decimals, percent)."""
    match = _EXCEL_FORMAT.match(number_format.strip())
    if not match:
        return False, 2, False
    return bool(match.group(1)), len(match.group(2) or ""), bool(match.group(3))


def format_number(value: float | None, number_format: str) -> str:
    """A value as the Excel format shows it ('0.00' → '12.50', '#,##0' → '1,234', '0%' → '38%'); '' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    thousands, decimals, is_percent = _parse_format(number_format)
    number = value * 100 if is_percent else value
    return f"{number:{',' if thousands else ''}.{decimals}f}" + ("%" if is_percent else "")


def excel_to_d3(number_format: str) -> str:
    """The same format in d3 notation for Plotly axes and hover ('0.00' → '.2f', '#,##0' → ',.0f', '0%' → '.0%')."""
    thousands, decimals, is_percent = _parse_format(number_format)
    return f"{',' if thousands else ''}.{decimals}{'%' if is_percent else 'f'}"


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
