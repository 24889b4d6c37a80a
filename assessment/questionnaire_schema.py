"""Reading a questionnaire file: every field validated at load, every problem named with its field.

Problems are collected, not raised one at a time, so one edit can fix them all; each says the
dotted path of the field (``dimensions[2].questions[0].actions[1].owner``) and the error names
the file. Files larger than ``MAX_BYTES`` or nested deeper than ``MAX_DEPTH`` are refused before
anything else is read from them.

Schema 2 (``schema = 2``) makes the action library, "reconcile first" actions and traceable
figures (publisher, survey, year and how to compare) required; in a schema-1 file they are
optional but still checked when present.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.questionnaire import (
    AUDIENCES,
    KINDS,
    OWNERS,
    RESERVED_DIMENSION_IDS,
    STEPS,
    Action,
    Compare,
    Continuity,
    Dimension,
    Level,
    Question,
    Questionnaire,
    QuestionnaireError,
    ReferenceFigure,
)

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_BYTES = 1_000_000  # 1.0.0 is 32 kB; a 2.0 file with its action library about 150 kB
MAX_DEPTH = 10  # tables and arrays inside each other; a valid file needs 7
SCHEMAS = (1, 2)
CHOICE_OPTIONS = 5

_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_QUESTION_ID_RE = re.compile(r"^[a-z][a-z0-9_]*-\d+$")
_SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_URL_RE = re.compile(r"^https?://[^\s\"'<>]+$")
_COMPARE_RE = re.compile(r"^(share_at_or_below|share_option):(\d+)$")

_TOP_REQUIRED = {"id", "version", "title", "description", "levels", "dimensions"}
_TOP_OPTIONAL = {"references", "minutes", "schema", "continuity"}
_DIMENSION_REQUIRED = {"id", "title", "description", "questions"}
_DIMENSION_OPTIONAL = {"weight", "reconcile"}
_QUESTION_COMMON = {"id", "text"}
_QUESTION_OPTIONAL = {"sources", "reference", "audience", "kind"}
_ACTION_FIELDS = {"owner", "action", "first_step", "measure"}
_REFERENCE_REQUIRED = {"id", "question", "statement", "population"}
_REFERENCE_V1 = {"source", "citation"}
_REFERENCE_V2 = {"publisher", "survey", "year", "compare"}


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

    def one_of(self, value: Any, where: str, allowed: tuple[str, ...], default: str) -> str:
        if value not in allowed:
            listed = ", ".join(f"'{a}'" for a in allowed)
            self.fail(where, f"expected one of {listed}, found {value!r}")
            return default
        return value

    def texts(self, value: Any, where: str, count: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) != count:
            found = len(value) if isinstance(value, list) else type(value).__name__
            self.fail(where, f"expected {count} {what}, found {found}")
            return ("",) * count
        return tuple(self.text(t, f"{where}[{i}]") for i, t in enumerate(value))


def parse_questionnaire(data: dict[str, Any], path: Path | str = "<memory>") -> Questionnaire:
    """Validate a parsed TOML document; raise QuestionnaireError listing every problem."""
    c = _Checker()
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
    if not isinstance(version, str) or not _VERSION_RE.match(version):
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
    references = _parse_references(c, data.get("references", []), questions, schema)
    _check_question_references(c, dimensions, references)
    continuity = _parse_continuity(c, data.get("continuity"), version, dimensions, questions)
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


def _parse_dimensions(c: _Checker, raw: Any, schema: int) -> list[Dimension]:
    dimensions: list[Dimension] = []
    seen_dims: set[str] = set()
    seen_questions: dict[str, str] = {}
    for di, item in enumerate(c.list_of(raw, "dimensions")):
        where = f"dimensions[{di}]"
        if not c.table(item, where, _DIMENSION_REQUIRED, _DIMENSION_OPTIONAL):
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


def _parse_question(c: _Checker, item: Any, where: str, dimension_id: str, schema: int) -> Question | None:
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
    if not isinstance(qid, str) or not _QUESTION_ID_RE.match(qid):
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


def _unique(c: _Checker, texts: tuple[str, ...], where: str, what: str) -> None:
    seen: set[str] = set()
    for i, t in enumerate(texts):
        if t and t.casefold() in seen:
            c.fail(f"{where}[{i}]", f"duplicate {what} '{t}'")
        seen.add(t.casefold())


def _parse_question_actions(c: _Checker, raw: Any, where: str) -> tuple[Action, ...]:
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


def _parse_action(c: _Checker, item: Any, where: str, *, with_step: bool) -> Action | None:
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


def _parse_references(
    c: _Checker, raw: Any, questions: dict[str, Question], schema: int
) -> list[ReferenceFigure]:
    refs: list[ReferenceFigure] = []
    if raw == []:
        return refs
    if schema >= 2:
        required, optional = _REFERENCE_REQUIRED | _REFERENCE_V2, _REFERENCE_V1 | {"percent", "url"}
    else:
        required, optional = _REFERENCE_REQUIRED | _REFERENCE_V1, _REFERENCE_V2 | {"percent", "url"}
    seen: set[str] = set()
    for i, item in enumerate(c.list_of(raw, "references")):
        where = f"references[{i}]"
        if not c.table(item, where, required, optional):
            continue
        rid = c.text(item.get("id"), f"{where}.id")
        if rid in seen:
            c.fail(f"{where}.id", f"duplicate reference id '{rid}'")
        seen.add(rid)
        question = item.get("question")
        if not isinstance(question, str) or question not in questions:
            c.fail(f"{where}.question", f"'{question}' is not the id of any question")
            question = str(question)
        percent = item.get("percent")
        if percent is not None and (
            isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100
        ):
            c.fail(f"{where}.percent", f"expected a number from 0 to 100, found {percent!r}")
            percent = None
        source = item.get("source", "")
        if "source" in item and not _is_source(source, schema):
            wanted = "a seed file name or an http(s) address" if schema >= 2 else "a seed file name"
            c.fail(f"{where}.source", f"expected {wanted}, found {source!r}")
        year = item.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100
        ):
            c.fail(f"{where}.year", f"expected the year of publication, such as 2021, found {year!r}")
            year = None
        url = item.get("url", "")
        if "url" in item and (not isinstance(url, str) or not _URL_RE.match(url)):
            c.fail(f"{where}.url", f"expected an http(s) address, found {url!r}")
            url = ""
        compare = None
        if "compare" in item:
            compare = _parse_compare(c, item["compare"], f"{where}.compare", questions.get(question))
        figure = ReferenceFigure(
            id=rid,
            question_id=str(question),
            statement=c.text(item.get("statement"), f"{where}.statement"),
            percent=float(percent) if percent is not None else None,
            population=c.text(item.get("population"), f"{where}.population"),
            source=str(source),
            citation=c.text(item["citation"], f"{where}.citation") if "citation" in item else "",
            publisher=c.text(item["publisher"], f"{where}.publisher") if "publisher" in item else "",
            survey=c.text(item["survey"], f"{where}.survey") if "survey" in item else "",
            year=year,
            compare=compare,
            url=str(url),
        )
        if compare is not None and figure.percent is None:
            c.fail(f"{where}.percent", "missing: a figure with 'compare' needs the published percentage")
        refs.append(figure)
    return refs


def _is_source(value: Any, schema: int) -> bool:
    """Where a figure was found: a seed file; from schema 2 also the publication's web address."""
    if not isinstance(value, str):
        return False
    return bool(_SEED_RE.match(value) or (schema >= 2 and _URL_RE.match(value)))


