"""What changed between two snapshots (since the last meeting): new, advanced, back or suspended,
investment changes over a threshold, vanished."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.domain import RANK, SUSPENDED
from analytics.metrics.filters import IN_FILTERS, Filters

# An investment change is worth reporting when it moves by at least this share and this many 万元.
INVESTMENT_CHANGE_SHARE = 0.10
INVESTMENT_CHANGE_WAN = 500.0
KINDS = ("new", "advanced", "regressed", "suspended", "investment_changed", "vanished")
_COLUMNS = ["project_key", "project_name", "investor", "industry", "stage", "investment_wan", "signed_date", "is_key"]


# A ledger listing a project twice is compared on its first row. Most snapshots repeat no key (the store counts
# them on write, snapshots.repeated_keys), and then the costly de-duplication is left out. Projects are matched
# on their number and compared on their stage's rank (both stored on write, analytics/store/derived.py): a join
# of integers, where the text key and the stage's words cost several times as much at a million rows. Only
# these narrow columns go through the join; the listed projects' other fields are read at the end, by row.
_SIDE = f"""(
    SELECT p.project_no, p.stage_rank, p.investment_wan, p.rowid AS r{{key}}
    FROM projects AS p
    WHERE p.snapshot_id = ${{side}} AND {IN_FILTERS}
    {{first_of_key}}
)"""
_FIRST_OF_KEY = "QUALIFY row_number() OVER (PARTITION BY p.project_no ORDER BY p.rowid) = 1"
# compare()'s rules for a project in both snapshots (a: the later one, b: the earlier one). A flag may be NULL
# (a suspended side has no rank, a missing amount no change): every use takes NULL as "not in the list".
_FLAGS = {
    "advanced": "a.stage_rank > b.stage_rank",
    "regressed": "a.stage_rank < b.stage_rank",
    "suspended": "(a.stage_rank IS NULL AND b.stage_rank IS NOT NULL)",
    "investment_changed": """(
        (a.investment_wan IS NULL) <> (b.investment_wan IS NULL)
        OR abs(a.investment_wan - b.investment_wan) >= greatest(abs(b.investment_wan) * $share, $wan)
    )""",
}
_MATCHED_KINDS = tuple(_FLAGS)
_ONE_SIDED = {"new": ("later", "earlier"), "vanished": ("earlier", "later")}  # kind → (listed side, other side)

# Every list is (kind, kind_total, matched, rows): how many projects it holds and its first `limit` row ids in
# order. A matched list (a project in both snapshots) holds the earlier snapshot's rows; a one-sided list holds
# the rows shown (the later one's, the earlier one's for a vanished project). The matched lists come out of one
# aggregate over the join, each kept with FILTER: a condition on both sides in a WHERE would become part of the
# join's condition, which DuckDB evaluates several times slower than this; and only one row id per list goes
# into the aggregate, where a second top-n (the later row) would cost about as much as the join's count.
_MATCHED = """
    SELECT {lists}
    FROM {later} AS a JOIN {earlier} AS b USING (project_no)
"""
_ONE_SIDE = """
    SELECT a.r, a.investment_wan{key} FROM {this} AS a ANTI JOIN {other} AS b USING (project_no)
"""
# The lists' orders: the earlier ledger's (its row, unique), by key, or largest planned investment first (the
# later side's, else the earlier side's), ties by key.
_BY_KEY = "c.project_key"
_LARGEST_FIRST = "{{'missing': {amount} IS NULL, 'less': -coalesce({amount}, 0), 'key': {key}}}"
# The first statement: each list's count and its rows in order, a matched row with its project's number.
_LISTS = """
    WITH {parts},
    lists AS ({lists}),
    kept AS (
        SELECT kind, matched, unnest(rows) AS listed, generate_subscripts(rows, 1) AS place FROM lists
    ),
    numbered AS (
        SELECT e.rowid AS listed, e.project_no FROM projects AS e
        WHERE e.rowid IN (SELECT listed FROM kept WHERE matched)
    )
    SELECT l.kind, l.kind_total, l.matched, k.listed, n.project_no
    FROM lists AS l LEFT JOIN kept AS k USING (kind) LEFT JOIN numbered AS n ON l.matched AND n.listed = k.listed
    ORDER BY l.kind, k.place
