"""Real-browser smoke test: boot the app, open it in headless Debian chromium, see the charts drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.ingest.ledger import read_ledger
from analytics.store.seed import SAMPLE_LEDGER
from tests.browser.server import CHROMIUM, running_app

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Charts Plotly has drawn (each draws several .main-svg layers, so those are not counted).
DRAWN_CHARTS = "[...document.querySelectorAll('.js-plotly-plot')].filter(c => c.querySelector('.main-svg')).length"


def test_overview_renders_kpis_and_chart(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/overview", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=60_000)
    bars = page.locator(".js-plotly-plot .barlayer .point")
    assert bars.count() >= 4  # at least one bar per industry has been drawn
    assert page.get_by_text("招商项目储备总览").is_visible()
    assert page.get_by_text("数据截至 2023-12-31").first.is_visible()
    expected = read_ledger(SAMPLE_LEDGER.read_bytes(), SAMPLE_LEDGER.name).rows_imported
    metric_values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert f"{expected:,}" in metric_values
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-1280x720.png"))
    page.close()


@pytest.mark.parametrize(
    ("path", "title", "charts"),
    [("review", "2023 年度回顾", 2), ("targets", "2024 年目标", 6), ("projects", "项目清单", 1)],
)
def test_page_renders_its_charts(app_url: str, browser, path: str, title: str, charts: int) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    page.get_by_text(title).first.wait_for(timeout=60_000)
    page.wait_for_function(f"{DRAWN_CHARTS} >= {charts}", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{path}-1280x720.png"))
    page.close()


def test_review_draws_a_section_when_its_tab_is_clicked(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/review", wait_until="domcontentloaded")
    page.wait_for_function(f"{DRAWN_CHARTS} == 2", timeout=60_000)
    page.get_by_role("tab", name="结构分析").click()
    # The four breakdowns replace the progress charts; the department's is titled by the largest one's share.
    page.get_by_text("负责的项目投资占").first.wait_for(timeout=60_000)
    page.wait_for_function(f"{DRAWN_CHARTS} == 4", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


@pytest.fixture(scope="module")
def analyst_app(tmp_path_factory: pytest.TempPathFactory):
    """A seeded database with an analyst account (made before the app holds the file)."""
    if not CHROMIUM.exists():
        pytest.skip(f"NO BROWSER TEST: {CHROMIUM} is not installed (make test installs Debian chromium as root)")
    from analytics.store.connection import connect
    from analytics.store.seed import ensure_seeded
    from analytics.store.users import add_user

    db = tmp_path_factory.mktemp("analyst") / "reserves.duckdb"
    ensure_seeded(db)
    con = connect(db)
    try:
        add_user(con, "王芳", ANALYST_PASSWORD, who="pytest")
    finally:
        con.close()
    with running_app(db) as url:
        yield url


ANALYST_PASSWORD = "correct horse battery"


def test_upload_preview_commit_and_snapshot_list(analyst_app: str, browser, tmp_path: Path) -> None:
    from tests.fixtures.ledgers import title_rows_xlsx

    upload = tmp_path / "本周台账.xlsx"
    upload.write_bytes(title_rows_xlsx())
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{analyst_app}/data", wait_until="domcontentloaded")
    page.get_by_text("快照记录").wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("用户名").fill("王芳")
    sidebar.get_by_label("密码").fill(ANALYST_PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    page.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("本周台账.xlsx").first.wait_for(timeout=30_000)
    # The preview counts what was read: 5 projects, the 合计 and footnote rows skipped as notes.
    page.get_by_role("button", name="确认导入为新快照").wait_for(timeout=30_000)
    # On a busy machine the rerun after signing in can still be painting: wait for the five preview counts.
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 5", timeout=30_000)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values[:3] == ["5", "5", "0"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-preview-1280.png"), full_page=True)
    page.get_by_role("button", name="确认导入为新快照").click()
    page.get_by_text("已保存为快照").wait_for(timeout=30_000)
    page.close()
