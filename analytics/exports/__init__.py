"""Files made from a meeting deck (analytics/story/model.py): PPTX, HTML, XLSX, PDF and chart PNGs.

Each module is a pure function Deck -> bytes; the PDF and PNG renderers need a browser or LibreOffice on the
machine and raise RendererMissing (analytics/exports/errors.py) when there is none.
"""
