"""What a meeting deck is, independent of how it is drawn: slides with a headline, a chart spec, a table, notes.

The meeting page (Plotly), the PPTX deck (native PowerPoint charts), the HTML pack and the Excel workbook all
render the same `Deck`, so every number on every surface comes from one build (analytics/story/slides.py).
Text from spreadsheets or people (project names, comments) stays plain text: renderers never read it as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ChartKind = Literal["bar", "stacked_bar", "hbar", "stacked_hbar", "line", "funnel"]


@dataclass(frozen=True)
class Series:
    """One named run of values over a chart's categories (None where there is no value)."""

    name: str
    values: tuple[float | None, ...]
    colour: str | None = None  # "#RRGGBB"; None lets the renderer choose


@dataclass(frozen=True)
class Chart:
    """A chart as data: kind, categories (x for bars and lines, y for horizontal bars), series, unit."""

    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str  # the value axis title, e.g. "亿元" or "个"
    number_format: str = "0.00"  # Excel-style, for data labels: "0" for counts
    target: tuple[float | None, ...] | None = None  # a target per category, drawn as a marker/line where given


@dataclass(frozen=True)
class Table:
    """A small table: header cells and rows of plain values (str, int, float or None)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    name: str = ""  # the Excel sheet name it goes to


@dataclass(frozen=True)
class Slide:
    """One message: a headline written from the data, and what backs it."""

    key: str  # stable, URL-safe id (?slide=industry-lighting)
    section: str  # overview, industry, key_project, review, targets, changes, risks
    title: str  # short, for the jump list
    headline: str  # the takeaway sentence ("灯饰照明签约额同比增长38%，占全镇过半")
    chart: Chart | None = None
    table: Table | None = None
    bullets: tuple[tuple[str, str], ...] = ()  # (label, plain text): 情况 / 存在问题 / 解决措施 / 下一步 / comments
    notes: str = ""  # what the presenter says; goes into the PPTX notes


@dataclass(frozen=True)
class Deck:
    title: str
    subtitle: str
    as_of: date
    lang: str
    slides: tuple[Slide, ...]
    briefing: tuple[str, ...] = field(default=())  # paragraphs of the written briefing (汇报材料)

    def slide(self, key: str) -> Slide | None:
        return next((s for s in self.slides if s.key == key), None)
