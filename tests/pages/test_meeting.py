"""AppTest of 会议模式: slides in the URL, stepping and jumping, the briefing, comments on key projects."""

from __future__ import annotations

from pathlib import Path

from tests.pages.apptest import open_as_analyst, open_database, open_page


def _headline(at) -> str:
    return next(h.proto.body for h in at.get("html") if "deck-headline" in h.proto.body)


def test_opens_on_the_overview_slide_and_steps(sample_db: Path) -> None:
    at = open_page("meeting")
    assert not at.exception
    assert "全镇储备项目253个、计划总投资655.59亿元" in _headline(at)
    at.button(key="slide_next").click().run()
    assert at.query_params["slide"] == "industry-lighting"
    assert "灯饰照明2023年签约额" in _headline(at)
    at.button(key="slide_prev").click().run()
    assert at.query_params["slide"] == "overview"


def test_a_link_opens_its_slide_and_an_unknown_one_the_first(sample_db: Path) -> None:
    at = open_page("meeting", slide="changes")
    assert not at.exception
    assert "与上期（2023年9月30日）相比：新增11个" in _headline(at)
    at = open_page("meeting", slide="no-such-slide")
    assert "全镇储备项目253个" in _headline(at)


def test_briefing_is_the_cli_briefing(sample_db: Path) -> None:
    at = open_page("meeting")
    briefing = at.code[0].value
    assert briefing.startswith("截至2023年12月31日，全镇储备招商项目253个，计划总投资655.59亿元。")
    assert "2023年新签约项目115个，签约投资额318.74亿元，同比增加113.98亿元" in briefing


def test_english_deck(sample_db: Path) -> None:
    at = open_page("meeting", lang="en")
    assert not at.exception
    assert "253 projects in the reserve" in _headline(at)


def test_a_viewer_sees_comments_but_no_form(sample_db: Path) -> None:
    at = open_page("meeting", slide="key-1")
    assert not at.exception
    assert "slide_comments_department" not in {getattr(e, "key", None) for e in at.text_input}
    assert any("需要分析员登录" in c.value for c in at.caption)


def test_a_comment_added_on_a_key_slide_shows_there_as_typed(sample_db: Path) -> None:
    at = open_as_analyst("overview")  # meeting mode has no sidebar: sign in first, then open the slide
    at.query_params["slide"] = "key-1"
    at.switch_page("pages/meeting.py").run()
    at.text_input(key="slide_comments_department").input("自然资源分局")
    at.text_input(key="slide_comments_author").input("李明")
    at.text_area(key="slide_comments_text").input("**用地**[已上会](javascript:alert(1))")
    at.button(key="slide_comments_submit").click().run()
    assert not at.exception
    with open_database(sample_db) as con:  # the app's own process: same configuration as its connection
        [(text, department)] = con.execute("SELECT text, department FROM comments").fetchall()
    assert (text, department) == ("**用地**[已上会](javascript:alert(1))", "自然资源分局")
    bullets = next(h.proto.body for h in at.get("html") if "deck-bullets" in h.proto.body)
    assert "**用地**[已上会](javascript:alert(1))" in bullets and "<a " not in bullets