def _parse_compare(c: _Checker, raw: Any, where: str, question: Question | None) -> Compare | None:
    match = _COMPARE_RE.match(raw) if isinstance(raw, str) else None
    if match is None:
        c.fail(where, f"expected 'share_at_or_below:N' or 'share_option:N', found {raw!r}")
        return None
    compare = Compare(match.group(1), int(match.group(2)))
    if compare.kind == "share_at_or_below":
        if not 1 <= compare.value <= 4:
            c.fail(where, f"level {compare.value}: expected 1 to 4 (at or below 5 is everyone)")
        if question is not None and question.kind != "scale":
            c.fail(where, f"'share_at_or_below' needs a scale question; '{question.id}' is a choice question")
    else:
        if question is not None and question.kind != "choice":
            c.fail(where, f"'share_option' needs a choice question; '{question.id}' is a scale question")
        elif not 1 <= compare.value <= CHOICE_OPTIONS:
            c.fail(where, f"option {compare.value}: expected 1 to {CHOICE_OPTIONS}")
    return compare


def _check_question_references(
    c: _Checker, dimensions: list[Dimension], references: list[ReferenceFigure]
) -> None:
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


def _parse_continuity(
    c: _Checker,
    raw: Any,
    version: str | None,
    dimensions: list[Dimension],
    questions: dict[str, Question],
) -> Continuity | None:
    if raw is None:
        return None
    if not c.table(raw, "continuity", {"from"}, {"dimensions", "questions"}):
        return None
    from_version = raw.get("from")
    if not isinstance(from_version, str) or not _VERSION_RE.match(from_version):
        c.fail("continuity.from", f"expected the earlier version, such as '1.0.0', found {from_version!r}")
        from_version = ""
    elif version is not None and _vkey(from_version) >= _vkey(version):
        c.fail("continuity.from", f"'{from_version}' is not earlier than this version '{version}'")
    dimension_ids = {d.id for d in dimensions}
    dims = _pairs(
        c, raw.get("dimensions", {}), "continuity.dimensions", dimension_ids.__contains__, "dimension"
    )
    qs = _pairs(c, raw.get("questions", {}), "continuity.questions", questions.__contains__, "question")
    for new, _ in qs:
        if new in questions and not questions[new].scored:
            c.fail(f"continuity.questions.{new}", "a choice question is unscored: leave it out of continuity")
    return Continuity(from_version, dims, qs)


