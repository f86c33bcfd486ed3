"""The cheap test that picks the rows worth classifying in full: every text it must not miss, by hand."""

from __future__ import annotations

import pytest

from analytics.ingest.rows import _suspect_text

MARKERS = ("合计", "小计", "其中")
# (text, may it be a total, footnote, cut-off line or numbered title?)
CASES = [
    ("合计", True),
    ("灯饰照明小计", True),
    ("小計（3个）", True),  # the marker in Traditional script
    ("华艺000001智能照明产业园项目", False),
    ("一、工业项目", True),
    ("二", True),
    ("三 期", True),
    ("一\n", True),
    ("二期扩建项目", False),  # a numeral that starts a name, not an outline number
    ("（3）储能", True),
    ("(十)", True),
    ("第一类", True),
    ("12、芯片", True),
    ("项目12、", False),  # an outline number only counts at the start
    ("abc一、", False),
    ("备注：金额单位万元", True),
    ("填表人:张三", True),
    ("截至2023年12月31日", True),
    ("", False),
]


@pytest.mark.parametrize("nul", [False, True])
def test_suspect_text_finds_each_marker_in_its_own_cell(nul: bool) -> None:
    texts = [text for text, _ in CASES]
    if nul:  # a cell holding a NUL: every text is searched on its own
        texts.append("甲\x00乙")
    found = _suspect_text(texts, MARKERS).tolist()
    assert found[: len(CASES)] == [expected for _, expected in CASES]


def test_a_marker_never_reaches_across_cells() -> None:
    # Side by side, 合 and 计 / 一 and 、 would read as a marker; one cell each, they are not.
    assert _suspect_text(["甲项目合", "计划", "乙一", "、丙"], MARKERS).tolist() == [False, False, False, False]
