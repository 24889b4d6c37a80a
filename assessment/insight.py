"""What a result means, in words a board reads: the headline and the board brief.

One home for the sentences every view leads with, so the results page, the workshop and every
report say the same thing. The disagreement between IT and marketing leads: when the sides are
a level or more apart, the headline is each side's view, never one averaged level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from assessment import views
from assessment.numbers import fmt_gap, fmt_score
from assessment.questionnaire import SIDE_LABELS
from assessment.scoring import GAP_FLAG, Result, maturity_level

if TYPE_CHECKING:
    from assessment.rounds import ScoredRound

STRENGTH_FROM = 3.4  # level 4 and above, where the sides agree: worth protecting
VERDICT_WORDS = {
    "aligned": "IT and marketing see the partnership alike",
    "partly aligned": "IT and marketing see the partnership somewhat differently",
    "serious disagreement": "IT and marketing see the partnership very differently",
}


@dataclass(frozen=True)
class Headline:
    split: bool  # the sides are a level or more apart: show each side's view first
    text: str  # the one sentence every view leads with
    alignment: str | None  # "aligned", "partly aligned", "serious disagreement"
    alignment_text: str  # "50 / 100 · serious disagreement"
    disagreements: tuple[tuple[str, float, float, float], ...]  # (dimension, IT, marketing, gap)


def side_view(result: Result, side: str) -> str:
    """ "IT sees 4.60 · Partners" """
    score = result.sides[side]
    name = result.questionnaire.level_name(maturity_level(score))
    return f"{SIDE_LABELS[side]} sees {fmt_score(score)} · {name}"


def headline(result: Result) -> Headline:
    q = result.questionnaire
    flagged = sorted(
        ((q.dimension(did).title, sb.it, sb.marketing, sb.gap) for did, sb in result.dimensions.items()
         if sb.gap is not None and abs(sb.gap) >= GAP_FLAG),
        key=lambda row: -abs(row[3]),
    )[:3]  # fmt: skip
    index = result.alignment_index
    alignment_text = "—" if index is None else f"{index:.0f} / 100 · {result.alignment}"
    if result.split:
        sides = f"{side_view(result, 'it')}; {side_view(result, 'marketing').replace('Marketing', 'marketing', 1)}"
        where = ", ".join(title for title, *_ in flagged)
        text = (
            f"{sides}. Balanced, that is {fmt_score(result.overall)}, but the two sides are a level or "
            f"more apart{f', most on {where}' if where else ''}: agree on the facts before improving."
        )
    elif result.overall is None:
        text = "Fewer than half of the dimensions have enough answers for an overall score."
    else:
        level = f"level {result.level} · {q.level_name(result.level)} ({fmt_score(result.overall)} of 5)"
        if result.alignment is None:
            text = f"The partnership stands at {level}."
        else:
            text = f"{VERDICT_WORDS[result.alignment]}: the partnership stands at {level}."
    return Headline(result.split, text, result.alignment, alignment_text, tuple(flagged))


def caveats(scored: ScoredRound) -> list[str]:
    """What a reader must know before trusting the figures."""
    out = []
    counts = scored.counts
    present = [s for s in ("it", "marketing") if counts[s]]
    if scored.respondent_id is None and len(present) == 1:
        missing = "marketing" if present == ["it"] else "IT"
        out.append(f"Only {SIDE_LABELS[present[0]]} has answered: nobody from {missing} yet, so there is no gap.")
    if scored.few_people_note:
        out.append(scored.few_people_note)
    if scored.benchmark is not None and scored.benchmark.synthetic:
        out.append("The benchmark is a synthetic sample (generated demo data), not real organisations.")
    return out


@dataclass(frozen=True)
class Decision:
    title: str  # what to decide, naming the dimension
    owner: str
    first_step: str
    measure: str  # to check after 90 days


@dataclass(frozen=True)
class BoardBrief:
    verdict: str
    risk: str | None  # the largest disagreement, with what each side said
    decisions: tuple[Decision, ...]
    equal_note: str | None  # when priorities are equal, the brief says so instead of ranking them
    strengths: tuple[str, ...]
    change: str | None
    caveats: tuple[str, ...]


def _decision(item: dict) -> Decision:
    dimension = item["dimension"]
    if item["kind"] == "reconcile":
        action = item["reconcile"]
        if action:
            return Decision(f"{dimension}: {action['action']}", action["owner"], action["first_step"], action["measure"])
        return Decision(
            f"{dimension}: establish the facts together before improving (the sides are {fmt_gap(item['gap'])} "
            "levels apart)",
            "CIO and CMO together",
            "Put the questions the sides answered most differently on the agenda of a joint meeting.",
            "Both sides answer those questions again within a level of each other.",
        )
    step = item["steps"][0] if item["steps"] else None
    if step and step["action"]:
        a = step["action"]
        return Decision(f"{dimension}: {a['action']}", a["owner"], a["first_step"], a["measure"])
    if step and step["next_level"]:
        return Decision(
            f"{dimension}: reach {step['next_level']} on “{step['question']}”",
            "CIO and CMO together",
            step["description"],
            f"In 90 days, this question is answered at {step['next_level']} or above.",
        )
    return Decision(f"{dimension}: keep it at the top level", "CIO and CMO together", "", "")


def board_brief(scored: ScoredRound) -> BoardBrief:
    result, q = scored.result, scored.questionnaire
    head = headline(result)
    verdict = head.text
    if scored.benchmark is not None and result.overall is not None:
        overall = scored.benchmark_table.iloc[0]
        # Small peer groups publish a mean only (no quartiles): compare with what is published.
        for stat in ("median", "mean"):
            value = overall.get(stat)
            if overall["n"] and value is not None and pd.notna(value):
                above = "above" if result.overall > value else "at or below"
                verdict += f" That is {above} the peer {stat} of {fmt_score(value)}."
                break
    risk = None
    top = result.top_disagreements(1)
    if top:
        qid, sb = top[0]
        question = q.question(qid)
        it, mk = round(sb.it), round(sb.marketing)
        risk = (
            f"On “{question.text}” IT says “{question.describe(it)}” ({fmt_score(sb.it)}), while marketing "
            f"says “{question.describe(mk)}” ({fmt_score(sb.marketing)})."
        )
        if abs(sb.gap or 0) < GAP_FLAG:
            risk = None  # under a level apart, no disagreement is worth a board's attention
    items = views.recommendations(result)
    decisions = tuple(_decision(item) for item in items[:3])
    tied = [item["dimension"] for item in items if item["tied"]]
    equal_note = (
        f"{', '.join(tied)} are equal priorities (within 0.1): their order is not a ranking." if tied else None
    )
    strengths = tuple(
        f"{q.dimension(did).title} ({fmt_score(sb.value)} · {q.level_name(maturity_level(sb.value))})"
        for did, sb in sorted(result.dimensions.items(), key=lambda x: -(x[1].value or 0))
        if sb.value is not None and sb.value >= STRENGTH_FROM and not sb.flagged
    )[:2]
    change = None
    if scored.previous is not None and scored.previous.comparable:
        row = scored.change.set_index("dimension_id")
        moved = row.loc["overall", "change"] if "overall" in row.index else None
        if moved == moved and moved is not None:
            change = f"Overall {fmt_gap(moved)} since {scored.previous.round.name}."
        else:
            change = f"Compared with {scored.previous.round.name} dimension by dimension (another questionnaire version)."
    return BoardBrief(verdict, risk, decisions, equal_note, strengths, change, tuple(caveats(scored)))
