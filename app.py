"""招商项目看板 — entry point: page setup and navigation (the pages do the drawing)."""

from __future__ import annotations

import streamlit as st

from analytics.i18n import t
from analytics.store.connection import DatabaseUnavailable
from pages.context import PAGES, database_trouble, language, page_setup

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
try:
    navigation.run()
except DatabaseUnavailable as problem:  # found mid-page (a corrupt block, a writer that held on too long)
    st.error(database_trouble(problem, lang))