"""
# The second: a matched project's row in the later snapshot, looked up by the numbers listed. Given as values,
# not as the first statement's table, the few numbers are what DuckDB builds its join on; as a table it built
# on the million rows of the later side instead.
_LATER_OF = "SELECT a.project_no, a.r FROM {later} AS a WHERE a.project_no IN (SELECT unnest($numbers::INTEGER[]))"
# The third: the rows shown and the earlier rows beside them, read by row id (in the lists' order).
_SHOWN = f"""
    WITH placed AS (
        SELECT unnest($kinds::VARCHAR[]) AS kind, unnest($rows::BIGINT[]) AS r, unnest($before::BIGINT[]) AS before_r,
               generate_subscripts($kinds::VARCHAR[], 1) AS place
    )
    SELECT {", ".join("p." + c for c in _COLUMNS)}, e.stage AS stage_before, e.investment_wan AS investment_wan_before,
           p.investment_wan - e.investment_wan AS investment_delta, k.kind
    FROM placed AS k
    JOIN (SELECT p.rowid AS r, p.* FROM projects AS p WHERE p.rowid IN (SELECT r FROM placed)) AS p USING (r)
    LEFT JOIN (
        SELECT e.rowid AS before_r, e.stage, e.investment_wan FROM projects AS e
        WHERE e.rowid IN (SELECT before_r FROM placed)
    ) AS e USING (before_r)
    ORDER BY k.place
"""
# A one-sided list's key, read by row for its projects only (the key sorts it).
_KEYED = """
    SELECT c.*, p.project_key FROM {kind}_rows AS c JOIN projects AS p ON p.rowid = c.r
    WHERE p.rowid IN (SELECT r FROM {kind}_rows)
"""


def _first(row: str, order: str | None, limit: int | None, flag: str | None = None) -> str:
    """SQL of a list's first `limit` row ids in an order, by default the rows' own (all of them without a limit),
    of the rows a flag keeps."""
    kept = f" FILTER (WHERE {flag})" if flag else ""
    if limit is None:
        return f"coalesce(list({row} ORDER BY {order or row}){kept}, [])"
    if order is None:  # a top-n of the values themselves: several times cheaper than min_by's
        return f"coalesce(min({row}, $limit){kept}, [])"
    return f"coalesce(min_by({row}, {order}, $limit){kept}, [])"


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


def _sides(con: duckdb.DuckDBPyConnection, snapshot_id: int, earlier_id: int, key: bool = False) -> dict[str, str]:
    """The SQL of the later and the earlier side (parameters: _params), with each row's key if asked for."""
    repeats = dict(
        con.execute(
            "SELECT snapshot_id, coalesce(repeated_keys, 1) FROM snapshots WHERE snapshot_id IN (?, ?)",
            [snapshot_id, earlier_id],
        ).fetchall()
    )

    def side(name: str, snapshot: int) -> str:
        first_of_key = _FIRST_OF_KEY if repeats.get(snapshot, 1) else ""
        return _SIDE.format(side=name, first_of_key=first_of_key, key=", p.project_key" if key else "")

    return {"later": side("snapshot", snapshot_id), "earlier": side("earlier", earlier_id)}


def _params(snapshot_id: int, filters: Filters, earlier_id: int, money: bool = True, **more: object) -> dict:
    """The parameters of the comparison's SQL: with `money`, the thresholds of an investment change."""
    thresholds = {"share": INVESTMENT_CHANGE_SHARE, "wan": INVESTMENT_CHANGE_WAN} if money else {}
    return filters.params(snapshot_id, earlier=earlier_id, **thresholds, **more)


