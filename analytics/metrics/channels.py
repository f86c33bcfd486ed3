"""Investment channels (招商方式): which channels bring projects that land, the referral league, the fund.

Every function is `(connection, snapshot_id, filters, …) -> DataFrame`; amounts in 万元. Stages are the
snapshot's own; the year only selects signings. "Reached" is analytics/domain.py's rule, so the channels'
累计落地 add up to the Overview's.
"""

from __future__ import annotations

import unicodedata

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import LADDER, RANK, SUSPENDED, TOWN, rungs_from
from analytics.metrics import sums
from analytics.metrics.filters import IN_FILTERS, SCOPE, Filters
from analytics.store.derived import reached_as_stored_sql
from analytics.vocabulary import CHANNELS, to_simplified

# Counted by channel, stage, furthest rung (stored on write) and whether signed in the year: a few dozen groups,
# added up here into each channel's figures, where a FILTERed count per figure over every row cost about
# twice as much at a million rows.
_BY_CHANNEL = f"""
    SELECT p.channel, p.stage, p.furthest_rung AS rung, coalesce(year(p.signed_date) = $year, false) AS signed_in_year,
           count(*) AS projects, sum(p.investment_wan) AS investment_wan
    {SCOPE}
    GROUP BY ALL
"""


def by_channel(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, year: int) -> pd.DataFrame:
    """Per channel (all eight, zeros included): reserve, signings in the year, rungs reached, conversion.

    Columns: channel, projects, investment_wan, signed_count, signed_investment_wan (signed dates in the year),
    reached_signed, reached_landed (累计签约 / 累计落地); standing_landed, standing_signed, negotiating,
    suspended (where the projects stand today: these four add up to `projects`); conversion (reached_landed ÷
    reached_signed, NaN when nothing was signed).
    """
    found = con.execute(_BY_CHANNEL, filters.params(snapshot_id, year=year)).fetchall()
    landed_rungs = rungs_from("landed")
    rows = []
    for channel in CHANNELS:
        groups = [g[1:] for g in found if g[0] == channel]

        def count(keep, groups=groups) -> int:
            return sum(n for stage, rung, signed, n, _ in groups if keep(stage, rung, signed))

        def money(keep, groups=groups) -> float:
            return sums.total(
                [wan for stage, rung, signed, _, wan in groups if keep(stage, rung, signed) and wan is not None]
            )

        rows.append({
            "channel": channel,
            "projects": count(lambda *_: True),
            "investment_wan": money(lambda *_: True),
            "signed_count": count(lambda stage, rung, signed: signed),
            "signed_investment_wan": money(lambda stage, rung, signed: signed),
            "reached_signed": count(lambda stage, rung, signed: rung >= RANK["signed"]),
            "reached_landed": count(lambda stage, rung, signed: rung >= RANK["landed"]),
            "standing_landed": count(lambda stage, rung, signed: stage in landed_rungs),
            "standing_signed": count(lambda stage, rung, signed: stage == LADDER[1]),
            "negotiating": count(lambda stage, rung, signed: stage == LADDER[0]),
            "suspended": count(lambda stage, rung, signed: stage == SUSPENDED),
        })  # fmt: skip
    out = pd.DataFrame(rows)
    counts = [c for c in out.columns if c not in ("channel", "investment_wan", "signed_investment_wan")]
    out = out.astype(
        {**dict.fromkeys(counts, "int64"), "investment_wan": "float64", "signed_investment_wan": "float64"}
    )
    out["conversion"] = out["reached_landed"] / out["reached_signed"].replace(0, np.nan)
    return out


def referrer_key(name: str) -> str:
    """The grouping key of a referrer's name: full-width forms folded, no whitespace, Simplified, upper case."""
    folded = unicodedata.normalize("NFKC", name)
    return to_simplified("".join(folded.split())).upper()


WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
"""Every character Python's str.strip() takes off (the ledger's text was stripped on import; hand-made rows too)."""
_TRIMMED = "trim(p.introduced_by, $blank)"
"""The referring firm's name as typed, without the whitespace around it."""

NAMES_SHOWN = 10
"""A firm's projects named in the league, largest first; the rest are counted (a province's firm brings hundreds)."""

# One pass: each spelling as typed with its projects, money, 累计落地 and its largest projects. A province holds
# far fewer spellings than projects, so folding them into firms (Python's script conversion) only sees these rows.
_SPELLINGS = f"""
    SELECT {_TRIMMED} AS spelling, count(*) AS projects, coalesce(sum(p.investment_wan), 0) AS investment_wan,
           count(*) FILTER (WHERE {reached_as_stored_sql("landed")}) AS reached_landed, min(p.rowid) AS first_met,
           max_by({{'name': p.project_name, 'rank': (p.investment_wan IS NOT NULL, coalesce(p.investment_wan, 0),
                                                    -p.rowid)}},
                  (p.investment_wan IS NOT NULL, coalesce(p.investment_wan, 0), -p.rowid), $names) AS largest
    {SCOPE} AND {_TRIMMED} <> ''
    GROUP BY 1
    ORDER BY first_met
"""
# The same spellings with only what folding them into firms needs.
_NAMES = f"""
    SELECT {_TRIMMED} AS spelling, count(*) AS projects, min(p.rowid) AS first_met
    {SCOPE} AND {_TRIMMED} <> ''
    GROUP BY 1
    ORDER BY first_met
"""


