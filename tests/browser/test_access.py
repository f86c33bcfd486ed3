"""Real browser: a viewer reaches no analyst action on any page, and injected Markdown renders as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.store.connection import connect
from analytics.store.imports import import_bytes
from analytics.store.seed import ensure_seeded
from analytics.store.users import add_user
from tests.browser.server import CHROMIUM, running_app
from tests.fixtures.ledgers import HOSTILE_FILE, HOSTILE_NAME, hostile_names_xlsx

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
# Every button that changes something, by its label.
ANALYST_BUTTONS = ["确认导入为新快照", "设为当前快照（回滚）", "恢复为最新快照", "下载原始文件", "保存目标", "添加意见"]
PAGES = ["overview", "review", "targets", "projects", "meeting", "data"]


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip(f"NO BROWSER TEST: {CHROMIUM} is not installed (make test installs Debian chromium as root)")
    db = tmp_path_factory.mktemp("access") / "reserves.duckdb"
    ensure_seeded(db)
    con = connect(db)
    try:
        import_bytes(con, hostile_names_xlsx(), HOSTILE_FILE, who="王芳")
        key = con.execute("SELECT project_key FROM projects WHERE project_name = ?", [HOSTILE_NAME]).fetchone()[0]
        add_user(con, "王芳", PASSWORD, who="pytest")
    finally:
        con.close()
    with running_app(db) as url:
        yield url, key


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url, wait_until="domcontentloaded")
    # The 数据截至 line under every title, or a slide's headline in meeting mode.
    page.locator('[data-testid="stCaptionContainer"], .deck-headline').first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let the rest of the script's elements arrive
    return page


def _visible(text: str) -> str:
    return text.replace("\u2060", "")


def _no_live_links(page) -> None:
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator("img[src='x']").count() == 0


@pytest.mark.parametrize("path", PAGES)
def test_a_viewer_reaches_no_analyst_action(hostile_app, browser, path: str) -> None:
    url, _ = hostile_app
    page = _open(browser, f"{url}/{path}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('input[type="file"]').count() == 0
    for label in ANALYST_BUTTONS:
        assert page.get_by_role("button", name=label).count() == 0, label
    assert page.locator('[data-testid="stDataFrameGlideDataEditor"] textarea').count() == 0
    if path != "meeting":
        assert page.get_by_role("button", name="登录").count() == 1
    _no_live_links(page)
    if path == "data":
        assert page.get_by_text("上传、导入、切换快照和下载原始文件需要分析员登录（侧栏）。").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "data-viewer-1280x720.png"))
        form = page.locator('[data-testid="stSidebar"] [data-testid="stForm"]')
        form.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "sign-in-form-1280x720.png"))
    page.close()


def test_injected_markdown_renders_as_text(hostile_app, browser) -> None:
    url, key = hostile_app
    page = _open(browser, f"{url}/projects?project={key}")
    page.locator('[data-testid="stHeadingWithActionElements"] h3').first.wait_for(timeout=30_000)
    heading = page.locator('[data-testid="stHeadingWithActionElements"] h3').first
    # What a reader sees is what was typed (plain() adds only invisible word joiners).
    assert _visible(heading.inner_text()).strip() == HOSTILE_NAME
    assert heading.locator("strong, em, a:not([href^='#'])").count() == 0  # the heading's own anchor aside
    caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    assert f"来源 {HOSTILE_FILE}）" in _visible(caption)
    _no_live_links(page)
    assert page.locator("strong", has_text="bold").count() == 0
    page.close()


def test_an_analyst_signs_in_and_the_actions_appear(hostile_app, browser) -> None:
    url, _ = hostile_app
    page = _open(browser, f"{url}/data")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill("王芳")
    sidebar.get_by_label("密码").fill("wrong password")
    sidebar.get_by_role("button", name="登录").click()
    page.get_by_text("用户名或密码不正确。").wait_for(timeout=30_000)
    assert page.locator('input[type="file"]').count() == 0
    sidebar.get_by_label("用户名").fill("王芳")
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    page.get_by_text("已登录：王芳（分析员）").wait_for(timeout=30_000)
    page.get_by_role("button", name="设为当前快照（回滚）").wait_for(timeout=30_000)
    page.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-analyst-1280x720.png"))
    page.get_by_role("button", name="退出").click()
    page.get_by_role("button", name="登录").wait_for(timeout=30_000)
    page.locator('[data-testid="stFileUploader"]').wait_for(state="detached", timeout=30_000)
    page.close()
