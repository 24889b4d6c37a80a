"""Workshop: one round's results for the client in the room: scores, the perception gap,
the spread of answers, priorities, targets, and change since earlier rounds."""

import streamlit as st

from assessment import accounts, chart_text, charts, insight, progress, state, ui, ui_round, ui_signin, views
from assessment.i18n import _
from assessment.numbers import fmt_percent, fmt_score
from assessment.store import InvalidInputError
from assessment.text import md_escape

SAVED_KEY = "workshop_targets_saved"  # survives the rerun that reads the saved targets

account = ui_signin.require_account()
store = ui.get_store()
st.title(_("Workshop"))

organisations = accounts.visible(store, account, store.engagements.organisations())
if not organisations:
    st.info(_("No client organisations of yours yet: create one in the consultant console."))
    st.page_link("pages/console.py", label=_("Go to the console"))
    st.stop()
org_id = ui.sticky_select(
    _("Organisation"), [o.id for o in organisations], state.CONSOLE_ORG, key="workshop_org",
    format_func={o.id: o.name for o in organisations}.get,
)  # fmt: skip
rounds = store.rounds_of(org_id)
if not rounds:
    st.info(_("This organisation has no round yet: open one in the consultant console."))
    st.stop()
round_id = ui.sticky_select(
    _("Round"), [r.id for r in rounds], state.WORKSHOP_ROUND, key="workshop_round_pick",
    format_func={
        r.id: (_("{round} (open)") if r.is_open else _("{round} (closed)")).format(round=r.name) for r in rounds
    }.get,
    default_last=True,
)  # fmt: skip
rnd = store.round(round_id)
accounts.require(store, account, rnd.organisation_id)  # the one rule, also for a round carried over
q = ui.questionnaire_for(rnd)
headline = st.container()  # filled once the round is scored with the comparison chosen below
choice, sources = ui_round.benchmark_choice(store.organisation(org_id), q, key="workshop_bench")
scored = ui_round.scored_round(rnd.id, choice=choice, sources=sources)
q = scored.questionnaire  # from here on, its words in the page's language (same ids as the round's)
result = scored.result
if not scored.has_answers:
    headline.info(_("Nobody has answered in this round yet. Share the join code from the console."))
    st.stop()

c1, c2, c3 = headline.columns(3)
c1.metric(_("Overall (both sides balanced)"), fmt_score(result.overall))
level = "—" if result.level is None else f"{result.level} · {scored.questionnaire.level_name(result.level)}"
c2.metric(_("Maturity level"), _(ui_round.SPLIT_LEVEL) if result.split else level)
ui_round.alignment_metric(result, c3)
ui_round.headline_panel(result, headline)
headline.caption(
    _("Respondents: {counts}").format(
        counts=" · ".join(
            _("{side} {count} ({finished} finished)").format(
                side=ui.side_label(side), count=n, finished=scored.finished[side]
            )
            for side, n in scored.counts.items()
            if n
        )
    )
)
for caveat in insight.caveats(scored):
    headline.warning(md_escape(caveat))

levels = q.level_names
tabs = st.tabs(
    [_("Scores"), _("Perception gap"), _("Spread"), _("Priorities"), _("Targets"), _("Over time"), _("Report")]
)
with tabs[0]:
    ui_round.benchmark_section(scored, score_label=scored.organisation.name)
    ui_round.dataframe(scored.dimensions)

with tabs[1]:
    if scored.gaps.empty:
        st.info(_("The gap needs answers from both IT and marketing."))
    else:
        ui_round.few_people_note(scored)
        ui_round.chart(charts.build_gap_chart(scored.gaps), chart_text.gap_summary(scored.gaps), name=_("Perception gap"))
        st.header(_("Largest disagreements"))
        ui_round.dataframe(
            scored.top_disagreements[["question_id", "question", "it", "marketing", "gap", "flagged"]],
            column_config={"question": st.column_config.TextColumn(width="large")},
        )
        ui_round.chart(
            charts.build_heatmap(views.heatmap_frame(result)),
            chart_text.heatmap_summary(scored.question_gaps),
            name=_("Answers per question"),
        )

    ui_round.choices_table(scored)

