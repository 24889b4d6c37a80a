"""Published figures beside the organisation's own comparable share, and the unscored choice
question's answers per side: what the results page, the workshop and the reports show."""

from __future__ import annotations

from assessment import sessions, views
from assessment.report import tables
from assessment.rounds import load_round
from assessment.scoring import Respondent, score_round


def _figure(q, kind):
    return next(r for r in q.references if r.compare is not None and r.compare.kind == kind)


def test_a_figure_sits_beside_the_comparable_share_per_side(current):
    ref = _figure(current, "share_at_or_below")
    n = ref.compare.value
    qid = ref.question_id
    people = [
        Respondent("it1", "it", {qid: 1}, {}),  # at or below n
        Respondent("it2", "it", {qid: 5}, {}),  # above
        Respondent("m1", "marketing", {qid: None}, {}),  # don't know: not counted
        Respondent("m2", "marketing", {qid: n}, {}),
    ]
    frame = views.reference_rows(score_round(current, people), people).set_index("published figure")
    row = frame.loc[ref.statement]
    assert row["comparable share: IT"] == "1 of 2 (50 %)"
    assert row["comparable share: marketing"] == "1 of 1 (100 %)"
    assert row["comparable share: everyone"] == "2 of 3 (67 %)"
    assert row["group surveyed"] == ref.population and str(ref.year) in row["source"]


def test_who_leads_is_shown_per_side_and_never_scored(current):
    choice = current.choice_questions[0]
    people = [Respondent("a", "it", {choice.id: 1}, {}), Respondent("b", "marketing", {choice.id: 2}, {}),
              Respondent("c", "marketing", {choice.id: 2}, {})]  # fmt: skip
    result = score_round(current, people)
    frame = views.choice_frame(result, people).set_index("option")
    assert frame.loc[choice.options[0], "IT"] == 1 and frame.loc[choice.options[1], "marketing"] == 2
    assert choice.id not in result.questions  # never part of a score, gap or priority


def test_the_report_names_the_figures_source_and_the_organisations_share(store, current):
    store.register_questionnaire(current)
    org = store.create_organisation("Figures Co", "Retail", "1-249", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", current, kind="consultant")
    for side, level in (("it", 1), ("marketing", 4)):
        p = sessions.join_round(store, rnd.join_code, side=side, role="CIO" if side == "it" else "CMO")
        for x in current.questions:
            store.save_answer(p.id, x.id, level)
    scored = load_round(store, {current.key: current}, rnd.id)
    header, *rows = tables.reference_rows(scored)
    assert header[2] == "Your organisation"
    ref = _figure(current, "share_at_or_below")
    row = next(r for r in rows if r[0] == ref.statement)
    assert row[2].startswith("IT 1 of 1 (100 %)") and ref.publisher in row[3]
