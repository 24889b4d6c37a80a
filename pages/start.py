"""Start: begin a self-assessment, join your organisation's round, or carry on where you were."""

import streamlit as st

from assessment import profile, sessions, state, ui
from assessment.i18n import _, ngettext
from assessment.questionnaire import SIDE_LABELS
from assessment.store import InvalidInputError, RoundClosedError
from assessment.text import md_escape

store = ui.get_store()
record = ui.current_respondent()
ui.go_on_when_done(record)  # as the router does (AppTest runs a page on its own after a switch)
questionnaire = ui.current_questionnaire()

st.title(_("Tandem: how well do your CIO and CMO work together?"))
st.markdown(
    _(
        "Answer **{questions} questions** on **{dimensions} dimensions** of the IT–marketing partnership, "
        "about {minutes} minutes. Your answers are saved at every step. You then see your maturity "
        "level, how you compare with peers, where IT and marketing see things differently, and what to do next."
    ).format(
        questions=len(questionnaire.questions), dimensions=len(questionnaire.dimensions), minutes=questionnaire.minutes
    )
)

if st.session_state.pop(state.BAD_LINK, False):
    st.error(
        _(
            "That personal link is not valid: it may be mistyped or incomplete. Nothing was changed. "
            "Start a new assessment below, or ask whoever sent you a join code for it again."
        )
    )

if record is not None:
    rnd = store.round(record.round_id)
    org = store.organisation(rnd.organisation_id)
    answered = len(store.answers_for(record.id))
    total = len(ui.questionnaire_for(rnd).questions_for(record.role))
    st.success(
        _("You are answering for **{organisation}** as **{side}** ({role}).").format(
            organisation=md_escape(org.name), side=ui.side_label(record.side), role=ui.role_label(record.role)
        )
        + " "
        + ngettext("{answered} of {total} question answered.", "{answered} of {total} questions answered.", total).format(
            answered=answered, total=total
        )
    )
    st.markdown(_("**Your personal link.** Keep it to come back to your answers from any browser:"))
    st.code(ui.resume_link(record.token), language=None)
    st.caption(_("Anyone with this link can see and change your answers, so treat it like a password."))
    left, middle, right = st.columns(3)
    if left.button(_("Continue the questionnaire"), type="primary", width="stretch"):
        st.switch_page("pages/questionnaire.py", query_params=ui.link_params(record.token))
    if middle.button(_("See results"), width="stretch"):
        st.switch_page("pages/results.py", query_params=ui.link_params(record.token))
    if right.button(_("Start over as someone else"), width="stretch"):
        ui.sign_out()
        st.rerun()
    if rnd.is_open:
        with st.expander(_("Picked the wrong side?")):
            new_side = st.radio(
                _("Your side"), list(SIDE_LABELS), index=list(SIDE_LABELS).index(record.side),
                format_func=ui.side_label, horizontal=True, key="start_change_side",
            )  # fmt: skip
            st.caption(_("Your answers are kept and count for the side you choose."))
            if st.button(_("Change my side"), key="start_change_side_go", disabled=new_side == record.side):
                try:
                    store.engagements.change_side(record.id, new_side)
                except (InvalidInputError, RoundClosedError) as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
    st.stop()

join_code = st.query_params.get("join", "")
invited_side = st.query_params.get("side")
joining = None
if join_code:
    # The link names the organisation, so an invited person sees whose assessment this is. The
    # code is looked up once per session (it counts as a try), not on every rerun of the page.
    joining = ui.joining_round(join_code)
    if joining is None or not joining.is_open:
        st.warning(_("The join code in this link is not valid or its round has closed: check it below."))
    else:
        host = store.organisation(joining.organisation_id)
        st.info(
            _("You are invited to **{organisation}**'s assessment ({round}).").format(
                organisation=md_escape(host.name), round=md_escape(joining.name)
            )
        )
choice = st.radio(
    _("How are you taking part?"),
    ["new", "join"],
    index=1 if join_code else 0,
    format_func={
        "new": _("Start a new assessment for my organisation"),
        "join": _("Join my organisation's assessment with a code"),
    }.get,
    horizontal=True,
    key="start_mode",
)

side = st.radio(
    _("Which side of the house are you on?"),
    list(SIDE_LABELS),
    index=list(SIDE_LABELS).index(invited_side) if invited_side in SIDE_LABELS else 0,
    format_func=lambda s: {
        "it": _("IT (CIO and IT leadership)"),
        "marketing": _("Marketing (CMO and marketing leadership)"),
        "other": _("Other (CEO, CDO, observer)"),
    }[s],
    horizontal=True,
    key="start_side",
)
role = st.selectbox(_("Your role"), profile.ROLES[side], format_func=ui.role_label, key=f"start_role_{side}")

if choice == "new":
    name = st.text_input(_("Organisation name"), max_chars=profile.MAX_NAME_LENGTH, key="start_org")
    c1, c2, c3 = st.columns(3)
    industry = c1.selectbox(_("Industry"), profile.INDUSTRIES, format_func=profile.choice_label, key="start_industry")
    size_band = c2.selectbox(_("Employees"), profile.SIZE_BANDS, index=1, format_func=profile.choice_label, key="start_size")
    region = c3.selectbox(_("Region"), profile.REGIONS, index=2, format_func=profile.choice_label, key="start_region")
    st.caption(_("Industry, size and region choose your peer group; they are never shown to others."))
    if st.button(_("Start the assessment"), type="primary", key="start_go"):
        try:
            new = sessions.start_self_assessment(
                store, questionnaire, organisation=name, industry=industry, size_band=size_band,
                region=region, side=side, role=role,
            )  # fmt: skip
        except InvalidInputError as exc:
            st.error(str(exc))
        else:
            ui.sign_in(new)
            st.switch_page("pages/questionnaire.py", query_params=ui.link_params(new.token))
else:
    st.text_input(_("Join code"), value=join_code, placeholder="ABCD-EFGH-JKMN-PQRS", key="start_code")
    st.text_input(
        _("Your name (optional: shown only to the organiser, never in results)"), key="start_display"
    )

    def join() -> None:
        ui.use_session_language()  # a callback runs before the page run sets the language
        wait = ui.throttle("join")  # this client's own recent wrong codes, from any of its tabs
        if wait:
            st.session_state["start_join_wait"] = wait
            return
        # From the session, not this run's variables: a code typed and Join clicked at once
        # arrive together, and the callback runs before the page draws the new code.
        given = st.session_state
        chosen = given["start_side"]
        try:
            new = sessions.join_round(
                store, given.get("start_code", ""), side=chosen, role=given[f"start_role_{chosen}"],
                display_name=given.get("start_display", ""),
            )  # fmt: skip
        except sessions.JoinError as exc:
            ui.record_failure("join")
            st.session_state["start_join_error"] = str(exc)
        else:
            ui.record_success("join")
            ui.sign_in(new)
            ui.done_in_callback(new.id, "pages/questionnaire.py")

    st.button(_("Join"), type="primary", key="start_join", on_click=join)
    if wait := st.session_state.pop("start_join_wait", None):
        ui.too_many(wait, "join")
    if message := st.session_state.pop("start_join_error", None):
        st.error(message)
