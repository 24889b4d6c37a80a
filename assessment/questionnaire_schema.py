"""Reading a questionnaire file: every field validated at load, every problem named with its field.

Problems are collected, not raised one at a time, so one edit can fix them all; each says the
dotted path of the field (``dimensions[2].questions[0].actions[1].owner``) and the error names
the file. Files larger than ``MAX_BYTES`` or nested deeper than ``MAX_DEPTH`` are refused before
anything else is read from them.

Schema 2 (``schema = 2``) makes the action library, "reconcile first" actions and traceable
figures (publisher, survey, year and how to compare) required; in a schema-1 file they are
optional but still checked when present. Figures and continuity are checked in
``questionnaire_links``; the problem collector and id patterns live in ``questionnaire_checker``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assessment.questionnaire import (
    AUDIENCES,
    KINDS,
    OWNERS,
    RESERVED_DIMENSION_IDS,
    STEPS,
    Action,
    Dimension,
    Level,
    Question,
    Questionnaire,
    QuestionnaireError,
)
from assessment.questionnaire_checker import (
    CHOICE_OPTIONS,
    ID_RE,
    QUESTION_ID_RE,
    SEED_RE,
    VERSION_RE,
    Checker,
)
from assessment.questionnaire_links import (
    check_continuity,
    check_question_references,
    parse_continuity,
    parse_references,
)

__all__ = ["MAX_BYTES", "MAX_DEPTH", "check_continuity", "load_questionnaire", "parse_questionnaire"]

MAX_BYTES = 1_000_000  # 1.0.0 is 32 kB; a 2.0 file with its action library about 150 kB
MAX_DEPTH = 10  # tables and arrays inside each other; a valid file needs 7
SCHEMAS = (1, 2)

_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_TOP_REQUIRED = {"id", "version", "title", "description", "levels", "dimensions"}
_TOP_OPTIONAL = {"references", "minutes", "schema", "continuity"}
_DIMENSION_REQUIRED = {"id", "title", "description", "questions"}
_DIMENSION_OPTIONAL = {"weight", "reconcile"}
_QUESTION_COMMON = {"id", "text"}
_QUESTION_OPTIONAL = {"sources", "reference", "audience", "kind"}
_ACTION_FIELDS = {"owner", "action", "first_step", "measure"}

EarlierVersion = Callable[[str, str], Questionnaire | None]  # (id, version) -> that version, if installed


def parse_questionnaire(
    data: dict[str, Any], path: Path | str = "<memory>", earlier: EarlierVersion | None = None
) -> Questionnaire:
    """Validate a parsed TOML document; raise QuestionnaireError listing every problem.

    ``earlier(id, version)`` returns an installed earlier version (or None): when the file declares
    continuity with one that is found, the old ids it names are checked there too."""
    c = Checker()
    if (depth := _depth(data)) > MAX_DEPTH:
        raise QuestionnaireError(path, [f"nested {depth} levels deep; at most {MAX_DEPTH} are allowed"])
    c.table(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    schema = data.get("schema", 1)
    if isinstance(schema, bool) or schema not in SCHEMAS:
        c.fail("schema", f"expected 1 or 2, found {schema!r}")
        schema = 2
    qid = data.get("id")
    if not isinstance(qid, str) or not _SLUG_RE.match(qid):
        c.fail("id", f"expected a lower-case slug such as 'cio-cmo-alignment', found {qid!r}")
    version = data.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        c.fail("version", f"expected MAJOR.MINOR.PATCH such as '1.0.0', found {version!r}")
        version = None
    title = c.text(data.get("title"), "title")
    description = c.text(data.get("description"), "description")
    minutes = data.get("minutes", 15)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 120:
        c.fail("minutes", f"expected a whole number of minutes from 1 to 120, found {minutes!r}")
    levels = _parse_levels(c, data.get("levels", []))
    dimensions = _parse_dimensions(c, data.get("dimensions", []), schema)
    questions = {q.id: q for d in dimensions for q in d.questions}
    references = parse_references(c, data.get("references", []), questions, schema)
    check_question_references(c, dimensions, references)
    continuity = parse_continuity(c, data.get("continuity"), version, dimensions, questions)
    if earlier is not None and continuity is not None and isinstance(qid, str) and continuity.from_version:
        older = earlier(qid, continuity.from_version)
        if older is not None:
            c.problems.extend(check_continuity(continuity, older))
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
        schema=schema,
        continuity=continuity,
    )


def _depth(data: Any) -> int:
    """How deeply tables and arrays nest, counted without recursion (a hostile file can't crash it)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_levels(c: Checker, raw: Any) -> list[Level]:
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


def _parse_dimensions(c: Checker, raw: Any, schema: int) -> list[Dimension]:
    dimensions: list[Dimension] = []
    seen_dims: set[str] = set()
    seen_questions: dict[str, str] = {}
    for di, item in enumerate(c.list_of(raw, "dimensions")):
        where = f"dimensions[{di}]"
        if not c.table(item, where, _DIMENSION_REQUIRED, _DIMENSION_OPTIONAL):
            continue
        did = item.get("id")
        if not isinstance(did, str) or not ID_RE.match(did) or did in RESERVED_DIMENSION_IDS:
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
            question = _parse_question(c, q, f"{where}.questions[{qi}]", did, schema)
            if question is None:
                continue
            if question.id in seen_questions:
                c.fail(
                    f"{where}.questions[{qi}].id",
                    f"duplicate question id '{question.id}' (first used at {seen_questions[question.id]})",
                )
            seen_questions.setdefault(question.id, f"{where}.questions[{qi}]")
            questions.append(question)
        if questions and not any(q.scored for q in questions):
            c.fail(f"{where}.questions", "no scale question: a dimension needs at least one to be scored")
        weight = c.weight(item["weight"], f"{where}.weight") if "weight" in item else 1.0
        reconcile = None
        if "reconcile" in item:
            reconcile = _parse_action(c, item["reconcile"], f"{where}.reconcile", with_step=False)
        elif schema >= 2:
            c.fail(f"{where}.reconcile", "missing: schema 2 needs a 'reconcile first' action per dimension")
        dimensions.append(
            Dimension(
                id=did,
                title=c.text(item.get("title"), f"{where}.title"),
                description=c.text(item.get("description"), f"{where}.description"),
                questions=tuple(questions),
                weight=weight,
                reconcile=reconcile,
            )
        )
    return dimensions


def _parse_question(c: Checker, item: Any, where: str, dimension_id: str, schema: int) -> Question | None:
    if not isinstance(item, dict):
        c.fail(where, f"expected a table, found {type(item).__name__}")
        return None
    kind = c.one_of(item.get("kind", "scale"), f"{where}.kind", KINDS, "scale")
    if kind == "choice":
        required, optional = _QUESTION_COMMON | {"options"}, _QUESTION_OPTIONAL
    else:
        required, optional = _QUESTION_COMMON | {"levels"}, _QUESTION_OPTIONAL | {"weight", "actions"}
    if schema < 2:
        required = required | {"sources"}
    if kind == "choice":
        for key in ("levels", "weight", "actions"):
            if key in item:
                c.fail(f"{where}.{key}", "not allowed on a choice question (it is unscored and has options)")
        item = {k: v for k, v in item.items() if k not in ("levels", "weight", "actions")}
    elif "options" in item:
        c.fail(f"{where}.options", 'only a choice question (kind = "choice") has options')
        item = {k: v for k, v in item.items() if k != "options"}
    c.table(item, where, required, optional)
    qid = item.get("id")
    if not isinstance(qid, str) or not QUESTION_ID_RE.match(qid):
        c.fail(f"{where}.id", f"expected '<dimension id>-<number>', found {qid!r}")
        qid = f"?{where}"
    elif qid.rsplit("-", 1)[0] != dimension_id:
        c.fail(f"{where}.id", f"'{qid}' must start with its dimension id '{dimension_id}-'")
    levels: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    if kind == "scale":
        levels = c.texts(item.get("levels"), f"{where}.levels", 5, "level descriptions (level 1 to 5)")
    else:
        options = c.texts(item.get("options"), f"{where}.options", CHOICE_OPTIONS, "options")
        _unique(c, options, f"{where}.options", "option")
    sources: list[Any] = []
    if "sources" in item:
        sources = c.list_of(item["sources"], f"{where}.sources") if schema < 2 else item["sources"]
        if not isinstance(sources, list):
            c.fail(f"{where}.sources", "expected a list of seed file names")
            sources = []
    for si, s in enumerate(sources):
        if not isinstance(s, str) or not SEED_RE.match(s):
            c.fail(
                f"{where}.sources[{si}]",
                f"expected a seed file name like '004_a69fc6c933fa0db2.txt', found {s!r}",
            )
    weight = c.weight(item["weight"], f"{where}.weight") if "weight" in item else 1.0
    reference = item.get("reference")
    if reference is not None and not isinstance(reference, str):
        c.fail(f"{where}.reference", "expected the id of a [[references]] entry")
        reference = None
    audience = c.one_of(item.get("audience", "all"), f"{where}.audience", AUDIENCES, "all")
    actions: tuple[Action, ...] = ()
    if kind == "scale" and ("actions" in item or schema >= 2):
        actions = _parse_question_actions(c, item.get("actions"), f"{where}.actions")
    return Question(
        id=qid,
        dimension_id=dimension_id,
        text=c.text(item.get("text"), f"{where}.text"),
        levels=levels,
        sources=tuple(str(s) for s in sources),
        weight=weight,
        reference=reference,
        audience=audience,
        kind=kind,
        options=options,
        actions=actions,
    )


def _unique(c: Checker, texts: tuple[str, ...], where: str, what: str) -> None:
    seen: set[str] = set()
    for i, t in enumerate(texts):
        if t and t.casefold() in seen:
            c.fail(f"{where}[{i}]", f"duplicate {what} '{t}'")
        seen.add(t.casefold())


def _parse_question_actions(c: Checker, raw: Any, where: str) -> tuple[Action, ...]:
    """Exactly one action per step 1-4, returned in step order."""
    if raw is None:
        c.fail(
            where,
            "missing: a scale question needs one action per step 1 to 4 ([[...actions]] with step = 1..4)",
        )
        return ()
    by_step: dict[int, Action] = {}
    for i, item in enumerate(c.list_of(raw, where)):
        action = _parse_action(c, item, f"{where}[{i}]", with_step=True)
        if action is None or action.step is None:
            continue
        if action.step in by_step:
            c.fail(f"{where}[{i}].step", f"step {action.step} already has an action")
            continue
        by_step[action.step] = action
    if isinstance(raw, list) and raw:
        missing = [s for s in STEPS if s not in by_step]
        if missing:
            listed = ", ".join(str(s) for s in missing)
            c.fail(where, f"no action for step {listed} (each step 1 to 4 needs exactly one)")
    return tuple(by_step[s] for s in sorted(by_step))


def _parse_action(c: Checker, item: Any, where: str, *, with_step: bool) -> Action | None:
    required = _ACTION_FIELDS | ({"step"} if with_step else set())
    if not c.table(item, where, required, set()):
        return None
    step = None
    if with_step:
        step = item.get("step")
        if isinstance(step, bool) or step not in STEPS:
            c.fail(f"{where}.step", f"expected 1, 2, 3 or 4 (the move from level n to n + 1), found {step!r}")
            step = None
    return Action(
        owner=c.one_of(item.get("owner"), f"{where}.owner", OWNERS, "both"),
        action=c.text(item.get("action"), f"{where}.action"),
        first_step=c.text(item.get("first_step"), f"{where}.first_step"),
        measure=c.text(item.get("measure"), f"{where}.measure"),
        step=step,
    )


def load_questionnaire(path: Path | str, earlier: EarlierVersion | None = None) -> Questionnaire:
    """Read and validate one questionnaire file (see ``parse_questionnaire`` for ``earlier``)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise QuestionnaireError(path, [f"cannot read file: {exc.strerror or exc}"]) from exc
    if len(raw) > MAX_BYTES:
        raise QuestionnaireError(
            path,
            [f"file is larger than {MAX_BYTES:,} bytes; a questionnaire is far smaller, so it is refused"],
        )
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(path, [f"not UTF-8 text (byte {exc.start})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(path, [f"TOML syntax error: {exc}"]) from exc
    except RecursionError as exc:
        raise QuestionnaireError(
            path, [f"nested too deeply to read; at most {MAX_DEPTH} levels are allowed"]
        ) from exc
    return parse_questionnaire(data, path, earlier)
