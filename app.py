"""Entry point: page navigation, nothing else. Run with `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Interview trainer", page_icon="🎯", layout="wide")

pages = [
    st.Page("app_pages/bank_browser.py", title="Question bank / 题库", icon="📚", default=True),
]
st.navigation(pages).run()
