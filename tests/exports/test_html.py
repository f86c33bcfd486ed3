"""The HTML pack: self-contained (no URL to fetch), every text escaped, the deck's numbers and words present."""

from __future__ import annotations

import json
import re

import pytest

from analytics.exports.html import deck_html
from tests.fixtures import deck as fx


@pytest.fixture(scope="module")
def page() -> str:
    return deck_html(fx.fixture_deck()).decode("utf-8")


def _without_plotly_js(page: str) -> str:
    """The document minus the inlined plotly.js library (whose source mentions map-tile sites as strings)."""
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    library = max(scripts, key=len)
    assert len(library) > 1_000_000 and "plotly" in library[:2000].lower()
    return page.replace(library, "")


def _figures(page: str) -> list[tuple[list, dict]]:
    """(data, layout) of every Plotly.newPlot call in the page."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, re.compile(r",\s*").match(page, end).end())
        found.append((data, layout))
    return found


def test_nothing_is_fetched_from_elsewhere(page: str) -> None:
    assert re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.I) is None
    assert re.search(r"<link\b", page, flags=re.I) is None
    assert re.search(r"@import|url\(\s*['\"]?https?:", page, flags=re.I) is None
    rest = _without_plotly_js(page)
    # The only URL-looking text is the ledger comment, shown as escaped text, never as an address.
    assert re.findall(r"https?://[^\s&<]*", rest) == ["http://x", "http://x"]
    assert re.search(r"\b(src|href)\s*=\s*[\"']?(https?:|//)", rest, flags=re.I) is None
    assert "default-src 'none'" in page  # and the browser is told to refuse anything else


def test_data_text_is_shown_literally(page: str) -> None:
    assert "**bold** [link](javascript:alert(1))" in page  # no markdown: the asterisks stay
    assert "<strong>" not in page and 'href="javascript' not in page
    assert "<script>alert(1)</script>" not in page
    ((region_data, _),) = [f for f in _figures(page) if f[0][0]["type"] == "bar" and f[0][0].get("orientation") == "h"][
        :1
    ]
    assert region_data[0]["y"][2] == "&lt;b&gt;灯饰&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert "=HYPERLINK(&quot;http://x&quot;)" in page


def test_every_slide_is_a_section_with_its_words_and_numbers(page: str) -> None:
    deck = fx.fixture_deck()
    for slide in deck.slides:
        assert f'<section class="slide" id="{slide.key}">' in page
        assert f"<h2>{slide.headline}</h2>" in page
    figures = _figures(page)
    assert len(figures) == 6
    assert '<td>光电产业园</td><td>灯饰照明</td><td class="num">12.50</td>' in page
    overview = figures[0][0]
    assert [trace["name"] for trace in overview] == ["2022年", "2023年", "目标"]
    assert overview[0]["y"] == [12.5, 8.0, 3.25, 1.0]
    assert figures[4][0][0]["x"] == ["2022年11月", "2022年12月", "2023年1月", "2023年2月"]
    for paragraph in fx.BRIEFING:
        assert f"<p>{paragraph}</p>" in page
    assert "重点说明用地指标问题。" in page


def test_chart_data_cannot_close_its_script(page: str) -> None:
    chart_scripts = re.findall(r"<script[^>]*>(.*?)</script>", _without_plotly_js(page), flags=re.S)
    chart_scripts = [body for body in chart_scripts if body.strip()]
    assert len(chart_scripts) == 6
    assert all("</" not in body and "<script" not in body for body in chart_scripts)
