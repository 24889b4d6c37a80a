"""Questionnaire: one dimension per step. A step is a form: picking an answer happens in the
browser, and the step's answers are saved together when the respondent moves (Next, Back, a
step in the list, Finish). A workshop room of phones then costs the server one run per step
instead of one per tap (issue 14), and a slow network never makes a tap wait."""

import streamlit as st

from assessment import sessions, state, ui, views
from assessment.i18n import _, ngettext
from assessment.store import InvalidInputError, RoundClosedError, StoreError
from assessment.text import md_escape

store = ui.get_store()
record = ui.current_respondent()
if record is None:
    st.title(_("Questionnaire"))
    st.info(_("Start an assessment or open your personal link first."))
    st.page_link("pages/start.py", label=_("Go to Start"))
    st.stop()
ui.go_on_when_done(record)  # as the router does (AppTest runs a page on its own after a switch)

rnd = store.round(record.round_id)
q = ui.in_language(ui.questionnaire_for(rnd))  # words in the chosen language; ids and scoring unchanged
# Team members are not asked leaders-only questions; a dimension with none left is skipped.
asked = q.questions_for(record.role)
asked_ids = {x.id for x in asked}
dimensions = q.dimensions_for(record.role)
answers = {k: v for k, v in store.answers_for(record.id).items() if k in asked_ids}
importance = store.importance_for(record.id)
steps = len(dimensions)

# The step lives in the URL too, so a refresh keeps the place; without one (the personal link),
# the respondent resumes at the first step with an unanswered question. The step belongs to
# one respondent: whoever signs in next in this browser starts at their own place.
if st.session_state.get(state.QN_STEP_OWNER) != record.id:
    st.session_state[state.QN_STEP] = sessions.resume_step(
        q, answers, st.query_params.get("step"), record.role
    )
    st.session_state[state.QN_STEP_OWNER] = record.id
step = st.session_state[state.QN_STEP]
st.query_params["step"] = str(step + 1)


def save_step() -> bool:
    """Save what the form holds for this step; True when everything was stored. Only changes
    are written, so moving through a closed round or an untouched step writes nothing."""
    ui.use_session_language()  # a callback runs before the page run sets the language
    given = {
        qid: (None if value == 0 else value)
        for qid, key in radio_keys.items()
        if (value := st.session_state.get(key)) is not None and answers.get(qid, "unanswered") != (value or None)
    }
    rating = st.session_state.get(imp_key)
    rated = {dimension.id: rating} if rating is not None and rating != importance.get(dimension.id, 3) else {}
    if not (given or rated) or not rnd.is_open:
        return True
    try:
        store.save_step(record.id, given, rated)
    except (RoundClosedError, InvalidInputError, StoreError) as exc:
        st.session_state["qn_error"] = str(exc)
        return False
    return True


def finish() -> None:
    if not save_step():
        return  # the message shows at the top; the respondent stays on this step
    if rnd.is_open:
        try:
            store.mark_complete(record.id)
        except (RoundClosedError, StoreError) as exc:  # closed a moment ago, or not written
            st.session_state["qn_error"] = str(exc)
            return
    ui.done_in_callback(record.id, "pages/results.py")


def go(to: int) -> None:
    if save_step():  # a refused save keeps the respondent on the step, with the message
        st.session_state[state.QN_STEP] = to


st.title(q.title)
done = len(answers)
st.progress(
    done / len(asked),
    text=ngettext("{done} of {total} question answered", "{done} of {total} questions answered", len(asked)).format(
        done=done, total=len(asked)
    ),
)
if error := st.session_state.pop("qn_error", None):
    st.error(error)  # the store says it in the language of the callback that saved
if not rnd.is_open:
    st.warning(_("This round is closed: your answers are kept and can be read, but no longer changed."))

dimension = dimensions[step]
st.header(_("Step {step} of {steps}: {dimension}").format(step=step + 1, steps=steps, dimension=dimension.title))
st.markdown(dimension.description)
st.caption(_("Pick the description closest to how things are **today**, not how they should be. "
             "\"Don't know\" is a fine answer: it is left out of your score."))  # fmt: skip

radio_keys: dict[str, str] = {}  # question id -> widget key, read by save_step
imp_key = f"qn_imp_{record.id}_{dimension.id}"
with st.form("qn_step_form", border=False, enter_to_submit=False):
    for number, question in enumerate((x for x in dimension.questions if x.id in asked_ids), start=1):
        key = radio_keys[question.id] = f"qn_{record.id}_{question.id}"
        options = views.answer_options(q, question.id)
        labels = dict(options)
        given = answers.get(question.id, "unanswered")
        current = 0 if given is None else given
        # The question in bold above; the radio's own label (its accessible name) is plain text,
        # so a screen reader does not read out markdown asterisks.
        st.markdown(f"**{number}. {md_escape(question.text)}**")
        st.radio(
            f"{number}. {question.text}",
            [value for value, _label in options],
            label_visibility="collapsed",
            index=None if current == "unanswered" else [v for v, _label in options].index(current),
            format_func=labels.get,
            key=key,
            disabled=not rnd.is_open,
        )
        if not question.scored:
            st.caption(_("Not scored: the answers of both sides are shown side by side in the results."))

    st.select_slider(
        _("How much does “{dimension}” matter to your organisation's success over the next two years?").format(
            dimension=dimension.title
        ),
        options=[1, 2, 3, 4, 5],
        value=importance.get(dimension.id, 3),
        format_func={
            1: _("1 · Hardly"),
            2: _("2 · A little"),
            3: _("3 · Moderately"),
            4: _("4 · Very"),
            5: _("5 · Critically"),
        }.get,
        key=imp_key,
        disabled=not rnd.is_open,
    )
    if dimension.id not in importance and rnd.is_open:
        st.caption(_("Untouched, importance counts as 3 (moderately)."))

    last = step == steps - 1
    if last:
        # The answers in this form are not stored yet, so only earlier steps can be counted.
        earlier = sum(1 for d in dimensions[:step] for x in d.questions if x.id in asked_ids and x.id not in answers)
        if earlier:
            st.info(
                ngettext(
                    "{missing} question on an earlier step is still unanswered. You can finish now; unanswered "
                    "questions count like \"don't know\", and a dimension needs half its questions answered to be "
                    "scored.",
                    "{missing} questions on earlier steps are still unanswered. You can finish now; unanswered "
                    "questions count like \"don't know\", and a dimension needs half its questions answered to be "
                    "scored.",
                    earlier,
                ).format(missing=earlier)
            )
    back, _gap, forward = st.columns([1, 2, 1])
    back.form_submit_button(
        _("← Back"), on_click=go, args=(step - 1,), disabled=step == 0, width="stretch", key="qn_back"
    )
    if not last:
        forward.form_submit_button(
            _("Next →"), on_click=go, args=(step + 1,), type="primary", width="stretch", key="qn_next"
        )
    else:
        forward.form_submit_button(
            _("Finish and see results"), on_click=finish, type="primary", width="stretch", key="qn_finish"
        )
    if rnd.is_open:
        st.caption(_("This step's answers are saved when you press Next, Back or Finish, or jump to another step."))

    with st.expander(_("Jump to a step")):
        for i, d in enumerate(dimensions):
            count = sum(1 for x in d.questions if x.id in answers)
            total = sum(1 for x in d.questions if x.id in asked_ids)
            st.form_submit_button(f"{i + 1}. {d.title} ({count}/{total})", on_click=go, args=(i,), key=f"qn_jump_{i}")
