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
from assessment.i18n import N_, _
from assessment.numbers import NO_VALUE, fmt_gap, fmt_number, fmt_score
from assessment.questionnaire import SIDE_LABELS
from assessment.scoring import GAP_FLAG, NEAR_TIE, Result, maturity_level

if TYPE_CHECKING:
    from assessment.rounds import ScoredRound

STRENGTH_FROM = 3.4  # level 4 and above, where the sides agree: worth protecting
VERDICT_WORDS = {
    "aligned": N_("IT and marketing see the partnership alike"),
    "partly aligned": N_("IT and marketing see the partnership somewhat differently"),
    "serious disagreement": N_("IT and marketing see the partnership very differently"),
}
BOTH = N_("CIO and CMO together")


@dataclass(frozen=True)
class Headline:
    split: bool  # the sides are a level or more apart: show each side's view first
    text: str  # the one sentence every view leads with
    alignment: str | None  # "aligned", "partly aligned", "serious disagreement"
    alignment_text: str  # "50 / 100 · serious disagreement"
    disagreements: tuple[tuple[str, float, float, float], ...]  # (dimension, IT, marketing, gap)


def side_score(result: Result, side: str) -> str:
    """ "4.60 · Partners": one side's overall score and the level it bands into."""
    score = result.sides[side]
    return f"{fmt_score(score)} · {result.questionnaire.level_name(maturity_level(score))}"


def side_view(result: Result, side: str) -> str:
    """ "IT sees 4.60 · Partners" """
    return _("{side} sees {view}").format(side=_(SIDE_LABELS[side]), view=side_score(result, side))


def headline(result: Result) -> Headline:
    q = result.questionnaire
    flagged = sorted(
        ((q.dimension(did).title, sb.it, sb.marketing, sb.gap) for did, sb in result.dimensions.items()
         if sb.gap is not None and abs(sb.gap) >= GAP_FLAG),
        key=lambda row: -abs(row[3]),
    )[:3]  # fmt: skip
    index = result.alignment_index
    alignment_text = NO_VALUE if index is None else f"{fmt_number(index, '.0f')} / 100 · {_(result.alignment)}"
    if result.split:
        it, marketing = side_score(result, "it"), side_score(result, "marketing")
        where = ", ".join(title for title, *_rest in flagged)
        if where:
            text = _(
                "IT sees {it}; marketing sees {marketing}. Balanced, that is {overall}, but the two sides are "
                "a level or more apart, most on {where}: agree on the facts before improving."
            )
        else:
            text = _(
                "IT sees {it}; marketing sees {marketing}. Balanced, that is {overall}, but the two sides are "
                "a level or more apart: agree on the facts before improving."
            )
        text = text.format(it=it, marketing=marketing, overall=fmt_score(result.overall), where=where)
    elif result.overall is None:
        text = _("Fewer than half of the dimensions have enough answers for an overall score.")
    else:
        level = _("level {level} · {name} ({score} of 5)").format(
            level=result.level, name=q.level_name(result.level), score=fmt_score(result.overall)
        )
        if result.alignment is None:
            text = _("The partnership stands at {level}.").format(level=level)
        else:
            text = _("{verdict}: the partnership stands at {level}.").format(
                verdict=_(VERDICT_WORDS[result.alignment]), level=level
            )
    return Headline(result.split, text, result.alignment, alignment_text, tuple(flagged))


def caveats(scored: ScoredRound) -> list[str]:
    """What a reader must know before trusting the figures."""
    out = []
    counts = scored.counts
    present = [s for s in ("it", "marketing") if counts[s]]
    if scored.respondent_id is None and len(present) == 1:
        if present == ["it"]:
            out.append(_("Only IT has answered: nobody from marketing yet, so there is no gap."))
        else:
            out.append(_("Only Marketing has answered: nobody from IT yet, so there is no gap."))
    if scored.few_people_note:
        out.append(scored.few_people_note)
    if scored.benchmark is not None and scored.benchmark.synthetic:
        out.append(_("The benchmark is a synthetic sample (generated demo data), not real organisations."))
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
            _("{dimension}: establish the facts together before improving (the sides are {gap} levels apart)").format(
                dimension=dimension, gap=fmt_gap(item["gap"])
            ),
            _(BOTH),
            _("Put the questions the sides answered most differently on the agenda of a joint meeting."),
            _("Both sides answer those questions again within a level of each other."),
        )
    step = item["steps"][0] if item["steps"] else None
    if step and step["action"]:
        a = step["action"]
        return Decision(f"{dimension}: {a['action']}", a["owner"], a["first_step"], a["measure"])
    if step and step["next_level"]:
        return Decision(
            _("{dimension}: reach {level} on “{question}”").format(
                dimension=dimension, level=step["next_level"], question=step["question"]
            ),
            _(BOTH),
            step["description"],
            _("In 90 days, this question is answered at {level} or above.").format(level=step["next_level"]),
        )
    return Decision(_("{dimension}: keep it at the top level").format(dimension=dimension), _(BOTH), "", "")


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
                sentence = {
                    (True, "median"): _("That is above the peer median of {value}."),
                    (False, "median"): _("That is at or below the peer median of {value}."),
                    (True, "mean"): _("That is above the peer mean of {value}."),
                    (False, "mean"): _("That is at or below the peer mean of {value}."),
                }[(bool(result.overall > value), stat)]
                verdict += " " + sentence.format(value=fmt_score(value))
                break
    risk = None
    top = result.top_disagreements(1)
    if top:
        qid, sb = top[0]
        question = q.question(qid)
        it, mk = round(sb.it), round(sb.marketing)
        risk = _(
            "On “{question}” IT says “{it_says}” ({it}), while marketing says “{marketing_says}” ({marketing})."
        ).format(
            question=question.text, it_says=question.describe(it), it=fmt_score(sb.it),
            marketing_says=question.describe(mk), marketing=fmt_score(sb.marketing),
        )  # fmt: skip
        if abs(sb.gap or 0) < GAP_FLAG:
            risk = None  # under a level apart, no disagreement is worth a board's attention
    items = views.recommendations(result)
    decisions = tuple(_decision(item) for item in items[:3])
    tied = [item["dimension"] for item in items if item["tied"]]
    equal_note = (
        _("{dimensions} are equal priorities (within {tie}): their order is not a ranking.").format(
            dimensions=", ".join(tied), tie=fmt_number(NEAR_TIE, "g")
        )
        if tied
        else None
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
            change = _("Overall {change} since {round}.").format(change=fmt_gap(moved), round=scored.previous.round.name)
        else:
            change = _(
                "Compared with {round} dimension by dimension (another questionnaire version)."
            ).format(round=scored.previous.round.name)
    return BoardBrief(verdict, risk, decisions, equal_note, strengths, change, tuple(caveats(scored)))
