"""Screenshot pages of the running dashboard at projector, laptop and phone sizes.

python tests/browser/screenshot.py [--db DB] [--out screenshots] [--path overview ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

SIZES = {"projector": (1280, 720), "laptop": (1920, 1080), "phone": (390, 844), "tall": (1600, 4200)}


def wait_for_charts(page, minimum: int = 1, timeout_ms: int = 45_000) -> int:
    """Wait until Plotly has drawn at least `minimum` charts; return how many are drawn."""
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {minimum}", timeout=timeout_ms
    )
    page.wait_for_timeout(800)  # let transitions settle before the picture is taken
    return page.locator(".js-plotly-plot").count()


def shoot(url: str, out: Path, paths: list[str], sizes: dict[str, tuple[int, int]], charts: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for size_name, (width, height) in sizes.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in paths:
                page.goto(f"{url}/{path}", wait_until="networkidle")
                if charts:
                    wait_for_charts(page, charts)
                else:
                    page.wait_for_timeout(3000)
                stem = path.replace("/", "_").replace("?", "_")[:80] or "home"  # long query strings stay legal names
                target = out / f"{stem}-{size_name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            page.close()
        browser.close()
    return written


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db")
    args.add_argument("--out", default="screenshots")
    args.add_argument("--path", action="append", default=None)
    args.add_argument("--size", action="append", choices=list(SIZES), default=None)
    args.add_argument("--charts", type=int, default=1, help="charts to wait for (0: just wait)")
    opts = args.parse_args()
    db = Path(opts.db) if opts.db else Path(tempfile.mkdtemp()) / "reserves.duckdb"
    sizes = {k: SIZES[k] for k in (opts.size or ["projector", "laptop", "phone"])}
    with running_app(db) as url:
        for path in shoot(url, Path(opts.out), opts.path or ["overview"], sizes, opts.charts):
            print(path)


if __name__ == "__main__":
    main()
