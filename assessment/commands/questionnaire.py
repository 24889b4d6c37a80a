"""`questionnaire check FILE [--json]`: validate a questionnaire file as Tandem would load it.

For people who write their own questionnaires. Prints what was found (dimensions, questions,
levels, actions, published figures, continuity) or every problem with its field, and exits 1.
When the file declares continuity with an earlier version that is installed (or sits next to
the file), the old ids it names are checked there too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assessment import config
from assessment.questionnaire import (
    Action,
    Questionnaire,
    QuestionnaireError,
    correspondence,
    load_questionnaire,
)


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command("questionnaire", "Work with questionnaire files.")
    sub = p.add_subparsers(dest="questionnaire_command", required=True)
    check = sub.add_parser(
        "check",
        help="Validate a questionnaire file and print what it contains, or every problem.",
        description="Validate a questionnaire file and print what it contains, or every problem (exit 1).",
    )
    check.add_argument("file", help="the questionnaire TOML file")
    check.add_argument("--json", action="store_true", help="print the validated model as one JSON object")
    check.add_argument(
        "--lang",
        action="append",
        metavar="LANG",
        help="also check the translation file for LANG beside it (fr, de, es; 'all' for every one): "
        "a missing, empty or extra text names the file and the id. Repeatable.",
    )
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    found: list[Questionnaire] = []

    def earlier(qid: str, version: str) -> Questionnaire | None:
        older = _find_version(qid, version, path)
        if older is not None:
            found.append(older)
        return older

    try:
        q = load_questionnaire(path, earlier)
    except QuestionnaireError as exc:
        if args.json:
            print(
                json.dumps({"path": exc.path, "valid": False, "problems": exc.problems}, ensure_ascii=False)
            )
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_dict(q), ensure_ascii=False))
    else:
        print(describe(q, found[0] if found else None))
    return _check_translations(q, args.lang or [])


def _check_translations(q: Questionnaire, asked: list[str]) -> int:
    """Each asked language's translation file validated against ``q``: 0 when all are complete."""
    from assessment import i18n, translations

    wanted = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE] if "all" in asked else asked
    failed = 0
    for lang in wanted:
        if i18n.supported(lang) != lang or lang == i18n.SOURCE_LANGUAGE:
            print(f"{lang}: not a translation language (choose from fr, de, es, or all)", file=sys.stderr)
            failed += 1
            continue
        path = translations.translation_path(q, lang)
        if not path.exists():
            print(f"{i18n.LANGUAGES[lang]} ({lang}): no translation file ({path})", file=sys.stderr)
            failed += 1
            continue
        try:
            t = translations.load_translation(q, lang)
        except QuestionnaireError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        actions = sum(len(x.actions) for x in t.questions)
        print(
            f"{i18n.LANGUAGES[lang]} ({lang}): complete: {path.name}: {len(t.dimensions)} dimensions, "
            f"{len(t.questions)} questions, {len(t.levels)} levels, {actions} actions"
        )
    return 1 if failed else 0


def _find_version(qid: str, version: str, path: Path) -> Questionnaire | None:
    """A version of a questionnaire beside the file or installed; None if neither has it."""
    for directory in dict.fromkeys([path.resolve().parent, config.questionnaire_dir().resolve()]):
        for candidate in sorted(directory.glob("*.toml")):
            if candidate.resolve() == path.resolve():
                continue
            try:
                other = load_questionnaire(candidate)
            except QuestionnaireError:
                continue  # another broken file is not this file's problem
            if other.key == (qid, version):
                return other
    return None


def _action(a: Action | None) -> dict[str, Any] | None:
    if a is None:
        return None
    out: dict[str, Any] = {"step": a.step} if a.step is not None else {}
    return out | {"owner": a.owner, "action": a.action, "first_step": a.first_step, "measure": a.measure}