with tabs[2]:
    spread = views.spread_frame(result, list(scored.respondents))
    if spread.empty:
        st.info(_("No respondent has answered enough of any dimension yet."))
    else:
        st.caption(
            _(
                "Each dot is one respondent's dimension score, shown by side only. Where a side has one "
                "or two people, their dots are their own answers: anyone who knows who they are can tell."
            )
        )
        ui_round.chart(charts.build_spread_chart(spread, levels=levels), chart_text.spread_summary(spread), name=_("Spread"))

with tabs[3]:
    ui_round.priorities_panel(scored)

with tabs[4]:
    if scored.targets_carried_from:
        st.info(
            _(
                "These targets were carried over from **{round}**. Change them here and save to keep them "
                "for this round."
            ).format(round=scored.targets_carried_from)
        )
    with st.form(f"workshop_targets_{rnd.id}"):
        st.caption(_("Agree a target level per dimension with the client (1 to 5, halves allowed)."))
        cols = st.columns(2)
        entered = {}
        for i, d in enumerate(q.dimensions):
            default = scored.targets.get(d.id) or progress.default_target(result.dimensions[d.id].value)
            entered[d.id] = cols[i % 2].number_input(
                d.title, 1.0, 5.0, float(default), 0.5, key=f"target_{rnd.id}_{d.id}"
            )
        if st.form_submit_button(_("Save targets")):
            try:
                accounts.set_targets(store, account, rnd.id, entered)
            except InvalidInputError as exc:
                st.error(str(exc))
            else:
                st.session_state[SAVED_KEY] = True
                st.rerun()  # read the round again: the saved targets are now its own
    if st.session_state.pop(SAVED_KEY, False):
        st.success(_("Targets saved."))
    if scored.targets:
        st.metric(_("Of the target reached"), fmt_percent(scored.percent_of_target))
        ui_round.dataframe(scored.target_table.drop(columns=["dimension_id"]))
        if scored.previous is None:
            st.caption(_("Progress since the previous round appears from the second round on."))

with tabs[5]:
    if len(rounds) < 2:
        st.info(_("Change over time appears once this organisation has a second round."))
    else:
        history = ui.history(org_id)
        trend = progress.trend_frame(history)
        ui_round.chart(charts.build_trend_chart(trend, levels=levels), chart_text.trend_summary(trend), name=_("Over time"),
                 stretch=False)  # fmt: skip
        st.header(_("Compare two rounds"))
        names = {r.id: r.name for r, _result in history}
        ids = list(names)
        a_col, b_col = st.columns(2)
        first = a_col.selectbox(_("Earlier round"), ids, index=0, format_func=names.get, key="workshop_cmp_a")
        second = b_col.selectbox(
            _("Later round"), ids, index=len(ids) - 1, format_func=names.get, key="workshop_cmp_b"
        )
        by_id = {r.id: res for r, res in history}
        table = progress.compare_rounds(by_id[first], by_id[second])
        st.caption(_("Changes of half a level or more are highlighted."))
        # Headings translated before styling: the styler's rules name the columns as shown.
        shown = table.drop(columns=["question_id"]).rename(columns=ui_round.column_label)
        label = ui_round.column_label
        st.dataframe(
            shown.style.apply(
                lambda row: ["background-color: #fde8c8" if row["highlight"] else "" for _cell in row], axis=1
            ).format({label("earlier"): "{:.2f}", label("later"): "{:.2f}", label("change"): "{:+.2f}"}, na_rep="—"),
            hide_index=True,
            width="stretch",
            column_config={
                label("question"): st.column_config.TextColumn(width="large"),
                "highlight": None,
            },
        )

with tabs[6]:
    st.caption(
        _(
            "The client deliverable: PDF or HTML report, Excel workbook, or the raw responses. It shows "
            "the comparison chosen above."
        )
    )
    ui_round.report_downloads(
        scored,
        key=f"workshop_report_{rnd.id}",
        on_build=lambda fmt: accounts.report_downloaded(store, account, rnd.id, fmt),
    )
