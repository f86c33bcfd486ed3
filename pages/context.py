"""What every page shares: language, the database connection, the active snapshot, the industry filter.

State that a shared link must reproduce (language, industry filter) lives in the URL query string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from analytics.domain import INDUSTRIES
from analytics.i18n import DEFAULT_LANGUAGE, LANGUAGES, label, t
from analytics.metrics import projects as project_metrics
from analytics.metrics.filters import Filters
from analytics.metrics.history import stage_history
from analytics.store.connection import Database, DatabaseBusy, DatabaseUnavailable, database_path
from analytics.store.seed import ensure_seeded
from analytics.store.snapshots import active_snapshot_id, snapshot_info
from analytics.theme import day

# The pages in menu order: (script, message key of its title, icon, URL path). A page joins this list
# when its issue makes it real.
PAGES = [
    ("pages/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("pages/review.py", "nav.review", ":material/insights:", "review"),
    ("pages/targets.py", "nav.targets", ":material/flag:", "targets"),
    ("pages/projects.py", "nav.projects", ":material/list_alt:", "projects"),
    ("pages/meeting.py", "nav.meeting", ":material/slideshow:", "meeting"),
    ("pages/data.py", "nav.data", ":material/upload_file:", "data"),
]


def _busy() -> None:
    """Said once when a read or write has to wait for another program's lock (e.g. a command-line import)."""
    st.toast(t("db.busy", st.session_state.get("url_lang", DEFAULT_LANGUAGE)), icon=":material/hourglass_top:")


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    # First run on a fresh machine: seed from the bundled sample so the dashboard shows real charts.
    ensure_seeded(path)
    return Database(path, on_wait=_busy)


def connection() -> Database:
    """The database: each read opens a short read-only connection and each write a short read-write one, so
    the command line (and other app processes) can read and write while the app runs."""
    return _database(str(database_path()))


# Not bind="query-params" (Streamlit >= 1.54): a bound widget writes its *displayed* option to the URL and a
# multiselect writes repeated parameters, so links would read ?lang=English&industry=灯饰照明&industry=新能源 and
# change with the language; ?lang=en and ?industry=lighting,new_it (the README's links) would be dropped as invalid.
def _url_state(name: str, default: str) -> str:
    """A value kept in the URL (so links reproduce the view) and in the session (so page switches keep it)."""
    if name in st.query_params:
        st.session_state[f"url_{name}"] = st.query_params[name]
    elif st.session_state.get(f"url_{name}", default) != default:
        st.query_params[name] = st.session_state[f"url_{name}"]
    return st.session_state.get(f"url_{name}", default)


def _set_url_state(name: str, value: str, default: str) -> None:
    st.session_state[f"url_{name}"] = value
    if value == default:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value


T = TypeVar("T")
# CommonMark lets any ASCII punctuation be backslash-escaped. These are the ones that start emphasis, code,
# links, HTML, headings, tables, strikethrough, LaTeX ($) or Streamlit's :colour[…] / :emoji: directives inside
# a line; a "(" only makes a link after an escaped "]", so names keep their parentheses.
_MARKDOWN_CHARACTERS = re.compile(r"([\\`*_\[\]<>#|~$:])")


@st.cache_data(show_spinner=False, max_entries=512)
def _metric(name: str, _fn: Callable[..., T], snapshot_id: int, filters: Filters, *args: object) -> T:
    # One read-only connection for all of a metric's queries (opening one costs ~20 ms; the result is cached).
    with connection().reading() as con:
        return _fn(con, snapshot_id, filters, *args)


def metric(fn: Callable[..., T], snapshot_id: int, filters: Filters, *args: object) -> T:
    """fn(connection, snapshot_id, filters, *args), cached per (function, snapshot, filters, args).

    Snapshots never change once stored; metrics that read targets are cleared by the targets editor when it
    saves (st.cache_data.clear()).
    """
    return _metric(f"{fn.__module__}.{fn.__qualname__}", fn, snapshot_id, filters, *args)


