"""The meeting deck as PDF: the HTML pack printed by headless Chromium, or the PPTX converted by LibreOffice.

Both are programs on the machine, not Python packages: each run gets a fresh profile in a temporary folder, no
network it needs, and a time limit; when neither program is installed the caller gets RendererMissing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from analytics.exports.errors import RendererFailed, RendererMissing
from analytics.exports.html import deck_html
from analytics.exports.pptx import deck_pptx
from analytics.story.model import Deck

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LIBREOFFICE_NAMES = ("libreoffice", "soffice")
TIMEOUT_SECONDS = 120

# Headless printing with nothing phoning home: no updates, sync, first-run pages or background fetches.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--no-pdf-header-footer",
    # Plotly draws after the page loads; virtual time lets it finish before the page is printed.
    "--virtual-time-budget=20000",
)


def find_program(names: tuple[str, ...]) -> str | None:
    """The first of the names on PATH, or None."""
    return next((path for name in names if (path := shutil.which(name))), None)


def deck_pdf(deck: Deck, source: Literal["html", "pptx"] = "html", timeout: float = TIMEOUT_SECONDS) -> bytes:
    """A PDF of the deck from the preferred source, falling back to the other renderer when it is missing."""
    chromium, libreoffice = find_program(CHROMIUM_NAMES), find_program(LIBREOFFICE_NAMES)
    order = ("html", "pptx") if source == "html" else ("pptx", "html")
    for kind in order:
        if kind == "html" and chromium:
            return html_to_pdf(deck_html(deck), chromium, timeout)
        if kind == "pptx" and libreoffice:
            return pptx_to_pdf(deck_pptx(deck), libreoffice, timeout)
    raise RendererMissing("export.renderer_missing")


def html_to_pdf(document: bytes, chromium: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print an HTML document with headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="deck-pdf-") as folder:
        work = Path(folder)
        page, out = work / "deck.html", work / "deck.pdf"
        page.write_bytes(document)
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]  # fmt: skip
        _run(command, "Chromium", timeout, work)
        return _read_pdf(out, "Chromium")


def pptx_to_pdf(deck: bytes, libreoffice: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a .pptx with LibreOffice in headless mode."""
    with tempfile.TemporaryDirectory(prefix="deck-pdf-") as folder:
        work = Path(folder)
        source = work / "deck.pptx"
        source.write_bytes(deck)
        # A private profile: a LibreOffice already open on this machine would otherwise take the job (or lock it).
        command = [libreoffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work), str(source)]  # fmt: skip
        _run(command, "LibreOffice", timeout, work)
        return _read_pdf(work / "deck.pdf", "LibreOffice")


def _run(command: list[str], renderer: str, timeout: float, cwd: Path) -> None:
    """Run a renderer in its own process group, so a timeout ends it and every helper process it started."""
    env = {**os.environ, "HOME": str(cwd)}  # renderers write caches under HOME; keep them in the temp folder
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True) as process:  # fmt: skip
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RendererFailed(renderer, f"timed out after {timeout:.0f} s") from error
    if process.returncode != 0:
        raise RendererFailed(renderer, stderr.decode(errors="replace").strip()[-300:])


def _read_pdf(path: Path, renderer: str) -> bytes:
    if not path.exists() or not path.read_bytes().startswith(b"%PDF"):
        raise RendererFailed(renderer, "no PDF written")
    return path.read_bytes()
