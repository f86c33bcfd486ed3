"""PDF through the programs on this machine; skipped where they are not installed."""

from __future__ import annotations

import re

import pytest

from analytics.exports import pdf
from analytics.exports.errors import RendererFailed, RendererMissing
from tests.fixtures import deck as fx

CHROMIUM = pdf.find_program(pdf.CHROMIUM_NAMES)
LIBREOFFICE = pdf.find_program(pdf.LIBREOFFICE_NAMES)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_pack_prints_to_pdf() -> None:
    data = pdf.deck_pdf(fx.fixture_deck(), source="html")
    assert data.startswith(b"%PDF")
    assert _pages(data) >= 8  # cover, briefing, then each of the six slides from a new page


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed")
def test_pptx_converts_to_pdf_one_page_per_slide() -> None:
    data = pdf.deck_pdf(fx.fixture_deck(), source="pptx")
    assert data.startswith(b"%PDF")
    assert _pages(data) == 7  # title slide and six slides


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def test_no_renderer_raises_renderer_missing_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_program", lambda names: None)
    with pytest.raises(RendererMissing) as caught:
        pdf.deck_pdf(fx.fixture_deck())
    assert "Chromium" in caught.value.message("zh") and "LibreOffice" in caught.value.message("zh")
    assert caught.value.message("zh") != caught.value.message("en")
    assert caught.value.code == "export.renderer_missing"


def test_missing_preferred_renderer_falls_back_to_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_program", lambda names: "/bin/lo" if names == pdf.LIBREOFFICE_NAMES else None)
    monkeypatch.setattr(pdf, "pptx_to_pdf", lambda deck, program, timeout: b"%PDF from " + program.encode())
    assert pdf.deck_pdf(fx.fixture_deck(), source="html") == b"%PDF from /bin/lo"


def test_a_renderer_that_hangs_is_stopped(tmp_path) -> None:
    with pytest.raises(RendererFailed, match="timed out"):
        pdf._run(["sleep", "30"], "sleep", 0.5, tmp_path)
