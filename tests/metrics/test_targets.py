"""Golden numbers for target progress, pipeline coverage and snapshot changes (worked out by hand)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import changes, events, targets
from analytics.metrics.filters import EVERYTHING as ALL
from analytics.metrics.filters import Filters
from analytics.store.targets import save_targets
from tests.metrics.fixture_projects import database, projects

TARGETS = pd.DataFrame(
    [
        ("lighting", "signed_count", 4.0),
        ("lighting", "signed_investment_wan", 56000.0),
        ("new_it", "signed_count", 1.0),
        ("total", "signed_count", 10.0),
    ],
    columns=["industry", "measure", "value"],
)


def _progress(as_of: date, filters: Filters = ALL) -> pd.DataFrame:
    """progress_of on the fixture's 2023 events and TARGETS, as progress() composes them."""
    actual = targets.actuals(database(), 1, filters, 2023)
    return targets.progress_of(targets.town_targets(TARGETS, filters), actual, 2023, as_of)


def _database_with_targets():
    con = database()
    save_targets(con, 2023, TARGETS, "测试", "file")
    return con


def test_elapsed_share() -> None:
    assert targets.elapsed_share(2024, date(2023, 12, 31)) == 0.0
    assert targets.elapsed_share(2024, date(2024, 7, 1)) == pytest.approx(183 / 366)
    assert targets.elapsed_share(2023, date(2023, 12, 31)) == 1.0
    assert targets.elapsed_share(2023, date(2024, 1, 9)) == 1.0


def test_progress_at_year_end() -> None:
    p = _progress(date(2023, 12, 31)).set_index(["industry", "measure"])
    row = p.loc[("lighting", "signed_count")]
    assert (row["target"], row["actual"], row["completion"], row["gap"]) == (4.0, 2.0, 0.5, 2.0)
    assert row["status"] == "behind"  # half done with the whole year gone
    assert p.loc[("lighting", "signed_investment_wan"), "actual"] == 28000.0
    assert p.loc[("new_it", "signed_count"), "status"] == "on_track"  # 1 of 1: pace 1.0
    total = p.loc[("total", "signed_count")]
    assert (total["target"], total["actual"], total["total_source"]) == (10.0, 4.0, "entered")
    # No landed target anywhere: no target, no status.
    assert np.isnan(p.loc[("total", "landed_count"), "target"])
    assert p.loc[("total", "landed_count"), "status"] is None
    assert p.loc[("total", "landed_count"), "actual"] == 3.0


def test_pace_and_projection_mid_year() -> None:
    as_of = date(2023, 7, 2)  # day 183 of 365
    p = _progress(as_of).set_index(["industry", "measure"])
    row = p.loc[("lighting", "signed_count")]
    assert row["pace"] == pytest.approx(0.5 / (183 / 365))
    assert row["status"] == "on_track"
    assert row["projection"] == pytest.approx(2 / (183 / 365))
    # Town signed investment target is the sum of industries (only lighting has one): 56000.
    assert p.loc[("total", "signed_investment_wan"), "target"] == 56000.0
    assert p.loc[("total", "signed_investment_wan"), "total_source"] == "sum"


def test_pipeline_coverage() -> None:
    p = _progress(date(2023, 12, 31))
    cov = targets.pipeline_coverage(database(), 1, ALL, p).set_index("industry")
    # Lighting: P3 (5000) in talks behind a gap of 56000 - 28000 = 28000.
    assert cov.loc["lighting", "negotiating_wan"] == 5000.0
    assert cov.loc["lighting", "coverage"] == pytest.approx(5000 / 28000)
    # Town: signed 90500 already beats 56000, so there is no gap to cover.
    assert cov.loc["total", "gap_wan"] == 0.0
    assert np.isnan(cov.loc["total", "coverage"])


def test_cumulative_against_target_line() -> None:
    curve = targets.cumulative_against_target(_database_with_targets(), 1, ALL, 2023, "signed_count")
    lighting = curve[curve["industry"] == "lighting"].set_index("month")
    assert lighting.loc[5, "actual"] == 1 and lighting.loc[12, "actual"] == 2  # P2 in May, P8 on 31 Dec
    assert lighting.loc[6, "target_line"] == pytest.approx(2.0)  # 4 × 6/12
    assert curve[curve["industry"] == "new_energy"]["target_line"].isna().all()


