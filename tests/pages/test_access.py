"""AppTest of access: a viewer browses but changes nothing; an analyst signs in (throttled, timed out, audited);
spreadsheet, file and comment text shows as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store.connection import connect
from analytics.store.imports import import_bytes
from tests.fixtures.ledgers import HOSTILE_COMMENT, HOSTILE_FILE, HOSTILE_NAME, hostile_names_xlsx, title_rows_xlsx
from tests.pages.apptest import ANALYST, PASSWORD, create_analyst, open_database, open_page, rendered, sign_in

PAGES = ["overview", "review", "targets", "projects", "meeting", "data"]
# The keys of every widget that changes something, on whichever page it lives.
ANALYST_WIDGETS = {
    "uploads", "make_active", "back_to_newest", "download_original", "targets_save", "targets_editor_2024",
    "comment_department", "comment_text", "comment_submit", "audit_actions",
}  # fmt: skip
# A Markdown link or image whose brackets were not escaped: "[text](" with no backslash before "[" or "]".
LIVE_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")


def widget_keys(at: AppTest) -> set[str]:
    """The user keys of every element drawn (widgets, tables, charts), sidebar included."""
    found: set[str] = set()

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
        key = getattr(node, "key", None)
        if key:
            found.add(key)

    walk(at._tree)
    return found


def markdown_texts(at: AppTest) -> list[str]:
    """Every text an element reads as Markdown: titles, headers, captions, markdown, alerts, widget labels."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "success",
                                  "warning", "error") for e in at.get(kind)]  # fmt: skip
    widgets = [*at.selectbox, *at.button, *at.text_input, *at.multiselect, *at.pills, *at.segmented_control]
    return texts + [w.label for w in widgets]


def _open(page: str, **query: str) -> AppTest:
    at = open_page(page, **query)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_sees_no_analyst_action(sample_db: Path, page: str) -> None:
    create_analyst()  # an account exists; the visitor has not signed in
    at = _open(page, project="x") if page == "projects" else _open(page)
    assert widget_keys(at) & ANALYST_WIDGETS == set()
    assert not at.get("file_uploader") and not at.get("download_button") or page == "projects"
    if page == "projects":  # the Projects page's Excel export is for everyone: it writes text safely
        assert [b.proto.label for b in at.get("download_button")] == ["导出当前清单（Excel）"]
    if page != "meeting":  # the meeting page has no sidebar: it changes nothing
        assert at.button(key="sign_in_submit").label == "登录"


def test_the_pages_say_once_that_analyst_actions_need_a_sign_in(sample_db: Path) -> None:
    data = _open("data")
    assert [i.value for i in data.info] == ["上传、导入、切换快照和下载原始文件需要分析员登录（侧栏）。"]
    targets = _open("targets")
    assert "修改目标需要分析员登录（侧栏）。" in [i.value for i in targets.info]
    projects = _open("projects")
    assert "添加意见需要分析员登录（侧栏）。" in [c.value for c in projects.caption]


def test_after_signing_in_the_analyst_actions_appear(sample_db: Path) -> None:
    create_analyst()
    keys = {}
    for page in ("data", "targets", "projects"):
        at = _open(page)
        sign_in(at)
        assert not at.exception
        assert any(c.value == f"已登录：{ANALYST}（分析员）" for c in at.sidebar.caption)
        keys[page] = widget_keys(at)
    assert {"uploads", "make_active", "back_to_newest", "download_original", "audit_actions"} <= keys["data"]
    assert {"targets_save", "targets_editor_2024"} <= keys["targets"]
    assert {"comment_department", "comment_text", "comment_submit"} <= keys["projects"]


def test_a_wrong_password_is_refused_and_audited(sample_db: Path) -> None:
    create_analyst()
    at = _open("data")
    sign_in(at, password="not the password")
    assert "signed_in" not in at.session_state
    assert [e.value for e in at.sidebar.error] == ["用户名或密码不正确。"]
    assert "uploads" not in widget_keys(at)
    with open_database(sample_db) as con:
        rows = con.execute("SELECT who, action, detail->>'reason' FROM audit WHERE action LIKE 'sign_in%'").fetchall()
    assert rows == [(ANALYST, "sign_in_failed", "bad_password")]


