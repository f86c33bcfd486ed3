"""Small summary tables (a few rows, read whole) drawn as Markdown.

st.dataframe and st.table each make a fresh browser fetch and run several hundred KB of script (the grid,
Apache Arrow) before they draw; on a first visit that work competes with plotly.js, and the page's first chart
came up ~25% later for one small table. A Markdown table needs nothing beyond the text renderer every page
already has. Lists to explore (sort, scroll, search) stay st.dataframe (pages/project_table.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pandas as pd
import streamlit as st

from pages.context import plain

COLOURS = frozenset({"red", "orange", "yellow", "green", "blue", "violet", "gray", "grey", "primary"})
"""Colour names Streamlit's Markdown accepts in :colour[text]."""


def markdown(
    frame: pd.DataFrame,
    right: Collection[str] = (),
    colours: Mapping[str, Sequence[str | None]] | None = None,
) -> str:
    """A GFM table of `frame`'s cells as text, exactly as typed (every cell escaped: names come from spreadsheets).

    `right` names the columns aligned right (figures); `colours` gives a column's cells a colour name each (None
    for none), drawn bold in that colour.
    """
    colours = colours or {}
    for column, names in colours.items():
        unknown = {c for c in names if c is not None} - COLOURS
        if unknown or len(names) != len(frame):
            raise ValueError(f"colours for {column!r}: one of {sorted(COLOURS)} or None per row")
    columns = list(frame.columns)
    lines = [
        "| " + " | ".join(f"**:small[{plain(c)}]**" for c in columns) + " |",
        "| " + " | ".join("---:" if c in right else ":---" for c in columns) + " |",
    ]
    cells = {c: [_cell(v) for v in frame[c]] for c in columns}
    for column, names in colours.items():
        cells[column] = [f"**:{n}[{text}]**" if n else text for text, n in zip(cells[column], names, strict=True)]
    # Small text, as in st.dataframe: a summary beside another block keeps to one line a cell at 1280 px wide.
    lines += ["| " + " | ".join(f":small[{cell}]" for cell in row) + " |" for row in zip(*cells.values(), strict=True)]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    # An empty cell would still be a cell; a space keeps the row's columns in place.
    return plain(value) or " "


def summary_table(
    frame: pd.DataFrame,
    right: Collection[str] = (),
    colours: Mapping[str, Sequence[str | None]] | None = None,
) -> None:
    """Draw `frame` (cells already formatted as text) as a static table; see markdown()."""
    st.markdown(markdown(frame, right, colours))
