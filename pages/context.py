"""What every page shares: language, the database connection, the active snapshot, the industry filter.

State that a shared link must reproduce (language, industry filter) lives in the URL query string.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from analytics import access
from analytics.domain import INDUSTRIES
from analytics.i18n import DEFAULT_LANGUAGE, LANGUAGES, label, t
from analytics.metrics.filters import Filters
from analytics.store import audit
from analytics.store.connection import Database, DatabaseBusy, DatabaseUnavailable, database_path, file_version
from analytics.store.seed import ensure_seeded
from analytics.store.snapshots import active_snapshot_id, snapshot_info
from analytics.store.users import authenticate, has_accounts
from analytics.theme import day

if TYPE_CHECKING:
    import duckdb

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


@st.cache_resource(show_spinner=False)
def _settle_memory() -> None:
    # Streamlit collects garbage fully after every run. Over the ~120,000 objects of the libraries (pandas,
    # plotly, DuckDB) that took 100-400 ms on a shared machine, time in which the server answered no request:
    # the browser waited that long for the chart's script. Objects alive once a process's first page has
    # imported what it needs live as long as the process, so the collector stops looking at them.
    gc.collect()
    gc.freeze()


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
# CommonMark lets any ASCII punctuation be backslash-escaped and shows it as the character itself: escaping all of
# it stops emphasis, code, links, images, HTML, headings, tables and $…$ LaTeX. Some markup is found after the
# escapes are gone, in the parsed text: GFM autolinks (http://…, www.…, a@b.cn) and Streamlit's :red[…] colours,
# :material/…: icons and :emoji: codes. An invisible word joiner after every ":" and "@" and inside "www." breaks
# those patterns without changing what a reader sees.
_MARKDOWN_CHARACTERS = re.compile(r"([!-/:-@\[-`{-~])")
_FOUND_AFTER_PARSING = re.compile(r"([:@])|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


@st.cache_data(show_spinner=False, max_entries=512)
def _metric(name: str, _fn: Callable[..., T], snapshot_id: int, filters: Filters, *args: object) -> T:
    # One cursor on the shared read-only instance for all of a metric's queries; the result is cached.
    with connection().reading() as con:
        return _fn(con, snapshot_id, filters, *args)


def metric(fn: Callable[..., T], snapshot_id: int, filters: Filters, *args: object) -> T:
    """fn(connection, snapshot_id, filters, *args), cached per (function, snapshot, filters, args).

    Snapshots never change once stored; metrics that read targets are cleared by the targets editor when it
    saves (st.cache_data.clear()).
    """
    return _metric(f"{fn.__module__}.{fn.__qualname__}", fn, snapshot_id, filters, *args)


@st.cache_data(show_spinner=False, max_entries=64)
def _read(name: str, _fn: Callable[..., T], path: str, version: tuple, *args: object) -> T:
    with connection().reading() as con:
        return _fn(con, *args)


def read(fn: Callable[..., T], *args: object) -> T:
    """fn(connection, *args), read again only once a write has changed the database file since (in this app or
    from the command line): opening the file costs more than the small reads every run makes (15-20 ms, over
    100 ms on a busy machine)."""
    path = database_path()
    return _read(f"{fn.__module__}.{fn.__qualname__}", fn, str(path), file_version(path), *args)


def _frame_key(frame: pd.DataFrame) -> bytes:
    # Pickled rather than Streamlit's column-by-column hash: ~50 times quicker on a chart's small frame (0.1 ms,
    # not 2-5 ms). Equal bytes mean equal frames; two equal frames pickled differently only build twice.
    return pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs={pd.DataFrame: _frame_key})
def _chart(name: str, _build: Callable[..., T], *args: object, **kwargs: object) -> T:
    return _build(*args, **kwargs)


def chart(build: Callable[..., T], *args: object, **kwargs: object) -> T:
    """build(*args, **kwargs): a Plotly figure made once per distinct arguments (frames by content, the language).

    Plotly checks every property as a figure is built: tens of ms a chart, on every run. A rerun (a click, a
    filter put back) reuses the one already built. Shared by every session: never change the figure it returns.
    """
    return _chart(f"{build.__module__}.{build.__qualname__}", build, *args, **kwargs)


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
    role: str = access.VIEWER
    user: str | None = None  # the signed-in name: what the audit records for this session's changes

    @property
    def filters(self) -> Filters:
        return Filters(self.industries)

    def can(self, action: str) -> bool:
        """Whether this visitor may take the action (the rules are analytics/access.py's)."""
        return access.can(self.role, action)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)


def industries_filter() -> tuple[str, ...]:
    """The industry filter from ?industry=lighting,new_it (all when absent or invalid)."""
    raw = _url_state("industry", "")
    chosen = tuple(i for i in INDUSTRIES if i in raw.split(","))
    return chosen or INDUSTRIES


