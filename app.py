"""Tandem: the CIO-CMO alignment assessment. Entry point and router: `streamlit run app.py`."""

import streamlit as st

from assessment import uploads

uploads.install()  # first thing: only a signed-in consultant's session may upload a file

from assessment import ui, ui_signin, warmup  # noqa: E402

st.set_page_config(page_title="Tandem · CIO–CMO alignment", page_icon="🚲", layout="wide")
warmup.warm_and_freeze()  # first run only: keeps the garbage collector off the start-up heap

# Navigation by role. Signed out, every consultant page is still routable, so that a direct link
# shows its sign-in and nothing else; once signed in, a consultant's navigation holds the console
# and the workshop, an administrator's also the pool and the administration pages. The sidebar is
# Tandem's own (position "hidden"): it never shows Streamlit's file-name list, which a first visit
# to a deep link would otherwise draw, and assessment pages stay routable for join links.
ui.get_store()  # fail early, with a clear message, if the database cannot be opened
account = ui_signin.current_account()
# A signed-in consultant's home is the console (where the provider's sign-in returns to), unless
# the link is a respondent's: a join code or a personal link.
console_home = account is not None and not (st.query_params.get("join") or st.query_params.get(ui.PARAM))
ASSESSMENT = [
    st.Page("pages/start.py", title="Start", default=not console_home),
    st.Page("pages/questionnaire.py", title="Questionnaire"),
    st.Page("pages/results.py", title="Results"),
]
CONSOLE = st.Page("pages/console.py", title="Console", default=console_home)
WORKSHOP = st.Page("pages/workshop.py", title="Workshop")
ADMIN = st.Page("pages/admin.py", title="Administration")
POOL = st.Page("pages/pool.py", title="Benchmark pool")
REFERENCE = [
    st.Page("pages/benchmarks.py", title="Benchmarks"),
    st.Page("pages/about.py", title="Method"),
]
consultant_pages = [CONSOLE, WORKSHOP, POOL, ADMIN] if account is None or account.is_admin else [CONSOLE, WORKSHOP]
navigation = st.navigation([*ASSESSMENT, *consultant_pages, *REFERENCE], position="hidden")
ui.register_questionnaires()
ui.backup_schedule()
record = ui.current_respondent()
with st.sidebar:
    # The respondent's own round's questionnaire (an older version may exist in fewer languages).
    ui.language_picker(ui.questionnaire_for(ui.get_store().round(record.round_id)) if record else ui.current_questionnaire())
    if account is None:
        ui.sidebar_links("Assessment", ASSESSMENT)
    else:
        ui.sidebar_links("Consultant", consultant_pages)
    ui.sidebar_links("Reference", REFERENCE)
    if account is None:
        st.page_link(CONSOLE, label="Consultant sign-in")
    else:
        st.caption(f"Signed in as {ui.md_escape(account.label)} ({account.role})")
        if st.button("Sign out", key="console_sign_out"):
            ui_signin.sign_out(account)
            st.rerun()
    st.caption("Tandem measures how well IT and marketing work together, and where they disagree.")
    if record is not None:
        st.caption(f"Answering as {ui.side_label(record.side)} · {record.role}")
    ui_signin.console_cookie()  # last in the sidebar, so the page's own elements keep their places
navigation.run()
