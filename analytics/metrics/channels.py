"""Investment channels (招商方式): which channels bring projects that land, the referral league, the fund.

Every function is `(connection, snapshot_id, filters, …) -> DataFrame`; amounts in 万元. Stages are the
snapshot's own; the year only selects signings. "Reached" is analytics/domain.py's rule, so the channels'
累计落地 add up to the Overview's.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from analytics.domain import EVENT_DATE, LADDER, RANK, SUSPENDED, TOWN, in_year_sql, rungs_from
from analytics.metrics import sums
from analytics.metrics.filters import IN_FILTERS, SCOPE, Filters
from analytics.metrics.projects import rows_by_id
from analytics.store.derived import reached_as_stored_sql
from analytics.vocabulary import CHANNELS, to_simplified

# Counted by channel, stage, furthest rung (stored on write) and whether signed in the year: a few dozen groups,
# added up here into each channel's figures, where a FILTERed count per figure over every row cost about
# twice as much at a million rows.
_BY_CHANNEL = f"""
    SELECT p.channel, p.stage, p.furthest_rung AS rung, coalesce({in_year_sql(EVENT_DATE["signed"])}, false) AS signed_in_year,
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


@lru_cache(maxsize=1 << 16)
def referrer_key(name: str) -> str:
    """The grouping key of a referrer's name: full-width forms folded, no whitespace, Simplified, upper case.

    Cached, bounded: every read of the league folds the same few thousand names again."""
    folded = unicodedata.normalize("NFKC", name)
    return to_simplified("".join(folded.split())).upper()


NAMES_SHOWN = 10
"""A firm's projects named in the league, largest first; the rest are counted (a province's firm brings hundreds)."""

_LARGEST = "(p.investment_wan IS NOT NULL, coalesce(p.investment_wan, 0), -p.rowid)"
"""A project's place among a firm's: planned investment, largest first and empty amounts last, then ledger order."""

# One pass over the name as typed (introduced_by: few distinct values, empty on most rows), grouped as stored:
# trimming it in SQL would run on every row, and the names typed in a province are few, so Python trims them
# (str.strip) and folds them into spellings and firms. Each name typed brings its projects, money, 累计落地 and
# the row ids of its largest projects, largest first; only those rows' names are read, in a second statement
# (carrying names through the aggregate, or returning them as lists of structs, cost more than the aggregate).
_TYPED = f"""
    SELECT p.introduced_by AS typed, count(*) AS projects, min(p.rowid) AS first_met,
           coalesce(sum(p.investment_wan), 0) AS investment_wan,
           count(*) FILTER (WHERE {reached_as_stored_sql("landed")}) AS reached_landed,
           max_by(p.rowid, {_LARGEST}, $names) AS largest
    {SCOPE} AND p.introduced_by IS NOT NULL
    GROUP BY p.introduced_by
"""
_LARGEST_ROWS = """
    SELECT p.rowid, p.project_name, p.investment_wan
    FROM projects AS p JOIN (SELECT unnest($rows) AS r) AS chosen ON chosen.r = p.rowid
"""
# The same names with only what folding them into firms needs.
_TYPED_NAMES = f"""
    SELECT p.introduced_by AS typed, count(*) AS projects, min(p.rowid) AS first_met
    {SCOPE} AND p.introduced_by IS NOT NULL
    GROUP BY p.introduced_by
"""


def _spellings(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, figures: bool) -> list[dict]:
    """Each spelling of a referring firm (a name as typed, without the whitespace around it) in the order first
    met: spelling, typed (the names as typed that make it up), projects, first_met, referrer_key and referrer (its
    firm's key and shown name), and with `figures` investment_wan, reached_landed and largest (per name typed, the
    row ids of its largest projects, largest first). Plain rows, not a frame: a province's league folds a few
    thousand of them on every read."""
    fields = ["projects", "first_met", *(["investment_wan", "reached_landed", "largest"] if figures else [])]
    params = filters.params(snapshot_id, **({"names": NAMES_SHOWN} if figures else {}))
    spelled: dict[str, dict] = {}
    for typed, *values in con.execute(_TYPED if figures else _TYPED_NAMES, params).fetchall():
        spelling = typed.strip()
        if not spelling:
            continue  # a blank name brings nobody
        got = dict(zip(fields, values, strict=True))
        if figures:
            got["largest"] = [got["largest"]]
        known = spelled.get(spelling)
        if known is None:
            spelled[spelling] = {"spelling": spelling, "typed": [typed], **got}
            continue
        known["typed"].append(typed)
        known["first_met"] = min(known["first_met"], got.pop("first_met"))
        for field, value in got.items():
            known[field] += value  # counts and money add up, largest projects join
    found = sorted(spelled.values(), key=lambda s: s["first_met"])
    firms: dict[str, dict[str, int]] = {}  # firm → its spellings' project counts, in the order first met
    for spelling in found:
        spelling["referrer_key"] = referrer_key(spelling["spelling"])
        firms.setdefault(spelling["referrer_key"], {})[spelling["spelling"]] = spelling["projects"]
    shown = {key: max(counts, key=lambda s, c=counts: (c[s], to_simplified(s) == s)) for key, counts in firms.items()}
    for spelling in found:
        spelling["referrer"] = shown[spelling["referrer_key"]]
    return found


