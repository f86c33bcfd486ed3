"""会议模式 Meeting: the story as slides on a projector; the slide lives in the URL (?slide=industry-lighting).

Previous / next buttons answer the arrow keys (Streamlit's own button shortcuts); a jump list goes anywhere.
Text from spreadsheets or people is escaped before it reaches the page: it is always shown as typed.
"""

from __future__ import annotations

import html
import time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.charts.deck import figure
from analytics.exports import FORMATS, MIME, render
from analytics.exports.errors import RendererFailed, RendererMissing
from analytics.metrics.filters import Filters
from analytics.story.model import Chart, Deck, Slide
from analytics.story.numbers import default_years
from analytics.story.slides import build_deck
from pages.comments import comment_form, comment_list
from pages.context import chart, connection, page_context, plain, snapshot_caption

# Projector styling: Streamlit's header, toolbar and sidebar out of the way, large type, high contrast.
# Only fixed rules here; nothing from data is ever put into this block.
_PROJECTOR_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding-top: 0.8rem !important; padding-bottom: 0.5rem !important; max-width: 100% !important; }
.deck-headline { font-size: 2.1rem; font-weight: 700; line-height: 1.25; color: #111; margin: 0.2rem 0 0.4rem 0; }
.deck-meta { font-size: 1.05rem; color: #333; }
.deck-bullets { font-size: 1.35rem; line-height: 1.5; color: #111; margin: 0; padding-left: 0; list-style: none; }
.deck-bullets li { margin: 0.35rem 0; }
.deck-bullets b { color: #1D3557; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.15rem !important; color: #111 !important; }
</style>
"""


CHART_HEIGHT = 470  # px: headline, controls and chart fit a 1280×720 screen without scrolling
STATIC_ROWS = 10


@st.cache_data(show_spinner=False, max_entries=64)
def _deck(snapshot_id: int, industries: tuple[str, ...], year: int, target_year: int, lang: str) -> Deck:
    # Comments change the key-project slides: the comment form clears this cache when it saves.
    return build_deck(connection(), snapshot_id, Filters(industries), year, target_year, lang)


def _int_param(name: str, default: int) -> int:
    try:
        value = int(st.query_params.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if 1990 <= value <= 2100 else default


def _go(key: str) -> None:
    st.query_params["slide"] = key


def _controls(deck: Deck, index: int) -> None:
    keys = [s.key for s in deck.slides]
    titles = {s.key: f"{i + 1}. {s.title}" for i, s in enumerate(deck.slides)}
    left, middle, right = st.columns([1, 6, 1], vertical_alignment="center")
    left.button(
        "◀", key="slide_prev", disabled=index == 0, shortcut="Left", width="stretch",
        on_click=_go, args=(keys[max(index - 1, 0)],), help=ctx.t("meeting.prev"),
    )  # fmt: skip
    right.button(
        "▶", key="slide_next", disabled=index == len(keys) - 1, shortcut="Right", width="stretch",
        on_click=_go, args=(keys[min(index + 1, len(keys) - 1)],), help=ctx.t("meeting.next"),
    )  # fmt: skip
    chosen = middle.selectbox(
        ctx.t("meeting.jump"), keys, index=index, format_func=titles.get, key=f"slide_jump_{index}",
        label_visibility="collapsed",
    )  # fmt: skip
    if chosen != keys[index]:
        _go(chosen)
        st.rerun()


def _bullets(slide: Slide) -> None:
    items = "".join(f"<li><b>{html.escape(label)}</b>：{html.escape(text)}</li>" for label, text in slide.bullets)
    st.html(f'<ul class="deck-bullets">{items}</ul>')


def _cell(value: object) -> str:
    """A table value as a person reads it: counts whole, amounts with two decimals, nothing as —."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return ctx.t("common.yes") if value else ctx.t("common.no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _table(slide: Slide) -> None:
    frame = pd.DataFrame([[_cell(v) for v in row] for row in slide.table.rows], columns=list(slide.table.columns))
    if len(frame) <= STATIC_ROWS:
        # Read whole on a projector: a static table, no scrolling; the first column names the rows. st.table reads
        # Markdown in its cells, so project names and comments are escaped to show as typed.
        st.table(frame.map(plain).set_index(frame.columns[0]))
    else:
        st.dataframe(frame, hide_index=True, width="stretch", height=CHART_HEIGHT)


def _on_page(chart_model: Chart, lang: str) -> go.Figure:
    # The projector figure is drawn for a 1280×720 picture; on the page it fills its column under the headline.
    return figure(chart_model, lang, projector=True).update_layout(width=None, height=CHART_HEIGHT, autosize=True)


def _chart(deck: Deck, slide: Slide) -> None:
    st.plotly_chart(chart(_on_page, slide.chart, deck.lang), key="slide_chart", width="stretch")


def _slide(deck: Deck, slide: Slide, index: int) -> None:
    st.html(f'<div class="deck-headline">{html.escape(slide.headline)}</div>')
    st.html(
        f'<div class="deck-meta">{html.escape(deck.subtitle)} · {index + 1} / {len(deck.slides)}</div>'
    )  # the subtitle holds the snapshot's date only
    if slide.chart is not None and slide.table is not None:
        chart_col, table_col = st.columns([3, 2])
        with chart_col:
            _chart(deck, slide)
        with table_col:
            _table(slide)
    elif slide.chart is not None:
        _chart(deck, slide)
    elif slide.table is not None:
        _table(slide)
    if slide.bullets:
        _bullets(slide)


def _key_project_of(slide: Slide) -> tuple[str, str] | None:
    """(project_key, name) of a key-project slide (slides are built from risks.key_projects, in order)."""
    number = int(slide.key.split("-")[1]) - 1
    keys = _key_projects(ctx.snapshot_id, ctx.industries)
    return keys[number] if number < len(keys) else None


@st.cache_data(show_spinner=False, max_entries=64)
def _key_projects(snapshot_id: int, industries: tuple[str, ...]) -> list[tuple[str, str]]:
    from analytics.metrics.risks import key_projects
    from analytics.story.slides import KEY_PROJECT_SLIDES

    keys = key_projects(connection(), snapshot_id, Filters(industries), limit=KEY_PROJECT_SLIDES)
    return list(zip(keys["project_key"], keys["project_name"], strict=True))


def _exports(deck: Deck, slide: Slide) -> None:
    """One menu for every file the chair circulates; the file is made on demand, with its progress shown."""
    choices = [*FORMATS, "png"]
    picked = st.menu_button(
        ctx.t("meeting.export"), choices, format_func=lambda f: ctx.t(f"meeting.format.{f}"), icon=":material/download:",
        key="export_menu",
    )  # fmt: skip
    if picked is not None:
        name = ctx.t(f"meeting.format.{picked}")
        started = time.perf_counter()
        with st.status(ctx.t("meeting.export_making", format=name), expanded=False) as progress:
            try:
                if picked == "png":
                    if slide.chart is None:
                        raise RendererMissing("meeting.no_chart")
                    from analytics.exports.png import chart_png

                    data, mime = chart_png(slide.chart, deck.lang, title=slide.headline), "image/png"
                else:
                    data, mime = render(deck, picked), MIME[picked]
            except (RendererMissing, RendererFailed) as refused:
                progress.update(label=refused.message(ctx.lang), state="error")
                return
            seconds = time.perf_counter() - started
            progress.update(label=ctx.t("meeting.export_ready", format=name, seconds=seconds), state="complete")
        stem = ctx.t("meeting.file_stem") + f"-{deck.as_of:%Y%m%d}" + (f"-{slide.key}" if picked == "png" else "")
        st.session_state["export_file"] = (f"{stem}.{picked}", data, mime)
    if "export_file" in st.session_state:
        file_name, data, mime = st.session_state["export_file"]
        st.download_button(
            ctx.t("meeting.export_download", file=file_name), data, file_name=file_name, mime=mime,
            key="export_download", type="primary", icon=":material/download:",
        )  # fmt: skip


ctx = page_context(with_sidebar=False)
st.html(_PROJECTOR_CSS)
if ctx.snapshot_id is None:
    st.title(ctx.t("nav.meeting"))
    snapshot_caption(ctx)
    st.stop()

review_year, _ = default_years(ctx.snapshot["as_of"])
year = min(_int_param("year", review_year), ctx.snapshot["as_of"].year)
target_year = _int_param("target_year", year + 1)
with st.spinner(ctx.t("meeting.building")):
    deck = _deck(ctx.snapshot_id, ctx.industries, year, target_year, ctx.lang)
keys = [s.key for s in deck.slides]
wanted = st.query_params.get("slide", keys[0])
index = keys.index(wanted) if wanted in keys else 0
_controls(deck, index)
_slide(deck, deck.slides[index], index)

if deck.slides[index].section == "key_project":
    project = _key_project_of(deck.slides[index])
    if project is not None:
        with st.expander(ctx.t("comments.header")):
            comment_list(ctx, project[0], key="slide_comments")
            if ctx.can("comment"):
                comment_form(ctx, project[0], project[1], key="slide_comments")
            else:
                st.caption(ctx.t("access.comment_needs_sign_in"))

_exports(deck, deck.slides[index])

with st.expander(ctx.t("meeting.briefing")):
    # st.code gives the copy button; the text wraps so a paragraph stays readable.
    st.code("\n\n".join(deck.briefing), language=None, wrap_lines=True)
st.page_link("pages/overview.py", label=ctx.t("meeting.exit"), icon=":material/close:")