def _spellings(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, figures: bool) -> pd.DataFrame:
    """Each spelling of a referring firm, in the order first met, with its firm's key and shown name (and, with
    `figures`, its projects' money, 累计落地 and largest projects)."""
    params = filters.params(snapshot_id, blank=WHITESPACE, **({"names": NAMES_SHOWN} if figures else {}))
    found = con.execute(_SPELLINGS if figures else _NAMES, params).df()
    found["referrer_key"] = [referrer_key(spelling) for spelling in found["spelling"]]
    firms: dict[str, dict[str, int]] = {}  # firm → its spellings' project counts, in the order first met
    for key, spelling, projects in zip(found["referrer_key"], found["spelling"], found["projects"], strict=True):
        firms.setdefault(key, {})[spelling] = int(projects)
    shown = {key: max(counts, key=lambda s, c=counts: (c[s], to_simplified(s) == s)) for key, counts in firms.items()}
    return found.assign(referrer=found["referrer_key"].map(shown))


_ALL_REFERRED = f"""
    SELECT p.*, s.as_of, {reached_as_stored_sql("landed")} AS reached_landed, {_TRIMMED} AS spelling
    {SCOPE} AND {_TRIMMED} <> ''
    ORDER BY p.rowid
    LIMIT $limit
"""
# Chosen firm by firm (each spelling's place is its firm's place in the league), largest first, on the columns
# that sort them; only the rows kept are read whole.
_REFERRED = f"""
    WITH wanted AS (SELECT unnest($spellings) AS spelling, unnest($places) AS place),
    chosen AS (
        SELECT p.rowid AS r
        FROM projects AS p JOIN wanted AS w ON w.spelling = {_TRIMMED}
        WHERE p.snapshot_id = $snapshot AND {IN_FILTERS}
        ORDER BY w.place, p.investment_wan DESC NULLS LAST, p.rowid
        LIMIT $limit
    )
    SELECT p.*, s.as_of, {reached_as_stored_sql("landed")} AS reached_landed, w.spelling
    FROM projects AS p JOIN snapshots AS s USING (snapshot_id) JOIN wanted AS w ON w.spelling = {_TRIMMED}
    WHERE p.rowid IN (SELECT r FROM chosen)
    ORDER BY w.place, p.investment_wan DESC NULLS LAST, p.rowid
"""


def referred_projects(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, spellings: tuple[str, ...] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Projects with a referring firm (引荐企业), with `referrer`: the group's most frequent spelling.

    Names that differ only in whitespace, full-width forms, script (Traditional/Simplified) or letter
    case are one firm; a tie between spellings goes to a Simplified one, then to the one met first.
    `spellings` (as `referrers` lists them, firm by firm) keeps only those firms' projects, firm by firm in that
    order and largest first within each; `limit` keeps the first rows. Without `spellings`: ledger order.
    """
    names = _spellings(con, snapshot_id, filters, figures=False).set_index("spelling")
    if spellings is None:
        params = filters.params(snapshot_id, blank=WHITESPACE, limit=limit)
        projects = con.execute(_ALL_REFERRED, params).df()
    else:
        # A firm's place is its first spelling's place in the list: all its spellings sort together.
        key_of = dict(zip(names.index, names["referrer_key"], strict=True))
        firm_place: dict[str, int] = {}
        for place, spelling in enumerate(spellings, start=1):
            firm_place.setdefault(key_of.get(spelling, spelling), place)
        places = [firm_place[key_of.get(s, s)] for s in spellings]
        params = filters.params(
            snapshot_id, blank=WHITESPACE, spellings=list(spellings), places=places, limit=limit
        )  # fmt: skip
        projects = con.execute(_REFERRED, params).df()
    projects = projects.assign(introduced_by=projects.pop("spelling"))
    return projects.assign(
        referrer_key=projects["introduced_by"].map(names["referrer_key"]),
        referrer=projects["introduced_by"].map(names["referrer"]),
    )


def referrers(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The 以商引商 league: each referring firm's projects, planned investment (万元) and 累计落地.

    Most projects first, ties broken by more investment, then by name. Columns: referrer, projects,
    investment_wan, reached_landed, project_names (the firm's NAMES_SHOWN largest projects, largest investment
    first), spellings (the names as typed that make up the firm). Counted per spelling in DuckDB, folded into
    firms here.
    """
    found = _spellings(con, snapshot_id, filters, figures=True)
    firms: dict[tuple[str, str], list] = {}  # (key, shown name) → projects, 万元, 累计落地, largest, spellings
    for key, referrer, spelling, projects, money, landed, largest in zip(
        found["referrer_key"], found["referrer"], found["spelling"], found["projects"], found["investment_wan"],
        found["reached_landed"], found["largest"], strict=True,
    ):  # fmt: skip
        firm = firms.setdefault((key, referrer), [0, 0.0, 0, [], []])
        firm[0] += int(projects)
        firm[1] += float(money)
        firm[2] += int(landed)
        firm[3].extend(largest)
        firm[4].append(spelling)
    rows = []
    for (_, referrer), (projects, money, landed, largest, spellings) in firms.items():
        names = [p["name"] for p in sorted(largest, key=lambda p: p["rank"], reverse=True)[:NAMES_SHOWN]]
        rows.append((referrer, projects, money, landed, names, spellings))
    out = pd.DataFrame(
        rows, columns=["referrer", "projects", "investment_wan", "reached_landed", "project_names", "spellings"]
    )
    out = out.sort_values(["projects", "investment_wan", "referrer"], ascending=[False, False, True], kind="stable")
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
