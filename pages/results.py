"""Results: your maturity level, the benchmark, the IT-vs-marketing gap and what to do next."""

import streamlit as st

from assessment import charts, formats, ui, views
from assessment.scoring import score_round
from assessment.text import md_escape

store = ui.get_store()
record = ui.current_respondent()
st.title("Results")
if record is None:
    st.info("Your results appear here once you have started an assessment.")
    st.page_link("pages/start.py", label="Go to Start")
    st.stop()

rnd = store.round(record.round_id)
org = store.organisation(rnd.organisation_id)
q = ui.questionnaire_for(rnd)
everyone = store.respondents_of(rnd.id)
me = next(r for r in everyone if r.id == record.id)
mine = score_round(q, [me])
if not any(me.answers.values()):
    st.info("You have not answered any question yet.")
    st.page_link("pages/questionnaire.py", label="Go to the questionnaire")
    st.stop()

organisation = score_round(q, everyone)
sides = organisation.sides_present
st.caption(f"{md_escape(org.name)} · {md_escape(rnd.name)} · questionnaire {q.id} {q.version}")

view = st.segmented_control(
    "Show",
    ["mine", "organisation"],
    format_func={
        "mine": "My answers",
        "organisation": f"{md_escape(org.name)} (all {len(everyone)} respondent{'s' if len(everyone) != 1 else ''})",
    }.get,
    default="organisation" if len(everyone) > 1 else "mine",
    key="results_view",
)
result = organisation if view == "organisation" else mine

c1, c2, c3 = st.columns(3)
if result.overall is None:
    c1.metric("Overall", "Insufficient answers")
    st.warning("Fewer than half of the dimensions have enough answers to be scored. Answer more questions.")
else:
    c1.metric("Overall score (1–5)", f"{result.overall:.2f}")
    c2.metric("Maturity level", f"{result.level} · {q.level_name(result.level)}")
    st.caption(q.levels[result.level - 1].summary)
if view == "organisation":
    c3.metric(
        "IT–marketing alignment index",
        f"{organisation.alignment_index:.0f} / 100" if organisation.alignment_index is not None else "—",
        help="100 when IT and marketing score every dimension the same; 0 when they are four levels apart.",
    )

st.header("Against the benchmark")
ui.benchmark_section(result, org, key="results_bench", score_label="Your score")

st.header("Where IT and marketing see things differently")
gaps = views.gap_frame(organisation)
if gaps.empty:
    missing = "marketing" if "it" in sides else "IT" if "marketing" in sides else "IT or marketing"
    st.info(f"The gap appears once both sides have answered; nobody from {missing} has yet. "
            "Send them this link to join your organisation's assessment:")  # fmt: skip
    st.code(ui.join_link(rnd.join_code), language=None)
else:
    st.altair_chart(charts.build_gap_chart(gaps), width="stretch")
    flagged = gaps[gaps["flagged"]]
    if len(flagged):
        st.markdown(f"**{len(flagged)} dimension(s) with a gap of a full level or more:** "
                    + ", ".join(flagged["dimension"]))  # fmt: skip

st.header("Priorities: what to do next")
ui.priorities_panel(result)

st.header("You and the published surveys")
refs = views.reference_rows(organisation, me.answers)
if refs.empty:
    st.caption("This questionnaire version carries no published reference figures.")
else:
    st.dataframe(refs, hide_index=True, width="stretch")

with st.expander("All dimension scores"):
    st.dataframe(views.dimension_table(result), hide_index=True, width="stretch")

st.header("Reports to forward")
# In a consultant's round, the organisation's report is the consultant's deliverable.
scope = st.radio(
    "Report on",
    ["organisation", "mine"] if rnd.kind == "self" else ["mine"],
    format_func={"organisation": "the whole organisation", "mine": "my answers only"}.get,
    horizontal=True,
    key="results_report_scope",
)
ui.report_downloads(
    rnd.id, q, respondent_id=record.id if scope == "mine" else None, key=f"results_report_{scope}"
)
st.download_button(
    "Download my answers (CSV)",
    data=formats.format_responses_csv(store.responses_frame(rnd.id, record.id)),
    file_name=f"tandem-answers-{record.id}.csv",
    mime="text/csv",
    key="results_download",
)
