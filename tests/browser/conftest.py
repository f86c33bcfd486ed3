"""The browser tests' shared fixtures: Debian chromium driven by Playwright, and the app on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh database path, which the app itself seeds from the sample ledger on first start."""
    if not CHROMIUM.exists():
        pytest.skip(f"NO BROWSER TEST: {CHROMIUM} is not installed (make test installs Debian chromium as root)")
    with running_app(tmp_path_factory.mktemp("browser") / "reserves.duckdb") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
