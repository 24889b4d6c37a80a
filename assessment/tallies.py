"""Counting answers rather than scoring them, as pure functions a view can draw.

- Choice questions ("who leads the digital, data and AI agenda?") are never scored: their
  answers are shown as counts per option and per side, beside the gap view.
- A published figure is shown beside a comparable number from the organisation's own answers,
  computed as its ``compare`` says: the share of respondents at level N or below, or the share
  choosing option N. Percent against percent, never percent against a mean level.

Don't-knows are counted apart and left out of every share. A respondent is counted only on the
questions their role is asked (team members skip leaders-only questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.questionnaire import SIDES, Question, Questionnaire, ReferenceFigure
from assessment.scoring import Respondent


@dataclass(frozen=True)
class ChoiceTally:
    """Answers to one choice question: how many of each side chose each option."""

    question_id: str
    options: tuple[str, ...]
    counts: dict[str, tuple[int, ...]]  # side -> count per option, in option order
    dont_know: dict[str, int]  # side -> "don't know" answers

    def answered(self, side: str) -> int:
        return sum(self.counts[side])

    def rows(self) -> list[dict[str, object]]:
        """Long format for a chart or table: one row per option and side."""
        return [
            {"option": option, "value": i + 1, "side": side, "count": self.counts[side][i]}
            for side in SIDES
            for i, option in enumerate(self.options)
        ]


@dataclass(frozen=True)
class Share:
    """How many respondents answered, and how many of them match a figure's comparison."""

    matching: int
    answered: int

    @property
    def percent(self) -> float | None:
        return 100 * self.matching / self.answered if self.answered else None


@dataclass(frozen=True)
class FigureComparison:
    """A published figure and the comparable share of the organisation's own respondents."""

    figure: ReferenceFigure
    by_side: dict[str, Share]  # "it", "marketing", "other"
    everyone: Share

    @property
    def comparable(self) -> bool:
        return self.figure.compare is not None and self.figure.percent is not None


def _answers(question: Question, respondents: Sequence[Respondent]) -> list[tuple[str, int | None]]:
    """(side, value) of every respondent who was asked the question and answered it (None: don't know)."""
    return [
        (r.side, r.answers[question.id])
        for r in respondents
        if question.id in r.answers and question.asked_of(r.role)
    ]


def tally_choice(question: Question, respondents: Sequence[Respondent]) -> ChoiceTally:
    """Counts per option and side for one choice question."""
    if question.kind != "choice":
        raise ValueError(f"{question.id} is a {question.kind} question, not a choice question")
    counts = {side: [0] * len(question.options) for side in SIDES}
    dont_know = dict.fromkeys(SIDES, 0)
    for side, value in _answers(question, respondents):
        if value is None:
            dont_know[side] += 1
        elif 1 <= value <= len(question.options):
            counts[side][value - 1] += 1
    return ChoiceTally(question.id, question.options, {s: tuple(c) for s, c in counts.items()}, dont_know)


def tally_choices(questionnaire: Questionnaire, respondents: Sequence[Respondent]) -> dict[str, ChoiceTally]:
    """Every choice question of a round, by question id, in questionnaire order."""
    return {q.id: tally_choice(q, respondents) for q in questionnaire.choice_questions}


def compare_figure(
    questionnaire: Questionnaire, figure: ReferenceFigure, respondents: Sequence[Respondent]
) -> FigureComparison:
    """The share of the organisation's respondents that the figure's ``compare`` describes."""
    matching = dict.fromkeys(SIDES, 0)
    answered = dict.fromkeys(SIDES, 0)
    if figure.compare is not None:
        question = questionnaire.question(figure.question_id)
        for side, value in _answers(question, respondents):
            if value is None:
                continue
            answered[side] += 1
            matching[side] += figure.compare.matches(value)
    return FigureComparison(
        figure,
        {s: Share(matching[s], answered[s]) for s in SIDES},
        Share(sum(matching.values()), sum(answered.values())),
    )


def compare_figures(
    questionnaire: Questionnaire, respondents: Sequence[Respondent]
) -> list[FigureComparison]:
    """Every published figure that says how to compare it, with the organisation's own share."""
    return [
        compare_figure(questionnaire, f, respondents)
        for f in questionnaire.references
        if f.compare is not None
    ]
