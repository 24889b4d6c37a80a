"""Tandem: the CIO-CMO alignment assessment. Entry point and router: `streamlit run app.py`."""

import streamlit as st

from assessment import uploads

uploads.install()  # first thing: only a signed-in consultant's session may upload a file

from assessment import ui, warmup  # noqa: E402

st.set_page_config(page_title="Tandem · CIO–CMO alignment", page_icon="🚲", layout="wide")
warmup.warm_and_freeze()  # first run only: keeps the garbage collector off the start-up heap

ASSESSMENT = [
    st.Page("pages/start.py", title="Start", default=True),
    st.Page("pages/questionnaire.py", title="Questionnaire"),
    st.Page("pages/results.py", title="Results"),
]
CONSOLE = st.Page("pages/console.py", title="Console")
WORKSHOP = st.Page("pages/workshop.py", title="Workshop")
ADMIN = st.Page("pages/admin.py", title="Administration")
POOL = st.Page("pages/pool.py", title="Benchmark pool")
REFERENCE = [
    st.Page("pages/benchmarks.py", title="Benchmarks"),
    st.Page("pages/about.py", title="Method"),
]

# Every page is routable (a direct link to a consultant page shows its sign-in), but the sidebar
# is Tandem's own: it lists consultant pages only to a signed-in consultant, and never shows
# Streamlit's file-name list, which a first visit to a deep link would otherwise draw.
navigation = st.navigation([*ASSESSMENT, CONSOLE, WORKSHOP, POOL, ADMIN, *REFERENCE], position="hidden")
ui.get_store()  # fail early, with a clear message, if the database cannot be opened
ui.register_questionnaires()
ui.backup_schedule()
record = ui.current_respondent()
with st.sidebar:
    # The respondent's own round's questionnaire (an older version may exist in fewer languages).
    ui.language_picker(ui.questionnaire_for(ui.get_store().round(record.round_id)) if record else ui.current_questionnaire())
    ui.sidebar_links("Assessment", ASSESSMENT)
    if ui.console_signed_in():
        ui.sidebar_links("Consultant", [CONSOLE, WORKSHOP, POOL, ADMIN])
    ui.sidebar_links("Reference", REFERENCE)
    if not ui.console_signed_in():
        st.page_link(CONSOLE, label="Consultant sign-in")
    elif st.button("Sign out of the console", key="console_sign_out"):
        ui.console_sign_out()
        st.rerun()
    st.caption("Tandem measures how well IT and marketing work together, and where they disagree.")
    if record is not None:
        st.caption(f"Answering as {ui.side_label(record.side)} · {record.role}")
    ui.console_cookie()  # last in the sidebar, so the page's own elements keep their places
navigation.run()
