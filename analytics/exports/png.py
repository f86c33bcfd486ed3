"""A deck chart as a PNG (1280×720, projector styling), drawn by Kaleido in the Chromium installed here.

Kaleido 1.x drives a Chrome it finds on PATH (Debian's chromium does); it never downloads one unless asked, and
this module never asks. MathJax is switched off: Kaleido would otherwise put a CDN script on its page, and a
meeting-room laptop may be offline.
"""

from __future__ import annotations

import os

import kaleido
from choreographer.errors import BrowserFailedError, ChromeNotFoundError

from analytics.charts.deck import PROJECTOR_SIZE, figure
from analytics.exports.errors import RendererFailed, RendererMissing
from analytics.exports.pdf import CHROMIUM_NAMES, find_program
from analytics.story.model import Chart

TIMEOUT_SECONDS = 60


def chart_png(chart: Chart, lang: str, title: str = "", scale: float = 1.0) -> bytes:
    """The chart as it shows on a projector, as PNG bytes (1280×720 × scale), with an optional title."""
    if not (os.environ.get("BROWSER_PATH") or find_program(CHROMIUM_NAMES)):
        raise RendererMissing("export.png_renderer_missing")
    fig = figure(chart, lang, projector=True, title=title)
    width, height = PROJECTOR_SIZE
    try:
        return kaleido.calc_fig_sync(
            fig.to_plotly_json(),
            opts={"format": "png", "width": width, "height": height, "scale": scale},
            kopts={"mathjax": False, "timeout": TIMEOUT_SECONDS},
        )
    except (ChromeNotFoundError, BrowserFailedError) as error:
        raise RendererMissing("export.png_renderer_missing") from error
    except TimeoutError as error:
        raise RendererFailed("Kaleido", "timed out") from error
