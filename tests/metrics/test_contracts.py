"""The JSON contracts' value rules, from plain query rows and from frames alike."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.metrics.contracts import json_value, number, records, row_records


def test_json_values() -> None:
    assert json_value(None) is None and json_value(math.nan) is None
    assert json_value(date(2024, 3, 1)) == "2024-03-01"
    assert json_value(datetime(2024, 3, 1, 17, 5)) == "2024-03-01"  # a date field shows the day
    assert [json_value(v) for v in ("甲", 0.0, 3, True)] == ["甲", 0.0, 3, True]
    assert (number(None), number(math.nan), number(2.123456), number(7)) == (None, None, 2.1235, 7.0)


def test_row_records_keep_the_asked_fields_in_column_order() -> None:
    rows = [("k1", "甲", None, date(2024, 1, 2), 3), ("k2", "乙", 1.5, None, 4)]
    got = row_records(["project_key", "project_name", "investment_wan", "signed_date", "extra"], rows,
                      ("signed_date", "project_key", "investment_wan"))  # fmt: skip
    assert got == [
        {"project_key": "k1", "investment_wan": None, "signed_date": "2024-01-02"},
        {"project_key": "k2", "investment_wan": 1.5, "signed_date": None},
    ]


def test_frames_give_the_same_records_as_rows() -> None:
    frame = pd.DataFrame(
        {"key": ["a", "b"], "when": pd.to_datetime(["2024-01-02", None]), "n": np.array([1, 2], dtype="int32"),
         "x": [np.nan, 2.5], "flag": [True, False]}
    )  # fmt: skip
    got = records(frame, ("key", "when", "n", "x", "flag"))
    assert got == [
        {"key": "a", "when": "2024-01-02", "n": 1, "x": None, "flag": True},
        {"key": "b", "when": None, "n": 2, "x": 2.5, "flag": False},
    ]
    assert [type(r["n"]) for r in got] == [int, int] and type(got[0]["flag"]) is bool
