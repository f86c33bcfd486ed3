"""Golden numbers for the channel metrics on a twelve-project fixture (worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.metrics import channels
from analytics.metrics.filters import EVERYTHING as ALL
from tests.metrics.fixture_projects import database

COLUMNS = [
    "project_name", "industry", "investment_wan", "stage", "channel", "introduced_by", "fund_wan",
    "signed_date", "landed_date", "construction_date", "production_date",
]  # fmt: skip
ROWS = [
    ("C1", "lighting", 10000.0, "production", "referral", "甲灯饰有限公司", None, "2022-03-01", "2022-06-01", "2022-09-01", "2023-03-01"),
    ("C2", "lighting", 5000.0, "signed", "referral", " 甲燈飾有限公司 ", None, "2023-05-01", None, None, None),
    ("C3", "new_it", 30000.0, "landed", "referral", "乙電子有限公司", None, "2023-02-01", "2023-08-01", None, None),
    ("C4", "new_it", 2000.0, "negotiating", "referral", "乙电子有限公司", None, None, None, None, None),
    ("C12", "new_it", 4000.0, "negotiating", "referral", "乙电子 有限公司", None, None, None, None, None),
    ("C5", "other", 1000.0, "suspended", "referral", "丙科技", None, "2023-01-10", "2023-04-01", None, None),
    ("C6", "new_it", 40000.0, "construction", "fund", "  ", 4000.0, "2023-03-01", "2023-05-01", "2023-09-01", None),
    ("C7", "new_energy", 20000.0, "signed", "fund", None, None, "2022-12-01", None, None, None),
    ("C8", "new_energy", 60000.0, "landed", "direct", None, 2000.0, "2021-06-01", "2023-02-01", None, None),
    ("C9", "lighting", None, "negotiating", "event", None, None, None, None, None, None),
    ("C10", "other", 3000.0, "suspended", "unknown", None, 0.0, None, None, None, None),
    ("C11", "lighting", 8000.0, "signed", "agency", "丙科技", None, "2023-11-11", None, None, None),
]  # fmt: skip
# By hand:
# referral  C1 C2 C3 C4 C12 C5: 6 projects, 10000+5000+30000+2000+4000+1000 = 52000 万元;
#           signed in 2023: C2, C3, C5 = 3, 36000; ever signed: C1 C2 C3 C5 (suspended after signing) = 4;
#           landed to date (累计落地): C1, C3, C5 (suspended, but its landed date says it landed) = 3;
#           conversion 3/4; where they stand: C1 C3 landed or beyond, C2 signed, C4 C12 talks, C5 suspended.
# fund      C6 C7: 2, 60000; signed in 2023: C6 = 1, 40000; ever signed 2; landed or beyond C6 = 1.
# direct    C8: 1, 60000; signed 2021, so 0 in 2023; landed 1 of 1.
# event     C9: 1 project without an amount, 0.0; nothing signed: conversion NaN.
# unknown   C10: suspended with no date: never signed, conversion NaN.
# agency    C11: 1, 8000, signed in 2023; not landed: conversion 0.
# listing, other: zeros.


def projects() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    for column in ("signed_date", "landed_date", "construction_date", "production_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["as_of"] = pd.Timestamp("2023-12-31")
    return frame


def test_by_channel_reserve_signings_and_landing() -> None:
    out = channels.by_channel(database(projects()), 1, ALL, 2023).set_index("channel")
    assert list(out.index) == ["referral", "fund", "event", "agency", "listing", "direct", "other", "unknown"]
    columns = ["projects", "investment_wan", "signed_count", "signed_investment_wan", "reached_signed", "reached_landed"]  # fmt: skip
    assert out.loc["referral", columns].tolist() == [6, 52000.0, 3, 36000.0, 4, 3]
    assert out.loc["fund", columns].tolist() == [2, 60000.0, 1, 40000.0, 2, 1]
    assert out.loc["direct", columns].tolist() == [1, 60000.0, 0, 0.0, 1, 1]
    assert out.loc["event", columns].tolist() == [1, 0.0, 0, 0.0, 0, 0]
    assert out.loc["agency", columns].tolist() == [1, 8000.0, 1, 8000.0, 1, 0]
    assert out.loc["listing", columns].tolist() == [0, 0.0, 0, 0.0, 0, 0]
    standing = ["standing_landed", "standing_signed", "negotiating", "suspended"]
    assert out.loc["referral", standing].tolist() == [2, 1, 2, 1]
    assert (out[standing].sum(axis=1) == out["projects"]).all()  # where projects stand adds up to the reserve
    assert out.loc["referral", "conversion"] == pytest.approx(0.75)
    assert out.loc["direct", "conversion"] == pytest.approx(1.0)
    assert out.loc["agency", "conversion"] == 0.0
    assert np.isnan(out.loc["event", "conversion"])
    assert np.isnan(out.loc["unknown", "conversion"])
    assert out["projects"].sum() == 12


def test_signings_follow_the_year() -> None:
    out = channels.by_channel(database(projects()), 1, ALL, 2022).set_index("channel")
    # Signed in 2022: C1 (referral, 10000) and C7 (fund, 20000); the reserve does not depend on the year.
    assert out.loc["referral", ["signed_count", "signed_investment_wan", "projects"]].tolist() == [1, 10000.0, 6]
    assert out.loc["fund", ["signed_count", "signed_investment_wan"]].tolist() == [1, 20000.0]
    assert out["signed_count"].sum() == 2


def test_referrer_key_folds_spaces_script_width_and_case() -> None:
    assert channels.referrer_key(" 甲燈飾（中山）有限公司 ") == channels.referrer_key("甲灯饰(中山)有限公司")
    assert channels.referrer_key("ｔｃｌ 照明") == channels.referrer_key("TCL照明")
    assert channels.referrer_key("甲灯饰") != channels.referrer_key("乙灯饰")


def test_referrer_league_ranks_by_projects_then_investment() -> None:
    league = channels.referrers(database(projects()), 1, ALL)
    # 乙 3 projects (30000+2000+4000); 甲 2 (15000) and 丙 2 (1000 + 8000 brought through an agency):
    # the tie at two goes to the larger investment. Blank names (C6) bring nobody.
    assert league["referrer"].tolist() == ["乙电子有限公司", "甲灯饰有限公司", "丙科技"]
    assert league["projects"].tolist() == [3, 2, 2]
    assert league["investment_wan"].tolist() == [36000.0, 15000.0, 9000.0]
    assert league["reached_landed"].tolist() == [1, 1, 1]  # 丙: C5 landed before it was suspended
    assert league.loc[0, "project_names"] == ["C3", "C12", "C4"]  # largest investment first
    assert sorted(league.loc[2, "project_names"]) == ["C11", "C5"]


def test_referrer_shown_under_its_most_frequent_spelling() -> None:
    referred = channels.referred_projects(database(projects()), 1, ALL).set_index("project_name")
    # 乙: "乙電子有限公司", "乙电子有限公司", "乙电子 有限公司" once each: a tie goes to a Simplified
    # spelling, then to the first met.
    assert referred.loc["C3", "referrer"] == "乙电子有限公司"
    # A majority wins, whatever its script.
    frame = projects()
    frame.loc[frame["project_name"] == "C12", "introduced_by"] = "乙電子有限公司"
    assert channels.referrers(database(frame), 1, ALL).loc[0, "referrer"] == "乙電子有限公司"
    # 甲: "甲灯饰有限公司" and the trimmed Traditional " 甲燈飾有限公司 " tie: the Simplified one is shown.
    assert referred.loc["C2", "referrer"] == "甲灯饰有限公司"
    assert "C6" not in referred.index


def test_fund_backed_projects_and_leverage_by_industry() -> None:
    fund = channels.fund_by_industry(database(projects()), 1, ALL).set_index("industry")
    # Backed: C6 (fund channel, 4000 of fund money), C7 (fund channel, no amount), C8 (direct, 2000 co-investment).
    # C10 says 0 fund money and is not fund-backed.
    assert fund.loc["total", ["projects", "fund_wan", "investment_wan"]].tolist() == [3, 6000.0, 120000.0]
    assert fund.loc["total", "leverage"] == pytest.approx(20.0)
    assert fund.loc["new_it", ["projects", "fund_wan", "investment_wan", "leverage"]].tolist() == [1, 4000.0, 40000.0, 10.0]  # fmt: skip
    assert fund.loc["new_energy", ["projects", "fund_wan", "investment_wan", "leverage"]].tolist() == [2, 2000.0, 80000.0, 40.0]  # fmt: skip
    assert fund.loc["lighting", ["projects", "fund_wan", "investment_wan"]].tolist() == [0, 0.0, 0.0]
    assert np.isnan(fund.loc["lighting", "leverage"])


def test_fund_without_any_amount_has_no_leverage() -> None:
    frame = projects()
    fund = channels.fund_by_industry(database(frame[frame["project_name"] == "C7"]), 1, ALL).set_index("industry")
    assert fund.loc["total", ["projects", "fund_wan", "investment_wan"]].tolist() == [1, 0.0, 20000.0]
    assert np.isnan(fund.loc["total", "leverage"])


# One firm typed three ways: "丁照明" as such and with a trailing ideographic space (one spelling once trimmed),
# and "丁 照明" (a second spelling of the same firm). Ledger order is the order of the rows.
FIRM = pd.DataFrame(
    {
        "project_name": ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11"],
        "introduced_by": ["丁照明", "丁照明\u3000", "丁照明", "丁照明\u3000", "丁照明", "丁照明\u3000", "丁照明",
                          "丁照明\u3000", "丁照明", "丁照明\u3000", "丁 照明"],
        "investment_wan": [100.0, 300.0, None, 100.0, 50.0, 200.0, 100.0, 30.0, 40.0, None, 0.0],
    }
)  # fmt: skip


def test_a_firm_typed_with_and_without_spaces_is_one_firm_with_its_ten_largest_projects_named() -> None:
    league = channels.referrers(database(FIRM), 1, ALL)
    # By hand: 11 projects, 100+300+100+50+200+100+30+40+0 = 920 万元; "丁照明" (10 rows, both ways of typing it)
    # outnumbers "丁 照明" (1). Largest first: D2 300, D6 200, then the three at 100 in ledger order (D1 D4 D7),
    # D5 50, D9 40, D8 30, D11 0; projects without an amount come last, in ledger order: D3 makes the ten, D10 not.
    assert league["referrer"].tolist() == ["丁照明"]
    assert league.loc[0, ["projects", "investment_wan", "reached_landed"]].tolist() == [11, 920.0, 0]
    assert league.loc[0, "spellings"] == ["丁照明", "丁 照明"]
    assert league.loc[0, "project_names"] == ["D2", "D6", "D1", "D4", "D7", "D5", "D9", "D8", "D11", "D3"]


def test_referred_projects_of_a_spelling_include_every_way_it_was_typed() -> None:
    con = database(FIRM)
    firm = channels.referred_projects(con, 1, ALL, ("丁照明", "丁 照明"), 4)
    # Both spellings sort as one firm, largest first; the names typed with a space show trimmed.
    assert firm["project_name"].tolist() == ["D2", "D6", "D1", "D4"]
    assert firm["introduced_by"].tolist() == ["丁照明"] * 4
    assert firm["referrer"].tolist() == ["丁照明"] * 4
    second = channels.referred_projects(con, 1, ALL, ("丁 照明",))
    assert second[["project_name", "introduced_by", "referrer"]].values.tolist() == [["D11", "丁 照明", "丁照明"]]
    every = channels.referred_projects(con, 1, ALL)
    assert every["project_name"].tolist() == FIRM["project_name"].tolist()  # ledger order
    assert set(every["introduced_by"]) == {"丁照明", "丁 照明"}
