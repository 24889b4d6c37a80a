"""Workshop: one round's results for the client in the room: scores, the perception gap,
the spread of answers, priorities, targets, and change since earlier rounds."""

import streamlit as st

from assessment import charts, ui, views, workshop
from assessment.scoring import score_round
from assessment.store import InvalidInputError

ui.require_console()
store = ui.get_store()
st.title("Workshop")

organisations = store.organisations()
if not organisations:
    st.info("No client organisations yet: create one in the consultant console.")
    st.page_link("pages/console.py", label="Go to the console")
    st.stop()
ids = [o.id for o in organisations]
chosen = st.session_state.get("console_org")
org_id = st.selectbox(
    "Organisation",
    ids,
    index=ids.index(chosen) if chosen in ids else 0,
    format_func={o.id: o.name for o in organisations}.get,
    key="workshop_org",
)
st.session_state["console_org"] = org_id
org = store.organisation(org_id)
rounds = store.rounds_of(org.id)
if not rounds:
    st.info("This organisation has no round yet: open one in the consultant console.")
    st.stop()
round_ids = [r.id for r in rounds]
wanted = st.session_state.get("workshop_round")
round_id = st.selectbox(
    "Round",
    round_ids,
    index=round_ids.index(wanted) if wanted in round_ids else len(rounds) - 1,
    format_func={r.id: f"{r.name} ({r.status})" for r in rounds}.get,
    key="workshop_round_pick",
)
st.session_state["workshop_round"] = round_id
rnd = store.round(round_id)
q = ui.questionnaire_for(rnd)
people = store.respondents_of(rnd.id)
result = score_round(q, people)
if not any(any(p.answers.values()) for p in people):
    st.info("Nobody has answered in this round yet. Share the join code from the console.")
    st.stop()

progress = store.progress_by_side(rnd.id)
c1, c2, c3 = st.columns(3)
c1.metric("Overall", "—" if result.overall is None else f"{result.overall:.2f}")
c2.metric("Maturity level", "—" if result.level is None else f"{result.level} · {q.level_name(result.level)}")
c3.metric("Alignment index", "—" if result.alignment_index is None else f"{result.alignment_index:.0f} / 100")
st.caption(
    "Respondents: "
    + " · ".join(
        f"{ui.side_label(r.side)} {r.started} ({r.finished} finished)" for r in progress.itertuples()
    )
)
if len(result.sides_present) < 2:
    st.warning("Only one side has answered so far: scores rest on that side alone and there is no gap yet.")

tabs = st.tabs(["Scores", "Perception gap", "Spread", "Priorities", "Targets", "Over time", "Report"])
with tabs[0]:
    ui.benchmark_section(result, org, key="workshop_bench", score_label=org.name)
    st.dataframe(views.dimension_table(result), hide_index=True, width="stretch")

with tabs[1]:
    gaps = views.gap_frame(result)
    if gaps.empty:
        st.info("The gap needs answers from both IT and marketing.")
    else:
        st.altair_chart(charts.build_gap_chart(gaps), width="stretch")
        st.subheader("Largest disagreements")
        top = views.question_gap_frame(result).dropna(subset=["gap"]).head(10)
        st.dataframe(
            top[["question_id", "question", "it", "marketing", "gap", "flagged"]],
            hide_index=True,
            width="stretch",
            column_config={"question": st.column_config.TextColumn(width="large")},
        )
        st.altair_chart(charts.build_heatmap(views.heatmap_frame(result)), width="stretch")

with tabs[2]:
    spread = views.spread_frame(result, people)
    if spread.empty:
        st.info("No respondent has answered enough of any dimension yet.")
    else:
        st.caption("Each dot is one respondent's dimension score: anonymous, side only.")
        st.altair_chart(charts.build_spread_chart(spread), width="stretch")

with tabs[3]:
    ui.priorities_panel(result)

earlier = [r for r in rounds if r.created_at < rnd.created_at]
baseline = (
    score_round(ui.questionnaire_for(earlier[0]), store.respondents_of(earlier[0].id)) if earlier else None
)
with tabs[4]:
    saved = store.targets(rnd.id)
    with st.form(f"workshop_targets_{rnd.id}"):
        st.caption("Agree a target level per dimension with the client (1 to 5, halves allowed).")
        cols = st.columns(2)
        entered = {}
        for i, d in enumerate(q.dimensions):
            default = saved.get(d.id) or min(5.0, float(int(result.dimensions[d.id].value or 2) + 1))
            entered[d.id] = cols[i % 2].number_input(
                d.title, 1.0, 5.0, float(default), 0.5, key=f"target_{d.id}"
            )
        if st.form_submit_button("Save targets"):
            try:
                store.set_targets(rnd.id, entered)
                st.success("Targets saved.")
                saved = entered
            except InvalidInputError as exc:
                st.error(str(exc))
    if saved:
        table = workshop.target_table(result, saved, baseline)
        reached = workshop.percent_to_target(table)
        st.metric("Of the target reached", "—" if reached is None else f"{reached:.0f} %")
        st.dataframe(table.drop(columns=["dimension_id"]), hide_index=True, width="stretch")
        if baseline is None:
            st.caption(
                "Progress to date appears from the second round on, against the first round as baseline."
            )

with tabs[5]:
    if len(rounds) < 2:
        st.info("Change over time appears once this organisation has a second round.")
    else:
        history = [(r, score_round(ui.questionnaire_for(r), store.respondents_of(r.id))) for r in rounds]
        st.altair_chart(charts.build_trend_chart(workshop.trend_frame(history)), width="stretch")
        st.subheader("Compare two rounds")
        names = {r.id: r.name for r in rounds}
        a_col, b_col = st.columns(2)
        first = a_col.selectbox(
            "Earlier round", round_ids, index=0, format_func=names.get, key="workshop_cmp_a"
        )
        second = b_col.selectbox(
            "Later round", round_ids, index=len(round_ids) - 1, format_func=names.get, key="workshop_cmp_b"
        )
        by_id = dict((r.id, res) for r, res in history)
        table = workshop.compare_rounds(by_id[first], by_id[second])
        st.caption("Changes of half a level or more are highlighted.")
        st.dataframe(
            table.style.apply(
                lambda row: ["background-color: #fde8c8" if row["highlight"] else "" for _ in row], axis=1
            ),
            hide_index=True,
            width="stretch",
        )

with tabs[6]:
    st.caption("The client deliverable: PDF or HTML report, Excel workbook, or the raw responses.")
    ui.report_downloads(rnd.id, q, respondent_id=None, key=f"workshop_report_{rnd.id}")