def test_five_failures_lock_the_name_out_even_with_the_right_password(sample_db: Path) -> None:
    create_analyst()
    at = _open("overview")
    for _ in range(5):
        sign_in(at, password="wrong password")
    sign_in(at)  # the right password, now refused
    assert "signed_in" not in at.session_state
    assert [e.value for e in at.sidebar.error] == ["登录失败次数过多，请 5 分钟后再试。"]
    # Another session (another browser) cannot try the same name either.
    other = _open("overview")
    sign_in(other)
    assert "signed_in" not in other.session_state
    with open_database(sample_db) as con:
        reasons = [
            r[0]
            for r in con.execute(
                "SELECT detail->>'reason' FROM audit WHERE action = 'sign_in_failed' ORDER BY audit_id"
            ).fetchall()
        ]
    assert reasons == ["bad_password"] * 5 + ["throttled"] * 2


def test_an_idle_session_is_signed_out(sample_db: Path) -> None:
    create_analyst()
    at = _open("data")
    sign_in(at)
    assert "uploads" in widget_keys(at)
    at.session_state["signed_in"]["last_seen"] -= 31 * 60  # 31 minutes without a rerun
    at.run()
    assert "signed_in" not in at.session_state
    assert "uploads" not in widget_keys(at)
    assert "超过 30 分钟无操作，已自动退出。" in [c.value for c in at.sidebar.caption]
    with open_database(sample_db) as con:
        last = con.execute("SELECT action, detail->>'reason' FROM audit ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert last == ("sign_out", "timeout")


def test_without_an_account_the_sidebar_says_how_to_make_one(sample_db: Path) -> None:
    at = _open("overview")
    assert "sign_in_submit" not in widget_keys(at)
    assert any("python -m analytics user add" in rendered(c.value) for c in at.sidebar.caption)


def test_viewing_can_require_a_sign_in(sample_db: Path) -> None:
    create_analyst(name="书记", role="viewer")
    at = open_page("overview", secrets={"access": {"require_sign_in": True}})
    assert not at.exception
    assert [i.value for i in at.info] == ["查看看板需要先登录（侧栏）。"]
    assert not at.metric and not at.get("plotly_chart")
    sign_in(at, name="书记")
    assert not at.exception
    assert at.metric and at.title[0].value == "招商项目储备总览"
    assert "uploads" not in widget_keys(at.switch_page("pages/data.py").run())  # a viewer account changes nothing


def test_an_oidc_identity_signs_in_without_a_password(sample_db: Path) -> None:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.secrets["access"] = {"analyst_emails": ["wang@town.gov.cn"]}
    at.user = {"is_logged_in": True, "email": "wang@town.gov.cn", "name": "王芳"}  # as st.login leaves it
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert "uploads" in widget_keys(at) and "sign_in_submit" not in widget_keys(at)
    with open_database(sample_db) as con:
        assert con.execute("SELECT who, detail->>'via' FROM audit WHERE action = 'sign_in'").fetchall() == [
            ("wang@town.gov.cn", "oidc")
        ]


def _hostile_snapshot(db: Path) -> tuple[str, int]:
    con = connect(db)
    try:
        snapshot = import_bytes(con, hostile_names_xlsx(), HOSTILE_FILE, who="王芳").snapshot_id
        key = con.execute(
            "SELECT project_key FROM projects WHERE snapshot_id = ? AND project_name = ?", [snapshot, HOSTILE_NAME]
        ).fetchone()[0]
    finally:
        con.close()
    return key, snapshot


def test_injected_markdown_in_names_and_file_names_shows_as_typed(sample_db: Path) -> None:
    key, snapshot = _hostile_snapshot(sample_db)
    at = _open("projects", project=key)
    texts = markdown_texts(at)
    assert not [t for t in texts if LIVE_LINK.search(t) or "**bold**" in t or "<img" in t or ":material/" in t]
    assert rendered(at.subheader[0].value) == HOSTILE_NAME
    assert f"来源 {HOSTILE_FILE}）" in rendered(at.caption[0].value)  # the "数据截至…来源" line under the title
    assert any(f"来源：{HOSTILE_FILE} · 工作表「台账」" in rendered(c.value) for c in at.caption)
    # Table cells are text: the list, the detail.
    assert HOSTILE_NAME in at.dataframe[0].value.iloc[:, 0].tolist()
    for page in ("overview", "review", "targets", "data"):
        other = _open(page)
        assert not [t for t in markdown_texts(other) if LIVE_LINK.search(t)], page
        if page != "targets":  # the targets page's caption comes after its title only when targets exist
            assert f"（快照 {snapshot}，来源 {HOSTILE_FILE}）" in rendered(other.caption[0].value)


def test_an_uploaded_file_name_and_a_comment_show_as_typed_and_are_audited(sample_db: Path) -> None:
    create_analyst()
    at = _open("data")
    sign_in(at)
    at.file_uploader(key="uploads").set_value((HOSTILE_FILE, title_rows_xlsx(), "application/octet-stream")).run()
    assert not at.exception
    assert rendered(at.subheader[0].value) == HOSTILE_FILE and "\\[" in at.subheader[0].value
    at.button(key=next(k for k in widget_keys(at) if k.startswith("commit_"))).click().run()
    assert any(s.value.startswith("已保存为快照") for s in at.success)

    key, _ = _hostile_snapshot(sample_db)
    projects = _open("projects", project=key)
    sign_in(projects)
    projects.text_input(key="comment_department").input("住建局")
    projects.text_area(key="comment_text").input(HOSTILE_COMMENT)
    projects.button(key="comment_submit").click().run()
    assert not projects.exception
    shown = next(d.value for d in projects.dataframe if "意见" in d.value.columns)
    assert shown[["部门", "填写人", "意见"]].values.tolist() == [["住建局", ANALYST, HOSTILE_COMMENT]]
    assert not [t for t in markdown_texts(projects) if LIVE_LINK.search(t)]

    with open_database(sample_db) as con:
        trail = con.execute(
            "SELECT who, action, target FROM audit WHERE who = ? ORDER BY audit_id", [ANALYST]
        ).fetchall()
    assert [a for _, a, _ in trail] == ["sign_in", "upload", "commit", "sign_in", "comment"]
    assert trail[1][2] == HOSTILE_FILE and trail[4][2] == HOSTILE_NAME


def test_the_commit_records_the_signed_in_name_not_a_typed_one(sample_db: Path) -> None:
    create_analyst()
    at = _open("data")
    sign_in(at)
    assert "导入人" not in [t.label for t in at.text_input]
    at.file_uploader(key="uploads").set_value(("周报.xlsx", title_rows_xlsx(), "application/octet-stream")).run()
    at.button(key=next(k for k in widget_keys(at) if k.startswith("commit_"))).click().run()
    with open_database(sample_db) as con:
        assert con.execute("SELECT created_by FROM snapshots ORDER BY snapshot_id DESC LIMIT 1").fetchone() == (
            ANALYST,
        )


def test_the_audit_log_on_the_data_page_filters_by_action(sample_db: Path) -> None:
    create_analyst()
    at = _open("data")
    sign_in(at, password="wrong password")
    sign_in(at, password=PASSWORD)
    at.multiselect(key="audit_actions").set_value(["sign_in_failed"]).run()
    log = next(d.value for d in at.dataframe if "动作" in d.value.columns)
    assert log["动作"].tolist() == ["登录失败"] and log["操作人"].tolist() == [ANALYST]


def test_meeting_mode_offers_the_sign_in_when_viewing_needs_one(sample_db: Path) -> None:
    create_analyst(name="书记", role="viewer")
    at = open_page("meeting", secrets={"access": {"require_sign_in": True}})
    assert not at.exception and not at.get("plotly_chart")
    sign_in(at, name="书记")
    assert not at.exception
    assert at.get("plotly_chart")  # the first slide's chart
