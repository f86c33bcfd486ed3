"""Open the app on one page the way a visitor following a link would, for AppTest tests; sign in as an analyst."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics.store.connection import connect, database_path, release_readers
from analytics.store.users import add_user

REPO = Path(__file__).resolve().parents[2]
ANALYST = "测试分析员"
PASSWORD = "correct horse battery"
# What Markdown shows for a backslash-escaped ASCII punctuation character: the character itself.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def open_page(page: str, secrets: dict | None = None, **query: str) -> AppTest:
    """Run the app (navigation included) on one page, as a visitor following a link would."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    if secrets:
        at.secrets.update(secrets)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(f"pages/{page}.py").run()


def open_section(page: str, key: str, section: str, **query: str) -> AppTest:
    """open_page, then the tab labelled `section` of the page's tabs `key` chosen, as a click on it would."""
    at = open_page(page, **query)
    assert section in [tab.label for tab in at.tabs], f"no tab {section!r}"
    at.session_state[key] = section
    return at.run()


def expand(at: AppTest, key: str) -> AppTest:
    """Open the expander `key` (one that reruns the page when opened), as a click on it would."""
    at.session_state[key] = True
    at.run()
    assert not at.exception
    return at


def open_database(path: Path) -> duckdb.DuckDBPyConnection:
    """The test's own read-write connection to the app's file, as another program would take it once the app's
    pages are idle (the app in this same process closes its shared read-only instance first)."""
    release_readers(path)
    return duckdb.connect(str(path))


def create_analyst(name: str = ANALYST, password: str = PASSWORD, role: str = "analyst") -> None:
    """An account in the test database ($RESERVES_DB), made as `python -m analytics user add` makes it."""
    con = connect(database_path())
    try:
        add_user(con, name, password, who="pytest", role=role)
    finally:
        con.close()


def sign_in(at: AppTest, name: str = ANALYST, password: str = PASSWORD) -> AppTest:
    """Fill in the sidebar's sign-in form and submit it (the account must exist: create_analyst)."""
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="sign_in_submit").click().run()


def open_as_analyst(page: str, **query: str) -> AppTest:
    """Open a page signed in as an analyst (created first when the test database has none)."""
    con = connect(database_path())
    try:
        exists = con.execute("SELECT 1 FROM users WHERE name = ?", [ANALYST]).fetchone()
    finally:
        con.close()
    if not exists:
        create_analyst()
    at = open_page(page, **query)
    sign_in(at)
    assert "signed_in" in at.session_state, "sign-in failed"
    return at


def rendered(markdown: str) -> str:
    """The text a Markdown element shows: backslash escapes removed, invisible word joiners (plain()) dropped."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


_DIRECTIVE = re.compile(r"\*\*|:(?:small|red|orange|yellow|green|blue|violet|gray|grey|primary)\[|\]")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def summary_tables(at: AppTest) -> list[tuple[pd.DataFrame, dict[str, list[str | None]]]]:
    """Each Markdown table on the page (pages/summary_table.py) read back as a reader sees it: a frame of its cells'
    text, and the colour of each cell that has one, column by column. The parsing is the test's own."""
    found = []
    for element in at.markdown:
        lines = element.value.splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not set(lines[1]) <= set("|-: "):
            continue
        rows = [[c.strip() for c in _CELL_SEPARATOR.split(line.strip()[1:-1])] for line in [lines[0], *lines[2:]]]
        colours: dict[str, list[str | None]] = {}
        for i, header in enumerate(rows[0]):
            named = [re.search(r":(red|orange|green|gray|yellow|blue|violet)\[", row[i]) for row in rows[1:]]
            if any(named):
                colours[rendered(_DIRECTIVE.sub("", header))] = [m.group(1) if m else None for m in named]
        text = [[rendered(_DIRECTIVE.sub("", cell)) for cell in row] for row in rows]
        found.append((pd.DataFrame(text[1:], columns=text[0]), colours))
    return found


# The active snapshot as the dashboard picks it (newest as_of), for tests that count straight from tables.
ACTIVE = "(SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1)"