def _pairs(
    c: _Checker, raw: Any, where: str, exists: Callable[[str], bool], what: str
) -> tuple[tuple[str, str], ...]:
    """A one-to-one ``{ new_id = "old_id" }`` map whose new ids exist in this file."""
    if not isinstance(raw, dict):
        c.fail(where, f'expected a table of new {what} id = "old {what} id", found {type(raw).__name__}')
        return ()
    pairs: list[tuple[str, str]] = []
    olds: dict[str, str] = {}
    pattern = _ID_RE if what == "dimension" else _QUESTION_ID_RE
    for new, old in raw.items():
        here = f"{where}.{new}"
        if not exists(new):
            c.fail(here, f"'{new}' is not a {what} of this file")
            continue
        if not isinstance(old, str) or not pattern.match(old):
            c.fail(here, f"expected the id of a {what} of the earlier version, found {old!r}")
            continue
        if old in olds:
            c.fail(here, f"'{old}' is already mapped to '{olds[old]}': the correspondence must be one to one")
            continue
        olds[old] = new
        pairs.append((new, old))
    return tuple(pairs)


def check_continuity(newer: Questionnaire, older: Questionnaire) -> list[str]:
    """Problems with ``newer``'s continuity declaration against the installed earlier version."""
    if newer.continuity is None:
        return []
    problems = []
    old_dims = set(older.dimension_ids)
    old_questions = {q.id: q for q in older.questions}
    for new, old in newer.continuity.dimensions:
        if old not in old_dims:
            problems.append(f"continuity.dimensions.{new}: '{old}' is not a dimension of {older.version}")
    for new, old in newer.continuity.questions:
        if old not in old_questions:
            problems.append(f"continuity.questions.{new}: '{old}' is not a question of {older.version}")
        elif not old_questions[old].scored:
            problems.append(f"continuity.questions.{new}: '{old}' is a choice question in {older.version}")
    return problems


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def load_questionnaire(path: Path | str) -> Questionnaire:
    """Read and validate one questionnaire file."""
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
    return parse_questionnaire(data, path)
