"""Chart PNGs through Kaleido and the installed chromium; skipped where there is none."""

from __future__ import annotations

import struct

import pytest

from analytics.exports import png
from analytics.exports.errors import RendererMissing
from analytics.exports.pdf import CHROMIUM_NAMES, find_program
from tests.fixtures import deck as fx


@pytest.mark.skipif(find_program(CHROMIUM_NAMES) is None, reason="chromium is not installed")
def test_chart_png_is_a_projector_sized_png() -> None:
    data = png.chart_png(fx.SIZE_STACKED_HBAR, "zh", title="1亿元以下项目最多")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1280, 720)


def test_no_browser_raises_renderer_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(png, "find_program", lambda names: None)
    with pytest.raises(RendererMissing) as caught:
        png.chart_png(fx.FUNNEL, "zh")
    assert caught.value.code == "export.png_renderer_missing"
    assert "Chromium" in caught.value.message("en")
