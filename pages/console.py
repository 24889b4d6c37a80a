"""Consultant console: client organisations, rounds, join codes, live progress, raw export."""

from datetime import date

import pandas as pd
import streamlit as st

from assessment import accounts, i18n, profile, state, ui, ui_round, ui_signin
from assessment.i18n import N_, _
from assessment.store import InvalidInputError
from assessment.text import md_escape

account = ui_signin.require_account()
store = ui.get_store()
questionnaire = ui.current_questionnaire()
st.title(_("Consultant console"))
if account.is_admin:
    ui.branding_section()
    st.page_link(
        "pages/pool.py",
        label=_("Benchmark pool: consent, self-assessments and releases"),
        icon=":material/groups:",
    )

with st.expander(_("New client organisation"), expanded=not accounts.visible(store, account, store.pool.client_organisations())):
    with st.form("console_new_org", clear_on_submit=True):
        name = st.text_input(_("Organisation name"), max_chars=profile.MAX_NAME_LENGTH)
        c1, c2, c3 = st.columns(3)
        industry = c1.selectbox(_("Industry"), profile.INDUSTRIES, format_func=profile.choice_label)
        size_band = c2.selectbox(_("Employees"), profile.SIZE_BANDS, index=1, format_func=profile.choice_label)
        region = c3.selectbox(_("Region"), profile.REGIONS, index=2, format_func=profile.choice_label)
        if st.form_submit_button(_("Create organisation"), type="primary"):
            try:
                org = accounts.create_organisation(store, account, name, industry, size_band, region)
            except InvalidInputError as exc:
                st.error(str(exc))
            else:
                st.session_state[state.CONSOLE_ORG] = org.id
                st.session_state["console_pick"] = org.id  # the picker below is not drawn yet
                st.success(_("Created {organisation}.").format(organisation=md_escape(org.name)))

ROUND_STATUS = {"open": N_("open"), "closed": N_("closed")}
ARCHIVED_KEY = "console_archived_message"  # (org id, name): offers an undo after the rerun
if ARCHIVED_KEY in st.session_state:
    archived_id, archived_name = st.session_state[ARCHIVED_KEY]
    left, right = st.columns([4, 1])
    left.success(
        _("Archived {organisation}. It is out of this list and of the benchmarks; nothing was deleted.").format(
            organisation=md_escape(archived_name)
        )
    )
    if right.button(_("Undo"), key="console_archive_undo"):
        accounts.set_archived(store, account, archived_id, False)
        st.session_state.pop(ARCHIVED_KEY)
        st.session_state[state.CONSOLE_ORG] = st.session_state["console_pick"] = archived_id
        st.rerun()
show_archived = st.toggle(_("Show archived organisations"), key="console_show_archived")
# public self-assessments are listed on the pool page
# Administrators see every client; a consultant those they own or that were shared with them.
organisations = accounts.visible(store, account, store.pool.client_organisations(include_archived=show_archived))
if not organisations:
    st.info(_("No client organisations of yours yet. Create one above to start a round."))
    st.stop()

ids = [o.id for o in organisations]
names = {
    o.id: " · ".join(
        [o.name, profile.choice_label(o.industry), profile.choice_label(o.size_band), profile.choice_label(o.region)]
        + ([_("archived")] if o.archived_at else [])
    )
    for o in organisations
}
current = st.session_state.get(state.CONSOLE_ORG)
org_id = st.selectbox(
    _("Organisation"),
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=names.get,
    key="console_pick",
)
st.session_state[state.CONSOLE_ORG] = org_id
org = store.organisation(org_id)

with st.expander(_("Rename or archive")):
    new_name = st.text_input(_("New name"), value=org.name, key=f"console_rename_{org.id}")
    c1, c2 = st.columns(2)
    if c1.button(_("Rename"), key="console_rename_go"):
        try:
            accounts.rename_organisation(store, account, org.id, new_name)
            st.rerun()
        except InvalidInputError as exc:
            st.error(str(exc))
    if org.archived_at is not None:
        if c2.button(_("Restore from the archive"), key="console_unarchive"):
            accounts.set_archived(store, account, org.id, False)
            st.rerun()
    else:
        sure = c2.checkbox(_("I want to archive this organisation"), key="console_archive_confirm")
        if c2.button(_("Archive organisation"), key="console_archive", disabled=not sure):
            accounts.set_archived(store, account, org.id, True)
            st.session_state[ARCHIVED_KEY] = (org.id, org.name)
            st.session_state.pop(state.CONSOLE_ORG, None)
            st.rerun()
    st.caption(
        _(
            "Archiving hides the organisation here and from benchmarks; nothing is deleted, and it can be "
            "restored. Erasing a person or deleting an organisation is on the Administration page."
        )
    )

with st.expander(_("Owner and sharing")):
    owner = store.accounts.owner(org.id)
    shared = store.accounts.shared_with(org.id)
    st.caption(
        (_("Owner: {owner}.").format(owner=md_escape(owner)) if owner else _("Owner: nobody (administrators only)."))
        + " "
        + (
            _("Shared with: {people}.").format(people=md_escape(", ".join(shared)))
            if shared
            else _("Not shared with anyone.")
        )
    )
    if accounts.can_share(store, account, org.id):
        colleague = st.text_input(_("Share with (a colleague's e-mail)"), key=f"console_share_{org.id}")
        c1, c2 = st.columns(2)
        if c1.button(_("Share"), key="console_share_go"):
            try:
                email = accounts.share(store, account, org.id, colleague)
                st.success(_("Shared with {email}.").format(email=md_escape(email)))
            except InvalidInputError as exc:
                st.error(md_escape(str(exc)))
        if shared:
            gone = c2.selectbox(_("Stop sharing with"), shared, key=f"console_unshare_{org.id}")
            if c2.button(_("Stop sharing"), key="console_unshare_go"):
                accounts.unshare(store, account, org.id, gone)
                st.rerun()

