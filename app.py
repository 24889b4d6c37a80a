"""Tandem: the CIO-CMO alignment assessment. Entry point and router: `streamlit run app.py`."""

import streamlit as st

from assessment import uploads

uploads.install()  # first thing: only a signed-in consultant's session may upload a file

from assessment import ui, ui_signin, warmup  # noqa: E402
from assessment.i18n import _  # noqa: E402

# Once per run, before any word is shown: the link's ?lang=, the session's choice, the round's
# default, the browser's locale, else English (see ui.choose_language).
ui.choose_language()
st.set_page_config(page_title=_("Tandem · CIO–CMO alignment"), page_icon="🚲", layout="wide")
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
    st.Page("pages/start.py", title=_("Start"), default=not console_home),
    st.Page("pages/questionnaire.py", title=_("Questionnaire")),
    st.Page("pages/results.py", title=_("Results")),
]
CONSOLE = st.Page("pages/console.py", title=_("Console"), default=console_home)
WORKSHOP = st.Page("pages/workshop.py", title=_("Workshop"))
ADMIN = st.Page("pages/admin.py", title=_("Administration"))
POOL = st.Page("pages/pool.py", title=_("Benchmark pool"))
REFERENCE = [
    st.Page("pages/benchmarks.py", title=_("Benchmarks")),
    st.Page("pages/about.py", title=_("Method")),
]
consultant_pages = [CONSOLE, WORKSHOP, POOL, ADMIN] if account is None or account.is_admin else [CONSOLE, WORKSHOP]
navigation = st.navigation([*ASSESSMENT, *consultant_pages, *REFERENCE], position="hidden")
record = ui.current_respondent()
ui.go_on_when_done(record)  # joined or finished in the button's callback: nothing drawn here first
ui.register_questionnaires()
ui.backup_schedule()
with st.sidebar:
    ui.language_picker()  # the whole app's language, the questionnaire's words included
    if account is None:
        ui.sidebar_links(_("Assessment"), ASSESSMENT)
    else:
        ui.sidebar_links(_("Consultant"), consultant_pages)
    ui.sidebar_links(_("Reference"), REFERENCE)
    if account is None:
        st.page_link(CONSOLE, label=_("Consultant sign-in"))
    else:
        st.caption(
            _("Signed in as {name} ({role})").format(name=ui.md_escape(account.label), role=ui_signin.role_label(account.role))
        )
        if st.button(_("Sign out"), key="console_sign_out"):
            ui_signin.sign_out(account)
            st.rerun()
    st.caption(_("Tandem measures how well IT and marketing work together, and where they disagree."))
    if record is not None:
        st.caption(
            _("Answering as {side} · {role}").format(side=ui.side_label(record.side), role=ui.role_label(record.role))
        )
    ui_signin.console_cookie()  # last in the sidebar, so the page's own elements keep their places
navigation.run()
