"""Insight a consultant can sign: hand-computed examples of the headline, alignment, importance,
priorities, actions and the board brief, on the read model and in the rendered report."""

from __future__ import annotations

import pytest

from assessment import insight, report, sessions, views
from assessment.report import wording
from assessment.rounds import load_round
from assessment.scoring import Respondent, score_round


def everyone_at(q, level, side, rid, importance=None, role=None):
    return Respondent(rid, side, {x.id: level for x in q.scored_questions}, importance or {}, role)


def test_five_against_one_leads_with_each_sides_view(current):
    result = score_round(current, [everyone_at(current, 5, "it", "cio"), everyone_at(current, 1, "marketing", "cmo")])
    # Balanced 3.0 on every dimension, but the sides are four levels apart: no single level leads.
    assert result.overall == 3.0 and result.split
    assert result.sides == {"it": 5.0, "marketing": 1.0}
    assert result.alignment_index == 0 and result.alignment == "serious disagreement"
    head = insight.headline(result)
    names = [lv.name for lv in current.levels]
    assert head.text.startswith(f"IT sees 5.00 · {names[4]}; marketing sees 1.00 · {names[0]}.")
    assert "a level or more apart" in head.text and head.alignment_text == "0 / 100 · serious disagreement"
    # Every dimension is a "reconcile first" priority, all equally far apart: equal, not ranked.
    assert {p.kind for p in result.ranking} == {"reconcile"}
    assert {p.rank for p in result.ranking} == {1} and all(p.tied for p in result.ranking)
    items = views.recommendations(result)
    assert items[0]["reconcile"] is not None and items[0]["reconcile"]["owner"]
    assert items[0]["steps"][0]["it_says"] == current.question(result.ranking[0].recommendations[0].question_id).describe(5)


def test_four_against_three_is_a_serious_disagreement_in_number_and_words(current):
    result = score_round(current, [everyone_at(current, 4, "it", "cio"), everyone_at(current, 3, "marketing", "cmo")])
    assert result.mean_gap == 1.0
    assert result.alignment_index == 50  # the old index said 75, which a board reads as good
    assert result.alignment == "serious disagreement" and result.split
    assert "IT sees 4.00" in insight.headline(result).text


def test_an_agreeing_round_has_one_level_as_its_headline(current):
    result = score_round(current, [everyone_at(current, 3, "it", "cio"), everyone_at(current, 3, "marketing", "cmo")])
    assert not result.split and result.alignment_index == 100
    text = insight.headline(result).text
    assert text == f"IT and marketing see the partnership alike: the partnership stands at level 3 · {current.levels[2].name} (3.00 of 5)."


def test_one_cio_is_not_outweighed_by_ten_marketers_on_importance(current):
    strategy = current.dimensions[0].id
    people = [everyone_at(current, 3, "it", "cio", {strategy: 1})]
    people += [everyone_at(current, 3, "marketing", f"m{i}", {strategy: 5}) for i in range(10)]
    result = score_round(current, people)
    assert result.importance[strategy] == 3.0  # (1 + 5) / 2, not (1 + 50) / 11 = 4.64


def test_an_untouched_slider_counts_as_three(current):
    strategy = current.dimensions[0].id
    people = [everyone_at(current, 3, "it", "cio"), everyone_at(current, 3, "marketing", "cmo", {strategy: 5})]
    assert score_round(current, people).importance[strategy] == 4.0  # (3 + 5) / 2, not 5.0
    # Someone who never reached the dimension does not count at all.
    nobody_there = Respondent("x", "it", {}, {})
    alone = score_round(current, [nobody_there, everyone_at(current, 3, "marketing", "cmo", {strategy: 5})])
    assert alone.importance[strategy] == 5.0


def test_near_ties_share_a_rank_and_are_called_equal(tiny):
    # strategy: 3 x (5 - 3) = 6.00. data: one of five marketers answers data-3 at 4, so marketing's
    # data mean is 3 + (1/3)/5 = 3.0667, the balanced score 3.0333 and 3 x (5 - 3.0333) = 5.90.
    answers = {"strategy-1": 3, "strategy-2": 3, "strategy-3": 3, "data-1": 3, "data-2": 3, "data-3": 3}
    people = [Respondent("a", "it", answers, {})]
    people += [Respondent(f"m{i}", "marketing", {**answers, "data-3": 4} if i == 0 else answers, {}) for i in range(5)]
    result = score_round(tiny, people)
    by_dim = {p.dimension_id: p for p in result.ranking}
    assert by_dim["strategy"].priority == 6.0 and by_dim["data"].priority == pytest.approx(5.9)
    assert by_dim["strategy"].rank == by_dim["data"].rank and by_dim["strategy"].tied and by_dim["data"].tied
    frame = views.priority_frame(result)
    assert set(frame.loc[frame["dimension_id"].isin(["strategy", "data"]), "rank_label"]) == {"1="}


def test_next_level_never_contradicts_the_level_shown(tiny):
    # A mean of 1.83 bands into level 2: the step is to level 3, never "reach level 2".
    answers_it = {"strategy-1": 2, "strategy-2": 2, "strategy-3": 2}
    answers_mk = {"strategy-1": 2, "strategy-2": 2, "strategy-3": 1}
    result = score_round(tiny, [Respondent("a", "it", answers_it, {}), Respondent("b", "marketing", answers_mk, {})])
    steps = {s.question_id: s for p in result.ranking for s in p.recommendations}
    weakest = steps["strategy-3"]
    assert weakest.current == 1.5 and weakest.level == 1 and weakest.next_level == 2
    assert all(s.next_level == s.level + 1 for s in steps.values())


def _round(store, q, levels):
    org = store.create_organisation("Brief Co", "Retail", "1-249", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q, kind="consultant")
    for side, level in levels:
        person = sessions.join_round(store, rnd.join_code, side=side, role="CIO" if side == "it" else "CMO")
        for x in q.scored_questions:
            store.save_answer(person.id, x.id, level)
    return rnd


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_the_report_opens_with_a_board_brief(store, current, fmt):
    store.register_questionnaire(current)
    rnd = _round(store, current, [("it", 5), ("marketing", 1)])
    scored = load_round(store, {current.key: current}, rnd.id)
    brief = insight.board_brief(scored)
    assert brief.verdict.startswith("IT sees 5.00")
    assert brief.risk and "IT says" in brief.risk and "marketing says" in brief.risk
    assert len(brief.decisions) == 3 and all(d.owner and d.measure for d in brief.decisions)
    assert any("one person's view" in c for c in brief.caveats)
    out = report.build_report(scored, fmt)
    if fmt == "html":
        text = out.decode("utf-8")
        assert text.index("Board brief") < text.index("Executive summary")
        assert "IT sees 5.00" in text and "reconcile first" in text
        assert brief.decisions[0].measure.split()[0] in text
    else:
        import io

        import pypdf

        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out)).pages]
        assert "Board brief" in pages[1] and "IT sees 5.00" in " ".join(pages[1].split())


def test_an_agreeing_rounds_brief_names_one_level_and_strengths(store, current):
    store.register_questionnaire(current)
    rnd = _round(store, current, [("it", 4), ("marketing", 4)])
    scored = load_round(store, {current.key: current}, rnd.id)
    brief = insight.board_brief(scored)
    assert "see the partnership alike" in brief.verdict and brief.risk is None
    assert len(brief.strengths) == 2
    assert wording.level_or_split(scored).startswith("4 · ")