def _secret_section(name: str) -> Mapping[str, object]:
    """A section of .streamlit/secrets.toml, empty when there is no such file or section."""
    try:
        section = st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml at all (StreamlitSecretNotFoundError)
        return {}
    return section if isinstance(section, Mapping) else {}


def access_settings() -> access.Settings:
    """[access] in secrets.toml (require_sign_in, idle_minutes, analyst_emails), overridden by the environment."""
    return access.Settings.read(_secret_section("access"), os.environ)


def _oidc_configured() -> bool:
    """An [auth] section in secrets.toml means an OIDC provider signs people in (st.login) instead of passwords."""
    return bool(_secret_section("auth"))


@st.cache_resource(show_spinner=False)
def _throttle(database: str) -> access.Throttle:
    # Process-wide, per database: a name locked out stays locked out whichever session tries it.
    return access.Throttle()


def _session_token() -> str:
    return st.session_state.setdefault("session_token", secrets.token_hex(8))


def _sign_out(reason: str) -> None:
    who = st.session_state.pop("signed_in", None)
    if who:
        audit.record(connection(), who["name"], "sign_out", target=who["name"], detail={"reason": reason})


def _expire_idle(settings: access.Settings) -> None:
    """Sign a session out after idling past the timeout; any rerun (a click, a filter) counts as activity."""
    who = st.session_state.get("signed_in")
    if not who:
        return
    now = time.time()
    if access.idle_expired(who["last_seen"], now, settings.idle_timeout):
        _sign_out("timeout")
        st.session_state["signed_out_idle"] = True
        if who["via"] == "oidc":
            st.logout()
    else:
        who["last_seen"] = now


def _oidc_identity(settings: access.Settings) -> None:
    """Turn the provider's signed-in identity into this session's (once, audited)."""
    if "signed_in" in st.session_state or not st.user.get("is_logged_in"):
        return
    email = str(st.user.get("email") or "")
    name = email or str(st.user.get("name") or "?")
    role = settings.oidc_role(email)
    st.session_state["signed_in"] = {"name": name, "role": role, "via": "oidc", "last_seen": time.time()}
    audit.record(connection(), name, "sign_in", target=name, detail={"via": "oidc", "role": role})


def identity(settings: access.Settings) -> tuple[str, str | None]:
    """(role, signed-in name) of this session."""
    who = st.session_state.get("signed_in")
    if who:
        return who["role"], who["name"]
    return access.visitor_role(settings.require_sign_in), None


def _try_password(name: str, password: str, lang: str) -> None:
    con = connection()
    name = name.strip()
    throttle = _throttle(str(database_path()))
    keys = (f"user:{name}", f"session:{_session_token()}")
    wait = throttle.wait(*keys)
    if wait > 0:
        audit.record(con, name or "?", "sign_in_failed", target=name, detail={"reason": "throttled"})
        st.session_state["sign_in_error"] = t("access.throttled", lang, minutes=math.ceil(wait / 60))
        return
    role = authenticate(con, name, password) if name and password else None
    if role is None:
        throttle.failed(*keys)
        if not (name and password):
            audit.record(con, name or "?", "sign_in_failed", target=name, detail={"reason": "empty"})
        st.session_state["sign_in_error"] = t("access.failed", lang)
        return
    throttle.succeeded(*keys)
    st.session_state.pop("sign_in_error", None)
    st.session_state.pop("signed_out_idle", None)
    st.session_state["signed_in"] = {"name": name, "role": role, "via": "password", "last_seen": time.time()}
    st.rerun()


