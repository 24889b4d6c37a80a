"""Tables that pages and reports draw: a scored Result (and its benchmark) in long format.

Pure functions, no Streamlit: the page, the report and the tests all see the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from assessment import tallies
from assessment.benchmarks import Benchmark, scores_of
from assessment.i18n import N_, _
from assessment.numbers import NO_VALUE, fmt_percent
from assessment.questionnaire import SIDE_LABELS, Questionnaire
from assessment.scoring import Respondent, Result, maturity_level

OVERALL_LABEL = N_("Overall")
BOTH = N_("CIO and CMO together")  # an action's owner "both", as people read it


def _r(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, 2)


def dimension_table(result: Result) -> pd.DataFrame:
    """One row per dimension: score, level, what it rests on, each side's mean and the gap."""
    q = result.questionnaire
    rows = []
    for d in q.dimensions:
        sb = result.dimensions[d.id]
        rows.append(
            {
                "dimension_id": d.id,
                "dimension": d.title,
                "score": _r(sb.value),
                "level": q.level_name(maturity_level(sb.value))
                if sb.value is not None
                else _("Insufficient answers"),
                "basis": _(sb.basis),
                "it": _r(sb.it),
                "marketing": _r(sb.marketing),
                "gap": _r(sb.gap),
                "flagged": sb.flagged,
                "importance": _r(result.importance[d.id]),
            }
        )
    return pd.DataFrame(rows)


def benchmark_frame(result: Result, benchmark: Benchmark | None) -> pd.DataFrame:
    """Scores beside the benchmark's published figures and the band each score falls in,
    overall first (columns the benchmark and distribution charts take)."""
    q = result.questionnaire
    titles = {"overall": _(OVERALL_LABEL), **{d.id: d.title for d in q.dimensions}}
    scores = scores_of(result)
    records = benchmark.stats.to_dict("records") if benchmark is not None else []
    stats = {r["dimension_id"]: r for r in records}  # by dimension, without pandas' row lookups
    rows = []
    for did, title in titles.items():
        row = {"dimension_id": did, "dimension": title, "score": _r(scores[did])}
        if did in stats:
            s = stats[did]
            row |= {k: _r(float(s[k])) if pd.notna(s[k]) else None for k in ("p25", "median", "p75", "mean")}
            row["n"] = int(s["n"])
            row["band"] = _(s["band"]) if isinstance(s["band"], str) else None  # disclosure's words
        else:
            row |= {"p25": None, "median": None, "p75": None, "mean": None, "n": 0, "band": None}
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype({"n": "int64"})


def gap_frame(result: Result) -> pd.DataFrame:
    """Dimensions where both sides have a score: IT mean, marketing mean, gap, flag."""
    table = dimension_table(result)
    both = table[table["gap"].notna()]
    return both[["dimension_id", "dimension", "it", "marketing", "gap", "flagged"]].reset_index(drop=True)


PRIORITY_COLUMNS = [
    "dimension_id", "dimension", "score", "importance", "priority", "rank", "rank_label", "kind", "gap",
]  # fmt: skip


def rank_label(rank: int, tied: bool) -> str:
    """ "2" for a rank of its own, "2=" for a rank shared with an equal priority."""
    return f"{rank}=" if tied else str(rank)


def priority_frame(result: Result) -> pd.DataFrame:
    """Every scored dimension with importance and priority, in scoring's order: the ranks are
    scoring's, never re-derived from rounded numbers."""
    q = result.questionnaire
    rows = [
        {
            "dimension_id": p.dimension_id,
            "dimension": q.dimension(p.dimension_id).title,
            "score": _r(p.score),
            "importance": _r(p.importance),
            "priority": _r(p.priority),
            "rank": p.rank,
            "rank_label": rank_label(p.rank, p.tied),
            "kind": p.kind,
            "gap": _r(p.gap),
        }
        for p in result.ranking
    ]
    return pd.DataFrame(rows, columns=PRIORITY_COLUMNS)


