"""Investment channels (招商方式): which channels bring projects that land, the referral league, the fund.

Every function takes the projects of one snapshot (from `review.snapshot_projects`) and returns a DataFrame;
amounts are in 万元. Stages are the snapshot's own (the whole reserve as stored); the year only selects
signings.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np
import pandas as pd

from analytics.domain import INDUSTRIES
from analytics.vocabulary import CHANNELS, to_simplified

LANDED_OR_BEYOND = ("landed", "construction", "production")
SIGNED_OR_BEYOND = ("signed", *LANDED_OR_BEYOND)
_EVENT_DATES = ["signed_date", "landed_date", "construction_date", "production_date"]


def landed_or_beyond(projects: pd.DataFrame) -> pd.Series:
    """Per project: stage landed, construction or production (a suspended project does not count)."""
    return projects["stage"].isin(LANDED_OR_BEYOND)


def reached_signed(projects: pd.DataFrame) -> pd.Series:
    """Per project: signed at some point (stage signed or later, or suspended after a dated event)."""
    # A project suspended after signing is a signing that did not land: it belongs in the denominator.
    dated = projects[_EVENT_DATES].notna().any(axis=1)
    return projects["stage"].isin(SIGNED_OR_BEYOND) | ((projects["stage"] == "suspended") & dated)


def by_channel(projects: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per channel (all eight, zeros included): reserve, signed in the year, landed or beyond, conversion.

    Columns: channel, projects, investment_wan, signed_count, signed_investment_wan (signed dates in the
    year), reached_signed, landed_or_beyond, suspended, negotiating, conversion (landed_or_beyond ÷
    reached_signed, NaN when nothing was signed).
    """
    signed_in_year = projects["signed_date"].dt.year == year
    frame = projects.assign(
        signed_in_year=signed_in_year,
        signed_investment=projects["investment_wan"].where(signed_in_year, 0.0),
        reached_signed=reached_signed(projects),
        landed_or_beyond=landed_or_beyond(projects),
        suspended=projects["stage"] == "suspended",
        negotiating=projects["stage"] == "negotiating",
    )
    out = frame.groupby("channel").agg(
        projects=("project_name", "size"),
        investment_wan=("investment_wan", "sum"),
        signed_count=("signed_in_year", "sum"),
        signed_investment_wan=("signed_investment", "sum"),
        reached_signed=("reached_signed", "sum"),
        landed_or_beyond=("landed_or_beyond", "sum"),
        suspended=("suspended", "sum"),
        negotiating=("negotiating", "sum"),
    )
    out = out.reindex(pd.Index(CHANNELS, name="channel"), fill_value=0)
    counts = ["projects", "signed_count", "reached_signed", "landed_or_beyond", "suspended", "negotiating"]
    out[counts] = out[counts].astype(int)
    out[["investment_wan", "signed_investment_wan"]] = out[["investment_wan", "signed_investment_wan"]].astype(float)
    out["conversion"] = out["landed_or_beyond"] / out["reached_signed"].replace(0, np.nan)
    return out.reset_index()


def referrer_key(name: str) -> str:
    """The grouping key of a referrer's name: full-width forms folded, no whitespace, Simplified, upper case."""
    folded = unicodedata.normalize("NFKC", name)
    return to_simplified("".join(folded.split())).upper()


def referred_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects with a referring firm (引荐企业), with `referrer`: the group's most frequent spelling.

    Names that differ only in whitespace, full-width forms, script (Traditional/Simplified) or letter
    case are one firm; a tie between spellings goes to a Simplified one, then to the one met first.
    """
    names = projects["introduced_by"].where(projects["introduced_by"].notna(), "").astype(str).str.strip()
    referred = projects[names != ""].assign(introduced_by=names[names != ""])
    keys = referred["introduced_by"].map(referrer_key)
    spelling = {key: _display_spelling(group) for key, group in referred["introduced_by"].groupby(keys, sort=False)}
    return referred.assign(referrer_key=keys, referrer=keys.map(spelling))


def _display_spelling(spellings: pd.Series) -> str:
    """The most frequent spelling; among equals a Simplified one, then the first met (Counter keeps order)."""
    counts = Counter(spellings)
    return max(counts, key=lambda s: (counts[s], to_simplified(s) == s))


def referrers(projects: pd.DataFrame) -> pd.DataFrame:
    """The 以商引商 league: each referring firm's projects, planned investment (万元) and landed or beyond.

    Most projects first, ties broken by more investment, then by name. Columns: referrer, projects,
    investment_wan, landed_or_beyond, project_names (the firm's projects, largest investment first).
    """
    referred = referred_projects(projects)
    referred = referred.assign(landed_or_beyond=landed_or_beyond(referred))
    referred = referred.sort_values("investment_wan", ascending=False, na_position="last", kind="stable")
    out = referred.groupby("referrer_key").agg(
        referrer=("referrer", "first"),
        projects=("project_name", "size"),
        investment_wan=("investment_wan", "sum"),
        landed_or_beyond=("landed_or_beyond", "sum"),
        project_names=("project_name", list),
    )
    out["landed_or_beyond"] = out["landed_or_beyond"].astype(int)
    out["investment_wan"] = out["investment_wan"].astype(float)
    out = out.sort_values(["projects", "investment_wan", "referrer"], ascending=[False, False, True])
    return out.reset_index(drop=True)


def fund_backed(projects: pd.DataFrame) -> pd.Series:
    """Per project: backed by the industry fund (channel fund, or any 基金出资 above zero)."""
    return (projects["channel"] == "fund") | (projects["fund_wan"].fillna(0) > 0)


def fund_by_industry(projects: pd.DataFrame) -> pd.DataFrame:
    """Fund-backed projects per industry and for the town ('all'): count, fund money, planned investment, leverage.

    Amounts in 万元; leverage = planned investment ÷ fund money (NaN without fund money). A fund-channel
    project with no amount adds its planned investment but no fund money.
    """
    backed = projects[fund_backed(projects)]
    rows = []
    for industry in [*INDUSTRIES, "all"]:
        part = backed if industry == "all" else backed[backed["industry"] == industry]
        fund = float(part["fund_wan"].fillna(0).sum())
        investment = float(part["investment_wan"].fillna(0).sum())
        rows.append((industry, len(part), fund, investment, investment / fund if fund > 0 else np.nan))
    return pd.DataFrame(rows, columns=["industry", "projects", "fund_wan", "investment_wan", "leverage"])
