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
  100 x max(0, 1 - mean |gap| / 2): 100 when both sides see every dimension alike, 50 when they
  are a full level apart on average (a serious disagreement), 0 at two levels or more. In words:
  aligned under half a level, partly aligned under one level, a serious disagreement from one.
- Importance is balanced like scores: per side, the mean over the respondents who reached the
  dimension of their rating, an untouched slider counting as 3; then the mean of the two sides.
- Priorities: a dimension where the sides disagree by a level or more is a "reconcile" priority
  first (largest gap first): establish the facts together before improving. The rest follow
  importance x (5 - score). Priorities within 0.1 of each other share a rank: they are equal.

A single respondent's result is the organisation result of a one-person organisation, so the
same code path explains both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from assessment.i18n import N_
from assessment.questionnaire import Action, Dimension, Questionnaire

MIN_COVERAGE = 0.5
GAP_FLAG = 1.0
ALIGNMENT_SPAN = 2.0  # a mean gap of this many levels or more gives an alignment index of 0
ALIGNED_BELOW = 0.5  # mean |gap| under half a level reads as aligned
NEAR_TIE = 0.1  # priorities closer than this are equal, not ranked
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
            return N_("both sides")
        if self.it is not None:
            return N_("IT only")
        if self.marketing is not None:
            return N_("marketing only")
        if self.other is not None:
            return N_("other respondents only")
        return N_("insufficient answers")

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
class Step:
    """Advice on one question: where it stands and the action that moves it up a level (from
    the questionnaire's action library; without one, the next level's description)."""

    question_id: str
    current: float  # the side-balanced mean
    level: int  # the level that mean bands into, as shown beside the score
    next_level: int | None  # None at the top level
    description: str  # the next level's description ("" at the top level)
    action: Action | None
    it: float | None
    marketing: float | None


@dataclass(frozen=True)
class Priority:
    rank: int  # shared by priorities within NEAR_TIE of each other
    dimension_id: str
    score: float
    importance: float
    priority: float  # importance x (5 - score)
    kind: str  # "reconcile": the sides disagree by a level or more; else "improve"
    gap: float | None
    recommendations: tuple[Step, ...]
    tied: bool = False  # equal to another priority: not a ranking
    reconcile: Action | None = None  # the dimension's joint exercise, for a "reconcile" priority


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
    sides: dict[str, float] = field(default_factory=dict)  # "it"/"marketing": that side's overall
    mean_gap: float | None = None  # mean |gap| over the dimensions both sides scored

    @property
    def priorities(self) -> tuple[Priority, ...]:
        """The top of the ranking: every priority ranked within the first ``top`` (ties included)."""
        return tuple(p for p in self.ranking if p.rank <= self.top)

    @property
    def split(self) -> bool:
        """The sides disagree by a level or more: the headline is each side's view, not one level."""
        if self.mean_gap is None or len(self.sides) < 2:
            return False
        return self.mean_gap >= GAP_FLAG or abs(self.sides["marketing"] - self.sides["it"]) >= GAP_FLAG

    @property
    def alignment(self) -> str | None:
        return alignment_verdict(self.mean_gap)

    @property
    def sides_present(self) -> set[str]:
        return {s for d in self.dimensions.values() for s in ("it", "marketing") if getattr(d, s) is not None}

    def top_disagreements(self, limit: int = 10) -> list[tuple[str, SideBalanced]]:
        gaps = [(qid, sb) for qid, sb in self.questions.items() if sb.gap is not None]
        return sorted(gaps, key=lambda item: -abs(item[1].gap or 0))[:limit]


def mean_abs_gap(gaps: Sequence[float]) -> float | None:
    return sum(abs(g) for g in gaps) / len(gaps) if gaps else None


def alignment_index(gaps: Sequence[float]) -> float | None:
    """100 when IT and marketing see every dimension alike, 50 at a mean gap of one level,
    0 at two levels or more: a board must not read a full level apart as "75, good"."""
    mean = mean_abs_gap(gaps)
    return None if mean is None else 100 * max(0.0, 1 - mean / ALIGNMENT_SPAN)


def alignment_verdict(mean_gap: float | None) -> str | None:
    """The alignment in words, from the mean gap in levels."""
    if mean_gap is None:
        return None
    if mean_gap < ALIGNED_BELOW:
        return N_("aligned")
    if mean_gap < GAP_FLAG:
        return N_("partly aligned")
    return N_("serious disagreement")


