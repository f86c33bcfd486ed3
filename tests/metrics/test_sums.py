"""The metrics' additions: worked out by hand where order shows, and checked against pandas on random amounts."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.metrics.sums import group_totals, total

BIG = 1e16  # above 2**53 the spacing of doubles is 2: BIG + 1 is a tie and rounds back to BIG (even)


def test_a_short_sum_adds_left_to_right() -> None:
    assert total([0.1, 0.2, 0.3]) == 0.6000000000000001  # (0.1 + 0.2) + 0.3; 0.1 + (0.2 + 0.3) is 0.6
    assert total([1.0, math.nan, 2.0]) == 3.0  # a missing amount is skipped
    assert total([]) == 0.0


def test_eight_or_more_amounts_are_added_in_eight_lanes() -> None:
    # Lanes: BIG, 1, … 1 (eight values), then the ninth 1 on its own:
    # ((BIG + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = (BIG + 2) + 4 = BIG + 6; BIG + 6 + 1 is a tie → BIG + 8.
    assert total([BIG] + [1.0] * 8) == BIG + 8
    # One after another every + 1 would round away: BIG.
    running = BIG
    for _ in range(8):
        running += 1.0
    assert running == BIG


def test_a_sum_of_negative_zeros_is_zero() -> None:
    assert math.copysign(1, total([-0.0, -0.0])) == 1.0


def test_groups_in_sorted_runs_add_the_rest_to_the_first() -> None:
    # a: BIG + (1 + 1) = BIG + 2 (left to right it would stay BIG); keys sorted, in runs.
    assert group_totals(["a", "a", "a", "b"], [BIG, 1.0, 1.0, 5.0]) == {"a": BIG + 2, "b": 5.0}


def test_interleaved_groups_are_added_with_compensation() -> None:
    # a: BIG, then 1 (rounds away; the compensation keeps -1), then 1 + 1 = 2 is added: BIG + 2.
    assert group_totals(["a", "b", "a", "a"], [BIG, 5.0, 1.0, 1.0]) == {"a": BIG + 2, "b": 5.0}
    # Missing amounts are skipped; a group of them adds up to 0.
    assert group_totals(["a", "b", "a"], [1.5, math.nan, 2.0]) == {"a": 3.5, "b": 0.0}


def test_keys_come_sorted_or_in_first_order() -> None:
    assert list(group_totals(["b", "a", "b"], [1.0, 2.0, 3.0])) == ["a", "b"]
    assert list(group_totals(["b", "a", "b"], [1.0, 2.0, 3.0], sort=False)) == ["b", "a"]


amounts = st.one_of(
    st.floats(-1e12, 1e12, allow_nan=False),
    st.sampled_from([0.0, -0.0, 0.1, 0.2, 0.3, 1e16, 12345.678905, math.nan]),
    st.integers(0, 10**8).map(lambda n: n / 10**6),  # amounts converted from 元 carry six decimals
)


@settings(deadline=None)  # pandas' own call is the slow part on a busy machine
@given(st.lists(amounts, max_size=300))
def test_total_is_what_pandas_sums(values: list[float]) -> None:
    assert total(values).hex() == float(pd.Series(values, dtype="float64").sum()).hex()


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), amounts), min_size=1, max_size=60), st.booleans(), st.booleans())
def test_group_totals_are_what_pandas_sums(pairs: list[tuple[str, float]], sort: bool, in_runs: bool) -> None:
    if in_runs:
        pairs = sorted(pairs, key=lambda pair: pair[0])
    keys, values = [k for k, _ in pairs], [v for _, v in pairs]
    expected = pd.DataFrame({"k": keys, "v": values}).groupby("k", sort=sort)["v"].sum()
    got = group_totals(keys, values, sort=sort)
    assert list(got) == list(expected.index)
    assert [v.hex() for v in got.values()] == [float(v).hex() for v in expected]
