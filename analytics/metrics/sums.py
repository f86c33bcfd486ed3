"""How the metrics add up amounts (万元) in plain Python, bit for bit as pandas adds them.

Floating-point addition depends on order and grouping, and a total rounded to 4 decimals can land on the other
side of a tie when either changes. The metrics used to add with pandas; the command line now adds without it
(importing pandas alone costs more than a command may take), and pages and command line share these functions.
So each function performs exactly the additions pandas performs, in its order, and the printed figures stay
what they were: a Series' sum is NumPy's pairwise summation, a groupby sum is NumPy's `add.reduceat` over
each group when the groups come in sorted runs without NaN, and pandas' compensated (Kahan) sum otherwise.
tests/metrics/test_sums.py checks both by hand and against pandas.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

_BLOCK = 128  # NumPy's PW_BLOCKSIZE: below it, eight running sums; above it, halves


def _pairwise(values: Sequence[float]) -> float:
    """NumPy's pairwise sum of a contiguous float64 run (numpy/_core/src/umath/loops_utils.h)."""
    n = len(values)
    if n < 8:
        total = -0.0  # NumPy starts here so that a sum of negative zeros stays negative
        for value in values:
            total += value
        return total
    if n <= _BLOCK:
        lanes = list(values[:8])
        i = 8
        while i < n - n % 8:
            for lane in range(8):
                lanes[lane] += values[i + lane]
            i += 8
        total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
        for value in values[i:]:
            total += value
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(values[:half]) + _pairwise(values[half:])


def _is_nan(value: float) -> bool:
    return value != value


def total(values: Iterable[float]) -> float:
    """The sum of amounts, missing (NaN) ones skipped, as pandas' Series.sum() gives it (0.0 when none)."""
    return 0.0 + _pairwise([0.0 if _is_nan(v) else float(v) for v in values])


def _compensated(values: Iterable[float]) -> float:
    """pandas' Kahan sum of one group (pandas/_libs/groupby.pyx group_sum), NaN skipped."""
    running, compensation = 0.0, 0.0
    for value in values:
        if _is_nan(value):
            continue
        y = value - compensation
        t = running + y
        compensation = t - running - y
        if _is_nan(compensation):  # an infinite value: keep the infinity rather than turn it into NaN
            compensation = 0.0
        running = t
    return running


def group_totals(keys: Sequence[Hashable], values: Sequence[float], sort: bool = True) -> dict[Hashable, float]:
    """Amounts summed per key, as pandas' groupby(keys, sort=sort).sum() gives them, in its order of keys."""
    order = sorted(dict.fromkeys(keys)) if sort else list(dict.fromkeys(keys))
    rank = {key: i for i, key in enumerate(order)}
    members: dict[Hashable, list[float]] = {key: [] for key in order}
    for key, value in zip(keys, values, strict=True):
        members[key].append(float(value))
    ids = [rank[key] for key in keys]
    in_runs = all(a <= b for a, b in zip(ids, ids[1:], strict=False))
    if in_runs and not any(_is_nan(value) for run in members.values() for value in run):
        # add.reduceat: each group's first value plus the pairwise sum of the rest
        return {key: run[0] + _pairwise(run[1:]) for key, run in members.items()}
    return {key: _compensated(run) for key, run in members.items()}