def balanced_importance(questionnaire: Questionnaire, respondents: Sequence[Respondent]) -> dict[str, float]:
    """Per dimension: the mean of the IT side's and the marketing side's mean rating, over the
    respondents who reached the dimension (rated it or answered one of its questions), an
    untouched slider counting as 3, exactly as the questionnaire page says."""
    out = {}
    for d in questionnaire.dimensions:
        ids = {q.id for q in d.questions}
        by_side: dict[str, list[float]] = {}
        for r in respondents:
            reached = d.id in r.importance or any(r.answers.get(qid) is not None for qid in ids)
            if reached:
                by_side.setdefault(r.side, []).append(float(r.importance.get(d.id, DEFAULT_IMPORTANCE)))
        out[d.id] = balance_sides(by_side).value or DEFAULT_IMPORTANCE
    return out


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
    importance = balanced_importance(questionnaire, respondents)
    sides = {}
    for side in ("it", "marketing"):
        of_side = overall_score(questionnaire, {k: getattr(v, side) for k, v in dimensions.items()})
        if of_side is not None:
            sides[side] = of_side
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
        sides=sides,
        mean_gap=mean_abs_gap(gaps),
    )


def rank_priorities(
    questionnaire: Questionnaire,
    dimensions: Mapping[str, SideBalanced],
    questions: Mapping[str, SideBalanced],
    importance: Mapping[str, float],
) -> tuple[Priority, ...]:
    """Every scored dimension in the order to act on it: "reconcile" priorities first (largest
    gap first), then importance x (5 - score); near-equal neighbours share a rank."""
    order = {d.id: i for i, d in enumerate(questionnaire.dimensions)}
    scored = [(did, sb) for did, sb in dimensions.items() if sb.value is not None]
    reconcile = sorted(
        [(did, sb) for did, sb in scored if sb.flagged], key=lambda x: (-abs(x[1].gap or 0), order[x[0]])
    )
    improve = sorted(
        [(did, sb) for did, sb in scored if not sb.flagged],
        key=lambda x: (-importance[x[0]] * (5 - x[1].value), x[1].value, order[x[0]]),
    )
    out: list[Priority] = []
    for kind, group, measure in (
        ("reconcile", reconcile, lambda sb, did: abs(sb.gap or 0)),
        ("improve", improve, lambda sb, did: importance[did] * (5 - sb.value)),
    ):
        previous: float | None = None
        for did, sb in group:
            value = measure(sb, did)
            tie = previous is not None and abs(previous - value) < NEAR_TIE and out[-1].kind == kind
            rank = out[-1].rank if tie else len(out) + 1
            if tie:
                out[-1] = replace(out[-1], tied=True)
            dimension = questionnaire.dimension(did)
            out.append(
                Priority(
                    rank=rank,
                    dimension_id=did,
                    score=sb.value,
                    importance=importance[did],
                    priority=importance[did] * (5 - sb.value),
                    kind=kind,
                    gap=sb.gap,
                    recommendations=_steps(questionnaire, did, questions, by_gap=kind == "reconcile"),
                    tied=tie,
                    reconcile=dimension.reconcile if kind == "reconcile" else None,
                )
            )
            previous = value
    return tuple(out)


def _steps(
    questionnaire: Questionnaire, dimension_id: str, questions: Mapping[str, SideBalanced], *, by_gap: bool
) -> tuple[Step, ...]:
    """At most two questions to start with: the largest disagreements for a "reconcile" priority,
    else the weakest questions below the top level, each with the action for its next step."""
    found = []
    for q in questionnaire.dimension(dimension_id).scored_questions:
        sb = questions[q.id]
        if sb.value is None or (not by_gap and sb.value >= 5) or (by_gap and sb.gap is None):
            continue
        level = maturity_level(sb.value)
        nxt = level + 1 if level < 5 else None
        found.append(
            Step(
                q.id, sb.value, level, nxt, q.describe(nxt) if nxt else "",
                q.action_for(level) if nxt else None, sb.it, sb.marketing,
            )  # fmt: skip
        )
    key = (lambda s: (-abs((s.marketing or 0) - (s.it or 0)), s.question_id)) if by_gap else (
        lambda s: (s.current, s.question_id)
    )
    return tuple(sorted(found, key=key)[:2])
