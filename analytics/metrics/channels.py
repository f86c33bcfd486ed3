"""Investment channels (招商方式): which channels bring projects that land, the referral league, the fund.

Every function is `(connection, snapshot_id, filters, …) -> DataFrame`; amounts in 万元. Stages are the
snapshot's own; the year only selects signings. "Reached" is analytics/domain.py's rule, so the channels'
累计落地 add up to the Overview's.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import LADDER, SUSPENDED, TOWN, reached_sql, rungs_from
from analytics.metrics.filters import SCOPE, Filters
from analytics.vocabulary import CHANNELS, to_simplified

_BY_CHANNEL = f"""
    SELECT p.channel, count(*) AS projects, coalesce(sum(p.investment_wan), 0) AS investment_wan,
           count(*) FILTER (WHERE year(p.signed_date) = $year) AS signed_count,
           coalesce(sum(p.investment_wan) FILTER (WHERE year(p.signed_date) = $year), 0) AS signed_investment_wan,
           count(*) FILTER (WHERE {reached_sql("signed")}) AS reached_signed,
           count(*) FILTER (WHERE {reached_sql("landed")}) AS reached_landed,
           count(*) FILTER (WHERE list_contains($landed_rungs, p.stage)) AS standing_landed,
           count(*) FILTER (WHERE p.stage = $signed) AS standing_signed,
           count(*) FILTER (WHERE p.stage = $negotiating) AS negotiating,
           count(*) FILTER (WHERE p.stage = $suspended) AS suspended
    {SCOPE}
    GROUP BY p.channel
"""


def by_channel(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per channel (all eight, zeros included): reserve, signings in the year, rungs reached, conversion.

    Columns: channel, projects, investment_wan, signed_count, signed_investment_wan (signed dates in the year),
    reached_signed, reached_landed (累计签约 / 累计落地); standing_landed, standing_signed, negotiating,
    suspended (where the projects stand today: these four add up to `projects`); conversion (reached_landed ÷
    reached_signed, NaN when nothing was signed).
    """
    params = filters.params(
        snapshot_id, year=year, landed_rungs=list(rungs_from("landed")), signed=LADDER[1], negotiating=LADDER[0],
        suspended=SUSPENDED,
    )  # fmt: skip
    out = con.execute(_BY_CHANNEL, params).df().set_index("channel")
    out = out.reindex(pd.Index(CHANNELS, name="channel"), fill_value=0)
    counts = [c for c in out.columns if c not in ("investment_wan", "signed_investment_wan")]
    out[counts] = out[counts].astype(int)
    out[["investment_wan", "signed_investment_wan"]] = out[["investment_wan", "signed_investment_wan"]].astype(float)
    out["conversion"] = out["reached_landed"] / out["reached_signed"].replace(0, np.nan)
    return out.reset_index()


def referrer_key(name: str) -> str:
    """The grouping key of a referrer's name: full-width forms folded, no whitespace, Simplified, upper case."""
    folded = unicodedata.normalize("NFKC", name)
    return to_simplified("".join(folded.split())).upper()


_REFERRED = f"""
    SELECT p.*, s.as_of, {reached_sql("landed")} AS reached_landed
    {SCOPE} AND nullif(trim(p.introduced_by), '') IS NOT NULL
"""


def referred_projects(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Projects with a referring firm (引荐企业), with `referrer`: the group's most frequent spelling.

    Names that differ only in whitespace, full-width forms, script (Traditional/Simplified) or letter
    case are one firm; a tie between spellings goes to a Simplified one, then to the one met first.
    """
    projects = con.execute(_REFERRED, filters.params(snapshot_id)).df()
    names = projects["introduced_by"].where(projects["introduced_by"].notna(), "").astype(str).str.strip()
    referred = projects[names != ""].assign(introduced_by=names[names != ""])
    keys = referred["introduced_by"].map(referrer_key)
    spelling = {key: _display_spelling(group) for key, group in referred["introduced_by"].groupby(keys, sort=False)}
    return referred.assign(referrer_key=keys, referrer=keys.map(spelling))


def _display_spelling(spellings: pd.Series) -> str:
    """The most frequent spelling; among equals a Simplified one, then the first met (Counter keeps order)."""
    counts = Counter(spellings)
    return max(counts, key=lambda s: (counts[s], to_simplified(s) == s))


def referrers(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The 以商引商 league: each referring firm's projects, planned investment (万元) and 累计落地.

    Most projects first, ties broken by more investment, then by name. Columns: referrer, projects,
    investment_wan, reached_landed, project_names (the firm's projects, largest investment first).
    """
    referred = referred_projects(con, snapshot_id, filters)
    referred = referred.sort_values("investment_wan", ascending=False, na_position="last", kind="stable")
    out = referred.groupby("referrer_key").agg(
        referrer=("referrer", "first"),
        projects=("project_name", "size"),
        investment_wan=("investment_wan", "sum"),
        reached_landed=("reached_landed", "sum"),
        project_names=("project_name", list),
    )
    out["reached_landed"] = out["reached_landed"].astype(int)
    out["investment_wan"] = out["investment_wan"].astype(float)
    out = out.sort_values(["projects", "investment_wan", "referrer"], ascending=[False, False, True])
    return out.reset_index(drop=True)


_FUND = """
    SELECT p.industry, count(*) AS projects, coalesce(sum(p.fund_wan), 0) AS fund_wan,
           coalesce(sum(p.investment_wan), 0) AS investment_wan
    {scope} AND (p.channel = 'fund' OR coalesce(p.fund_wan, 0) > 0)
    GROUP BY p.industry
"""


def fund_by_industry(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Fund-backed projects (channel fund, or any 基金出资 above zero) per chosen industry and for the town.

    Columns: industry (TOWN last), projects, fund_wan, investment_wan, leverage (planned investment ÷ fund
    money, NaN without fund money). A fund-channel project with no amount adds its investment but no money.
    """
    found = con.execute(_FUND.format(scope=SCOPE), filters.params(snapshot_id)).df().set_index("industry")
    out = found.reindex(list(filters.industries)).fillna(0)
    out.loc[TOWN] = out.sum()
    out["projects"] = out["projects"].astype(int)
    out["leverage"] = out["investment_wan"] / out["fund_wan"].where(out["fund_wan"] > 0)
    return out.rename_axis("industry").reset_index()
