"""Files made from a meeting deck (analytics/story/model.py): PPTX, HTML, XLSX, PDF and chart PNGs.

Each module is a pure function Deck -> bytes; the PDF and PNG renderers need a browser or LibreOffice on the
machine and raise RendererMissing (analytics/exports/errors.py) when there is none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analytics.story.model import Deck

FORMATS = ("pptx", "html", "xlsx", "pdf")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(deck: Deck, file_format: str) -> bytes:
    """The deck as one file of the format (each renderer imported only when asked for)."""
    if file_format == "pptx":
        from analytics.exports.pptx import deck_pptx

        return deck_pptx(deck)
    if file_format == "html":
        from analytics.exports.html import deck_html

        return deck_html(deck)
    if file_format == "xlsx":
        from analytics.exports.xlsx import deck_xlsx

        return deck_xlsx(deck)
    if file_format == "pdf":
        from analytics.exports.pdf import deck_pdf

        return deck_pdf(deck)
    raise ValueError(f"unknown export format {file_format!r}")
