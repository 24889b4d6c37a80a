"""Tandem: the CIO-CMO alignment assessment. Entry point and router: `streamlit run app.py`."""

import streamlit as st

from assessment import uploads

uploads.install()  # first thing: only a signed-in consultant's session may upload a file

from assessment import ui, warmup  # noqa: E402
from assessment.i18n import _  # noqa: E402

# Once per run, before any word is shown: the link's ?lang=, the session's choice, the round's
# default, the browser's locale, else English (see ui.choose_language).
ui.choose_language()
st.set_page_config(page_title=_("Tandem · CIO–CMO alignment"), page_icon="🚲", layout="wide")
warmup.warm_and_freeze()  # first run only: keeps the garbage collector off the start-up heap

ASSESSMENT = [
    st.Page("pages/start.py", title=_("Start"), default=True),
    st.Page("pages/questionnaire.py", title=_("Questionnaire")),
    st.Page("pages/results.py", title=_("Results")),
]
CONSOLE = st.Page("pages/console.py", title=_("Console"))
WORKSHOP = st.Page("pages/workshop.py", title=_("Workshop"))
ADMIN = st.Page("pages/admin.py", title=_("Administration"))
POOL = st.Page("pages/pool.py", title=_("Benchmark pool"))
REFERENCE = [
    st.Page("pages/benchmarks.py", title=_("Benchmarks")),
    st.Page("pages/about.py", title=_("Method")),
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
    ui.language_picker()  # the whole app's language, the questionnaire's words included
    ui.sidebar_links(_("Assessment"), ASSESSMENT)
    if ui.console_signed_in():
        ui.sidebar_links(_("Consultant"), [CONSOLE, WORKSHOP, POOL, ADMIN])
    ui.sidebar_links(_("Reference"), REFERENCE)
    if not ui.console_signed_in():
        st.page_link(CONSOLE, label=_("Consultant sign-in"))
    elif st.button(_("Sign out of the console"), key="console_sign_out"):
        ui.console_sign_out()
        st.rerun()
    st.caption(_("Tandem measures how well IT and marketing work together, and where they disagree."))
    if record is not None:
        st.caption(
            _("Answering as {side} · {role}").format(side=ui.side_label(record.side), role=ui.role_label(record.role))
        )
    ui.console_cookie()  # last in the sidebar, so the page's own elements keep their places
navigation.run()
