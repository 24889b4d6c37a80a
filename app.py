"""Tandem: the CIO-CMO alignment assessment. Entry point and router: `streamlit run app.py`."""

import streamlit as st

from assessment import uploads

uploads.install()  # first thing: only a signed-in consultant's session may upload a file

from assessment import ui  # noqa: E402

st.set_page_config(page_title="Tandem · CIO–CMO alignment", page_icon="🚲", layout="wide")

PAGES = {
    "Assessment": [
        st.Page("pages/start.py", title="Start", default=True),
        st.Page("pages/questionnaire.py", title="Questionnaire"),
        st.Page("pages/results.py", title="Results"),
    ],
    "Consultant": [
        st.Page("pages/console.py", title="Console"),
        st.Page("pages/workshop.py", title="Workshop"),
        st.Page("pages/admin.py", title="Administration"),
    ],
    "Reference": [
        st.Page("pages/benchmarks.py", title="Benchmarks"),
        st.Page("pages/about.py", title="Method"),
    ],
}

navigation = st.navigation(PAGES)
ui.get_store()  # fail early, with a clear message, if the database cannot be opened
ui.register_questionnaires()
ui.backup_schedule()
record = ui.current_respondent()
with st.sidebar:
    st.caption("Tandem measures how well IT and marketing work together, and where they disagree.")
    if record is not None:
        st.caption(f"Answering as **{ui.side_label(record.side)}** · {record.role}")
navigation.run()
