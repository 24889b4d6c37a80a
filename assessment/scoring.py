"""Scoring rules, as pure functions over answers (BRIEF, "Scoring rules").

- A respondent's dimension score is the weighted mean of the levels they gave; "don't know"
  (``None``) and unanswered questions are left out and lower the coverage. Under 50 % coverage
  the dimension is "insufficient answers" and has no score.
- Only scale questions count: choice questions ("who leads the agenda") are never scored, nor in
  any gap or priority. Leaders-only questions are not asked of team members, so for them those
  questions are not part of the dimension: their absence does not lower coverage.
- An organisation's dimension score is the mean of the IT side's mean and the marketing side's
  mean, so one CIO is not drowned by ten marketers. With one side only, that side's mean is used
  and the basis says so. "Other" respondents (CEO, observers) count only when neither side has.
- The overall score is the weighted mean of the dimension scores; it needs at least half of
  the dimensions to be scored.
- Perception gap = marketing mean - IT mean, flagged at |gap| >= 1. The alignment index is
  100 x (1 - mean |gap| / 4): 100 when both sides see the same, 0 when they are 4 levels apart.
- Priority = importance x (5 - score); importance defaults to 3 (neutral) when nobody rated it.

A single respondent's result is the organisation result of a one-person organisation, so the
same code path explains both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.questionnaire import Dimension, Questionnaire

MIN_COVERAGE = 0.5
GAP_FLAG = 1.0
DEFAULT_IMPORTANCE = 3.0
BANDS = (1.8, 2.6, 3.4, 4.2)  # upper bounds of levels 1-4; level 5 is [4.2, 5]

Answers = Mapping[str, int | None]


def maturity_level(score: float) -> int:
    """Band a 1-5 score into a maturity level: [1,1.8) [1.8,2.6) [2.6,3.4) [3.4,4.2) [4.2,5]."""
    if not 1 <= score <= 5 or math.isnan(score):
        raise ValueError(f"score {score} is outside [1, 5]")
    return 1 + sum(score >= bound for bound in BANDS)


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is nothing to average."""
    total = sum(w for _, w in pairs)
    if not pairs or total <= 0:
        return None
    return sum(v * w for v, w in pairs) / total


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    score: float | None  # None: insufficient answers
    answered: int
    total: int

    @property
    def coverage(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def sufficient(self) -> bool:
        return self.score is not None


def score_dimension(dimension: Dimension, answers: Answers, role: str | None = None) -> DimensionScore:
    """One respondent's score on one dimension, over the scale questions their role is asked."""
    asked = [q for q in dimension.questions if q.scored and q.asked_of(role)]
    given = [(answers[q.id], q.weight) for q in asked if answers.get(q.id) is not None]
    total = len(asked)
    coverage = len(given) / total if total else 0.0
    score = weighted_mean(given) if coverage >= MIN_COVERAGE else None
    return DimensionScore(dimension.id, score, len(given), total)


def score_respondent(
    questionnaire: Questionnaire, answers: Answers, role: str | None = None
) -> dict[str, DimensionScore]:
    """Every dimension's score for one respondent, with coverage."""
    return {d.id: score_dimension(d, answers, role) for d in questionnaire.dimensions}


def overall_score(questionnaire: Questionnaire, scores: Mapping[str, float | None]) -> float | None:
    """Weighted mean of the scored dimensions; None unless at least half are scored."""
    scored = [(scores[d.id], d.weight) for d in questionnaire.dimensions if scores.get(d.id) is not None]
    if len(scored) * 2 < len(questionnaire.dimensions):
        return None
    return weighted_mean(scored)


@dataclass(frozen=True)
class Respondent:
    """What scoring needs to know of one respondent."""

    id: str
    side: str  # "it", "marketing" or "other"
    answers: Answers
    importance: Mapping[str, int]
    role: str | None = None  # None: unknown, asked every question


@dataclass(frozen=True)
class SideBalanced:
    """A side-balanced figure: each side's mean, the combined value and what it rests on."""

    value: float | None
    it: float | None
    marketing: float | None
    other: float | None
    n_it: int
    n_marketing: int
    n_other: int

    @property
    def basis(self) -> str:
        if self.it is not None and self.marketing is not None:
            return "both sides"
        if self.it is not None:
            return "IT only"
        if self.marketing is not None:
            return "marketing only"
        if self.other is not None:
            return "other respondents only"
        return "insufficient answers"

    @property
    def gap(self) -> float | None:
        if self.it is None or self.marketing is None:
            return None
        return self.marketing - self.it

    @property
    def flagged(self) -> bool:
        return self.gap is not None and abs(self.gap) >= GAP_FLAG


def balance_sides(values_by_side: Mapping[str, Sequence[float]]) -> SideBalanced:
    """Combine per-side values: mean of the IT mean and the marketing mean (BRIEF)."""
    it = _mean(values_by_side.get("it", ()))
    marketing = _mean(values_by_side.get("marketing", ()))
    other = _mean(values_by_side.get("other", ()))
    if it is not None and marketing is not None:
        value = (it + marketing) / 2
    else:
        value = it if it is not None else marketing if marketing is not None else other
    return SideBalanced(
        value,
        it,
        marketing,
        other,
        len(values_by_side.get("it", ())),
        len(values_by_side.get("marketing", ())),
        len(values_by_side.get("other", ())),
    )


@dataclass(frozen=True)
class Priority:
    rank: int
    dimension_id: str
    score: float
    importance: float
    priority: float
    recommendations: tuple[tuple[str, int, str], ...]  # (question id, next level, description)


@dataclass(frozen=True)
class Result:
    """The scored result of one round (or of one respondent alone)."""

    questionnaire: Questionnaire
    dimensions: dict[str, SideBalanced]
    questions: dict[str, SideBalanced]  # scale questions only: choice questions are never scored
    overall: float | None
    level: int | None
    alignment_index: float | None
    ranking: tuple[Priority, ...]  # every scored dimension, rank 1 first: the one source of ranks
    importance: dict[str, float]
    respondent_scores: dict[str, dict[str, DimensionScore]]
    top: int = 3

    @property
    def priorities(self) -> tuple[Priority, ...]:
        """The top of the ranking: what to work on first."""
        return self.ranking[: self.top]

    @property
    def sides_present(self) -> set[str]:
        return {s for d in self.dimensions.values() for s in ("it", "marketing") if getattr(d, s) is not None}

    def top_disagreements(self, limit: int = 10) -> list[tuple[str, SideBalanced]]:
        gaps = [(qid, sb) for qid, sb in self.questions.items() if sb.gap is not None]
        return sorted(gaps, key=lambda item: -abs(item[1].gap or 0))[:limit]


def alignment_index(gaps: Sequence[float]) -> float | None:
    """100 when IT and marketing agree on every dimension, 0 when they are 4 levels apart."""
    if not gaps:
        return None
    return 100 * (1 - sum(abs(g) for g in gaps) / len(gaps) / 4)


def score_round(questionnaire: Questionnaire, respondents: Sequence[Respondent], top: int = 3) -> Result:
    """Score a round: per-respondent dimension scores, side-balanced dimension and question
    scores, overall score and level, perception gaps, alignment index and priorities."""
    per_respondent = {r.id: score_respondent(questionnaire, r.answers, r.role) for r in respondents}
    dimensions: dict[str, SideBalanced] = {}
    for d in questionnaire.dimensions:
        by_side: dict[str, list[float]] = {}
        for r in respondents:
            s = per_respondent[r.id][d.id].score
            if s is not None:
                by_side.setdefault(r.side, []).append(s)
        dimensions[d.id] = balance_sides(by_side)
    questions: dict[str, SideBalanced] = {}
    for q in questionnaire.scored_questions:
        by_side = {}
        for r in respondents:
            level = r.answers.get(q.id) if q.asked_of(r.role) else None
            if level is not None:
                by_side.setdefault(r.side, []).append(float(level))
        questions[q.id] = balance_sides(by_side)
    overall = overall_score(questionnaire, {k: v.value for k, v in dimensions.items()})
    gaps = [sb.gap for sb in dimensions.values() if sb.gap is not None]
    importance = {}
    for d in questionnaire.dimensions:
        ratings = [r.importance[d.id] for r in respondents if r.importance.get(d.id) is not None]
        importance[d.id] = _mean([float(x) for x in ratings]) or DEFAULT_IMPORTANCE
    return Result(
        questionnaire=questionnaire,
        dimensions=dimensions,
        questions=questions,
        overall=overall,
        level=maturity_level(overall) if overall is not None else None,
        alignment_index=alignment_index(gaps),
        ranking=rank_priorities(questionnaire, dimensions, questions, importance),
        importance=importance,
        respondent_scores=per_respondent,
        top=top,
    )


def rank_priorities(
    questionnaire: Questionnaire,
    dimensions: Mapping[str, SideBalanced],
    questions: Mapping[str, SideBalanced],
    importance: Mapping[str, float],
) -> tuple[Priority, ...]:
    """Every scored dimension ordered by importance x (5 - score), each with its next steps:
    the next level's description of the (at most two) weakest questions in it."""
    order = {d.id: i for i, d in enumerate(questionnaire.dimensions)}
    scored = [(did, sb.value) for did, sb in dimensions.items() if sb.value is not None]
    ranked = sorted(scored, key=lambda item: (-importance[item[0]] * (5 - item[1]), item[1], order[item[0]]))
    priorities = []
    for rank, (did, score) in enumerate(ranked, start=1):
        steps = []
        for q in questionnaire.dimension(did).scored_questions:
            current = questions[q.id].value
            if current is not None and current < 5:
                steps.append((current, q.id, min(5, math.floor(current) + 1)))
        steps.sort(key=lambda s: (s[0], s[1]))
        recs = tuple((qid, nxt, questionnaire.question(qid).describe(nxt)) for _, qid, nxt in steps[:2])
        priorities.append(Priority(rank, did, score, importance[did], importance[did] * (5 - score), recs))
    return tuple(priorities)
