"""招商项目看板 — entry point: page setup and navigation (the pages do the drawing)."""

from __future__ import annotations

import streamlit as st

from analytics.i18n import t
from pages.context import PAGES, language, page_setup

page_setup()

lang = language()
# The menu is drawn by each page's sidebar (pages/context.py), so navigation itself stays hidden.
navigation = st.navigation(
    [
        st.Page(script, title=t(key, lang), icon=icon, url_path=path, default=(i == 0))
        for i, (script, key, icon, path) in enumerate(PAGES)
    ],
    position="hidden",
)
navigation.run()
