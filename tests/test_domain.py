"""The domain rules, worked out by hand for every rung, cutoff and suspended case; SQL and pandas agree."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import domain

ROOT = Path(__file__).resolve().parents[1]

# key, stage, signed, landed, construction, production
ROWS = [
    ("production_undated", "production", None, None, None, None),
    ("suspended_after_landing", "suspended", "2022-11-03", "2023-02-01", None, None),
    ("suspended_undated", "suspended", None, None, None, None),
    ("signed_with_construction_date", "signed", None, None, "2023-08-01", None),
    ("construction_dated", "construction", "2023-01-15", "2023-03-01", "2023-08-01", None),
    ("landed_undated", "landed", None, None, None, None),
    ("negotiating", "negotiating", None, None, None, None),
    ("signed_on_new_year_eve", "signed", "2023-12-31", None, None, None),
]


def frame(as_of: str = "2023-12-31") -> pd.DataFrame:
    out = pd.DataFrame(ROWS, columns=["key", "stage", *domain.EVENT_DATE.values()]).set_index("key", drop=False)
    for column in domain.EVENT_DATE.values():
        out[column] = pd.to_datetime(out[column])
    out["as_of"] = pd.Timestamp(as_of)
    return out


def test_ladder_order_and_rungs() -> None:
    assert domain.LADDER == ("negotiating", "signed", "landed", "construction", "production")
    assert domain.ALL_STAGES[-1] == "suspended"
    assert domain.rungs_from("landed") == ("landed", "construction", "production")
    assert domain.EVENT_DATE["landed"] == "landed_date"
    assert domain.TOWN == "total"


def test_furthest_rung_as_the_snapshot_stands() -> None:
    rung = domain.furthest_rung(frame())
    assert rung.to_dict() == {
        "production_undated": 4,
        "suspended_after_landing": 2,  # its landed date says it got that far before it stopped
        "suspended_undated": 0,  # nothing says it got past talks
        "signed_with_construction_date": 3,  # a construction date means it passed landed too
        "construction_dated": 3,
        "landed_undated": 2,
        "negotiating": 0,
        "signed_on_new_year_eve": 1,
    }


def test_reached_counts_suspended_projects_by_their_dates() -> None:
    landed = domain.reached(frame(), "landed")
    assert landed[landed].index.tolist() == [
        "production_undated", "suspended_after_landing", "signed_with_construction_date",
        "construction_dated", "landed_undated",
    ]  # fmt: skip
    assert domain.reached(frame(), "negotiating").all()  # the funnel's top is the whole reserve
    assert not domain.reached(frame(), "signed")["suspended_undated"]
    assert domain.reached(frame(), "production").sum() == 1


def test_stage_at_a_cutoff_before_the_snapshot() -> None:
    then = domain.stage_at(frame(), date(2023, 6, 30))
    assert then["construction_dated"] == "landed"  # landed 1 March, construction only 1 August
    assert then["signed_on_new_year_eve"] == "negotiating"  # dated, but not yet on 30 June
    assert then["landed_undated"] == "landed"  # no date says when: kept as stored
    assert then["suspended_after_landing"] == "suspended"
    assert then["signed_with_construction_date"] == "negotiating"
    before = domain.stage_at(frame(), date(2022, 12, 31))
    assert before["construction_dated"] == "negotiating"


def test_stage_at_or_after_the_snapshot_is_as_stored() -> None:
    for cutoff in (date(2023, 12, 31), date(2024, 6, 30)):
        assert domain.stage_at(frame(), cutoff).tolist() == [row[1] for row in ROWS]


def test_reached_at_a_cutoff() -> None:
    on = date(2023, 2, 15)
    signed = domain.reached(frame(), "signed", on)
    assert signed[signed].index.tolist() == [
        "production_undated", "suspended_after_landing", "construction_dated", "landed_undated",
    ]  # fmt: skip
    landed = domain.reached(frame(), "landed", on)
    # suspended_after_landing landed on 1 February; construction_dated only on 1 March.
    assert landed[landed].index.tolist() == ["production_undated", "suspended_after_landing", "landed_undated"]


@pytest.mark.parametrize("cutoff", [None, date(2022, 12, 31), date(2023, 2, 15), date(2023, 6, 30), date(2024, 1, 1)])
def test_sql_and_pandas_agree(cutoff: date | None) -> None:
    rows = frame().reset_index(drop=True)
    con = duckdb.connect()
    con.register("rows", rows)
    con.execute("CREATE TABLE p AS SELECT * FROM rows")
    params = {} if cutoff is None else {"cutoff": cutoff}
    if cutoff is None:
        sql = f"SELECT key, {domain.furthest_rung_sql()} AS rung FROM p"
    else:
        sql = (
            f"SELECT key, {domain.furthest_rung_sql('$cutoff', as_of='p.as_of')} AS rung, "
            f"{domain.stage_at_sql('$cutoff', as_of='p.as_of')} AS stage_then FROM p"
        )
    got = con.execute(sql, params).df().set_index("key")
    assert got["rung"].to_dict() == domain.furthest_rung(frame(), cutoff).to_dict()
    if cutoff is not None:
        assert got["stage_then"].to_dict() == domain.stage_at(frame(), cutoff).to_dict()


STAGE_WORDS = ("negotiating", "signed", "landed", "construction", "production")
_NAME = "['\"](?:" + "|".join(STAGE_WORDS) + ")['\"]"
COPY_PATTERNS = [
    re.compile(r"[\(\[\{]\s*" + _NAME + r"\s*,\s*" + _NAME),  # ("signed", "landed" …
    re.compile(r"IN\s*\(\s*" + _NAME + r"\s*,"),  # SQL: stage IN ('landed', …
    re.compile(r"\{[^{}]*?" + _NAME + r"\s*:[^{}]*?" + _NAME + r"\s*:", re.S),  # {"signed": …, "landed": …}
]


def test_no_other_module_spells_a_stage_list() -> None:
    """Only analytics/domain.py names rungs together: a tuple, list, set, dict or SQL IN list of two is a copy."""
    offenders = []
    for path in [*ROOT.glob("analytics/**/*.py"), *ROOT.glob("pages/**/*.py")]:
        if path.name == "domain.py":
            continue
        text = path.read_text(encoding="utf-8")
        if any(p.search(text) for p in COPY_PATTERNS):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_scan_sees_a_copied_stage_list() -> None:
    """The scan above would catch each shape of copy (so it can fail)."""
    copies = ['X = ("landed", "construction")', "WHERE stage IN ('signed', 'landed')", '{"signed": 1, "landed": 2}']
    assert all(any(p.search(copy) for p in COPY_PATTERNS) for copy in copies)
