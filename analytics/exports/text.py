"""Text from a deck made fit for a file: control characters out, briefing paragraphs matched to slides."""

from __future__ import annotations

import math
import re

from analytics.story.model import Deck, Slide
from analytics.theme import format_number

# Characters XML 1.0 cannot hold (lxml and xlsxwriter refuse or mangle them); tab, LF and CR stay.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: object) -> str:
    """A value as plain text that any XML-based file can hold."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def relevant_briefing(deck: Deck, slide: Slide) -> tuple[str, ...]:
    """The briefing paragraphs that name something on the slide: its title, a category, a series or a table row."""
    names = {slide.title}
    if slide.chart is not None:
        names |= set(slide.chart.categories) | {s.name for s in slide.chart.series}
    if slide.table is not None:
        names |= {str(row[0]) for row in slide.table.rows if row and row[0] is not None}
    names = {n for n in names if len(n.strip()) >= 2}  # one character matches too much prose
    return tuple(p for p in deck.briefing if any(n in p for n in names))


def cell_text(value: object, number_format: str = "0.00") -> str:
    """A table value as shown: numbers in the deck's format, no value as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_number(value, number_format)
    return clean(value)
