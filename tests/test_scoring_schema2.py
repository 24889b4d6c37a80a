"""Scoring a schema-2 questionnaire: choice questions never count; leaders-only questions are not
asked of team members and their absence does not lower coverage. Python and SQL agree."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.scoring import Respondent, score_dimension, score_respondent, score_round

# tiny 2.0.0: strategy-1 (weight 2), strategy-2 (leaders), strategy-3, strategy-4 (choice,
# leaders); governance-1..3 (governance-3 leaders); privacy-1..3 (dimension weight 2).
TEAM = "Marketing team member"


def test_choice_answers_never_count(tiny2):
    d = tiny2.dimension("strategy")
    base = {"strategy-1": 3, "strategy-2": 3, "strategy-3": 3}
    for option in (1, 5, None):
        s = score_dimension(d, {**base, "strategy-4": option}, "CMO")
        assert (s.score, s.answered, s.total) == (3.0, 3, 3)


def test_choice_question_is_not_in_gaps_or_priorities(tiny2):
    people = [
        Respondent("a", "it", {"strategy-4": 1, "strategy-1": 2, "strategy-3": 2}, {}, "CIO"),
        Respondent("b", "marketing", {"strategy-4": 5, "strategy-1": 2, "strategy-3": 2}, {}, "CMO"),
    ]
    result = score_round(tiny2, people)
    assert "strategy-4" not in result.questions
    assert all(qid != "strategy-4" for qid, _ in result.top_disagreements())
    assert result.dimensions["strategy"].gap == 0
    steps = [step.question_id for p in result.priorities for step in p.recommendations]
    assert "strategy-4" not in steps


def test_team_member_coverage_ignores_leaders_only_questions(tiny2):
    d = tiny2.dimension("governance")
    answers = {"governance-1": 2, "governance-2": 4}
    team = score_dimension(d, answers, TEAM)
    leader = score_dimension(d, answers, "CIO")
    assert (team.answered, team.total, team.coverage) == (2, 2, 1.0)
    assert (leader.answered, leader.total) == (2, 3)
    assert team.score == leader.score == 3.0
    # One answer of two: still 50 % for the team member, a third for a leader, so unscored.
    assert score_dimension(d, {"governance-1": 2}, TEAM).score == 2.0
    assert score_dimension(d, {"governance-1": 2}, "CIO").score is None


def test_team_member_answers_to_leaders_questions_are_ignored(tiny2):
    # Answers stored before a side or role change must not count where the role is not asked.
    answers = {"governance-1": 2, "governance-2": 2, "governance-3": 5}
    assert score_dimension(tiny2.dimension("governance"), answers, TEAM).score == 2.0
    result = score_round(tiny2, [Respondent("t", "marketing", answers, {}, TEAM)])
    assert result.questions["governance-3"].value is None
    assert result.questions["governance-1"].value == 2.0


def test_unknown_role_is_asked_everything(tiny2):
    assert score_dimension(tiny2.dimension("governance"), {"governance-1": 2}, None).total == 3


def test_round_with_leaders_and_team_members(tiny2):
    cio = {q.id: 4 for q in tiny2.questions}
    team = {q.id: 2 for q in tiny2.questions_for("IT team member")}
    result = score_round(
        tiny2,
        [Respondent("c", "it", cio, {}, "CIO"), Respondent("t", "it", team, {}, "IT team member")],
    )
    per = result.respondent_scores
    assert per["t"]["strategy"].total == 2 and per["c"]["strategy"].total == 3
    assert result.dimensions["strategy"].it == pytest.approx(3.0)  # mean of 4 and 2
    assert result.questions["strategy-2"].it == 4.0  # only the CIO was asked
    assert result.questions["strategy-1"].it == 3.0


_QUESTION_IDS = [
    *(f"strategy-{i}" for i in (1, 2, 3, 4)),
    *(f"governance-{i}" for i in (1, 2, 3)),
    *(f"privacy-{i}" for i in (1, 2, 3)),
]
people_strategy = st.lists(
    st.tuples(
        st.sampled_from(["it", "marketing", "other"]),
        st.sampled_from(["CIO", "CMO", "IT team member", "Marketing team member", "Observer", "CEO"]),
        st.fixed_dictionaries(
            {}, optional={q: st.one_of(st.none(), st.integers(1, 5)) for q in _QUESTION_IDS}
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_strategy)
def test_sql_round_scores_agree_with_python_on_schema_2(store, tiny2, people):
    org = store.create_organisation("Acme", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026", tiny2)
    for side, role, answers in people:
        person = store.create_respondent(rnd.id, side, role)
        for qid, level in answers.items():  # every question stored, whatever the role was shown
            store.save_answer(person.id, qid, level)
        store.mark_complete(person.id)
    respondents = store.respondents_of(rnd.id, completed_only=True)
    assert {r.role for r in respondents} == {role for _, role, _ in people}
    expected = score_round(tiny2, respondents)
    stored = store.round_scores(rnd.id)
    for did in tiny2.dimension_ids:
        want = expected.dimensions[did].value
        assert (stored.get(did) is None) == (want is None), did
        if want is not None:
            assert stored[did] == pytest.approx(want)
    assert (stored.get("overall") is None) == (expected.overall is None)
    if expected.overall is not None:
        assert stored["overall"] == pytest.approx(expected.overall)


def test_score_respondent_passes_the_role(tiny2):
    scores = score_respondent(tiny2, {"strategy-1": 3, "strategy-3": 3}, TEAM)
    assert scores["strategy"].coverage == 1.0