def test_changes_between_snapshots() -> None:
    before = projects()
    after = projects().set_index("project_key")
    after.loc["p2", "stage"] = "landed"
    after.loc["p4", "stage"] = "landed"
    after.loc["p6", "stage"] = "suspended"
    after.loc["p8", "investment_wan"] = 9000.0  # +1000 = 12.5%: reported
    after.loc["p1", "investment_wan"] = 105000.0  # +5%: below the 10% threshold
    after = after.drop(index="p3").reset_index()
    new = after.iloc[[0]].assign(project_key="p9", project_name="P9")
    found = changes.compare(before, pd.concat([after, new], ignore_index=True))
    assert found["new"]["project_key"].tolist() == ["p9"]
    assert found["vanished"]["project_key"].tolist() == ["p3"]
    assert found["advanced"]["project_key"].tolist() == ["p2"]
    assert found["regressed"]["project_key"].tolist() == ["p4"]
    assert found["suspended"]["project_key"].tolist() == ["p6"]
    money = found["investment_changed"].set_index("project_key")
    assert money.index.tolist() == ["p8"]
    assert money.loc["p8", "investment_delta"] == 1000.0


def test_progress_reads_targets_and_as_of_from_the_database() -> None:
    con = _database_with_targets()  # the fixture snapshot is as of 2023-12-31
    stored = targets.progress(con, 1, ALL, 2023).set_index(["industry", "measure"])
    by_hand = _progress(date(2023, 12, 31)).set_index(["industry", "measure"])
    pd.testing.assert_frame_equal(stored, by_hand)


def test_a_filtered_town_total_is_the_chosen_industries_sum() -> None:
    # The entered town total (10 signings) belongs to the whole town; with lighting alone it would compare
    # the town's target with lighting's actuals, so lighting's own 4 is the total.
    assert targets.total_source(TARGETS, ALL) == "entered"
    lighting = Filters(("lighting",))
    assert targets.total_source(TARGETS, lighting) == "sum"
    p = _progress(date(2023, 12, 31), lighting).set_index(["industry", "measure"])
    assert (p.loc[("total", "signed_count"), "target"], p.loc[("total", "signed_count"), "actual"]) == (4.0, 2.0)
    assert set(p.index.get_level_values("industry")) == {"lighting", "total"}
    assert targets.total_source(TARGETS.iloc[0:0], ALL) is None


def test_since_compares_two_stored_snapshots() -> None:
    before = projects().drop(columns="as_of")
    after = before[before["project_name"] != "P3"].copy()  # P3 vanished
    after.loc[after["project_name"] == "P2", "stage"] = "landed"  # advanced
    after.loc[after["project_name"] == "P6", "stage"] = "signed"  # regressed
    after.loc[after["project_name"] == "P4", "stage"] = "suspended"  # suspended: neither up nor down
    after.loc[after["project_name"] == "P1", "investment_wan"] = 89000.0  # -11,000: over 10 % of 100,000
    after.loc[after["project_name"] == "P8", "investment_wan"] = 8400.0  # +400: under the 500 万元 floor
    after.loc[after["project_name"] == "P7", "investment_wan"] = 100.0  # none before: a change
    new = before[before["project_name"] == "P8"].assign(project_key="p9", project_name="P9")
    con = database(before, as_of="2023-09-30", snapshot_id=1)
    database(pd.concat([after, new]), as_of="2023-12-31", snapshot_id=2, con=con)
    found = changes.since(con, 2, Filters(), 1)
    names = {kind: found[kind]["project_name"].tolist() for kind in changes.KINDS}
    assert names == {
        "new": ["P9"], "advanced": ["P2"], "regressed": ["P6"], "suspended": ["P4"],
        "investment_changed": ["P1", "P7"], "vanished": ["P3"],
    }  # fmt: skip
    money = found["investment_changed"].set_index("project_name")
    assert money.loc["P1", "investment_delta"] == -11000.0
    assert money.loc["P1", "investment_wan_before"] == 100000.0
    assert found["advanced"].loc[0, "stage_before"] == "signed"
    # Within one industry only its projects are compared.
    assert changes.counts(con, 2, Filters(("other",)), 1) == {
        "new": 0, "advanced": 0, "regressed": 1, "suspended": 0, "investment_changed": 1, "vanished": 0,
    }  # fmt: skip
    # The counts alone (what the Targets page shows first) equal the lists' counts and lengths.
    assert changes.counts(con, 2, Filters(), 1) == found.counts == {kind: len(names[kind]) for kind in changes.KINDS}
    # One list asked for alone is the same list.
    alone = changes.since(con, 2, Filters(), 1, kinds=("investment_changed",))
    assert list(alone.lists) == ["investment_changed"]
    assert alone["investment_changed"].equals(found["investment_changed"])
    assert alone.counts == {"investment_changed": 2}