def snapshot_projects(snapshot_id: int, industries: tuple[str, ...]) -> pd.DataFrame:
    """A snapshot's projects for the chosen industries (cached)."""
    return metric(project_metrics.snapshot_projects, snapshot_id, Filters(industries))


@st.cache_data(show_spinner=False)
def snapshot_history(snapshot_id: int) -> pd.DataFrame:
    """Every project's stage in the snapshots up to this one (for stalled projects and life cycles)."""
    with connection().reading() as con:
        return stage_history(con, snapshot_id)


def language() -> str:
    """The UI language from ?lang=, defaulting to Simplified Chinese."""
    lang = _url_state("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class PageContext:
    lang: str
    snapshot_id: int | None
    snapshot: dict | None
    industries: tuple[str, ...]

    @property
    def filters(self) -> Filters:
        return Filters(self.industries)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)


def industries_filter() -> tuple[str, ...]:
    """The industry filter from ?industry=lighting,new_it (all when absent or invalid)."""
    raw = _url_state("industry", "")
    chosen = tuple(i for i in INDUSTRIES if i in raw.split(","))
    return chosen or INDUSTRIES


def sidebar(lang: str) -> tuple[str, ...]:
    """Language switch and the global industry filter, both mirrored into the URL."""
    with st.sidebar:
        # Our own menu: the same in every run mode, in the chosen language, keeping the URL's filters.
        for script, key, icon, _ in PAGES:
            st.page_link(script, label=t(key, lang), icon=icon)
        st.divider()
        choice = st.radio(
            t("app.language", lang), LANGUAGES, index=LANGUAGES.index(lang), horizontal=True,
            format_func=lambda code: {"zh": "中文", "en": "English"}[code], key="lang_choice",
        )  # fmt: skip
        if choice != lang:
            _set_url_state("lang", choice, DEFAULT_LANGUAGE)
            st.rerun()
        current = industries_filter()
        picked = st.multiselect(
            t("app.industry_filter", lang), INDUSTRIES, default=list(current),
            format_func=lambda key: label("industry", key, lang), placeholder=t("app.all_industries", lang),
            key="industry_filter",
        )  # fmt: skip
        picked_in_order = tuple(i for i in INDUSTRIES if i in picked)
        chosen = picked_in_order or INDUSTRIES  # clearing the filter means every industry
        _set_url_state("industry", "" if chosen == INDUSTRIES else ",".join(chosen), "")
    return chosen


def page_setup() -> None:
    """Page config for every page: a page opened straight from a deep link runs without app.py first."""
    st.set_page_config(page_title="招商项目看板", page_icon="📊", layout="wide")


def database_trouble(problem: DatabaseUnavailable, lang: str) -> str:
    """One sentence for the visitor when the database cannot be used, never a traceback with server paths."""
    return t("db.busy_gave_up" if isinstance(problem, DatabaseBusy) else "db.damaged", lang)


def page_context(with_sidebar: bool = True) -> PageContext:
    """Everything a page needs before it draws: language, filter, active snapshot."""
    page_setup()
    lang = language()
    industries = sidebar(lang) if with_sidebar else industries_filter()
    try:
        with connection().reading() as con:
            snapshot_id = active_snapshot_id(con)
            snapshot = snapshot_info(con, snapshot_id) if snapshot_id is not None else None
    except DatabaseUnavailable as problem:
        st.error(database_trouble(problem, lang))
        st.stop()
    return PageContext(lang, snapshot_id, snapshot, industries)


def plain(text: object) -> str:
    """Data (a file or project name) for an element that reads Markdown: every Markdown character escaped."""
    return _MARKDOWN_CHARACTERS.sub(r"\\\1", str(text))


def snapshot_caption(ctx: PageContext, note: str | None = None) -> None:
    """The '数据截至 …' line every page shows under its title, with an optional note after it."""
    if ctx.snapshot is None:
        st.info(ctx.t("app.no_data"))
        return
    line = ctx.t(
        "app.snapshot_as_of",
        as_of=day(ctx.snapshot["as_of"]),
        snapshot_id=ctx.snapshot_id,
        file_name=plain(ctx.snapshot["file_name"]),
    )
    st.caption(f"{line} · {note}" if note else line)
