"""The real meeting deck of the sample database, exported and read back the way a person's tools read it.

Expected numbers come from SQL on the database, not from the deck or metric code under test.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pptx import Presentation

from analytics.exports.html import deck_html
from analytics.exports.pptx import deck_pptx
from analytics.exports.xlsx import deck_xlsx
from analytics.metrics.filters import EVERYTHING
from analytics.story.slides import build_deck

REPO = Path(__file__).resolve().parents[2]
LIGHTING_SIGNED_2023 = """
    SELECT count(*) FROM projects WHERE snapshot_id = 2 AND industry = 'lighting' AND year(signed_date) = 2023
"""


@pytest.fixture(scope="module")
def sample(sample_db_template: Path):
    con = duckdb.connect(str(sample_db_template), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def deck(sample: duckdb.DuckDBPyConnection):
    return build_deck(sample, 2, EVERYTHING, 2023, 2024, "zh")


def _charts(prs: Presentation) -> list:
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def test_pptx_holds_native_charts_with_the_databases_numbers(deck, sample) -> None:
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    assert len(prs.slides) == len(deck.slides) + 1  # a title slide, then one per slide
    charts = _charts(prs)
    assert len(charts) == sum(1 for s in deck.slides if s.chart is not None)
    overview = charts[0]
    by_industry = [
        round(sum(series.values[i] for series in overview.plots[0].series), 2) for i in range(4)
    ]  # stacked by stage, one bar per industry
    expected = sample.execute(
        "SELECT industry, round(sum(investment_wan) / 10000, 2) FROM projects WHERE snapshot_id = 2 GROUP BY 1"
    ).fetchall()
    expected = dict(expected)
    assert by_industry == [expected[i] for i in ("lighting", "new_it", "new_energy", "other")]
    lighting = charts[1]
    signed_2023 = [s for s in lighting.plots[0].series if s.name == "2023"][0].values[0]
    assert signed_2023 == sample.execute(LIGHTING_SIGNED_2023).fetchone()[0]
    notes = prs.slides[1].notes_slide.notes_text_frame.text
    assert "全镇储备招商项目253个" in notes


class _Tags(HTMLParser):
    """Start tags that would fetch something (script content is not parsed as tags, as in a browser)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value and not value.startswith(("#", "data:")):
                self.found.append(f"<{tag} {name}={value}>")


def _external_references(page: str) -> list[str]:
    parser = _Tags()
    parser.feed(page)
    return parser.found


def test_html_pack_is_one_offline_file_with_the_data(deck) -> None:
    page = deck_html(deck).decode("utf-8")
    fetched = _external_references(page)
    assert fetched == []
    assert "655.59" in page and "全镇储备招商项目253个" in page
    assert page.count("Plotly.newPlot") >= sum(1 for s in deck.slides if s.chart is not None)


def test_workbook_totals_match_the_database(deck, sample) -> None:
    book = openpyxl.load_workbook(io.BytesIO(deck_xlsx(deck)))
    overview = book[book.sheetnames[1]]
    rows = list(overview.iter_rows(values_only=True))
    town = next(r for r in rows if r and r[0] == "全镇")
    projects, investment = sample.execute(
        "SELECT count(*), round(sum(investment_wan) / 10000, 2) FROM projects WHERE snapshot_id = 2"
    ).fetchone()
    assert (town[1], town[2]) == (projects, investment)


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=REPO, capture_output=True, text=True, env=env)


@pytest.mark.parametrize("file_format", ["pptx", "html", "xlsx"])
def test_export_command_writes_one_file_and_prints_its_path(sample_db: Path, tmp_path: Path, file_format: str) -> None:
    out = tmp_path / f"会议材料.{file_format}"
    result = run("export", "--format", file_format, "--out", str(out), "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert out.stat().st_size > 1000
    assert not list(tmp_path.glob("*.partial"))


def test_pdf_without_a_renderer_is_one_sentence(sample_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no chromium, no libreoffice on this PATH
    out = tmp_path / "deck.pdf"
    result = run("export", "--format", "pdf", "--out", str(out), "--db", str(sample_db), env=env)
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_comments_list_json_shape(sample_db: Path) -> None:
    assert json.loads(run("comment", "list", "--db", str(sample_db), "--json").stdout) == []