def _lists_sql(sides: dict[str, str], kinds: tuple[str, ...], limit: int | None, largest_first: bool) -> str:
    """since()'s first statement: the matched lists from one join, the new and the vanished ones from anti-joins,
    each only when asked for (sides: _sides(), with the key when the lists are largest first)."""
    parts, lists = [], []
    matched = [kind for kind in _MATCHED_KINDS if kind in kinds]
    if matched:
        amount = "coalesce(a.investment_wan, b.investment_wan)"
        order = _LARGEST_FIRST.format(amount=amount, key="a.project_key") if largest_first else None
        columns = []
        for kind in matched:
            columns.append(f"count(*) FILTER (WHERE {_FLAGS[kind]}) AS {kind}_total")
            columns.append(f"{_first('b.r', order, limit, _FLAGS[kind])} AS {kind}_rows")
            lists.append(
                f"SELECT '{kind}' AS kind, {kind}_total AS kind_total, true AS matched, {kind}_rows AS rows FROM matched"
            )
        parts.append(f"matched AS ({_MATCHED.format(lists=', '.join(columns), **sides)})")
    for kind, (this, other) in _ONE_SIDED.items():
        if kind in kinds:
            parts.append(
                f"{kind}_rows AS MATERIALIZED ({_ONE_SIDE.format(this=sides[this], other=sides[other], key='')})"
            )
            parts.append(f"{kind}_keyed AS ({_KEYED.format(kind=kind)})")
            order = _LARGEST_FIRST.format(amount="c.investment_wan", key="c.project_key") if largest_first else _BY_KEY
            lists.append(
                f"SELECT '{kind}' AS kind, count(*) AS kind_total, false AS matched, {_first('c.r', order, limit)} AS rows "
                f"FROM {kind}_keyed AS c"
            )
    return _LISTS.format(parts=",\n".join(parts), lists=" UNION ALL ".join(lists))


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
    money = "investment_changed" in kinds
    params = _params(snapshot_id, filters, earlier_id, money, **({} if limit is None else {"limit": limit}))
    sides = _sides(con, snapshot_id, earlier_id, key=largest_first)
    found = con.execute(_lists_sql(sides, kinds, limit, largest_first), params).fetchall()
    totals = {kind: 0 for kind in kinds} | {kind: int(total) for kind, total, *_ in found}
    numbers = [number for *_, number in found if number is not None]
    later_of = {}
    if numbers:
        lookup = _LATER_OF.format(later=sides["later"])
        later_of = dict(con.execute(lookup, filters.params(snapshot_id, numbers=numbers)).fetchall())
    placed = [
        (kind, later_of[number], listed) if matched else (kind, listed, None)
        for kind, _, matched, listed, number in found
        if listed is not None
    ]
    listed_kinds, rows, before = (list(column) for column in zip(*placed, strict=True)) if placed else ([], [], [])
    shown = con.execute(_SHOWN, {"kinds": listed_kinds, "rows": rows, "before": before}).df()
    lists = {}
    for kind in kinds:
        lists[kind] = shown[shown["kind"] == kind][_FIELDS[kind]].reset_index(drop=True)
    return Changes(lists, totals)


# The projects in both snapshots are counted by kind in one join; new = the later side's projects not matched,
# vanished = the earlier side's, so neither needs an anti-join.
_COUNTS = f"""
    WITH matched AS (
        SELECT count(*) AS n, {", ".join(f"count(*) FILTER (WHERE {flag})" for flag in _FLAGS.values())}
        FROM {{later}} AS a JOIN {{earlier}} AS b USING (project_no)
    )
    SELECT (SELECT count(*) FROM {{later}}) - n, matched.* EXCLUDE (n), (SELECT count(*) FROM {{earlier}}) - n
    FROM matched
"""


def counts(con: duckdb.DuckDBPyConnection, snapshot_id: int, filters: Filters, earlier_id: int) -> dict[str, int]:
    """How many projects each change list (KINDS) holds: since()'s counts without reading any list's rows."""
    sql = _COUNTS.format(**_sides(con, snapshot_id, earlier_id))
    row = con.execute(sql, _params(snapshot_id, filters, earlier_id)).fetchone()
    return dict(zip(("new", *_FLAGS, "vanished"), (int(n) for n in row), strict=True))


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
