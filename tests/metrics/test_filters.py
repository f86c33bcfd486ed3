"""every_industry: the chosen industries × keys in order, zeros where a grouped query found nothing."""

from __future__ import annotations

import math

from analytics.metrics.filters import Filters, every_industry


def test_every_chosen_industry_and_key_in_order_with_zeros() -> None:
    found = [("other", "b", 2, 1.5), ("lighting", "a", 1, None), ("new_it", "a", 9, 9.0), ("other", "a", 3, math.nan)]
    rows = every_industry(found, Filters(("other", "lighting")), ("a", "b"))
    # Filters keep the town's order (lighting first); new_it was not chosen; None and NaN sums count 0.
    assert rows == [
        ("lighting", "a", 1, 0.0),
        ("lighting", "b", 0, 0.0),
        ("other", "a", 3, 0.0),
        ("other", "b", 2, 1.5),
    ]
    assert all(type(count) is int and type(amount) is float for _, _, count, amount in rows)
