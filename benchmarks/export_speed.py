"""How long each export of a meeting deck takes: `python benchmarks/export_speed.py [--db DB] [--repeat N]`.

Builds the real meeting deck of a database (default: a fresh copy seeded from the sample ledgers), times the
build itself, then each export. Renderers that are not installed are reported, not timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.exports.errors import RendererMissing  # noqa: E402
from analytics.exports.html import deck_html  # noqa: E402
from analytics.exports.pdf import deck_pdf  # noqa: E402
from analytics.exports.png import chart_png  # noqa: E402
from analytics.exports.pptx import deck_pptx  # noqa: E402
from analytics.exports.xlsx import deck_xlsx  # noqa: E402
from analytics.metrics.filters import EVERYTHING  # noqa: E402
from analytics.store.connection import connect  # noqa: E402
from analytics.store.seed import ensure_seeded  # noqa: E402
from analytics.store.snapshots import active_snapshot_id, snapshot_info  # noqa: E402
from analytics.story.numbers import default_years  # noqa: E402
from analytics.story.slides import build_deck  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per export; the best is shown")
    parser.add_argument("--db", help="database to build the deck from (default: the sample, seeded afresh)")
    args = parser.parse_args()
    db = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "sample.duckdb"
    if not args.db:
        ensure_seeded(db)
    con = connect(db)
    snapshot = active_snapshot_id(con)
    year, target_year = default_years(snapshot_info(con, snapshot)["as_of"])
    started = time.perf_counter()
    deck = build_deck(con, snapshot, EVERYTHING, year, target_year, "zh")
    print(f"build the deck from the database: {time.perf_counter() - started:.2f} s")
    charts = [s.chart for s in deck.slides if s.chart is not None]
    exports: dict[str, Callable[[], bytes]] = {
        "pptx": lambda: deck_pptx(deck),
        "xlsx": lambda: deck_xlsx(deck),
        "html": lambda: deck_html(deck),
        "pdf (html, chromium)": lambda: deck_pdf(deck, source="html"),
        "pdf (pptx, libreoffice)": lambda: deck_pdf(deck, source="pptx"),
        f"png × {len(charts)} charts": lambda: b"".join(chart_png(c, deck.lang) for c in charts),
    }
    print(f"deck: {len(deck.slides)} slides, {len(charts)} charts; best of {args.repeat}")
    total = 0.0
    for name, make in exports.items():
        try:
            best, size = min(_timed(make) for _ in range(args.repeat))
        except RendererMissing as missing:
            print(f"{name:26} skipped: {missing}")
            continue
        total += best
        print(f"{name:26} {best:7.2f} s  {size / 1024:9.0f} KiB")
    print(f"{'all':26} {total:7.2f} s")


def _timed(make: Callable[[], bytes]) -> tuple[float, int]:
    start = time.perf_counter()
    data = make()
    return time.perf_counter() - start, len(data)


if __name__ == "__main__":
    main()
