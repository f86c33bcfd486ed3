"""The Overview's first-screen figures by hand: change since the previous snapshot, key-project status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics import reserve, risks
from analytics.metrics.filters import EVERYTHING as ALL
from analytics.metrics.filters import Filters
from tests.metrics.fixture_projects import database, projects


def _three_snapshots():
    """#1 on 2023-09-30: P1–P6, P6 only signed. #2 on 2023-12-31: all eight. #3: a re-upload of #2, same date."""
    september = projects().iloc[:6].drop(columns="as_of")
    september.loc[september["project_name"] == "P6", ["stage", "landed_date"]] = ["signed", pd.NaT]
    con = database(september, as_of="2023-09-30", snapshot_id=1)
    database(as_of="2023-12-31", snapshot_id=2, con=con)
    database(as_of="2023-12-31", snapshot_id=3, con=con)
    return con


def test_previous_snapshot_is_the_latest_with_an_earlier_date() -> None:
    con = _three_snapshots()
    assert reserve.previous_snapshot(con, 2) == (1, pd.Timestamp("2023-09-30").date())
    # #3 is dated like #2: the meeting compares with the last *earlier* ledger, not with a re-upload.
    assert reserve.previous_snapshot(con, 3)[0] == 1
    assert reserve.previous_snapshot(con, 1) is None


def test_totals_change_since_the_previous_snapshot() -> None:
    change = reserve.totals_change(_three_snapshots(), 2, ALL).set_index("measure")
    # December: 8 projects, 495,500 万元, key P1 P4 P5; signed P1 P2 P4 P5 P6 P8, landed P1 P4 P5 P6,
    # construction P1 P4, production P1. September: P1–P6 (487,500 万元), P6 not yet landed.
    assert change["current"].to_dict() == {
        "projects": 8, "investment_wan": 495500, "key_projects": 3, "reached_signed": 6,
        "reached_landed": 4, "reached_construction": 2, "reached_production": 1,
    }  # fmt: skip
    assert change["delta"].to_dict() == {
        "projects": 2, "investment_wan": 8000, "key_projects": 0, "reached_signed": 1,
        "reached_landed": 1, "reached_construction": 0, "reached_production": 0,
    }  # fmt: skip
    assert (change["previous_snapshot_id"] == 1).all()
    assert (change["previous_as_of"] == pd.Timestamp("2023-09-30")).all()


def test_totals_change_follows_the_filter_and_is_empty_without_an_earlier_snapshot() -> None:
    con = _three_snapshots()
    lighting = reserve.totals_change(con, 2, Filters(("lighting",))).set_index("measure")
    # Lighting: P1 P2 P3 (125,000 万元) in September; P8 (8,000 万元, signed 31 Dec) joins in December.
    assert lighting.loc["projects", ["current", "previous", "delta"]].tolist() == [4, 3, 1]
    assert lighting.loc["investment_wan", "delta"] == 8000
    assert lighting.loc["reached_signed", "delta"] == 1
    first = reserve.totals_change(con, 1, ALL)
    assert first["current"].tolist() == [6, 487500, 3, 5, 3, 2, 1]
    assert first["delta"].isna().all() and first["previous_as_of"].isna().all()


def test_status_red_overdue_yellow_stalled_green_otherwise() -> None:
    keys = pd.DataFrame({"overdue": [True, True, False, False], "stalled": [True, False, True, False]})
    assert risks.status(keys).tolist() == ["red", "red", "yellow", "green"]


def test_flagged_key_projects_largest_first_and_counted_in_the_database() -> None:
    # Six key projects in two snapshots, 30 Jun and 31 Dec 2023 (184 days apart). A, B and F moved from
    # negotiating to signed; C, D and E stood at signed in both: stalled. A, D and F planned to start building
    # on 1 Oct 2023 and have not: overdue.
    names = ["A", "B", "C", "D", "E", "F"]
    december = pd.DataFrame(
        {
            "project_name": names,
            "investment_wan": [500.0, 900.0, 300.0, np.nan, 700.0, 100.0],
            "is_key": True,
            "stage": "signed",
            "planned_construction_date": pd.to_datetime(["2023-10-01", None, None, "2023-10-01", None, "2023-10-01"]),
        }
    )
    june = december.assign(stage=["negotiating", "negotiating", "signed", "signed", "signed", "negotiating"])
    con = database(june, as_of="2023-06-30", snapshot_id=1)
    database(december, as_of="2023-12-31", snapshot_id=2, con=con)
    top = risks.key_projects(con, 2, ALL, "flagged", 3)
    # B (the largest) is on schedule; of the flagged A E C D F, the three largest are E, A, C.
    assert top["project_name"].tolist() == ["E", "A", "C"]
    assert top["status"].tolist() == ["yellow", "red", "yellow"]
    assert risks.key_projects(con, 2, ALL, "flagged", 10)["project_name"].tolist() == ["E", "A", "C", "F", "D"]
    assert risks.key_projects(con, 2, ALL, None, 2, 4)["project_name"].tolist() == ["D", "B"]  # page 3 of 2 rows
    assert risks.key_projects(con, 2, ALL, "stalled")["project_name"].tolist() == ["E", "C", "D"]
    assert risks.flag_counts(con, 2, ALL) == {"key": 6, "overdue": 3, "stalled": 3, "flagged": 5}
    # Seen from June nothing has stood still yet, and nothing was due.
    assert risks.flag_counts(con, 1, ALL) == {"key": 6, "overdue": 0, "stalled": 0, "flagged": 0}


def test_key_projects_carry_their_status() -> None:
    frame = projects().drop(columns="as_of")
    frame["planned_construction_date"] = pd.to_datetime([None, None, None, None, "2023-10-01", None, None, None])
    keys = risks.key_projects(database(frame), 1, ALL)
    # P5 planned to start building on 2023-10-01 and has not: overdue. One snapshot, so nothing is stalled.
    assert keys.set_index("project_name")["status"].to_dict() == {"P5": "red", "P1": "green", "P4": "green"}
