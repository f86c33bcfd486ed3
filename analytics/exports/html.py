"""The meeting deck as one self-contained HTML file: works offline, prints one slide per page.

Plotly's JavaScript is inlined once; there is no external script, stylesheet, font or image. All deck text is
escaped (html.escape) and chart text goes through analytics/charts/deck.py, which escapes it for Plotly.
"""

from __future__ import annotations

import html

import plotly.io as pio
import plotly.offline

from analytics.charts.deck import figure
from analytics.exports.text import cell_text, clean, relevant_briefing
from analytics.i18n import t
from analytics.story.model import Deck, Slide, Table
from analytics.theme import FONT_FAMILY, PROJECTOR_TEXT

CHART_WIDTH, CHART_HEIGHT = 1020, 400  # fits an A4 landscape page when printed
PLOTLY_CONFIG = {"displaylogo": False, "responsive": False, "modeBarButtonsToRemove": ["sendDataToCloud"]}

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font-family: FONT; color: TEXT; background: #F4F6F9; line-height: 1.55; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
header.deck, section { background: #fff; border-radius: 8px; padding: 28px 36px; margin: 0 0 24px; }
h1 { font-size: 32px; margin: 0 0 8px; } h2 { font-size: 26px; margin: 0 0 16px; }
.muted { color: #5A616B; } .kicker { color: #5A616B; font-size: 15px; margin: 0 0 4px; }
nav ol { columns: 2; padding-left: 1.4em; } nav a { color: #1D3557; }
table { border-collapse: collapse; width: 100%; margin: 16px 0; font-size: 16px; }
th { background: #1D3557; color: #fff; text-align: left; padding: 6px 10px; }
td { border-bottom: 1px solid #D5DAE1; padding: 6px 10px; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.bullets { font-size: 18px; padding-left: 1.2em; } ul.bullets b { margin-right: .3em; }
aside.notes { border-left: 4px solid #B8C2CC; padding: 4px 14px; color: #3B424B; font-size: 15px; }
.chart { overflow-x: auto; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: #fff; } main { max-width: none; padding: 0; }
  header.deck, section { break-after: page; border-radius: 0; padding: 0; margin: 0; }
  nav, .modebar-container { display: none; } .chart { overflow: visible; }
}
"""


def deck_html(deck: Deck) -> bytes:
    """One UTF-8 HTML document: cover with contents, the briefing, then a section per slide."""
    esc = _escape
    lang = "zh-CN" if deck.lang == "zh" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may load from elsewhere: the pack is mailed and opened offline.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
        "'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:\">",
        f"<title>{esc(deck.title)}</title>",
        f"<style>{STYLE.replace('FONT', FONT_FAMILY).replace('TEXT', PROJECTOR_TEXT)}</style>",
        f"<script>{plotly.offline.get_plotlyjs()}</script>",
        "</head><body><main>",
        '<header class="deck">',
        f"<h1>{esc(deck.title)}</h1>",
        f'<p class="muted">{esc(deck.subtitle)}<br>{esc(t("export.as_of", deck.lang, as_of=deck.as_of.isoformat()))}</p>',
        f"<nav><h2>{esc(t('export.contents', deck.lang))}</h2><ol>",
        *(f'<li><a href="#{esc(s.key)}">{esc(s.headline)}</a></li>' for s in deck.slides),
        "</ol></nav></header>",
    ]
    if deck.briefing:
        parts += [f'<section id="briefing"><h2>{esc(t("export.briefing", deck.lang))}</h2>']
        parts += [f"<p>{esc(p)}</p>" for p in deck.briefing]
        parts += ["</section>"]
    for number, slide in enumerate(deck.slides, start=1):
        parts.append(_section(deck, slide, number))
    parts.append("</main></body></html>")
    return "\n".join(parts).encode("utf-8")


def _escape(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _section(deck: Deck, slide: Slide, number: int) -> str:
    esc = _escape
    parts = [
        f'<section class="slide" id="{esc(slide.key)}">',
        f'<p class="kicker">{number}/{len(deck.slides)} · {esc(slide.title)}</p>',
        f"<h2>{esc(slide.headline)}</h2>",
    ]
    if slide.chart is not None:
        fig = figure(slide.chart, deck.lang)
        fig.update_layout(width=CHART_WIDTH, height=CHART_HEIGHT, title=None, margin={"t": 40})
        # Plotly writes the figure as JSON with <, > and / as \u escapes: data text cannot close the script.
        div = pio.to_html(fig, include_plotlyjs=False, full_html=False, config=PLOTLY_CONFIG,
                          div_id=f"chart-{number}")  # fmt: skip
        parts.append(f'<div class="chart">{div}</div>')
    if slide.table is not None:
        parts.append(_table(slide.table))
    if slide.bullets:
        items = (f"<li><b>{esc(label)}：</b>{esc(text)}</li>" for label, text in slide.bullets)
        parts.append(f'<ul class="bullets">{"".join(items)}</ul>')
    notes = [slide.notes] if slide.notes else []
    notes += relevant_briefing(deck, slide)
    if notes:
        body = "".join(f"<p>{esc(n)}</p>" for n in notes)
        parts.append(f'<aside class="notes"><p><b>{esc(t("export.notes", deck.lang))}</b></p>{body}</aside>')
    parts.append("</section>")
    return "\n".join(parts)


def _table(table: Table) -> str:
    esc = _escape
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    rows = []
    for row in table.rows:
        cells = []
        for value in row:
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(
                f'<td class="num">{esc(cell_text(value))}</td>' if numeric else f"<td>{esc(cell_text(value))}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
