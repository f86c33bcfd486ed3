"""Department comments: stored as typed by the project's stable identity, newest first, refused when empty."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.store.comments import MAX_TEXT, CommentRefused, add_comment, comments
from analytics.store.connection import connect


def test_comments_are_kept_as_typed_newest_first(tmp_path) -> None:
    con = connect(tmp_path / "c.duckdb")
    add_comment(con, "k1", "甲项目", "自然资源分局", "李明", "  <b>用地</b> =1+1  ", date(2024, 1, 2))
    add_comment(con, "k1", "甲项目", "住建局", "王芳", "已办结", date(2024, 1, 5))
    add_comment(con, "k2", "乙项目", "招商办", "赵强", "另一个项目", date(2024, 1, 3))
    mine = comments(con, ["k1"])
    assert mine["text"].tolist() == ["已办结", "<b>用地</b> =1+1"]  # newest first; trimmed, otherwise untouched
    assert comments(con)["project_key"].tolist() == ["k1", "k2", "k1"]
    assert comments(con, ["nobody"]).empty


@pytest.mark.parametrize(
    ("department", "author", "text", "code"),
    [
        (" ", "李明", "x", "comment.empty"),
        ("部门", "", "x", "comment.empty"),
        ("部门", "李明", "x" * (MAX_TEXT + 1), "comment.too_long"),
    ],
)
def test_empty_or_overlong_comments_are_refused(tmp_path, department: str, author: str, text: str, code: str) -> None:
    con = connect(tmp_path / "c.duckdb")
    with pytest.raises(CommentRefused) as refused:
        add_comment(con, "k1", "甲项目", department, author, text)
    assert refused.value.code == code
    assert comments(con).empty
