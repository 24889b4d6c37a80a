"""Results: your maturity level, the benchmark, the IT-vs-marketing gap and what to do next."""

import streamlit as st

from assessment import accounts, chart_text, charts, formats, i18n, insight, ui, ui_round
from assessment.i18n import _, ngettext
from assessment.numbers import fmt_score
from assessment.text import md_escape

store = ui.get_store()
record = ui.current_respondent()
st.title(_("Results"))
if record is None:
    st.info(_("Your results appear here once you have started an assessment."))
    st.page_link("pages/start.py", label=_("Go to Start"))
    st.stop()

rnd = store.round(record.round_id)
org = store.organisation(rnd.organisation_id)
q = ui.questionnaire_for(rnd)
st.caption(
    _("{organisation} · {round} · questionnaire {questionnaire} {version}").format(
        organisation=md_escape(org.name), round=md_escape(rnd.name), questionnaire=q.id, version=q.version
    )
)
headline = st.container()  # filled once the round is scored with the benchmark picked below it
st.header(_("Against the benchmark"))
choice, sources = ui_round.benchmark_choice(org, q, key="results_bench")
organisation, mine = ui_round.scored_round_and_own(rnd.id, record.id, choice=choice, sources=sources)
if not mine.has_answers:
    st.info(_("You have not answered any question yet."))
    st.page_link("pages/questionnaire.py", label=_("Go to the questionnaire"))
    st.stop()

# A consultant's round shows the organisation's results only once the consultant releases them;
# until then it is not even scored for this page (organisation is None).
released = organisation is not None
everyone = len(organisation.respondents) if organisation is not None else 0
if not released:
    headline.info(
        _(
            "{organisation}'s results are shared by your consultant, in the workshop or when they "
            "release them here. Until then you see your own answers."
        ).format(organisation=md_escape(org.name))
    )
view = headline.segmented_control(
    _("Show"),
    ["mine", "organisation"] if released else ["mine"],
    format_func={
        "mine": _("My answers"),
        "organisation": ngettext(
            "{organisation} (all {count} respondent)", "{organisation} (all {count} respondents)", everyone
        ).format(organisation=md_escape(org.name), count=everyone),
    }.get,
    default="organisation" if everyone > 1 and released else "mine",
    key="results_view",
)
shown = organisation if view == "organisation" and organisation is not None else mine
result = shown.result

c1, c2, c3 = headline.columns(3)
if result.overall is None:
    c1.metric(_("Overall"), _("Insufficient answers"))
    headline.warning(_("Fewer than half of the dimensions have enough answers to be scored. Answer more questions."))
else:
    c1.metric(_("Overall score (1–5, both sides balanced)"), fmt_score(result.overall))
    # One level is the headline only when the sides agree; otherwise each side's view leads.
    level_name = shown.questionnaire.level_name  # the level's name in the page's language
    c2.metric(_("Maturity level"), _(ui_round.SPLIT_LEVEL) if result.split else f"{result.level} · {level_name(result.level)}")
if organisation is not None and shown is organisation:
    ui_round.alignment_metric(organisation.result, c3)
ui_round.headline_panel(result, headline)
for caveat in insight.caveats(shown):
    headline.caption(md_escape(caveat))

ui_round.benchmark_section(shown, score_label=_("Your score"))

st.header(_("Where IT and marketing see things differently"))
if organisation is None:
    st.info(_("The gap between IT and marketing is part of the organisation's results: your consultant shares it."))
elif (gaps := organisation.gaps).empty:
    sides = organisation.result.sides_present
    other = "marketing" if "it" in sides else "it" if "marketing" in sides else None
    nobody = {
        "marketing": _(
            "The gap appears once both sides have answered; nobody from marketing has yet. "
            "Send them this link to join {organisation}'s assessment:"
        ),
        "it": _(
            "The gap appears once both sides have answered; nobody from IT has yet. "
            "Send them this link to join {organisation}'s assessment:"
        ),
        None: _(
            "The gap appears once both sides have answered; nobody from IT or marketing has yet. "
            "Send them this link to join {organisation}'s assessment:"
        ),
    }[other]
    st.info(nobody.format(organisation=md_escape(org.name)))
    st.code(ui.join_link(rnd.join_code, side=other, lang=i18n.current()), language=None)
else:
    ui_round.few_people_note(organisation)
    ui_round.cached_chart(charts.build_gap_chart, gaps, chart_text.gap_summary(gaps), name=_("Perception gap"))
    flagged = gaps[gaps["flagged"]]
    if len(flagged):
        st.markdown(
            ngettext(
                "**{count} dimension with a gap of a full level or more:** {dimensions}",
                "**{count} dimensions with a gap of a full level or more:** {dimensions}",
                len(flagged),
            ).format(count=len(flagged), dimensions=", ".join(md_escape(t) for t in flagged["dimension"]))
        )
if organisation is not None:
    ui_round.choices_table(organisation)

st.header(_("Priorities: what to do next"))
ui_round.priorities_panel(shown)

st.header(_("You and the published surveys"))
# The organisation's comparable shares once its results are shared; until then your own answer.
refs = (organisation or mine).references
if refs.empty:
    st.caption(_("This questionnaire version carries no published reference figures."))
else:
    ui_round.dataframe(refs)

with st.expander(_("All dimension scores")):
    ui_round.dataframe(shown.dimensions)

st.header(_("Reports to forward"))
# In a consultant's round, the organisation's report is the consultant's deliverable. Either
# way a respondent's report carries only their own raw answers (viewer_id above).
scope = st.radio(
    _("Report on"),
    ["organisation", "mine"] if rnd.kind == "self" else ["mine"],
    format_func={"organisation": _("the whole organisation"), "mine": _("my answers only")}.get,
    horizontal=True,
    key="results_report_scope",
)
ui_round.report_downloads(
    organisation if scope == "organisation" and organisation is not None else mine,
    key=f"results_report_{scope}",
    on_build=lambda fmt: accounts.report_downloaded(store, None, rnd.id, f"{fmt}, {scope}"),  # actor "respondent"
)
st.download_button(
    _("Download my answers (CSV)"),
    # Built only when clicked, not on every rerun.
    data=lambda: formats.format_responses_csv(mine.responses),
    file_name=f"tandem-answers-{record.id}.csv",
    mime="text/csv",
    key="results_download",
    on_click="ignore",  # nothing on the page changes: no rerun of the whole results page
)
