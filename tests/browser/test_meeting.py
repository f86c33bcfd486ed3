"""Meeting mode in a real browser: arrow keys step through slides, the slide lives in the URL, charts are
projector-sized, and the export menu hands over a real PPTX."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
HEADLINE = ".deck-headline"


def _headline(page) -> str:
    return page.locator(HEADLINE).first.inner_text()


def test_arrow_keys_step_through_slides_kept_in_the_url(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/meeting", wait_until="domcontentloaded")
    page.locator(HEADLINE).first.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=60_000)
    first = _headline(page)
    assert first.startswith("全镇储备项目253个")
    # The projector view: no Streamlit header or sidebar, and the chart's text at 20 px or more.
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    sizes = page.eval_on_selector_all(
        ".js-plotly-plot text", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize)).filter(s => s > 0)"
    )
    assert sizes and min(sizes) >= 20
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meeting-1280x720.png"))

    page.locator(HEADLINE).first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('{HEADLINE}').innerText.startsWith('灯饰照明')", timeout=30_000)
    assert "slide=industry-lighting" in page.url
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"document.querySelector('{HEADLINE}').innerText === {first!r}", timeout=30_000)

    # A shared link opens the same slide.
    page.goto(f"{app_url}/meeting?slide=risks", wait_until="domcontentloaded")
    page.wait_for_function(f"document.querySelector('{HEADLINE}')?.innerText.startsWith('重点项目')", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=60_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "meeting-risks-1280x720.png"))
    page.close()


def test_export_menu_downloads_a_deck(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{app_url}/meeting?slide=overview", wait_until="domcontentloaded")
    page.locator(HEADLINE).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="导出会议材料").click()
    page.get_by_text("PPT 演示文稿（.pptx）").click()
    download_button = page.get_by_role("button", name="下载 会议材料-20231231.pptx")
    download_button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    deck = Presentation(io.BytesIO(Path(info.value.path()).read_bytes()))
    charts = [shape for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(deck.slides) > 10 and charts
    page.close()
