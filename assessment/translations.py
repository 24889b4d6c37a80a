"""Questionnaires in other languages: a translation file per language beside the source file.

``cio-cmo-alignment-2.0.0.fr.toml`` holds, keyed by the source's ids, every text a respondent
reads: title, description, level names and summaries, dimension titles and descriptions,
question texts with their five levels (or options), the action library and the published
figures' wording. A translation changes words only: ids, weights, audiences, figures' numbers
and the scoring stay the source's, so people answering in different languages are one round.
A translation is validated against its source at load: a missing, extra or empty text is an
error naming the file and the field, so a questionnaire is never shown half translated.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from assessment.i18n import LANGUAGES, SOURCE_LANGUAGE, supported
from assessment.questionnaire import TRANSLATION_FILE, Action, Questionnaire, QuestionnaireError

_ACTION_FIELDS = ("action", "first_step", "measure")


def is_translation_file(path: Path) -> bool:
    return TRANSLATION_FILE.match(path.name) is not None


def translation_path(q: Questionnaire, lang: str) -> Path:
    source = Path(q.path)
    return source.with_name(f"{source.stem}.{lang}.toml")


def available(q: Questionnaire) -> list[str]:
    """The languages this questionnaire can be read in, the source's first."""
    return list(_available(q.path))


@functools.lru_cache(maxsize=64)
def _available(path: str) -> tuple[str, ...]:
    # Asked on every rerun (sidebar picker, questionnaire page); translations ship with the
    # app, so the files are looked for once per source file and process.
    if not path:
        return (SOURCE_LANGUAGE,)
    source = Path(path)
    found = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE and source.with_name(f"{source.stem}.{lang}.toml").exists()]
    return (SOURCE_LANGUAGE, *found)


class _Reader:
    """Takes texts out of a translation file, noting every missing, empty or extra field."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[str] = []
        self.used: set[str] = set()

    def table(self, where: str) -> dict[str, Any]:
        node: Any = self.data
        for part in where.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            self.problems.append(f"{where}: missing table")
            return {}
        return node

    def text(self, table: dict[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}.{key}: missing or empty text")
            return ""
        return value.strip()

    def texts(self, table: dict[str, Any], key: str, where: str, count: int) -> tuple[str, ...]:
        value = table.get(key)
        if not isinstance(value, list) or len(value) != count or not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.append(f"{where}.{key}: expected {count} non-empty texts")
            return ("",) * count
        return tuple(v.strip() for v in value)

    def extra(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.problems.append(f"{where}.{key}: not in the source questionnaire")


def _action(r: _Reader, table: dict[str, Any], where: str, source: Action) -> Action:
    r.extra(table, set(_ACTION_FIELDS), where)
    return replace(source, **{f: r.text(table, f, where) for f in _ACTION_FIELDS})


def load_translation(q: Questionnaire, lang: str) -> Questionnaire:
    """The questionnaire in ``lang``, validated against its source; errors name file and field."""
    path = translation_path(q, lang)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise QuestionnaireError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(path, [f"not valid TOML: {exc}"]) from exc
    r = _Reader(data)
    if data.get("language") != lang:
        r.problems.append(f"language: expected {lang!r}, the file name's language")
    if data.get("source_version") != q.version:
        r.problems.append(f"source_version: expected {q.version!r}")
    r.extra(data, {"language", "source_version", "title", "description", "levels", "dimensions", "questions", "references"}, "")
    title, description = r.text(data, "title", "top"), r.text(data, "description", "top")
    levels = []
    for level in q.levels:
        t = r.table(f"levels.{level.value}")
        levels.append(replace(level, name=r.text(t, "name", f"levels.{level.value}"),
                              summary=r.text(t, "summary", f"levels.{level.value}")))  # fmt: skip
    dimensions = []
    for d in q.dimensions:
        where = f"dimensions.{d.id}"
        t = r.table(where)
        r.extra(t, {"title", "description", "reconcile"}, where)
        reconcile = _action(r, r.table(f"{where}.reconcile"), f"{where}.reconcile", d.reconcile) if d.reconcile else None
        questions = []
        for x in d.questions:
            qwhere = f"questions.{x.id}"
            qt = r.table(qwhere)
            field = "levels" if x.kind == "scale" else "options"
            r.extra(qt, {"text", field, "actions"}, qwhere)
            answers = r.texts(qt, field, qwhere, 5)
            actions = []
            for a in x.actions:
                at = qt.get("actions", {}).get(str(a.step)) if isinstance(qt.get("actions"), dict) else None
                if not isinstance(at, dict):
                    r.problems.append(f"{qwhere}.actions.{a.step}: missing table")
                    actions.append(a)
                else:
                    actions.append(_action(r, at, f"{qwhere}.actions.{a.step}", a))
            questions.append(replace(x, text=r.text(qt, "text", qwhere), **{field: answers}, actions=tuple(actions)))
        dimensions.append(
            replace(d, title=r.text(t, "title", where), description=r.text(t, "description", where),
                    reconcile=reconcile, questions=tuple(questions))  # fmt: skip
        )
    r.extra(data.get("dimensions", {}), set(q.dimension_ids), "dimensions")
    r.extra(data.get("questions", {}), {x.id for x in q.questions}, "questions")
    references = []
    for ref in q.references:
        where = f"references.{ref.id}"
        t = r.table(where)
        r.extra(t, {"statement", "population", "citation"}, where)
        references.append(
            replace(ref, statement=r.text(t, "statement", where), population=r.text(t, "population", where),
                    citation=r.text(t, "citation", where))  # fmt: skip
        )
    r.extra(data.get("references", {}), {ref.id for ref in q.references}, "references")
    if r.problems:
        raise QuestionnaireError(path, r.problems)
    return replace(
        q, title=title, description=description, levels=tuple(levels), dimensions=tuple(dimensions),
        references=tuple(references),
    )  # fmt: skip


# Per source object and language: (the source, kept alive so its id stays its own; the translation).
_read: dict[tuple[int, str], tuple[Questionnaire, Questionnaire]] = {}
_sources: dict[int, Questionnaire] = {}  # id of a translation in _read -> the source it was made from


def displayed(q: Questionnaire, lang: str | None) -> Questionnaire:
    """``q`` as a reader of ``lang`` reads it: its translation when one is installed (read and
    validated once per source and language), else the source. Words only: ids and scoring are
    the source's, and a translation made here turns back into the very source it came from."""
    q = _sources.get(id(q), q)  # a translation read here: start again from its source
    if not lang or lang == SOURCE_LANGUAGE or lang not in available(q):
        return q
    key = (id(q), lang)
    if key not in _read:
        translated = load_translation(q, lang)
        _read[key] = (q, translated)
        _sources[id(translated)] = q
    return _read[key][1]


def load_all_translations(questionnaires: dict[tuple[str, str], Questionnaire]) -> dict[tuple[str, str, str], Questionnaire]:
    """Every installed translation, validated, keyed by (id, version, language)."""
    out = {}
    for q in questionnaires.values():
        for lang in available(q):
            out[(q.id, q.version, lang)] = q if lang == SOURCE_LANGUAGE else load_translation(q, lang)
    return out


def pick_language(*candidates: str | None) -> str:
    """The first of ``candidates`` that is one of the app's languages ("fr-CA" counts as "fr"),
    else the source language. The app passes them in its order of precedence: the link's
    ``?lang=``, the session's earlier choice, the round's default, the browser's locale."""
    for candidate in candidates:
        if lang := supported(candidate):
            return lang
    return SOURCE_LANGUAGE
