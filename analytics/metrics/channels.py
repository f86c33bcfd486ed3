"""Investment channels (招商方式): which channels bring projects that land, the referral league, the fund.

Every function is `(connection, snapshot_id, filters, …) -> DataFrame`; amounts in 万元. Stages are the
snapshot's own; the year only selects signings. "Reached" is analytics/domain.py's rule, so the channels'
累计落地 add up to the Overview's.
"""

from __future__ import annotations

import unicodedata
import uuid

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


_TRIMMED = r"regexp_replace(p.introduced_by, '^\s+|\s+$', '', 'g')"
"""The referring firm's name as typed, without the whitespace around it (Python's str.strip())."""
_REFERRED = f"""
    SELECT p.*, s.as_of, {reached_sql("landed")} AS reached_landed, {_TRIMMED} AS spelling
    {SCOPE} AND {_TRIMMED} <> '' {{only}}
    ORDER BY p.rowid
"""
# One row per spelling as typed: a province holds far fewer spellings than projects, so the folding into firms
# (which needs Python's script conversion) only sees these rows.
_SPELLINGS = f"""
    SELECT {_TRIMMED} AS spelling, count(*) AS projects, min(p.rowid) AS first_met
    {SCOPE} AND {_TRIMMED} <> ''
    GROUP BY 1
    ORDER BY first_met
"""


def _spellings(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """Each spelling of a referring firm, in the order first met, with its firm's key and shown name."""
    found = con.execute(_SPELLINGS, filters.params(snapshot_id)).df()
    found["referrer_key"] = [referrer_key(spelling) for spelling in found["spelling"]]
    firms: dict[str, dict[str, int]] = {}  # firm → its spellings' project counts, in the order first met
    for key, spelling, projects in zip(found["referrer_key"], found["spelling"], found["projects"], strict=True):
        firms.setdefault(key, {})[spelling] = int(projects)
    shown = {key: max(counts, key=lambda s, c=counts: (c[s], to_simplified(s) == s)) for key, counts in firms.items()}
    return found.assign(referrer=found["referrer_key"].map(shown))


# The league itself is counted in DuckDB, each project joined to its firm through the spellings folded above.
_LEAGUE = f"""
    SELECT f.referrer, count(*) AS projects, coalesce(sum(r.investment_wan), 0) AS investment_wan,
           count(*) FILTER (WHERE r.reached_landed) AS reached_landed,
           list(r.project_name ORDER BY r.investment_wan DESC NULLS LAST, r.ledger_order) AS project_names,
           list(DISTINCT f.spelling) AS spellings
    FROM (
        SELECT p.project_name, p.investment_wan, p.rowid AS ledger_order, {_TRIMMED} AS spelling,
               {reached_sql("landed")} AS reached_landed
        {SCOPE} AND {_TRIMMED} <> ''
    ) AS r JOIN {{firms}} AS f ON f.spelling = r.spelling
    GROUP BY f.referrer_key, f.referrer
    ORDER BY projects DESC, investment_wan DESC, f.referrer
"""


def referred_projects(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, spellings: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Projects with a referring firm (引荐企业), with `referrer`: the group's most frequent spelling.

    Names that differ only in whitespace, full-width forms, script (Traditional/Simplified) or letter
    case are one firm; a tie between spellings goes to a Simplified one, then to the one met first.
    `spellings` (as `referrers` lists them) keeps only those firms' projects.
    """
    only = "" if spellings is None else "AND list_contains($spellings, spelling)"
    params = filters.params(snapshot_id, **({} if spellings is None else {"spellings": list(spellings)}))
    projects = con.execute(_REFERRED.format(only=only), params).df()
    names = _spellings(con, snapshot_id, filters).set_index("spelling")
    projects = projects.assign(introduced_by=projects.pop("spelling"))
    return projects.assign(
        referrer_key=projects["introduced_by"].map(names["referrer_key"]),
        referrer=projects["introduced_by"].map(names["referrer"]),
    )


def referrers(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The 以商引商 league: each referring firm's projects, planned investment (万元) and 累计落地.

    Most projects first, ties broken by more investment, then by name. Columns: referrer, projects,
    investment_wan, reached_landed, project_names (the firm's projects, largest investment first), spellings
    (the names as typed that make up the firm). Counted per spelling in DuckDB, folded into firms here.
    """
    firms = f"referrer_firms_{uuid.uuid4().hex}"
    con.register(firms, _spellings(con, snapshot_id, filters)[["spelling", "referrer_key", "referrer"]])
    try:
        out = con.execute(_LEAGUE.format(firms=firms), filters.params(snapshot_id)).df()
    finally:
        con.unregister(firms)
    out["projects"] = out["projects"].astype(int)
    out["reached_landed"] = out["reached_landed"].astype(int)
    out["investment_wan"] = out["investment_wan"].astype(float)
    out["project_names"] = out["project_names"].map(list)
    out["spellings"] = out["spellings"].map(list)
    return out


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
