"""Validating what links a questionnaire to the outside: published figures and continuity.

A figure names its publisher, survey and year and says how the organisation's own comparable
number is computed (``compare``); continuity maps this version's dimensions and questions to an
earlier version's, one to one. Problems are collected in the shared ``Checker``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assessment.questionnaire import Compare, Continuity, Dimension, Question, Questionnaire, ReferenceFigure
from assessment.questionnaire_checker import (
    CHOICE_OPTIONS,
    ID_RE,
    QUESTION_ID_RE,
    SEED_RE,
    URL_RE,
    VERSION_RE,
    Checker,
)

_COMPARE_RE = re.compile(r"^(share_at_or_below|share_option):(\d+)$")
_REFERENCE_REQUIRED = {"id", "question", "statement", "population"}
_REFERENCE_V1 = {"source", "citation"}
_REFERENCE_V2 = {"publisher", "survey", "year", "compare"}


def parse_references(
    c: Checker, raw: Any, questions: dict[str, Question], schema: int
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
        if "url" in item and (not isinstance(url, str) or not URL_RE.match(url)):
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
    return bool(SEED_RE.match(value) or (schema >= 2 and URL_RE.match(value)))


def _parse_compare(c: Checker, raw: Any, where: str, question: Question | None) -> Compare | None:
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


def check_question_references(
    c: Checker, dimensions: list[Dimension], references: list[ReferenceFigure]
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


def parse_continuity(
    c: Checker,
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
    if not isinstance(from_version, str) or not VERSION_RE.match(from_version):
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
    c: Checker, raw: Any, where: str, exists: Callable[[str], bool], what: str
) -> tuple[tuple[str, str], ...]:
    """A one-to-one ``{ new_id = "old_id" }`` map whose new ids exist in this file."""
    if not isinstance(raw, dict):
        c.fail(where, f'expected a table of new {what} id = "old {what} id", found {type(raw).__name__}')
        return ()
    pairs: list[tuple[str, str]] = []
    olds: dict[str, str] = {}
    pattern = ID_RE if what == "dimension" else QUESTION_ID_RE
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


def check_continuity(newer: Questionnaire | Continuity | None, older: Questionnaire) -> list[str]:
    """Problems with a continuity declaration (or ``newer``'s) against the earlier version it names."""
    continuity = newer.continuity if isinstance(newer, Questionnaire) else newer
    if continuity is None:
        return []
    problems = []
    old_dims = set(older.dimension_ids)
    old_questions = {q.id: q for q in older.questions}
    for new, old in continuity.dimensions:
        if old not in old_dims:
            problems.append(f"continuity.dimensions.{new}: '{old}' is not a dimension of {older.version}")
    for new, old in continuity.questions:
        if old not in old_questions:
            problems.append(f"continuity.questions.{new}: '{old}' is not a question of {older.version}")
        elif not old_questions[old].scored:
            problems.append(f"continuity.questions.{new}: '{old}' is a choice question in {older.version}")
    return problems


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))
