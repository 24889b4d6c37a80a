"""Questionnaires as data: load a TOML file, validate every field, return frozen models.

A questionnaire file is the product's content, edited by people, so every problem is reported
with the file and the dotted path of the field (``dimensions[2].questions[0].levels``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"
LEVELS = (1, 2, 3, 4, 5)
SIDES = ("it", "marketing", "other")
SIDE_LABELS = {"it": "IT", "marketing": "Marketing", "other": "Other"}

_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_QUESTION_ID_RE = re.compile(r"^[a-z][a-z0-9_]*-\d+$")
_SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
RESERVED_DIMENSION_IDS = frozenset({"overall"})


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
class Question:
    id: str
    dimension_id: str
    text: str
    levels: tuple[str, ...]  # five descriptions, index 0 is level 1
    sources: tuple[str, ...]
    weight: float = 1.0
    reference: str | None = None  # id of a published figure measuring the same thing

    def describe(self, level: int) -> str:
        return self.levels[level - 1]


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    description: str
    questions: tuple[Question, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class ReferenceFigure:
    """A survey figure published in a seed article, shown beside the matching answers."""

    id: str
    question_id: str
    statement: str
    percent: float | None
    population: str
    source: str
    citation: str


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
        return tuple(q for d in self.dimensions for q in d.questions)

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def level_name(self, value: int) -> str:
        return self.levels[value - 1].name

    def references_for(self, question_id: str) -> tuple[ReferenceFigure, ...]:
        return tuple(r for r in self.references if r.question_id == question_id)

    def word_count(self) -> int:
        texts = [q.text for q in self.questions] + [t for q in self.questions for t in q.levels]
        return sum(len(t.split()) for t in texts)


class _Checker:
    """Collects every problem instead of stopping at the first, so one edit fixes them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def table(self, value: Any, where: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(where, f"expected a table, found {type(value).__name__}")
            return False
        for key in sorted(set(value) - required - optional):
            allowed = ", ".join(sorted(required | optional))
            self.fail(f"{where}.{key}" if where else key, f"unknown key (allowed: {allowed})")
        for key in sorted(required - set(value)):
            self.fail(f"{where}.{key}" if where else key, "missing required key")
        return True

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "expected non-empty text")
            return ""
        return value.strip()

    def weight(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"weight must be a number, found {value!r}")
            return 1.0
        if not 0 < value <= 10:
            self.fail(where, f"weight must be greater than 0 and at most 10, found {value}")
            return 1.0
        return float(value)

    def list_of(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail(where, "expected a non-empty list")
            return []
        return value


def parse_questionnaire(data: dict[str, Any], path: Path | str = "<memory>") -> Questionnaire:
    """Validate a parsed TOML document; raise QuestionnaireError listing every problem."""
    c = _Checker()
    c.table(
        data,
        "",
        {"id", "version", "title", "description", "levels", "dimensions"},
        {"references", "minutes"},
    )
    qid = data.get("id")
    if not isinstance(qid, str) or not re.match(r"^[a-z][a-z0-9-]*$", qid):
        c.fail("id", f"expected a lower-case slug such as 'cio-cmo-alignment', found {qid!r}")
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        c.fail("version", f"expected MAJOR.MINOR.PATCH such as '1.0.0', found {version!r}")

    title = c.text(data.get("title"), "title")
    description = c.text(data.get("description"), "description")
    minutes = data.get("minutes", 15)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 120:
        c.fail("minutes", f"expected a whole number of minutes from 1 to 120, found {minutes!r}")
    levels = _parse_levels(c, data.get("levels", []))
    dimensions = _parse_dimensions(c, data.get("dimensions", []))
    question_ids = {q.id for d in dimensions for q in d.questions}
    references = _parse_references(c, data.get("references", []), question_ids)
    ref_questions = {r.id: r.question_id for r in references}
    for di, d in enumerate(dimensions):
        for qi, q in enumerate(d.questions):
            if q.reference is None:
                continue
            where = f"dimensions[{di}].questions[{qi}].reference"
            if q.reference not in ref_questions:
                c.fail(where, f"'{q.reference}' is not the id of any [[references]] entry")
            elif ref_questions[q.reference] != q.id:
                c.fail(
                    where, f"'{q.reference}' belongs to question '{ref_questions[q.reference]}', not '{q.id}'"
                )
    if c.problems:
        raise QuestionnaireError(path, c.problems)
    return Questionnaire(
        id=qid,
        version=version,
        title=title,
        description=description,
        levels=tuple(levels),
        dimensions=tuple(dimensions),
        references=tuple(references),
        minutes=minutes,
        path=str(path),
    )


def _parse_levels(c: _Checker, raw: Any) -> list[Level]:
    levels: list[Level] = []
    for i, item in enumerate(c.list_of(raw, "levels")):
        where = f"levels[{i}]"
        if not c.table(item, where, {"value", "name", "summary"}, set()):
            continue
        if item.get("value") != i + 1:
            c.fail(f"{where}.value", f"expected {i + 1} (levels run 1 to 5 in order)")
        levels.append(
            Level(
                i + 1,
                c.text(item.get("name"), f"{where}.name"),
                c.text(item.get("summary"), f"{where}.summary"),
            )
        )
    if raw and isinstance(raw, list) and len(raw) != 5:
        c.fail("levels", f"expected exactly 5 levels, found {len(raw)}")
    return levels


def _parse_dimensions(c: _Checker, raw: Any) -> list[Dimension]:
    dimensions: list[Dimension] = []
    seen_dims: set[str] = set()
    seen_questions: dict[str, str] = {}
    for di, item in enumerate(c.list_of(raw, "dimensions")):
        where = f"dimensions[{di}]"
        if not c.table(item, where, {"id", "title", "description", "questions"}, {"weight"}):
            continue
        did = item.get("id")
        if not isinstance(did, str) or not _ID_RE.match(did) or did in RESERVED_DIMENSION_IDS:
            c.fail(f"{where}.id", f"expected a lower-case id (not 'overall'), found {did!r}")
            did = f"?{di}"
        elif did in seen_dims:
            c.fail(f"{where}.id", f"duplicate dimension id '{did}'")
        seen_dims.add(did)
        questions = []
        raw_questions = c.list_of(item.get("questions"), f"{where}.questions") if "questions" in item else []
        if raw_questions and not 3 <= len(raw_questions) <= 6:
            c.fail(f"{where}.questions", f"expected 3 to 6 questions, found {len(raw_questions)}")
        for qi, q in enumerate(raw_questions):
            question = _parse_question(c, q, f"{where}.questions[{qi}]", did)
            if question is None:
                continue
            if question.id in seen_questions:
                c.fail(
                    f"{where}.questions[{qi}].id",
                    f"duplicate question id '{question.id}' (first used at {seen_questions[question.id]})",
                )
            seen_questions.setdefault(question.id, f"{where}.questions[{qi}]")
            questions.append(question)
        weight = c.weight(item["weight"], f"{where}.weight") if "weight" in item else 1.0
        dimensions.append(
            Dimension(
                id=did,
                title=c.text(item.get("title"), f"{where}.title"),
                description=c.text(item.get("description"), f"{where}.description"),
                questions=tuple(questions),
                weight=weight,
            )
        )
    return dimensions


def _parse_question(c: _Checker, item: Any, where: str, dimension_id: str) -> Question | None:
    if not c.table(item, where, {"id", "text", "levels", "sources"}, {"weight", "reference"}):
        return None
    qid = item.get("id")
    if not isinstance(qid, str) or not _QUESTION_ID_RE.match(qid):
        c.fail(f"{where}.id", f"expected '<dimension id>-<number>', found {qid!r}")
        qid = f"?{where}"
    elif qid.rsplit("-", 1)[0] != dimension_id:
        c.fail(f"{where}.id", f"'{qid}' must start with its dimension id '{dimension_id}-'")
    levels = item.get("levels")
    if not isinstance(levels, list) or len(levels) != 5:
        found = len(levels) if isinstance(levels, list) else type(levels).__name__
        c.fail(f"{where}.levels", f"expected 5 level descriptions (level 1 to 5), found {found}")
        levels = [""] * 5
    else:
        levels = [c.text(t, f"{where}.levels[{i}]") for i, t in enumerate(levels)]
    sources = c.list_of(item.get("sources"), f"{where}.sources")
    for si, s in enumerate(sources):
        if not isinstance(s, str) or not _SEED_RE.match(s):
            c.fail(
                f"{where}.sources[{si}]",
                f"expected a seed file name like '004_a69fc6c933fa0db2.txt', found {s!r}",
            )
    weight = c.weight(item["weight"], f"{where}.weight") if "weight" in item else 1.0
    reference = item.get("reference")
    if reference is not None and not isinstance(reference, str):
        c.fail(f"{where}.reference", "expected the id of a [[references]] entry")
        reference = None
    return Question(
        id=qid,
        dimension_id=dimension_id,
        text=c.text(item.get("text"), f"{where}.text"),
        levels=tuple(levels),
        sources=tuple(str(s) for s in sources),
        weight=weight,
        reference=reference,
    )


def _parse_references(c: _Checker, raw: Any, question_ids: set[str]) -> list[ReferenceFigure]:
    refs: list[ReferenceFigure] = []
    if raw == []:
        return refs
    seen: set[str] = set()
    for i, item in enumerate(c.list_of(raw, "references")):
        where = f"references[{i}]"
        if not c.table(
            item, where, {"id", "question", "statement", "population", "source", "citation"}, {"percent"}
        ):
            continue
        rid = c.text(item.get("id"), f"{where}.id")
        if rid in seen:
            c.fail(f"{where}.id", f"duplicate reference id '{rid}'")
        seen.add(rid)
        question = item.get("question")
        if question not in question_ids:
            c.fail(f"{where}.question", f"'{question}' is not the id of any question")
        percent = item.get("percent")
        if percent is not None and (
            isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100
        ):
            c.fail(f"{where}.percent", f"expected a number from 0 to 100, found {percent!r}")
            percent = None
        source = item.get("source")
        if not isinstance(source, str) or not _SEED_RE.match(source):
            c.fail(f"{where}.source", f"expected a seed file name, found {source!r}")
        refs.append(
            ReferenceFigure(
                id=rid,
                question_id=str(question),
                statement=c.text(item.get("statement"), f"{where}.statement"),
                percent=float(percent) if percent is not None else None,
                population=c.text(item.get("population"), f"{where}.population"),
                source=str(source),
                citation=c.text(item.get("citation"), f"{where}.citation"),
            )
        )
    return refs


def load_questionnaire(path: Path | str) -> Questionnaire:
    """Read and validate one questionnaire file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(path, [f"cannot read file: {exc.strerror or exc}"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(path, [f"not UTF-8 text (byte {exc.start})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(path, [f"TOML syntax error: {exc}"]) from exc
    return parse_questionnaire(data, path)


def load_all(directory: Path | str = QUESTIONNAIRE_DIR) -> dict[tuple[str, str], Questionnaire]:
    """Every questionnaire version in a directory, keyed by (id, version)."""
    found: dict[tuple[str, str], Questionnaire] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        q = load_questionnaire(path)
        if q.key in found:
            raise QuestionnaireError(
                path, [f"id/version {q.id} {q.version} also defined in {found[q.key].path}"]
            )
        found[q.key] = q
    return found


def latest(questionnaires: dict[tuple[str, str], Questionnaire], qid: str) -> Questionnaire:
    """The highest version of one questionnaire: new assessments use it, old answers keep theirs."""
    versions = [q for (i, _), q in questionnaires.items() if i == qid]
    if not versions:
        raise KeyError(qid)
    return max(versions, key=lambda q: tuple(int(p) for p in q.version.split(".")))
