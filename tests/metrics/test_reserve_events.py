"""Golden numbers for reserve, events, funnel and key-project metrics on the eight-project fixture (by hand)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import events, funnel, reserve, risks
from analytics.metrics.filters import EVERYTHING as ALL
from tests.metrics.fixture_projects import database, projects


@pytest.mark.parametrize(
    ("as_of", "year"),
    [(date(2023, 12, 31), 2023), (date(2024, 1, 9), 2023), (date(2024, 6, 30), 2023), (date(2024, 12, 31), 2024)],
)
def test_default_year_is_latest_complete_year(as_of: date, year: int) -> None:
    assert events.default_year(as_of) == year


def test_flows_in_2023_by_industry() -> None:
    flow = events.flows(database(), 1, ALL, 2023).set_index(["industry", "event"])
    # Signed in 2023: P2 (20000) and P8 (8000, on 31 Dec) in lighting, P4 new_it, P6 other.
    assert flow.loc[("lighting", "signed")].tolist() == [2, 28000.0]
    assert flow.loc[("new_it", "signed")].tolist() == [1, 60000.0]
    assert flow.loc[("new_energy", "signed")].tolist() == [0, 0.0]
    assert flow.loc[("other", "signed")].tolist() == [1, 2500.0]
    # Landed in 2023: P4, P5 (suspended, its date still counts), P6.
    assert flow.loc[("new_energy", "landed")].tolist() == [1, 300000.0]
    totals = events.flow_totals(flow.reset_index()).set_index("event")
    assert totals.loc["landed"].tolist() == [3, 362500.0]
    assert totals.loc["construction"].tolist() == [1, 60000.0]
    assert totals.loc["production"].tolist() == [1, 100000.0]


def test_comparison_with_the_year_before() -> None:
    comp = events.year_comparison(database(), 1, ALL, 2023).set_index("event")
    # 2022: P1 and P5 signed (400000).
    assert comp.loc["signed", "count_prev"] == 2
    assert comp.loc["signed", "count_delta"] == 2
    assert comp.loc["signed", "investment_delta"] == 90500.0 - 400000.0
    # 2021 has no dated event at all: no delta is invented.
    assert comp_isnan(events.year_comparison(database(), 1, ALL, 2022).set_index("event").loc["signed", "count_delta"])


def comp_isnan(value: float) -> bool:
    return bool(np.isnan(value))


def test_reserve_at_year_end_as_stored_and_reconstructed() -> None:
    now = reserve.at_cutoff(database(), 1, ALL, date(2023, 12, 31)).set_index(["industry", "stage"])
    assert now.loc[("lighting", "signed")].tolist() == [2, 28000.0]
    assert now.loc[("lighting", "production")].tolist() == [1, 100000.0]
    assert now.loc[("new_energy", "suspended")].tolist() == [1, 300000.0]
    assert now["projects"].sum() == 8

    # At the end of 2022 the dates say: P1 had started construction; P2, P4, P6, P8 were still in talks.
    then = reserve.at_cutoff(database(), 1, ALL, date(2022, 12, 31)).set_index(["industry", "stage"])
    assert then.loc[("lighting", "construction")].tolist() == [1, 100000.0]
    assert then.loc[("lighting", "negotiating")].tolist() == [3, 33000.0]
    assert then.loc[("new_it", "negotiating")].tolist() == [1, 60000.0]
    assert then.loc[("new_energy", "suspended")].tolist() == [1, 300000.0]
    assert then.loc[("other", "negotiating")].tolist() == [2, 2500.0]


def test_funnel_counts_and_conversions() -> None:
    f = funnel.funnel(database(), 1, ALL, date(2023, 12, 31)).set_index(["industry", "stage"])
    overall = f.loc["total"]
    assert overall["projects"].tolist() == [8, 6, 4, 2, 1]
    assert overall["conversion"].tolist()[1:] == pytest.approx([6 / 8, 4 / 6, 2 / 4, 1 / 2])
    assert f.loc["lighting"]["projects"].tolist() == [4, 3, 1, 1, 1]
    assert np.isnan(overall["conversion"].iloc[0])


def test_size_bands() -> None:
    m = reserve.mix(database(), 1, ALL, "size_band", 2023).set_index("size_band")
    assert m["projects"].to_dict() == {"ge_10yi": 2, "5_10yi": 1, "1_5yi": 1, "lt_1yi": 3, "unknown": 1}
    assert m.loc["ge_10yi", "investment_wan"] == 400000.0
    assert m.loc["lt_1yi", "investment_wan"] == 15500.0


def test_mix_by_project_type_with_signings_in_year() -> None:
    m = reserve.mix(database(), 1, ALL, "project_type", 2023).set_index("project_type")
    assert m.loc["expansion"].tolist() == [2, 108000.0, 1, 8000.0]
    assert m.loc["settle"].tolist() == [3, 85000.0, 2, 80000.0]
    assert m.loc["return"].tolist() == [1, 300000.0, 0, 0.0]
    assert m.loc["unknown"].tolist() == [1, 0.0, 0, 0.0]


def test_money_in_place_compares_reporting_projects_only() -> None:
    m = reserve.money_in_place(database(), 1, ALL, date(2023, 12, 31)).set_index(["industry", "stage"])
    assert m.loc[("lighting", "production"), "share_in_place"] == pytest.approx(0.9)
    signed = m.loc[("lighting", "signed")]
    # P2 reports 1000 of 20000; P8 reports nothing, so its 8000 stays out of the share.
    assert (signed["projects"], signed["reporting"], signed["planned_wan"]) == (2, 1, 28000.0)
    assert signed["share_in_place"] == pytest.approx(0.05)
    assert np.isnan(m.loc[("new_it", "construction"), "share_in_place"])
    assert ("lighting", "negotiating") not in m.index


def test_money_in_place_on_an_earlier_cutoff_takes_each_stage_then() -> None:
    # On 31 Dec 2022 P1 stood at construction (production came in 2023); P5 was suspended as stored; every
    # other project's first date is in 2023, so it stood at negotiating, which money in place leaves out.
    m = reserve.money_in_place(database(), 1, ALL, date(2022, 12, 31))
    rows = m[["industry", "stage", "projects", "planned_wan", "invested_wan"]].itertuples(index=False, name=None)
    assert list(rows) == [
        ("lighting", "construction", 1, 100000.0, 90000.0),
        ("new_energy", "suspended", 1, 300000.0, 30000.0),
    ]


def test_stalled_days_across_snapshots() -> None:
    history = pd.DataFrame(
        [
            ("a", "2023-06-30", "signed"), ("a", "2023-09-30", "signed"), ("a", "2023-12-31", "signed"),
            ("b", "2023-06-30", "negotiating"), ("b", "2023-09-30", "signed"), ("b", "2023-12-31", "signed"),
            ("c", "2023-06-30", "signed"), ("c", "2023-09-30", "landed"), ("c", "2023-12-31", "signed"),
        ],
        columns=["project_key", "as_of", "stage"],
    )  # fmt: skip
    history["as_of"] = pd.to_datetime(history["as_of"])
    days = risks.stage_unchanged_days(history)
    assert days.to_dict() == {"a": 184, "b": 92, "c": 0}


def test_key_projects_flag_stalled_first() -> None:
    history = pd.DataFrame(
        {"project_key": ["p1", "p1", "p4", "p4"], "stage": ["production"] * 2 + ["landed", "construction"]}
    ).assign(as_of=pd.to_datetime(["2023-06-30", "2023-12-31"] * 2))
    keys = risks.flag_key_projects(projects().query("is_key"), history)
    assert keys["project_name"].tolist() == ["P1", "P5", "P4"]  # stalled first, then by investment
    assert keys["stalled"].tolist() == [True, False, False]


def test_overdue_when_a_planned_next_step_has_passed() -> None:
    frame = projects()  # as_of 2023-12-31
    frame["planned_landed_date"] = pd.NaT
    frame["planned_construction_date"] = pd.to_datetime(
        [None, None, None, "2023-06-01", "2023-10-01", None, None, None]
    )  # P4 started 2023-08-01 (reached); P5 suspended after landing, planned to start 2023-10-01 (passed)
    frame["planned_production_date"] = pd.to_datetime(
        [None, None, None, "2024-03-01", None, None, None, None]
    )  # P4's production is planned after as_of: not yet due
    frame.loc[frame["project_name"] == "P2", "planned_landed_date"] = pd.Timestamp("2023-11-30")
    since = risks.overdue_since(frame)
    assert since[frame["project_name"] == "P5"].tolist() == [pd.Timestamp("2023-10-01")]
    assert since[frame["project_name"] == "P2"].tolist() == [pd.Timestamp("2023-11-30")]
    assert since[frame["project_name"] == "P4"].isna().all()
    keys = risks.flag_key_projects(frame[frame["is_key"]], None)
    # Key projects: P1, P4, P5. Only P5 is overdue, so it comes first.
    assert keys["project_name"].tolist()[0] == "P5"
    assert keys.set_index("project_name")["overdue"].to_dict() == {"P5": True, "P1": False, "P4": False}


def test_key_projects_from_the_database_with_planned_dates() -> None:
    frame = projects().drop(columns="as_of")
    frame["planned_construction_date"] = pd.to_datetime([None, None, None, None, "2023-10-01", None, None, None])
    con = database(frame)
    keys = risks.key_projects(con, 1, ALL)
    assert keys["project_name"].tolist() == ["P5", "P1", "P4"]  # P5 overdue first, then by investment
    assert risks.flag_counts(con, 1, ALL) == {"key": 3, "overdue": 1, "stalled": 0, "flagged": 1}


def test_filters_narrow_every_metric_to_the_chosen_industries() -> None:
    from analytics.metrics.filters import Filters

    lighting = Filters(("lighting",))
    con = database()
    assert reserve.by_industry(con, 1, lighting)["industry"].tolist() == ["lighting"]
    assert events.flows(con, 1, lighting, 2023).set_index("event").loc["signed"].tolist() == ["lighting", 2, 28000.0]
    f = funnel.funnel(con, 1, lighting, date(2023, 12, 31)).set_index(["industry", "stage"])
    assert f.loc["total"]["projects"].tolist() == [4, 3, 1, 1, 1]  # the town row of the chosen industries
    assert reserve.at_cutoff(con, 1, lighting, date(2023, 12, 31))["projects"].sum() == 4


def test_drilling_into_a_bar_returns_its_projects() -> None:
    con = database()
    landed = funnel.projects_reaching(con, 1, ALL, date(2023, 12, 31), "landed")
    assert landed["project_name"].tolist() == ["P5", "P1", "P4", "P6"]  # largest first; P5 landed, then suspended
    cells = reserve.projects_at(con, 1, ALL, date(2022, 12, 31), {("lighting", "negotiating")})
    assert sorted(cells["project_name"]) == ["P2", "P3", "P8"]


def test_key_projects_stalled_days_from_the_stored_history() -> None:
    # Three snapshots: 2023-06-30, 2023-09-30 and 2023-12-31 (active). P1 stands at production in all three:
    # 184 days (30 Jun → 31 Dec), stalled. P4 was landed, then construction twice: 92 days (30 Sep → 31 Dec),
    # past 90, stalled too. P5 was suspended, negotiating, then suspended again: the run starts on 31 Dec, 0 days.
    now = projects().drop(columns="as_of")
    june, september = now.copy(), now.copy()
    june.loc[june["project_name"] == "P4", "stage"] = "landed"
    september.loc[september["project_name"] == "P5", "stage"] = "negotiating"
    con = database(june, as_of="2023-06-30", snapshot_id=1)
    database(september, as_of="2023-09-30", snapshot_id=2, con=con)
    database(now, as_of="2023-12-31", snapshot_id=3, con=con)
    keys = risks.key_projects(con, 3, ALL).set_index("project_name")
    assert keys["stalled_days"].to_dict() == {"P1": 184.0, "P4": 92.0, "P5": 0.0}
    assert keys["stalled"].to_dict() == {"P1": True, "P4": True, "P5": False}
    # Seen from September, P1 has stood still for 92 days and P4 (landed in June) changed on 30 Sep.
    earlier = risks.key_projects(con, 2, ALL).set_index("project_name")
    assert earlier["stalled_days"].to_dict() == {"P1": 92.0, "P4": 0.0, "P5": 0.0}


def test_key_projects_a_later_upload_of_the_same_day_speaks_for_it() -> None:
    # Snapshots 1 and 2 are both dated 2023-12-31; 2 was uploaded later and has P4 at landed. Seen from 1,
    # P4's history on that day is snapshot 2's: landed, after construction on 2023-06-30, so 0 days.
    june, later = projects().drop(columns="as_of"), projects().drop(columns="as_of")
    later.loc[later["project_name"] == "P4", "stage"] = "landed"
    con = database(june, as_of="2023-06-30", snapshot_id=3)
    database(june, as_of="2023-12-31", snapshot_id=1, con=con)
    database(later, as_of="2023-12-31", snapshot_id=2, con=con)
    keys = risks.key_projects(con, 1, ALL).set_index("project_name")
    assert keys.loc["P4", "stalled_days"] == 0.0
    assert keys.loc["P1", "stalled_days"] == 184.0


def test_cells_as_rows_every_industry_and_stage_in_ladder_order() -> None:
    cells = reserve.industry_stage_cells(database(), 1, ALL)
    assert len(cells) == 4 * 6
    assert [(c.industry, c.stage) for c in cells[:6]] == [
        ("lighting", s) for s in ("negotiating", "signed", "landed", "construction", "production", "suspended")
    ]
    found = {(c.industry, c.stage): (c.projects, c.investment_wan) for c in cells if c.projects}
    # P7 (other, negotiating) has no amount: one project, 0 万元.
    assert found == {
        ("lighting", "negotiating"): (1, 5000.0), ("lighting", "signed"): (2, 28000.0),
        ("lighting", "production"): (1, 100000.0), ("new_it", "construction"): (1, 60000.0),
        ("new_energy", "suspended"): (1, 300000.0), ("other", "negotiating"): (1, 0.0), ("other", "landed"): (1, 2500.0),
    }  # fmt: skip
    assert all(type(c.projects) is int and type(c.investment_wan) is float for c in cells)


def test_a_cell_whose_amounts_add_up_to_nan_counts_zero() -> None:
    con = database()
    con.execute("UPDATE projects SET investment_wan = 'nan'::DOUBLE WHERE project_name = 'P2'")
    cells = {(c.industry, c.stage): c for c in reserve.industry_stage_cells(con, 1, ALL)}
    assert cells[("lighting", "signed")][2:] == (2, 0.0)  # P2's NaN makes the sum NaN: shown as 0, as ever


def test_cells_at_a_cutoff_as_rows() -> None:
    then = {(c.industry, c.stage): c[2:] for c in reserve.cells_at_cutoff(database(), 1, ALL, date(2022, 12, 31))}
    assert then[("lighting", "negotiating")] == (3, 33000.0)  # P2, P3, P8 were still in talks
    assert then[("lighting", "construction")] == (1, 100000.0)
    assert sum(projects for projects, _ in then.values()) == 8


def test_flows_as_rows_and_their_totals_by_event() -> None:
    rows = events.flow_rows(database(), 1, ALL, 2023)
    assert len(rows) == 4 * 4 and rows[0] == ("lighting", "signed", 2, 28000.0)  # P2 20000 + P8 8000
    # Signed in 2023: P2, P8 (lighting), P4 (new_it 60000), P6 (other 2500). Landed: P4, P5 (300000), P6.
    assert events.totals_by_event(rows) == [
        ("signed", 4, 90500.0), ("landed", 3, 362500.0), ("construction", 1, 60000.0), ("production", 1, 100000.0)
    ]  # fmt: skip


def test_a_year_after_every_date_held_has_no_flows_and_a_date_beyond_as_of_still_counts() -> None:
    con = database()  # as of 2023-12-31, latest date 2023-12-31 (P8 signed)
    zeros = events.flow_rows(con, 1, ALL, 2024)
    assert len(zeros) == 4 * 4 and {(count, wan) for *_, count, wan in zeros} == {(0, 0.0)}
    # Worked out by reading the rows (no stored latest date), the same zeros.
    con.execute("UPDATE snapshots SET dated_until = NULL")
    assert events.flow_rows(con, 1, ALL, 2024) == zeros
    # A ledger that already dates a 2024 signing (typed ahead of as_of) has a 2024 flow.
    ahead = projects()
    ahead.loc[ahead["project_name"] == "P3", "signed_date"] = pd.Timestamp("2024-02-01")
    rows = events.flow_rows(database(ahead), 1, ALL, 2024)
    assert rows[0] == ("lighting", "signed", 1, 5000.0) and sum(count for *_, count, _ in rows) == 1
