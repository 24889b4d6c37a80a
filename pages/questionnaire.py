"""Questionnaire: one dimension per step; every answer is saved the moment it changes."""

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


def save_answer(question_id: str, key: str) -> None:
    ui.use_session_language()  # a callback runs before the page run sets the language
    value = st.session_state[key]
    try:
        store.save_answer(record.id, question_id, None if value == 0 else value)
    except (RoundClosedError, InvalidInputError, StoreError) as exc:
        st.session_state["qn_error"] = str(exc)


def save_importance(dimension_id: str, key: str) -> None:
    ui.use_session_language()
    try:
        store.save_importance(record.id, dimension_id, st.session_state[key])
    except (RoundClosedError, InvalidInputError, StoreError) as exc:
        st.session_state["qn_error"] = str(exc)


def go(to: int) -> None:
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

for number, question in enumerate((x for x in dimension.questions if x.id in asked_ids), start=1):
    key = f"qn_{record.id}_{question.id}"
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
        on_change=save_answer,
        args=(question.id, key),
        disabled=not rnd.is_open,
    )
    if not question.scored:
        st.caption(_("Not scored: the answers of both sides are shown side by side in the results."))

imp_key = f"qn_imp_{record.id}_{dimension.id}"
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
    on_change=save_importance,
    args=(dimension.id, imp_key),
    disabled=not rnd.is_open,
)
if dimension.id not in importance and rnd.is_open:
    st.caption(_("Importance is saved when you move the slider; untouched, it counts as 3 (moderately)."))

back, _gap, forward = st.columns([1, 2, 1])
back.button(_("← Back"), on_click=go, args=(step - 1,), disabled=step == 0, width="stretch", key="qn_back")
if step < steps - 1:
    forward.button(_("Next →"), on_click=go, args=(step + 1,), type="primary", width="stretch", key="qn_next")
else:
    missing = len(asked) - done
    if missing:
        st.info(
            ngettext(
                "{missing} question still unanswered. You can finish now; unanswered questions count like "
                "\"don't know\", and a dimension needs half its questions answered to be scored.",
                "{missing} questions still unanswered. You can finish now; unanswered questions count like "
                "\"don't know\", and a dimension needs half its questions answered to be scored.",
                missing,
            ).format(missing=missing)
        )
    if forward.button(_("Finish and see results"), type="primary", width="stretch", key="qn_finish"):
        if rnd.is_open:
            store.mark_complete(record.id)
        st.switch_page("pages/results.py", query_params=ui.link_params(record.token))

with st.expander(_("Jump to a step")):
    for i, d in enumerate(dimensions):
        count = sum(1 for x in d.questions if x.id in answers)
        total = sum(1 for x in d.questions if x.id in asked_ids)
        st.button(f"{i + 1}. {d.title} ({count}/{total})", on_click=go, args=(i,), key=f"qn_jump_{i}")
