"""Questionnaires as data: frozen models of a validated questionnaire file, and the versions installed.

A questionnaire file is the product's content, edited by people. Reading and validating it lives in
``assessment.questionnaire_schema``; every problem is reported with the file and the dotted path of
the field (``dimensions[2].questions[0].levels``). This module holds what the rest of Tandem uses:
the models, loading every installed version, the latest version, and which dimensions and
questions of two versions can be compared.

Schema 1 (questionnaire 1.0.0) and schema 2 (``schema = 2`` at the top of the file) share one
model; schema 2 adds question audiences, unscored choice questions, an action library, "reconcile
first" actions, traceable published figures and a continuity declaration. All its fields are
optional in a schema-1 file, so 1.0.0 loads unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assessment import profile
from assessment.i18n import N_

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"
LEVELS = (1, 2, 3, 4, 5)
STEPS = (1, 2, 3, 4)  # step n is the move from level n to level n + 1
SIDES = ("it", "marketing", "other")
SIDE_LABELS = {"it": N_("IT"), "marketing": N_("Marketing"), "other": N_("Other")}  # translate where shown
OWNERS = ("CIO", "CMO", "both")
AUDIENCES = ("all", "leaders")  # leaders: the CIO, the CMO and other executives; not team members
KINDS = ("scale", "choice")  # choice: unscored, five named options instead of five levels
COMPARES = ("share_at_or_below", "share_option")
RESERVED_DIMENSION_IDS = frozenset({"overall"})
# "cio-cmo-alignment-2.0.0.fr.toml": a translation beside its source (assessment.translations).
TRANSLATION_FILE = re.compile(r"^.+\.(?P<lang>[a-z]{2})\.toml$")


class QuestionnaireError(ValueError):
    """A questionnaire file is malformed; the message names the file and every bad field."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{self.path}: {len(problems)} problem(s)\n{listing}")


@dataclass(frozen=True)
class Level:
    value: int
    name: str
    summary: str


@dataclass(frozen=True)
class Action:
    """One entry of the action library: who does what, how to start, what to check after 90 days.

    A question's actions have a ``step`` (1-4: the move from level ``step`` to ``step + 1``); a
    dimension's "reconcile first" action, used when the sides disagree by a level or more, has none.
    """

    owner: str  # "CIO", "CMO" or "both"
    action: str  # an imperative sentence
    first_step: str
    measure: str  # what to check after 90 days
    step: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    dimension_id: str
    text: str
    levels: tuple[str, ...]  # five descriptions, index 0 is level 1; empty for a choice question
    sources: tuple[str, ...]
    weight: float = 1.0
    reference: str | None = None  # id of a published figure measuring the same thing
    audience: str = "all"  # "all" or "leaders"
    kind: str = "scale"  # "scale" or "choice"
    options: tuple[str, ...] = ()  # five options of a choice question, stored as values 1-5
    actions: tuple[Action, ...] = ()  # scale questions: one per step 1-4, in step order

    @property
    def scored(self) -> bool:
        """Only scale questions count in scores, gaps and priorities."""
        return self.kind == "scale"

    @property
    def leaders_only(self) -> bool:
        return self.audience == "leaders"

    @property
    def answers(self) -> tuple[str, ...]:
        """The five texts a respondent picks from: level descriptions, or a choice's options."""
        return self.levels if self.kind == "scale" else self.options

    def describe(self, level: int) -> str:
        return self.answers[level - 1]

    def action_for(self, step: int) -> Action | None:
        """The action that moves this question from level ``step`` to ``step + 1``."""
        return next((a for a in self.actions if a.step == step), None)

    def asked_of(self, role: str | None) -> bool:
        """Whether a respondent in this role is shown the question (None: role unknown, asked)."""
        return not self.leaders_only or role is None or profile.is_leader(role)


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    description: str
    questions: tuple[Question, ...]
    weight: float = 1.0
    reconcile: Action | None = None  # "reconcile first", when the sides disagree by >= 1 level

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scored)


@dataclass(frozen=True)
class Compare:
    """How to compute, from the organisation's own answers, the number a figure is set beside.

    ``share_at_or_below`` N: the share of respondents answering level N or below on the question;
    ``share_option`` N: the share choosing option N of a choice question. Don't-knows are left out.
    """

    kind: str
    value: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    def describe(self) -> str:
        if self.kind == "share_option":
            return f"share of respondents choosing option {self.value}"
        return f"share of respondents at level {self.value} or below"

    def matches(self, level: int) -> bool:
        if self.kind == "share_option":
            return level == self.value
        return level <= self.value


@dataclass(frozen=True)
class ReferenceFigure:
    """A published survey figure, shown beside the comparable number from the organisation's answers."""

    id: str
    question_id: str
    statement: str
    percent: float | None
    population: str  # the group surveyed
    source: str  # seed file the figure was found in; "" when none
    citation: str
    publisher: str = ""
    survey: str = ""
    year: int | None = None
    compare: Compare | None = None
    url: str = ""

    @property
    def attribution(self) -> str:
        """Publisher, survey and year, as a reader can look them up: "CMO Council and KPMG, ... (2021)"."""
        parts = ", ".join(p for p in (self.publisher, self.survey) if p)
        if self.year is not None:
            parts = f"{parts} ({self.year})" if parts else str(self.year)
        return parts or self.citation


