"""The change lists worked out in DuckDB (changes.since / counts) against compare()'s rules in pandas, on two
generated snapshots that hold every kind of change, every order and both filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.domain import ALL_STAGES, INDUSTRIES
from analytics.metrics import changes
from analytics.metrics.filters import Filters
from tests.metrics.fixture_projects import database

N = 120


def _snapshots() -> tuple[pd.DataFrame, pd.DataFrame]:
    """An earlier ledger of N projects and a later one: some gone, some new, stages moved (suspended too),
    amounts changed around the thresholds or blanked, industries switched, rows shuffled."""
    rng = np.random.default_rng(17)
    keys = [f"k{i:03d}" for i in range(N)]
    amounts = rng.choice([None, 400.0, 3000.0, 5000.0, 5000.0, 20000.0], N)  # ties: the key breaks them
    before = pd.DataFrame(
        {
            "project_key": keys, "project_name": [k.upper() for k in keys],
            "industry": rng.choice(INDUSTRIES, N), "stage": rng.choice(ALL_STAGES, N),
            "investment_wan": pd.array(amounts, dtype="Float64"),
        }
    ).sample(frac=1, random_state=3)  # fmt: skip
    after = before.copy()
    moved = rng.random(N) < 0.4
    after.loc[moved, "stage"] = rng.choice(ALL_STAGES, moved.sum())
    changed = rng.random(N) < 0.3
    after.loc[changed, "investment_wan"] = after.loc[changed, "investment_wan"] * rng.choice(
        [0.95, 1.2, 2.0], changed.sum()
    )
    after.loc[rng.random(N) < 0.05, "investment_wan"] = None
    switched = rng.random(N) < 0.1
    after.loc[switched, "industry"] = rng.choice(INDUSTRIES, switched.sum())
    after = after[rng.random(N) > 0.1]  # vanished
    new = pd.DataFrame(
        {
            "project_key": [f"n{i:02d}" for i in range(15)], "project_name": [f"N{i:02d}" for i in range(15)],
            "industry": rng.choice(INDUSTRIES, 15), "stage": rng.choice(ALL_STAGES, 15),
            "investment_wan": pd.array(rng.choice([None, 800.0, 9000.0], 15), dtype="Float64"),
        }
    )  # fmt: skip
    after = pd.concat([after, new]).sample(frac=1, random_state=5)
    fields = {"investor": "某公司", "signed_date": pd.NaT, "is_key": False}
    return before.assign(**fields).reset_index(drop=True), after.assign(**fields).reset_index(drop=True)


BEFORE, AFTER = _snapshots()


@pytest.fixture(scope="module")
def con():
    con = database(BEFORE, as_of="2023-06-30", snapshot_id=1)
    return database(AFTER, as_of="2023-12-31", snapshot_id=2, con=con)


def _expected(filters: Filters, largest_first: bool) -> dict[str, list[str]]:
    """Each list's keys in its order, by compare() on each side's projects within the filters."""
    chosen = list(filters.industries)
    before, after = BEFORE[BEFORE["industry"].isin(chosen)], AFTER[AFTER["industry"].isin(chosen)]
    found = changes.compare(before.astype({"investment_wan": float}), after.astype({"investment_wan": float}))
    ledger = {key: place for place, key in enumerate(before["project_key"])}
    lists = {}
    for kind, rows in found.items():
        if largest_first:
            amount = rows["investment_wan"]
            if kind in (
                "advanced",
                "regressed",
                "suspended",
                "investment_changed",
            ):  # the later amount, else the earlier
                amount = amount.fillna(rows["investment_wan_before"])
            ordered = rows.assign(amount=amount).sort_values(
                ["amount", "project_key"], ascending=[False, True], na_position="last"
            )
        elif kind in ("new", "vanished"):
            ordered = rows.sort_values("project_key")
        else:
            ordered = rows.assign(place=rows["project_key"].map(ledger)).sort_values("place")
        lists[kind] = ordered["project_key"].tolist()
    return lists


@pytest.mark.parametrize("filters", [Filters(), Filters(("lighting", "new_it"))], ids=["town", "two industries"])
@pytest.mark.parametrize("largest_first", [False, True], ids=["list order", "largest first"])
def test_since_lists_every_change_in_its_order_as_compare_does(con, filters: Filters, largest_first: bool) -> None:
    expected = _expected(filters, largest_first)
    assert all(expected.values()), "the fixture should hold every kind of change"
    whole = changes.since(con, 2, filters, 1, largest_first=largest_first)
    assert {kind: rows["project_key"].tolist() for kind, rows in whole.lists.items()} == expected
    assert whole.counts == {kind: len(keys) for kind, keys in expected.items()}
    assert changes.counts(con, 2, filters, 1) == whole.counts
    # The first three of each list, and one list alone, are the same lists cut short, with the whole counts.
    first = changes.since(con, 2, filters, 1, limit=3, largest_first=largest_first)
    assert {kind: rows["project_key"].tolist() for kind, rows in first.lists.items()} == {
        kind: keys[:3] for kind, keys in expected.items()
    }
    assert first.counts == whole.counts
    for kind in changes.KINDS:
        alone = changes.since(con, 2, filters, 1, limit=3, largest_first=largest_first, kinds=(kind,))
        assert alone[kind].equals(first[kind]) and alone.counts == {kind: whole.counts[kind]}


def test_since_reads_each_listed_project_from_its_rows(con) -> None:
    found = changes.since(con, 2, Filters(), 1)
    before, after = BEFORE.set_index("project_key"), AFTER.set_index("project_key")
    for kind in ("advanced", "regressed", "suspended", "investment_changed"):
        rows = found[kind].set_index("project_key")
        assert rows["stage"].tolist() == after.loc[rows.index, "stage"].tolist()
        assert rows["stage_before"].tolist() == before.loc[rows.index, "stage"].tolist()
        pd.testing.assert_series_equal(
            rows["investment_wan_before"], before.loc[rows.index, "investment_wan"].astype(float), check_names=False
        )
    money = found["investment_changed"]
    assert (
        money["investment_delta"].dropna() == (money["investment_wan"] - money["investment_wan_before"]).dropna()
    ).all()
    vanished = found["vanished"].set_index("project_key")
    assert vanished["project_name"].tolist() == before.loc[vanished.index, "project_name"].tolist()
