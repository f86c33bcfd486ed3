"""What changed between two snapshots (since the last meeting): new, advanced, back or suspended,
investment changes over a threshold, vanished."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.domain import RANK, SUSPENDED
from analytics.metrics.filters import Filters

# An investment change is worth reporting when it moves by at least this share and this many 万元.
INVESTMENT_CHANGE_SHARE = 0.10
INVESTMENT_CHANGE_WAN = 500.0
KINDS = ("new", "advanced", "regressed", "suspended", "investment_changed", "vanished")
_COLUMNS = ["project_key", "project_name", "investor", "industry", "stage", "investment_wan", "signed_date", "is_key"]


def _rank(stage: str) -> str:
    """A stage's rung in SQL; suspended (beside the ladder) has none, so it never advances or goes back."""
    return "(CASE " + " ".join(f"WHEN {stage} = '{s}' THEN {r}" for s, r in RANK.items()) + " END)"


# A ledger listing a project twice is compared on its first row. Most snapshots repeat no key (the store counts
# them on write, snapshots.repeated_keys), and then the costly de-duplication is left out. Only the columns the
# comparison needs go through the join; the listed projects' other fields are read at the end, by row.
_SIDE = """
    SELECT p.project_key, p.stage, p.investment_wan, p.rowid AS r
    FROM projects AS p
    WHERE p.snapshot_id = ${side} AND list_contains($industries, p.industry)
    {first_of_key}
"""
_FIRST_OF_KEY = "QUALIFY row_number() OVER (PARTITION BY p.project_key ORDER BY p.rowid) = 1"
# Only the projects that changed leave the database, each with the lists it belongs to (as compare() decides).
_SINCE = f"""
    WITH b AS ({{earlier}}), a AS ({{later}}),
    joined AS (
        SELECT coalesce(a.project_key, b.project_key) AS project_key, coalesce(a.r, b.r) AS r,
               coalesce(a.investment_wan, b.investment_wan) AS investment_wan,
               b.stage AS stage_before, b.investment_wan AS investment_wan_before,
               a.investment_wan - b.investment_wan AS investment_delta,
               b.project_key IS NULL AS is_new, a.project_key IS NULL AS is_vanished,
               coalesce({_rank("a.stage")} > {_rank("b.stage")}, false) AS is_advanced,
               coalesce({_rank("a.stage")} < {_rank("b.stage")}, false) AS is_regressed,
               coalesce(a.stage = $suspended AND b.stage <> $suspended, false) AS is_suspended,
               a.project_key IS NOT NULL AND b.project_key IS NOT NULL AND (
                   (a.investment_wan IS NULL) <> (b.investment_wan IS NULL)
                   OR coalesce(abs(a.investment_wan - b.investment_wan)
                               >= greatest(abs(b.investment_wan) * $share, $wan), false)
               ) AS is_investment_changed,
               b.r AS before_order
        FROM a FULL JOIN b ON a.project_key = b.project_key
    )
    SELECT * FROM joined
    WHERE is_new OR is_vanished OR is_advanced OR is_regressed OR is_suspended OR is_investment_changed
"""
# Each list in one pass over the changed projects: its projects in the list's order (new and vanished ones by
# key, the others in the earlier ledger's order, or largest first), how many it holds, the first `limit` kept;
# then the kept projects' fields, from the later snapshot's row (the earlier one's for a vanished project).
_LISTS = f"""
    WITH changed AS ({{changed}}),
    listed AS (
        SELECT c.*, k.kind
        FROM changed AS c JOIN (SELECT unnest($kinds) AS kind) AS k
          ON (k.kind = 'new' AND c.is_new) OR (k.kind = 'advanced' AND c.is_advanced)
          OR (k.kind = 'regressed' AND c.is_regressed) OR (k.kind = 'suspended' AND c.is_suspended)
          OR (k.kind = 'investment_changed' AND c.is_investment_changed) OR (k.kind = 'vanished' AND c.is_vanished)
    ),
    ranked AS (
        SELECT *, count(*) OVER (PARTITION BY kind) AS kind_total,
               row_number() OVER (PARTITION BY kind ORDER BY {{order}}) AS kind_rank
        FROM listed
    ),
    kept AS (SELECT * FROM ranked WHERE $limit IS NULL OR kind_rank <= $limit)
    SELECT {", ".join("p." + c for c in _COLUMNS)}, k.* EXCLUDE (project_key, investment_wan, r)
    FROM kept AS k JOIN projects AS p ON p.rowid = k.r
    WHERE p.rowid IN (SELECT r FROM kept)
    ORDER BY k.kind, k.kind_rank
"""
_LEDGER_ORDER = "CASE WHEN kind IN ('new', 'vanished') THEN NULL ELSE before_order END NULLS FIRST, project_key"
_LARGEST_FIRST = "investment_wan DESC NULLS LAST, project_key"