@dataclass(frozen=True)
class Continuity:
    """Which dimensions and questions of this version mean the same as in an earlier version.

    Maps are stored as (new id, old id) pairs, one to one; anything not listed is not comparable.
    """

    from_version: str
    dimensions: tuple[tuple[str, str], ...] = ()
    questions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    description: str
    levels: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    references: tuple[ReferenceFigure, ...] = ()
    minutes: int = 15
    path: str = ""
    schema: int = 1
    continuity: Continuity | None = None
    _questions: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = {q.id: q for d in self.dimensions for q in d.questions}
        object.__setattr__(self, "_questions", index)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, scored or not, in order."""
        return tuple(q for d in self.dimensions for q in d.questions)

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        """The questions that count in scores, gaps and priorities (choice questions do not)."""
        return tuple(q for q in self.questions if q.scored)

    @property
    def choice_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == "choice")

    def questions_for(self, role: str | None) -> tuple[Question, ...]:
        """The questions a respondent in this role is asked (team members skip leaders-only ones)."""
        return tuple(q for q in self.questions if q.asked_of(role))

    def dimensions_for(self, role: str | None) -> tuple[Dimension, ...]:
        """The questionnaire's steps for a role: dimensions with at least one question it is asked."""
        return tuple(d for d in self.dimensions if any(x.asked_of(role) for x in d.questions))

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def level_name(self, value: int) -> str:
        return self.levels[value - 1].name

    @property
    def level_names(self) -> list[str]:
        """The levels' names, 1 to 5: the score axis of every chart."""
        return [lv.name for lv in self.levels]

    def references_for(self, question_id: str) -> tuple[ReferenceFigure, ...]:
        return tuple(r for r in self.references if r.question_id == question_id)

    def word_count(self) -> int:
        """Words a respondent reads: question texts and the five answers of each."""
        texts = [q.text for q in self.questions] + [t for q in self.questions for t in q.answers]
        return sum(len(t.split()) for t in texts)


# Reading files: defined in questionnaire_schema, which needs the models above.
from assessment.questionnaire_schema import (  # noqa: E402
    check_continuity,
    load_questionnaire,
    parse_questionnaire,
)

__all__ = [
    "Action",
    "Compare",
    "Continuity",
    "Correspondence",
    "Dimension",
    "Level",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "ReferenceFigure",
    "check_continuity",
    "correspondence",
    "latest",
    "load_all",
    "load_questionnaire",
    "parse_questionnaire",
    "version_key",
]


def version_key(version: str) -> tuple[int, ...]:
    """Numeric order of MAJOR.MINOR.PATCH: 1.10.0 comes after 1.9.0."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


def load_all(directory: Path | str = QUESTIONNAIRE_DIR) -> dict[tuple[str, str], Questionnaire]:
    """Every questionnaire version in a directory, keyed by (id, version).

    A version that declares continuity with an installed earlier version is checked against it:
    every old dimension and question it names must exist there."""
    found: dict[tuple[str, str], Questionnaire] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        if TRANSLATION_FILE.match(path.name):
            continue  # loaded with its source by assessment.translations
        q = load_questionnaire(path)
        if q.key in found:
            raise QuestionnaireError(
                path, [f"id/version {q.id} {q.version} also defined in {found[q.key].path}"]
            )
        found[q.key] = q
    for q in found.values():
        older = found.get((q.id, q.continuity.from_version)) if q.continuity else None
        if older is not None and (problems := check_continuity(q, older)):
            raise QuestionnaireError(q.path, problems)
    return found


def latest(questionnaires: Mapping[tuple[str, str], Questionnaire], qid: str) -> Questionnaire:
    """The highest version of one questionnaire: new assessments use it, old answers keep theirs."""
    versions = [q for (i, _), q in questionnaires.items() if i == qid]
    if not versions:
        raise KeyError(qid)
    return max(versions, key=lambda q: version_key(q.version))


@dataclass(frozen=True)
class Correspondence:
    """What can be compared between an older and a newer version: old id -> new id.

    Dimensions and questions not in the maps are "not comparable" across the two versions."""

    older: tuple[str, str]
    newer: tuple[str, str]
    dimensions: Mapping[str, str]
    questions: Mapping[str, str]

    def dimension(self, old_id: str) -> str | None:
        """The newer dimension comparable with an older one, or None: not comparable."""
        return self.dimensions.get(old_id)

    def question(self, old_id: str) -> str | None:
        return self.questions.get(old_id)

    @property
    def comparable(self) -> bool:
        return bool(self.dimensions or self.questions)


def correspondence(
    a: Questionnaire, b: Questionnaire, installed: Mapping[tuple[str, str], Questionnaire] | None = None
) -> Correspondence:
    """Which dimensions and questions of two versions compare, mapped from the older to the newer.

    The same version compares entirely. A newer version compares where its ``[continuity]`` declares
    an equivalence with the older one; through intermediate versions when ``installed`` holds them
    (1.0 -> 2.0 -> 3.0 compares only what both steps kept). Anything else: not comparable."""
    older, newer = sorted((a, b), key=lambda q: version_key(q.version))
    if older.id != newer.id:
        return Correspondence(older.key, newer.key, {}, {})
    if older.version == newer.version:
        return Correspondence(
            older.key, newer.key, {d: d for d in older.dimension_ids}, {q.id: q.id for q in older.questions}
        )
    c = newer.continuity
    if c is None:
        return Correspondence(older.key, newer.key, {}, {})
    step_dims = {old: new for new, old in c.dimensions}
    step_questions = {old: new for new, old in c.questions}
    if c.from_version == older.version:
        return Correspondence(older.key, newer.key, step_dims, step_questions)
    middle = (installed or {}).get((newer.id, c.from_version))
    if middle is None or version_key(middle.version) <= version_key(older.version):
        return Correspondence(older.key, newer.key, {}, {})
    before = correspondence(older, middle, installed)
    dims = {o: step_dims[m] for o, m in before.dimensions.items() if m in step_dims}
    questions = {o: step_questions[m] for o, m in before.questions.items() if m in step_questions}
    return Correspondence(older.key, newer.key, dims, questions)