rounds = store.rounds_of(org.id)
open_round = store.engagements.open_round_of(org.id)
st.header(_("Rounds"))
if rounds:
    ui_round.dataframe(
        pd.DataFrame(
            [
                {"round": r.name, "status": _(ROUND_STATUS[r.status]), "started": r.created_at, "closed on": r.closed_at}
                for r in rounds
            ]
        )
    )


def new_round_form() -> None:
    today = date.today()
    with st.form("console_new_round"):
        round_name = st.text_input(_("Round name"), value=f"{today.year} Q{(today.month - 1) // 3 + 1}")
        if st.form_submit_button(_("Open a new round"), type="primary"):
            try:
                accounts.create_round(store, account, org.id, round_name, questionnaire)
                st.rerun()
            except InvalidInputError as exc:
                st.error(str(exc))


@st.fragment(run_every=5)
def live_progress(round_id: str) -> None:
    ui.use_session_language()  # a fragment's rerun does not run the page (nor app.py)
    progress = store.engagements.progress_by_side(round_id)
    cols = st.columns(len(progress))
    for col, row in zip(cols, progress.itertuples(), strict=True):
        col.metric(
            _("{side}: finished").format(side=ui.side_label(row.side)),
            _("{finished} of {started} started").format(finished=row.finished, started=row.started),
        )
    named = store.engagements.named_respondents(round_id)
    if len(named):
        st.caption(_("Respondents who chose to give a name (alphabetically; no side, role or answers):"))
        ui_round.dataframe(named)
    st.caption(
        _(
            "Refreshes every 5 seconds. Raw answers carry pseudonymous ids, never names. Where a side has "
            "one or two people, their answers can still be recognised by anyone who knows who they are."
        )
    )


def default_language(rnd) -> None:  # noqa: ANN001 - a store Round
    """The language invited people see first; each can still pick another in the sidebar, and
    answers in any language are one round's data."""
    options = ["", *i18n.LANGUAGES]
    picked = st.selectbox(
        _("Default language for the people you invite"),
        options,
        index=options.index(rnd.language or ""),
        format_func=lambda code: i18n.LANGUAGES.get(code) or _("Each person's browser language"),
        key=f"console_round_language_{rnd.id}",
        help=_("People can still choose another language; their answers count the same."),
    )
    if (picked or None) != rnd.language:
        store.engagements.set_round_language(rnd.id, picked or None)
        st.rerun()


def open_round_panel(rnd) -> None:
    st.subheader(_("Open round: {round}").format(round=md_escape(rnd.name)))
    if rnd.join_code:
        st.markdown(_("Send this link (or the code) to the CIO, the CMO and their teams:"))
        # The round's default language travels in the link; without one, each person's browser decides.
        st.code(ui.join_link(rnd.join_code, lang=rnd.language), language=None)
        st.markdown(_("Join code: **`{code}`**").format(code=rnd.join_code))
    else:
        st.warning(_("This round has no join code: nobody new can join. Issue a new code to reopen joining."))
    default_language(rnd)
    c1, c2, c3 = st.columns(3)
    if c1.button(_("Issue a new code"), key="console_rotate", help=_("The old code stops working at once.")):
        accounts.issue_code(store, account, rnd.id)
        st.rerun()
    if c2.button(_("Revoke the code"), key="console_revoke", disabled=not rnd.join_code):
        accounts.revoke_code(store, account, rnd.id)
        st.rerun()
    confirm = c3.checkbox(_("I want to close this round"), key="console_close_confirm")
    if c3.button(_("Close the round"), key="console_close", disabled=not confirm, type="primary"):
        accounts.close_round(store, account, rnd.id)
        st.rerun()
    st.subheader(_("Live progress"))
    live_progress(rnd.id)


if open_round is None:
    new_round_form()
else:
    open_round_panel(open_round)

if not rounds:
    st.stop()

st.header(_("Exports and workshop"))
latest = rounds[-1]
st.download_button(
    _("Raw responses of {round} (CSV)").format(round=md_escape(latest.name)),
    data=lambda: accounts.export_responses(store, account, latest.id),  # checked and recorded on click
    file_name=f"tandem-responses-{latest.id}.csv",
    mime="text/csv",
    key="console_export",
    on_click="ignore",
)
if store.pool.results_released(latest.id):
    st.caption(_("Respondents of {round} can see the organisation's results.").format(round=md_escape(latest.name)))
    if latest.kind == "consultant" and st.button(_("Hide the results from respondents again"), key="console_unrelease"):
        store.pool.release_results(latest.id, account.email[:80], released=False)
        accounts.audit(store, account, "hide results from respondents", latest.id, org.id)
        st.rerun()
else:
    st.caption(
        _(
            "Respondents of {round} see only their own answers until you release the organisation's "
            "results to them."
        ).format(round=md_escape(latest.name))
    )
    if st.button(_("Release the organisation's results to respondents"), key="console_release"):
        store.pool.release_results(latest.id, account.email[:80])
        accounts.audit(store, account, "release results to respondents", latest.id, org.id)
        st.rerun()
if st.button(_("Open the workshop view"), key="console_workshop"):
    st.session_state[state.WORKSHOP_ROUND] = latest.id
    st.switch_page("pages/workshop.py")
