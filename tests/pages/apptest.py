"""Open the app on one page the way a visitor following a link would, for AppTest tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]


def open_page(page: str, **query: str) -> AppTest:
    """Run the app (navigation included) on one page, as a visitor following a link would."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(f"pages/{page}.py").run()


# The active snapshot as the dashboard picks it (newest as_of), for tests that count straight from tables.
ACTIVE = "(SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1)"