def question_gap_frame(result: Result) -> pd.DataFrame:
    """Per question: both sides' means, gap, flag; largest disagreements first."""
    q = result.questionnaire
    rows = []
    for qid, sb in result.questions.items():
        question = q.question(qid)
        rows.append(
            {
                "question_id": qid,
                "question": question.text,
                "dimension": q.dimension(question.dimension_id).title,
                "it": _r(sb.it),
                "marketing": _r(sb.marketing),
                "gap": _r(sb.gap),
                "flagged": sb.flagged,
                "n_it": sb.n_it,
                "n_marketing": sb.n_marketing,
            }
        )
    frame = pd.DataFrame(rows).astype({"gap": "float64", "it": "float64", "marketing": "float64"})
    order = frame["gap"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def heatmap_frame(result: Result) -> pd.DataFrame:
    """Question x side means (the heatmap's long format)."""
    q = result.questionnaire
    rows = []
    for qid, sb in result.questions.items():
        question = q.question(qid)
        for side, mean, n in (("it", sb.it, sb.n_it), ("marketing", sb.marketing, sb.n_marketing)):
            rows.append(
                {
                    "question_id": qid,
                    "question": question.text,
                    "dimension": q.dimension(question.dimension_id).title,
                    "side": _(SIDE_LABELS[side]),
                    "mean": _r(mean),
                    "n": n,
                }
            )
    return pd.DataFrame(rows)


def spread_frame(result: Result, respondents: list[Respondent]) -> pd.DataFrame:
    """Each respondent's dimension score, anonymous: side and score only."""
    q = result.questionnaire
    rows = []
    for r in respondents:
        for d in q.dimensions:
            score = result.respondent_scores[r.id][d.id].score
            if score is not None:
                rows.append({"dimension": d.title, "side": _(SIDE_LABELS[r.side]), "score": round(score, 2)})
    return pd.DataFrame(rows, columns=["dimension", "side", "score"])


def _action(action) -> dict[str, str] | None:  # noqa: ANN001 - questionnaire.Action or None
    if action is None:
        return None
    owner = _(BOTH) if action.owner == "both" else action.owner
    return {"owner": owner, "action": action.action, "first_step": action.first_step, "measure": action.measure}


def recommendations(result: Result) -> list[dict[str, object]]:
    """The top priorities with what to do: for a "reconcile" priority, the joint exercise and the
    questions the sides see most differently (what each said); otherwise the action that moves
    each of the weakest questions up one level (or, without an action library, that level's
    description). Level names always match the score shown beside them."""
    q = result.questionnaire
    out = []
    for p in result.priorities:
        steps = []
        for step in p.recommendations:
            question = q.question(step.question_id)
            # Words from the questionnaire shown (it may be a translation): scoring chose the step
            # and the action by id and level; their text is read again here.
            steps.append(
                {
                    "question": question.text,
                    "level": f"{step.level} · {q.level_name(step.level)}",
                    "next_level": f"{step.next_level} · {q.level_name(step.next_level)}" if step.next_level else None,
                    "description": question.describe(step.next_level) if step.next_level else step.description,
                    "action": _action(question.action_for(step.level) if step.action is not None else None),
                    "it": _r(step.it),
                    "marketing": _r(step.marketing),
                    "it_says": question.describe(round(step.it)) if step.it is not None else None,
                    "marketing_says": question.describe(round(step.marketing)) if step.marketing is not None else None,
                }
            )
        out.append(
            {
                "rank": p.rank,
                "rank_label": rank_label(p.rank, p.tied),
                "tied": p.tied,
                "kind": p.kind,
                "dimension_id": p.dimension_id,
                "dimension": q.dimension(p.dimension_id).title,
                "score": round(p.score, 2),
                "level": q.level_name(maturity_level(p.score)),
                "gap": _r(p.gap),
                "importance": round(p.importance, 1),
                "priority": round(p.priority, 2),
                "reconcile": _action(q.dimension(p.dimension_id).reconcile if p.reconcile is not None else None),
                "steps": steps,
            }
        )
    return out


def _share(share) -> str:  # noqa: ANN001 - tallies.Share
    if share.answered == 0:
        return NO_VALUE
    return _("{matching} of {answered} ({percent})").format(
        matching=share.matching, answered=share.answered, percent=fmt_percent(share.percent)
    )


def reference_rows(
    result: Result, respondents: Sequence[Respondent] = (), own_answers: dict[str, int | None] | None = None
) -> pd.DataFrame:
    """Published survey figures beside the comparable share of the organisation's own answers
    (per side: a figure about IT executives reads against the IT side), with who published it.
    A figure that says no way to compare it is shown with its source only."""
    q = result.questionnaire
    rows = []
    for ref in q.references:
        question = q.question(ref.question_id)
        own = (own_answers or {}).get(ref.question_id)
        row = {
            "question": question.text,
            "published figure": ref.statement,
            "group surveyed": ref.population,
            "your answer": f"{own}: {question.describe(own)}" if own else NO_VALUE,
        }
        if ref.compare is not None:
            c = tallies.compare_figure(q, ref, respondents)
            row |= {
                "comparable share: IT": _share(c.by_side["it"]),
                "comparable share: marketing": _share(c.by_side["marketing"]),
                "comparable share: everyone": _share(c.everyone),
            }
        row["source"] = f"{ref.attribution}" + (f" ({ref.source})" if ref.source else "")
        rows.append(row)
    return pd.DataFrame(rows)


def choice_frame(result: Result, respondents: Sequence[Respondent]) -> pd.DataFrame:
    """Unscored choice questions ("who leads the digital, data and AI agenda"): how many on each
    side chose each option, never part of a score."""
    rows = []
    for question in result.questionnaire.choice_questions:
        tally = tallies.tally_choice(question, respondents)
        for i, option in enumerate(tally.options):
            rows.append(
                {
                    "question": question.text,
                    "option": option,
                    "IT": tally.counts["it"][i],
                    "marketing": tally.counts["marketing"][i],
                    "other": tally.counts["other"][i],
                }
            )
    return pd.DataFrame(rows, columns=["question", "option", "IT", "marketing", "other"])


def answer_options(q: Questionnaire, question_id: str) -> list[tuple[int, str]]:
    """Radio options for one question: levels 1-5 with their descriptions (a choice question's
    options, unnumbered: they are not a scale), and 0 for don't know."""
    question = q.question(question_id)
    if not question.scored:
        return [*enumerate(question.options, start=1), (0, _("Don't know"))]
    options = [(lv, f"{lv} · {q.level_name(lv)} — {question.describe(lv)}") for lv in range(1, 6)]
    return options + [(0, _("Don't know"))]