def as_dict(q: Questionnaire) -> dict[str, Any]:
    """The validated model as plain data: what ``--json`` prints."""
    return {
        "id": q.id,
        "version": q.version,
        "title": q.title,
        "schema": q.schema,
        "minutes": q.minutes,
        "words": q.word_count(),
        "levels": [{"value": lv.value, "name": lv.name, "summary": lv.summary} for lv in q.levels],
        "dimensions": [
            {
                "id": d.id,
                "title": d.title,
                "weight": d.weight,
                "reconcile": _action(d.reconcile),
                "questions": [
                    {
                        "id": x.id,
                        "text": x.text,
                        "kind": x.kind,
                        "audience": x.audience,
                        "weight": x.weight if x.scored else None,
                        "levels": list(x.answers),  # level descriptions, or a choice's options
                        "actions": [_action(a) for a in x.actions],
                        "figures": [r.id for r in q.references_for(x.id)],
                    }
                    for x in d.questions
                ],
            }
            for d in q.dimensions
        ],
        "figures": [
            {
                "id": r.id,
                "question": r.question_id,
                "statement": r.statement,
                "percent": r.percent,
                "population": r.population,
                "publisher": r.publisher or None,
                "survey": r.survey or None,
                "year": r.year,
                "source": r.attribution,
                "seed": r.source or None,
                "url": r.url or None,
                "compare": str(r.compare) if r.compare else None,
            }
            for r in q.references
        ],
        "continuity": None
        if q.continuity is None
        else {
            "from": q.continuity.from_version,
            "dimensions": dict(q.continuity.dimensions),
            "questions": dict(q.continuity.questions),
        },
    }


def describe(q: Questionnaire, older: Questionnaire | None = None) -> str:
    """A person's summary of a valid file: counts first, then every dimension and figure."""
    questions = q.questions
    choice = [x for x in questions if not x.scored]
    leaders = [x for x in questions if x.leaders_only]
    actions = sum(len(x.actions) for x in questions)
    reconcile = sum(1 for d in q.dimensions if d.reconcile)
    lines = [
        f"{q.path}: valid. {q.id} {q.version} (schema {q.schema}), {q.title}",
        f"  {len(q.dimensions)} dimensions, {len(questions)} questions ({len(questions) - len(choice)} scored, "
        f"{len(choice)} choice; {len(leaders)} for leaders only), {q.word_count():,} words, about {q.minutes} minutes",
        f"  {actions} actions, {reconcile} 'reconcile first' actions, {len(q.references)} published figures",
        "  Levels: " + " · ".join(f"{lv.value} {lv.name}" for lv in q.levels),
        "",
    ]
    for d in q.dimensions:
        owner = f"reconcile: {d.reconcile.owner}" if d.reconcile else "no reconcile action"
        lines.append(f"  {d.id}: {d.title} (weight {d.weight:g}, {len(d.questions)} questions, {owner})")
        for x in d.questions:
            tags = [x.kind, "leaders only" if x.leaders_only else "all"]
            if x.scored:
                tags.append(f"weight {x.weight:g}")
                tags.append(
                    f"{len(x.actions)} actions ({', '.join(a.owner for a in x.actions)})"
                    if x.actions
                    else "no actions"
                )
            else:
                tags.append(f"{len(x.options)} options")
            if figures := q.references_for(x.id):
                tags.append("figures: " + ", ".join(r.id for r in figures))
            lines.append(f"    {x.id:<16} {' · '.join(tags)}")
    if q.references:
        lines += ["", "  Published figures:"]
        for r in q.references:
            percent = f"{r.percent:g} %" if r.percent is not None else "no %"
            compare = (
                f"compare {r.compare} on {r.question_id}"
                if r.compare
                else f"on {r.question_id}, no comparison"
            )
            lines.append(f"    {r.id}: {percent} of {r.population}; {r.attribution}; {compare}")
    if q.continuity is not None:
        c = q.continuity
        checked = (
            f"checked against {older.path}" if older else "earlier version not found: old ids not checked"
        )
        lines += [
            "",
            f"  Continuity from {c.from_version} ({checked}): {len(c.dimensions)} of {len(q.dimensions)} "
            f"dimensions and {len(c.questions)} of {len(q.scored_questions)} scored questions comparable",
        ]
        for new, old in c.dimensions:
            lines.append(f"    {old} -> {new}")
        if older is not None:
            mapped = correspondence(older, q)
            dropped = [d for d in older.dimension_ids if mapped.dimension(d) is None]
            if dropped:
                lines.append(f"    not comparable (from {older.version}): {', '.join(dropped)}")
    return "\n".join(lines)