def _sign_in_box(lang: str, settings: access.Settings, accounts: bool) -> None:
    """The sidebar's sign-in: who is signed in and 退出, or a small form (or the provider's button); `accounts`
    says whether the database holds any account to sign in with."""
    who = st.session_state.get("signed_in")
    if who:
        st.caption(t("access.signed_in_as", lang, name=plain(who["name"]), role=t(f"role.{who['role']}", lang)))
        if st.button(t("access.sign_out", lang), key="sign_out"):
            _sign_out("button")
            if who["via"] == "oidc":
                st.logout()
            st.rerun()
        return
    if st.session_state.get("signed_out_idle"):
        st.caption(t("access.idle_signed_out", lang, minutes=settings.idle_timeout // 60))
    title = t("access.sign_in_title" if settings.require_sign_in else "access.analyst_sign_in", lang)
    if _oidc_configured():
        st.markdown(f"**{title}**")
        if st.button(t("access.sign_in_oidc", lang), key="sign_in_oidc"):
            st.login()
        return
    if not accounts:
        st.caption(t("access.no_accounts", lang))
        return
    with st.form("sign_in_form", clear_on_submit=True, border=True):
        st.markdown(f"**{title}**")
        name = st.text_input(t("access.name", lang), key="sign_in_name", max_chars=access.MAX_NAME)
        password = st.text_input(t("access.password", lang), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("access.sign_in", lang), key="sign_in_submit")
    if submitted:
        _try_password(name or "", password or "", lang)
    if st.session_state.get("sign_in_error"):
        st.error(st.session_state["sign_in_error"])


def sidebar(lang: str) -> tuple[str, ...]:
    """The menu, the language switch and the global industry filter (both mirrored into the URL); the sign-in
    goes below them once the database has been read (page_context)."""
    with st.sidebar:
        # Our own menu: the same in every run mode, in the chosen language, keeping the URL's filters.
        for script, key, icon, _ in PAGES:
            st.page_link(script, label=t(key, lang), icon=icon)
        st.divider()
        # Two buttons rather than radio circles: the same look as the filter's pills and one widget script less.
        choice = st.segmented_control(
            t("app.language", lang), LANGUAGES, default=lang, required=True,
            format_func=lambda code: {"zh": "中文", "en": "English"}[code], key="lang_choice",
        )  # fmt: skip
        if choice != lang:
            _set_url_state("lang", choice, DEFAULT_LANGUAGE)
            st.rerun()
        current = industries_filter()
        # One tap an industry (pills, not a drop-down: no list to open on a phone, and less script for the browser to
        # load before a page's first chart); none picked means every industry.
        picked = st.pills(
            t("app.industry_filter", lang), INDUSTRIES, selection_mode="multi",
            default=[] if current == INDUSTRIES else list(current),
            format_func=lambda key: label("industry", key, lang), key="industry_filter",
        )  # fmt: skip
        picked_in_order = tuple(i for i in INDUSTRIES if i in picked)
        chosen = picked_in_order or INDUSTRIES
        _set_url_state("industry", "" if chosen == INDUSTRIES else ",".join(chosen), "")
        st.divider()
    return chosen


def page_setup() -> None:
    """Page config for every page: a page opened straight from a deep link runs without app.py first."""
    st.set_page_config(page_title="招商项目看板", page_icon="📊", layout="wide")


def database_trouble(problem: DatabaseUnavailable, lang: str) -> str:
    """One sentence for the visitor when the database cannot be used, never a traceback with server paths."""
    return t("db.busy_gave_up" if isinstance(problem, DatabaseBusy) else "db.damaged", lang)


def _frame_facts(con: duckdb.DuckDBPyConnection) -> tuple[int | None, dict | None, bool]:
    """What every page's frame shows: the active snapshot, its details, whether any account exists."""
    snapshot_id = active_snapshot_id(con)
    snapshot = snapshot_info(con, snapshot_id) if snapshot_id is not None else None
    return snapshot_id, snapshot, has_accounts(con)


def page_context(with_sidebar: bool = True) -> PageContext:
    """Everything a page needs before it draws: language, filter, who is signed in, active snapshot.

    When viewing needs a sign-in and this visitor has none, the page stops here with one line saying so.
    """
    page_setup()
    _settle_memory()
    lang = language()
    settings = access_settings()
    try:  # every read here may find the database locked too long or damaged: one sentence, never a traceback
        _expire_idle(settings)
        if _oidc_configured():
            _oidc_identity(settings)
        industries = sidebar(lang) if with_sidebar else industries_filter()
        snapshot_id, snapshot, accounts = read(_frame_facts)
        if with_sidebar:
            with st.sidebar:
                _sign_in_box(lang, settings, accounts)
        role, user = identity(settings)
        if not access.can(role, "view"):
            st.title(t("app.title", lang))
            st.info(t("access.sign_in_to_view", lang))
            if not with_sidebar:  # meeting mode draws no sidebar: the sign-in comes here instead
                _sign_in_box(lang, settings, accounts)
            st.stop()
    except DatabaseUnavailable as problem:
        st.error(database_trouble(problem, lang))
        st.stop()
    return PageContext(lang, snapshot_id, snapshot, industries, role, user)


def plain(text: object) -> str:
    """Data (a file or project name) for an element that reads Markdown: shown exactly as typed, on one line.

    Every ASCII punctuation character is backslash-escaped, a word joiner keeps links and directives from forming,
    and line breaks become spaces (a line of its own could start a heading, a list or a table).
    """
    text = _FOUND_AFTER_PARSING.sub(lambda m: (m.group(1) or "") + WORD_JOINER, _LINE_BREAKS.sub(" ", str(text)))
    return _MARKDOWN_CHARACTERS.sub(r"\\\1", text)


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
