"""Every headline number that appears in two places (two pages, or a page and the command line) is equal.

Each figure is read where a person reads it: the card or table an AppTest page shows, the JSON the CLI prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_page, open_section

REPO = Path(__file__).resolve().parents[1]


def cli(db: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "analytics", *args, "--db", str(db), "--json"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def cards(at: AppTest) -> dict[str, float]:
    return {m.label: float(str(m.value).replace(",", "")) for m in at.metric}


def table(at: AppTest, index_name: str) -> pd.DataFrame:
    return next(t.value for t in at.table if t.value.index.name == index_name)


@pytest.fixture(scope="module")
def figures(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The pages and CLI outputs of the sample database, read once."""
    folder = tmp_path_factory.mktemp("consistency")
    # Two copies of the same bytes: the app's process holds its database file open.
    db, app_db = folder / "cli.duckdb", folder / "app.duckdb"
    for path in (db, app_db):
        path.write_bytes(sample_db_template.read_bytes())
    mp = pytest.MonkeyPatch()
    mp.setenv("RESERVES_DB", str(app_db))
    try:
        overview, review = open_page("overview"), open_section("review", "review_section", "招商渠道")
        assert not overview.exception and not review.exception
        return {
            "overview": cards(overview),
            "review_cards": cards(review),
            "channels_table": table(review, "招商方式"),
            "summary": cli(db, "summary"),
            "review": cli(db, "review"),
            "channels": cli(db, "channels"),
            "targets": cli(db, "targets", "--year", "2023"),
        }
    finally:
        mp.undo()


def test_landed_to_date_is_one_number_on_overview_channels_and_cli(figures: dict) -> None:
    landed = figures["overview"]["累计落地"]
    assert landed == figures["channels_table"]["累计落地"].sum()
    assert landed == sum(c["landed_or_beyond"] for c in figures["channels"]["by_channel"].values())
    assert landed == 134  # the sample's 累计落地, the figure the meeting has been shown


def test_reserve_size_is_one_number(figures: dict) -> None:
    projects = figures["overview"]["储备项目"]
    assert projects == figures["summary"]["total"]["projects"]
    assert projects == sum(c["projects"] for c in figures["channels"]["by_channel"].values())
    assert projects == figures["channels_table"]["储备项目"].sum()
    # The sample's review year ends on its as_of, so the reserve at year end is the reserve itself.
    assert projects == sum(s["count"] for s in figures["review"]["reserve_by_stage"].values())


def test_signings_in_the_year_agree_on_review_targets_and_channels(figures: dict) -> None:
    signed = figures["review"]["total"]["signed"]
    assert figures["review_cards"]["签约项目"] == signed["count"]
    assert figures["targets"]["total"]["signed_count"]["actual"] == signed["count"]
    assert figures["targets"]["total"]["signed_investment_wan"]["actual"] == signed["investment_wan"]
    in_channels = figures["channels"]["by_channel"].values()
    assert sum(c["signed"]["count"] for c in in_channels) == signed["count"]
    for event in ("landed", "construction", "production"):
        assert figures["targets"]["total"][f"{event}_count"]["actual"] == figures["review"]["total"][event]["count"]