# The rows of the names typed wanted, joined on the name as stored (see _TYPED), in ledger order; only their row
# ids: the rows kept are read whole afterwards (projects.rows_by_id).
_ALL_REFERRED = f"""
    WITH wanted AS (SELECT unnest($typed) AS typed)
    SELECT p.rowid
    FROM projects AS p JOIN wanted AS w ON w.typed = p.introduced_by
    WHERE p.snapshot_id = $snapshot AND {IN_FILTERS}
    ORDER BY p.rowid
    LIMIT $limit
"""
# Chosen firm by firm (each spelling's place is its firm's place in the league), largest first, on the columns
# that sort them.
_REFERRED = f"""
    WITH wanted AS (SELECT unnest($typed) AS typed, unnest($places) AS place)
    SELECT p.rowid
    FROM projects AS p JOIN wanted AS w ON w.typed = p.introduced_by
    WHERE p.snapshot_id = $snapshot AND {IN_FILTERS}
    ORDER BY w.place, p.investment_wan DESC NULLS LAST, p.rowid
    LIMIT $limit
"""
_REACHED_LANDED = f", {reached_as_stored_sql('landed')} AS reached_landed"
REFERRED_COLUMNS = [
    "project_key", "project_name", "investor", "industry", "investment_wan", "stage", "department", "channel",
    "introduced_by", "is_key", *EVENT_DATE.values(), "source_sheet", "source_row",
]  # fmt: skip
"""What a referred project is listed with (besides as_of, reached_landed and its firm)."""


def referred_projects(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, spellings: tuple[str, ...] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Projects with a referring firm (引荐企业): REFERRED_COLUMNS, as_of and reached_landed (累计落地), with
    `referrer`: the group's most frequent spelling.

    Names that differ only in whitespace, full-width forms, script (Traditional/Simplified) or letter
    case are one firm; a tie between spellings goes to a Simplified one, then to the one met first.
    `spellings` (as `referrers` lists them, firm by firm) keeps only those firms' projects, firm by firm in that
    order and largest first within each; `limit` keeps the first rows. Without `spellings`: ledger order.
    `introduced_by` is the spelling (the name as typed, trimmed).
    """
    names = _spellings(con, snapshot_id, filters, figures=False)
    typed_of = {found["spelling"]: found["typed"] for found in names}
    key_of = {found["spelling"]: found["referrer_key"] for found in names}
    if spellings is None:
        typed = [name for found in names for name in found["typed"]]
        chosen = con.execute(_ALL_REFERRED, filters.params(snapshot_id, typed=typed, limit=limit)).fetchall()
    else:
        # A firm's place is its first spelling's place in the list: all its spellings sort together.
        firm_place: dict[str, int] = {}
        for place, spelling in enumerate(spellings, start=1):
            firm_place.setdefault(key_of.get(spelling, spelling), place)
        wanted = [(name, firm_place[key_of.get(s, s)]) for s in spellings for name in typed_of.get(s, [])]
        params = filters.params(
            snapshot_id, typed=[name for name, _ in wanted], places=[place for _, place in wanted], limit=limit
        )  # fmt: skip
        chosen = con.execute(_REFERRED, params).fetchall()
    projects = rows_by_id(con, snapshot_id, [row for (row,) in chosen], REFERRED_COLUMNS, _REACHED_LANDED)
    spelling = projects["introduced_by"].map({name: s for s, typed in typed_of.items() for name in typed})
    return projects.assign(
        introduced_by=spelling,
        referrer_key=spelling.map(key_of),
        referrer=spelling.map({found["spelling"]: found["referrer"] for found in names}),
    )


def referrers(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters) -> pd.DataFrame:
    """The 以商引商 league: each referring firm's projects, planned investment (万元) and 累计落地.

    Most projects first, ties broken by more investment, then by name. Columns: referrer, projects,
    investment_wan, reached_landed, project_names (the firm's NAMES_SHOWN largest projects, largest investment
    first), spellings (the names as typed that make up the firm). Counted per spelling in DuckDB, folded into
    firms here.
    """
    found = _spellings(con, snapshot_id, filters, figures=True)
    wanted = [rowid for spelling in found for rows in spelling["largest"] for rowid in rows]
    largest = {row[0]: row for row in con.execute(_LARGEST_ROWS, {"rows": wanted}).fetchall()}  # id, name, 万元

    def place(rowid: int) -> tuple[bool, float, int]:  # _LARGEST, in Python
        money = largest[rowid][2]
        return money is not None, 0.0 if money is None else money, -rowid

    firms: dict[tuple[str, str], list] = {}  # (key, shown name) → projects, 万元, 累计落地, largest, spellings
    for spelling in found:
        firm = firms.setdefault((spelling["referrer_key"], spelling["referrer"]), [0, 0.0, 0, [], []])
        firm[0] += spelling["projects"]
        firm[1] += spelling["investment_wan"]
        firm[2] += spelling["reached_landed"]
        firm[3].extend(spelling["largest"])
        firm[4].append(spelling["spelling"])
    rows = []
    for (_, referrer), (projects, money, landed, lists, spellings) in firms.items():
        # A firm typed one way has its largest projects in order already; others merge theirs.
        chosen = lists[0] if len(lists) == 1 else sorted((r for rs in lists for r in rs), key=place, reverse=True)
        rows.append((referrer, projects, money, landed, [largest[r][1] for r in chosen[:NAMES_SHOWN]], spellings))
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