@dataclass(frozen=True)
class Changes:
    """The change lists (one per KINDS) between two snapshots: each list's projects and how many it holds."""

    lists: dict[str, pd.DataFrame]  # kind → its projects (the first `limit` when since() was given one)
    counts: dict[str, int]  # kind → how many projects the whole list holds

    def __getitem__(self, kind: str) -> pd.DataFrame:
        return self.lists[kind]


_PAIR = [*_COLUMNS, "stage_before", "investment_wan_before"]
_FIELDS = {
    "new": _COLUMNS, "advanced": _PAIR, "regressed": _PAIR, "suspended": _PAIR,
    "investment_changed": [*_PAIR, "investment_delta"], "vanished": _COLUMNS,
}  # fmt: skip


def _changed(con: duckdb.DuckDBPyConnection, snapshot_id: int, earlier_id: int) -> str:
    """The SQL of the changed projects between the two snapshots (parameters: _params)."""
    repeats = dict(
        con.execute(
            "SELECT snapshot_id, coalesce(repeated_keys, 1) FROM snapshots WHERE snapshot_id IN (?, ?)",
            [snapshot_id, earlier_id],
        ).fetchall()
    )

    def side(name: str, snapshot: int) -> str:
        return _SIDE.format(side=name, first_of_key=_FIRST_OF_KEY if repeats.get(snapshot, 1) else "")

    return _SINCE.format(earlier=side("earlier", earlier_id), later=side("snapshot", snapshot_id))


def _params(snapshot_id: int, filters: Filters, earlier_id: int, **more: object) -> dict:
    return filters.params(
        snapshot_id, earlier=earlier_id, suspended=SUSPENDED, share=INVESTMENT_CHANGE_SHARE, wan=INVESTMENT_CHANGE_WAN,
        **more,
    )  # fmt: skip


def since(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, earlier_id: int, limit: int | None = None,
    largest_first: bool = False, kinds: tuple[str, ...] = KINDS,
) -> Changes:  # fmt: skip
    """Change lists (those of `kinds`, every one of KINDS by default) from an earlier snapshot to this one, within
    the filters.

    Matched and compared in DuckDB by compare()'s rules. New and vanished projects are listed by key, the others
    in the earlier ledger's order (largest planned investment first with `largest_first`); with `limit` only each
    list's first projects reach Python, and `counts` still says how many each holds.
    """
    params = _params(snapshot_id, filters, earlier_id, kinds=list(kinds), limit=limit)
    order = _LARGEST_FIRST if largest_first else _LEDGER_ORDER
    found = con.execute(_LISTS.format(changed=_changed(con, snapshot_id, earlier_id), order=order), params).df()
    lists, totals = {}, {}
    for kind in kinds:
        rows = found[found["kind"] == kind]
        lists[kind] = rows[_FIELDS[kind]].reset_index(drop=True)
        totals[kind] = int(rows["kind_total"].iloc[0]) if len(rows) else 0
    return Changes(lists, totals)


_COUNTS = """
    WITH changed AS ({changed})
    SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_advanced), count(*) FILTER (WHERE is_regressed),
           count(*) FILTER (WHERE is_suspended), count(*) FILTER (WHERE is_investment_changed),
           count(*) FILTER (WHERE is_vanished)
    FROM changed
"""


def counts(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, earlier_id: int) -> dict[str, int]:
    """How many projects each change list (KINDS) holds: since()'s counts without reading any list's rows."""
    row = con.execute(
        _COUNTS.format(changed=_changed(con, snapshot_id, earlier_id)), _params(snapshot_id, filters, earlier_id)
    ).fetchone()
    return dict(zip(KINDS, (int(n) for n in row), strict=True))


def compare(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Change lists between two snapshots' projects, matched on the stable project_key."""
    a = before.drop_duplicates("project_key").set_index("project_key")
    b = after.drop_duplicates("project_key").set_index("project_key")
    both = a.index.intersection(b.index)
    joined = b.loc[both, _COLUMNS[1:]].join(a.loc[both, ["stage", "investment_wan"]], suffixes=("", "_before"))
    rank_after = joined["stage"].map(RANK)
    rank_before = joined["stage_before"].map(RANK)
    became_suspended = (joined["stage"] == SUSPENDED) & (joined["stage_before"] != SUSPENDED)
    delta = joined["investment_wan"] - joined["investment_wan_before"]
    threshold = (joined["investment_wan_before"].abs() * INVESTMENT_CHANGE_SHARE).clip(lower=INVESTMENT_CHANGE_WAN)
    money = (delta.abs() >= threshold) | (joined["investment_wan"].isna() != joined["investment_wan_before"].isna())
    return {
        "new": b.loc[b.index.difference(a.index), _COLUMNS[1:]].reset_index(),
        "advanced": joined[rank_after > rank_before].reset_index(),
        "regressed": joined[(rank_after < rank_before)].reset_index(),
        "suspended": joined[became_suspended].reset_index(),
        "investment_changed": joined[money].assign(investment_delta=delta[money]).reset_index(),
        "vanished": a.loc[a.index.difference(b.index), _COLUMNS[1:]].reset_index(),
    }