def test_actual_rows_add_up_each_measure_and_the_town() -> None:
    flow = [
        events.Flow("lighting", "signed", 2, 28000.0), events.Flow("new_it", "signed", 1, 0.5),
        events.Flow("lighting", "landed", 1, 9.0), events.Flow("new_it", "landed", 3, 9.0),
    ]  # fmt: skip
    rows = {(industry, measure): value for industry, measure, value in targets.actual_rows(flow)}
    assert rows[("total", "signed_count")] == 3.0
    assert rows[("total", "signed_investment_wan")] == 28000.5
    assert rows[("new_it", "landed_count")] == 3.0 and rows[("total", "landed_count")] == 4.0
    assert rows[("total", "production_count")] == 0.0  # no production rows: nothing to add
    assert all(type(v) is float for v in rows.values())


GOALS = [(i, m, v) for i, m, v in TARGETS.itertuples(index=False, name=None)]


def test_town_totals_entered_or_summed() -> None:
    # The town entered 10 signings; signed investment has only lighting's 56000, so the sum.
    assert targets.town_totals(GOALS, ALL) == [
        ("signed_count", 10.0, "entered"),
        ("signed_investment_wan", 56000.0, "sum"),
    ]
    # lighting alone: the entered total belongs to the whole town, so lighting's own 4.
    lighting = Filters(("lighting",))
    assert targets.town_totals(GOALS, lighting) == [
        ("signed_count", 4.0, "sum"),
        ("signed_investment_wan", 56000.0, "sum"),
    ]
    assert targets.source_of_totals(targets.town_totals(GOALS, ALL)) == "entered"
    assert targets.source_of_totals(targets.town_totals(GOALS, lighting)) == "sum"
    assert targets.source_of_totals([]) is None
    rows = targets.town_target_rows(GOALS, lighting)
    assert rows[:2] == [("lighting", "signed_count", 4.0, None), ("lighting", "signed_investment_wan", 56000.0, None)]
    assert [r.industry for r in rows] == ["lighting", "lighting", "total", "total"]


def test_measure_progress_by_hand() -> None:
    # Half of 4 done with half of the year gone (elapsed 0.5): pace 1.0, on track; projection 2 ÷ 0.5 = 4.
    p = targets.measure_progress("lighting", "signed_count", 2.0, 4.0, None, 0.5)
    assert (p.completion, p.gap, p.expected, p.projection, p.pace, p.status) == (0.5, 2.0, 2.0, 4.0, 1.0, "on_track")
    # More done than asked: the gap stops at 0; 6 of 4 at a quarter of the year is pace 6, ahead.
    p = targets.measure_progress("total", "signed_count", 6.0, 4.0, "sum", 0.25)
    assert (p.gap, p.pace, p.status) == (0.0, 6.0, "ahead")
    # No target: nothing to complete; before the year starts a target is not started, no target no status.
    p = targets.measure_progress("total", "landed_count", 3.0, math.nan, None, 1.0)
    assert math.isnan(p.completion) and math.isnan(p.gap) and p.status is None and p.projection == 3.0
    assert targets.measure_progress("x", "m", 0.0, 5.0, None, 0.0).status == "not_started"
    assert targets.measure_progress("x", "m", 0.0, math.nan, None, 0.0).status is None
    assert math.isnan(targets.measure_progress("x", "m", 1.0, 0.0, None, 1.0).completion)  # a zero target


def test_progress_rows_cover_the_scopes_of_the_actuals() -> None:
    actual = [("new_it", "signed_count", 1.0), ("lighting", "signed_count", 2.0), ("total", "signed_count", 3.0)]
    rows = targets.progress_rows(targets.town_target_rows(GOALS, ALL), actual, 2023, date(2023, 12, 31))
    assert [r.industry for r in rows[:: len(targets.MEASURES)]] == ["lighting", "new_it", "total"]  # SCOPES order
    first = rows[0]
    assert (first.measure, first.actual, first.target, first.completion, first.status) == (
        "signed_count", 2.0, 4.0, 0.5, "behind"
    )  # fmt: skip
    town = {r.measure: r for r in rows if r.industry == "total"}
    assert (town["signed_count"].target, town["signed_count"].total_source) == (10.0, "entered")
    assert math.isnan(town["landed_count"].actual)  # no actual given for it
