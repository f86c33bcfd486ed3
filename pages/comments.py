"""Department comments (部门补充意见) on one project: the list, newest first, and the form that adds one.

Shown on the project detail and on the meeting's key-project slides. Text is stored as typed and shown as text.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.store.comments import MAX_NAME, MAX_TEXT, CommentRefused, add_comment, comments
from analytics.theme import day
from pages.context import PageContext, connection


def comment_list(ctx: PageContext, project_key: str, key: str) -> None:
    """The project's comments, newest first, as a plain table (nothing in them is read as Markdown)."""
    found = comments(connection(), [project_key])
    if found.empty:
        st.caption(ctx.t("comments.none"))
        return
    table = pd.DataFrame(
        {
            ctx.t("comments.date"): found["comment_date"].map(day),
            ctx.t("comments.department"): found["department"],
            ctx.t("comments.author"): found["author"],
            ctx.t("comments.text"): found["text"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_list")


def comment_form(ctx: PageContext, project_key: str, project_name: str, key: str) -> None:
    """A form to add a comment; on save the lists and the meeting deck show it at once."""
    with st.form(f"{key}_form", clear_on_submit=True):
        left, middle, right = st.columns([2, 2, 1])
        department = left.text_input(ctx.t("comments.department"), max_chars=MAX_NAME, key=f"{key}_department")
        # Whose comment it is (the department head), prefilled with the signed-in analyst who types it in.
        author = middle.text_input(
            ctx.t("comments.author"), value=ctx.user or "", max_chars=MAX_NAME, key=f"{key}_author"
        )
        on = right.date_input(ctx.t("comments.date"), value=date.today(), key=f"{key}_date")
        text = st.text_area(ctx.t("comments.text"), max_chars=MAX_TEXT, key=f"{key}_text")
        if st.form_submit_button(ctx.t("comments.add"), type="primary", key=f"{key}_submit"):
            try:
                add_comment(connection(), project_key, project_name, department, author, text, on, who=ctx.user)
            except CommentRefused as refused:
                field = refused.params.get("field")
                params = {**refused.params, "field": ctx.t(f"comment.field.{field}")} if field else refused.params
                st.error(ctx.t(refused.code, **params))
                return
            st.cache_data.clear()  # the meeting deck carries comments
            st.toast(ctx.t("comments.saved"))
            st.rerun()


def comment_section(ctx: PageContext, project_key: str, project_name: str, key: str) -> None:
    """Heading, list and (for an analyst) the form together."""
    st.subheader(ctx.t("comments.header"))
    comment_list(ctx, project_key, key)
    if not ctx.can("comment"):
        st.caption(ctx.t("access.comment_needs_sign_in"))
        return
    with st.expander(ctx.t("comments.add_title"), expanded=True):
        comment_form(ctx, project_key, project_name, key)
