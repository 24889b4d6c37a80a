"""Scoring rules against hand-computed examples, every edge, and two properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import (
    Respondent,
    alignment_index,
    alignment_verdict,
    maturity_level,
    score_dimension,
    score_respondent,
    score_round,
)

# The tiny questionnaire: strategy-1 weighs 2; the data dimension weighs 2.


def person(pid, side, answers, importance=None):
    return Respondent(pid, side, answers, importance or {})


def all_at(q, level):
    return {x.id: level for x in q.questions}


@pytest.mark.parametrize(
    ("score", "level"),
    [(1.0, 1), (1.79, 1), (1.8, 2), (2.59, 2), (2.6, 3), (3.39, 3), (3.4, 4), (4.19, 4), (4.2, 5), (5.0, 5)],
)
def test_level_bands(score, level):
    assert maturity_level(score) == level


@pytest.mark.parametrize("score", [0.99, 5.01, float("nan")])
def test_level_refuses_out_of_range(score):
    with pytest.raises(ValueError):
        maturity_level(score)


def test_weighted_dimension_score(tiny):
    # strategy-1 (weight 2) = 4, strategy-2 = 1, strategy-3 = 2: (8 + 1 + 2) / 4 = 2.75
    s = score_dimension(tiny.dimension("strategy"), {"strategy-1": 4, "strategy-2": 1, "strategy-3": 2})
    assert s.score == pytest.approx(2.75)
    assert s.coverage == 1.0


def test_dont_know_is_left_out_and_lowers_coverage(tiny):
    s = score_dimension(
        tiny.dimension("governance"), {"governance-1": 4, "governance-2": None, "governance-3": 2}
    )
    assert s.score == pytest.approx(3.0)
    assert (s.answered, s.total) == (2, 3)
    assert s.coverage == pytest.approx(2 / 3)


def test_under_half_coverage_is_insufficient(tiny):
    s = score_dimension(tiny.dimension("governance"), {"governance-1": 5, "governance-2": None})
    assert s.score is None and not s.sufficient
    assert s.coverage == pytest.approx(1 / 3)


def test_all_dont_know(tiny):
    scores = score_respondent(tiny, all_at(tiny, None))
    assert all(s.score is None for s in scores.values())
    result = score_round(tiny, [person("a", "it", all_at(tiny, None))])
    assert result.overall is None and result.level is None
    assert result.priorities == ()


def test_overall_is_weighted_by_dimension(tiny):
    answers = {**{f"strategy-{i}": 2 for i in (1, 2, 3)}, **{f"governance-{i}": 3 for i in (1, 2, 3)}}
    answers |= {f"data-{i}": 5 for i in (1, 2, 3)}
    result = score_round(tiny, [person("a", "it", answers)])
    # (2 * 1 + 3 * 1 + 5 * 2) / 4 = 3.75
    assert result.overall == pytest.approx(3.75)
    assert result.level == 4


def test_overall_needs_half_the_dimensions(tiny):
    answers = {f"data-{i}": 4 for i in (1, 2, 3)}  # 1 of 3 dimensions scored
    assert score_round(tiny, [person("a", "it", answers)]).overall is None
    answers |= {f"strategy-{i}": 2 for i in (1, 2, 3)}  # 2 of 3
    assert score_round(tiny, [person("a", "it", answers)]).overall == pytest.approx((4 * 2 + 2) / 3)


def test_side_balanced_organisation_score(tiny):
    # One CIO at 2 and three marketers at 4, 4 and 5: (2 + 13/3) / 2, not the mean of all four.
    people = [
        person("cio", "it", all_at(tiny, 2)),
        person("m1", "marketing", all_at(tiny, 4)),
        person("m2", "marketing", all_at(tiny, 4)),
        person("m3", "marketing", all_at(tiny, 5)),
    ]
    result = score_round(tiny, people)
    sb = result.dimensions["governance"]
    assert sb.it == pytest.approx(2)
    assert sb.marketing == pytest.approx(13 / 3)
    assert sb.value == pytest.approx((2 + 13 / 3) / 2)
    assert sb.gap == pytest.approx(13 / 3 - 2)
    assert sb.flagged
    assert sb.basis == "both sides"
    # A mean gap of 2.33 levels: past two levels apart, the index is 0 and the words say so.
    assert result.alignment_index == 0 and result.alignment == "serious disagreement"


def test_one_side_missing_says_so(tiny):
    result = score_round(tiny, [person("m", "marketing", all_at(tiny, 3))])
    sb = result.dimensions["strategy"]
    assert sb.value == 3 and sb.basis == "marketing only"
    assert sb.gap is None and not sb.flagged
    assert result.alignment_index is None


def test_other_side_counts_only_alone(tiny):
    with_it = score_round(tiny, [person("c", "other", all_at(tiny, 5)), person("i", "it", all_at(tiny, 1))])
    assert with_it.dimensions["strategy"].value == 1
    alone = score_round(tiny, [person("c", "other", all_at(tiny, 5))])
    assert alone.dimensions["strategy"].value == 5
    assert alone.dimensions["strategy"].basis == "other respondents only"


def test_question_gap_is_marketing_minus_it(tiny):
    people = [person("i", "it", {"strategy-1": 4}), person("m", "marketing", {"strategy-1": 2})]
    sb = score_round(tiny, people).questions["strategy-1"]
    assert sb.gap == -2 and sb.flagged
    assert score_round(tiny, people).top_disagreements(1)[0][0] == "strategy-1"


def test_gap_just_under_one_is_not_flagged(tiny):
    people = [
        person("i1", "it", {"strategy-1": 3}),
        person("i2", "it", {"strategy-1": 4}),
        person("m", "marketing", {"strategy-1": 4}),
    ]
    sb = score_round(tiny, people).questions["strategy-1"]
    assert sb.gap == pytest.approx(0.5) and not sb.flagged


def test_alignment_index_bounds():
    assert alignment_index([]) is None
    assert alignment_index([0, 0]) == 100
    assert alignment_index([4, -4]) == 0
    assert alignment_index([1, -1]) == 50  # a full level apart on average reads as half, not 75
    assert alignment_index([0.5, 0]) == pytest.approx(87.5)
    assert alignment_index([2, -3]) == 0
    assert alignment_verdict(0.49) == "aligned"
    assert alignment_verdict(0.5) == "partly aligned"
    assert alignment_verdict(1.0) == "serious disagreement"


def test_priorities_rank_importance_times_headroom(tiny):
    answers = {**{f"strategy-{i}": 2 for i in (1, 2, 3)}, **{f"governance-{i}": 4 for i in (1, 2, 3)}}
    answers |= {"data-1": 3, "data-2": 1, "data-3": 2}
    importance = {"strategy": 2, "governance": 5, "data": 4}
    result = score_round(tiny, [person("a", "it", answers, importance)])
    # strategy 2 * (5 - 2) = 6; governance 5 * (5 - 4) = 5; data 4 * (5 - 2) = 12
    assert [(p.dimension_id, p.priority) for p in result.priorities] == [
        ("data", 12),
        ("strategy", 6),
        ("governance", 5),
    ]
    data = result.priorities[0]
    # The weakest questions first, with the next level's description as the step to take.
    steps = [(s.question_id, s.level, s.next_level, s.description) for s in data.recommendations]
    assert steps == [("data-2", 1, 2, "data-2 level 2"), ("data-3", 2, 3, "data-3 level 3")]


def test_unrated_importance_counts_as_three(tiny):
    result = score_round(tiny, [person("a", "it", all_at(tiny, 3))])
    assert all(p.importance == 3 and p.priority == 6 for p in result.priorities)


def test_no_recommendation_beyond_level_five(tiny):
    result = score_round(tiny, [person("a", "it", all_at(tiny, 5))])
    assert all(p.recommendations == () and p.priority == 0 for p in result.priorities)


levels = st.one_of(st.none(), st.integers(1, 5))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_in_bounds(tiny, data):
    people = [
        person(f"p{i}", data.draw(st.sampled_from(["it", "marketing", "other"])),
               {x.id: data.draw(levels) for x in tiny.questions})
        for i in range(data.draw(st.integers(1, 4)))
    ]  # fmt: skip
    result = score_round(tiny, people)
    for sb in list(result.dimensions.values()) + list(result.questions.values()):
        assert sb.value is None or 1 <= sb.value <= 5
        assert sb.gap is None or -4 <= sb.gap <= 4
    assert result.overall is None or 1 <= result.overall <= 5
    assert result.alignment_index is None or 0 <= result.alignment_index <= 100


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_raising_one_answer_never_lowers_a_score(tiny, data):
    answers = {x.id: data.draw(levels) for x in tiny.questions}
    qid = data.draw(st.sampled_from([x.id for x in tiny.questions]))
    if answers[qid] in (None, 5):
        answers[qid] = data.draw(st.integers(1, 4))
    raised = {**answers, qid: answers[qid] + 1}
    before = score_round(tiny, [person("a", "it", answers)])
    after = score_round(tiny, [person("a", "it", raised)])
    for did in tiny.dimension_ids:
        b, a = before.dimensions[did].value, after.dimensions[did].value
        assert b is None or a >= b
    assert before.overall is None or after.overall >= before.overall
