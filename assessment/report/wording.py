"""Wording shared by every report format, so each says the same thing the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from assessment import insight
from assessment.benchmarks import MIN_ORGS, SEGMENT_LABELS, SYNTHETIC_LABEL
from assessment.numbers import NO_VALUE, fmt_gap, fmt_percent, fmt_score
from assessment.questionnaire import SIDE_LABELS, SIDES, Questionnaire
from assessment.rounds import ScoredRound
from assessment.scoring import (
    ALIGNED_BELOW,
    ALIGNMENT_SPAN,
    BANDS,
    GAP_FLAG,
    MIN_COVERAGE,
    NEAR_TIE,
    maturity_level,
)

ReportData = ScoredRound  # the renderers' name for what they lay out


def slug(text: str, limit: int = 40) -> str:
    """Letters, digits and hyphens only: safe in a file name on every system."""
    out = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return out[:limit].rstrip("-")


def overall_text(data: ReportData) -> str:
    """The overall score as the results page shows it, e.g. "2.87"."""
    return fmt_score(data.result.overall) if data.result.overall is not None else "Insufficient answers"


def level_text(data: ReportData) -> str:
    level = data.result.level
    return f"{level} · {data.questionnaire.level_name(level)}" if level is not None else NO_VALUE


def alignment_text(data: ReportData) -> str:
    """ "50 / 100 · serious disagreement": the number never without its words."""
    return insight.headline(data.result).alignment_text


def respondents_text(data: ReportData) -> str:
    parts = []
    for side in SIDES:
        n, done = data.counts[side], data.finished[side]
        parts.append(f"{SIDE_LABELS[side]} {n}" + (f" ({done} finished)" if n and done != n else ""))
    return " · ".join(parts)


def benchmark_source(data: ReportData) -> str:
    """Short: "synthetic sample · All organisations · n = 20"."""
    b = data.benchmark
    if b is None:
        return "no benchmark"
    if not b.synthetic:
        return b.label
    segment = SEGMENT_LABELS[b.segment_type] + (f": {b.segment_value}" if b.segment_value else "")
    return f"{SYNTHETIC_LABEL} · {segment} · n = {b.n_orgs}"


def benchmark_note(data: ReportData) -> str:
    """Where the comparison comes from (source, peer group, n, date), why a requested peer group
    is not the one shown, and that a synthetic set is a synthetic sample."""
    b = data.benchmark
    withheld = f" {data.fallback_reason}" if data.fallback_reason else ""
    if b is None:
        return (
            f"No benchmark: fewer than {MIN_ORGS} other organisations have finished this questionnaire "
            f"version, so no comparison is shown (anonymity).{withheld}"
        )
    when = f" Figures as of {data.generated_at:%Y-%m-%d}." if not b.source.endswith(")") and b.release is None else ""
    if b.synthetic:
        return (
            f"Benchmark: {benchmark_source(data)}.{when} A {SYNTHETIC_LABEL} is generated demo data, not real "
            f"organisations: use it to read the charts, not to judge the organisation.{withheld}"
        )
    return (
        f"Benchmark: {b.label} (each consenting organisation's approved round under this questionnaire "
        f"version, published as a release; figures carry a small deliberate perturbation and are "
        f"rounded, so no organisation can be worked out from them).{when}{withheld}"
    )


def benchmark_sentence(data: ReportData) -> str | None:
    """The overall score against the peer median, when there is a benchmark to compare with."""
    overall = data.benchmark_table.iloc[0]  # benchmark_frame puts "overall" first
    if data.benchmark is None or not overall["n"] or pd.isna(overall["score"]):
        return None
    band = f": {overall['band'].lower()}" if isinstance(overall["band"], str) else ""
    middle = f"a peer median of {overall['median']:.2f}" if pd.notna(overall["median"]) else f"a peer mean of {overall['mean']:.2f}"
    return f"Against the benchmark: overall {overall_text(data)} against {middle} (n = {int(overall['n'])}){band}."


def gap_note(data: ReportData) -> str | None:
    """Why there is no perception gap, when there is none."""
    if not data.gaps.empty:
        return None
    if data.respondent_id is not None:
        return "The perception gap compares the IT and marketing sides; this report covers one respondent."
    sides = data.result.sides_present
    missing = "marketing" if "it" in sides else "IT" if "marketing" in sides else "IT or marketing"
    return f"The perception gap appears once both sides have answered; nobody from {missing} has yet."


def few_people_sentence(data: ReportData) -> str | None:
    """Where a side's figures are one or two people's view, the report says so."""
    return data.few_people_note


def flagged_dimensions(data: ReportData) -> list[str]:
    return data.gaps.loc[data.gaps["flagged"], "dimension"].tolist() if not data.gaps.empty else []


@dataclass(frozen=True)
class DimensionSection:
    """One dimension's page section: score, benchmark, the two sides, and the next step."""

    title: str
    description: str
    score: str
    level: str
    basis: str
    it: str
    marketing: str
    gap: str
    flagged: bool
    importance: str
    benchmark: str  # "Peer median 2.80 (middle half 2.40 to 3.10); third quarter; n = 20 …" or why none
    weakest: str | None  # the question with the lowest score in the dimension
    next_level: str | None  # "4 · Partners"
    recommendation: str | None  # that question's description of the next level
    no_step: str | None  # why there is no recommendation, when there is none
    questions: list[tuple[str, str, str, str, str]]  # (question, combined, IT, marketing, gap)

    @property
    def score_line(self) -> str:
        if self.score == NO_VALUE:
            return f"Insufficient answers · importance {self.importance}"
        return f"{self.score} · {self.level} ({self.basis}) · importance {self.importance}"


def dimension_sections(data: ReportData) -> list[DimensionSection]:
    q, result = data.questionnaire, data.result
    bench = data.benchmark_table.set_index("dimension_id")
    sections = []
    for d in q.dimensions:
        sb = result.dimensions[d.id]
        row = bench.loc[d.id]
        if data.benchmark is None:
            benchmark = "No benchmark available."
        elif int(row["n"]) == 0:
            benchmark = f"Fewer than {MIN_ORGS} peers scored this dimension: no comparison shown."
        else:
            band = f"; {row['band'].lower()}" if isinstance(row["band"], str) else ""
            middle = (
                f"Peer median {fmt_score(row['median'])} (middle half {fmt_score(row['p25'])} to {fmt_score(row['p75'])})"
                if pd.notna(row["median"])
                else f"Peer mean {fmt_score(row['mean'])} (quartiles are published from 10 organisations)"
            )
            benchmark = f"{middle}{band}; n = {int(row['n'])} organisations; source: {benchmark_source(data)}."
        # The weakest answered question below the top level: the same rule as the priorities.
        steps = [
            (result.questions[x.id].value, x.id)
            for x in d.scored_questions
            if result.questions[x.id].value is not None and result.questions[x.id].value < 5
        ]
        weakest = next_level = recommendation = None
        answered = any(result.questions[x.id].value is not None for x in d.scored_questions)
        no_step = None if steps else "Every answered question is at the top level: keep it there."
        if not answered:
            no_step = "No answers yet in this dimension."
        if steps:
            value, qid = min(steps)
            # The level the score bands into, as shown beside it; the step is the one above.
            now = maturity_level(value)
            nxt = min(5, now + 1)
            question = q.question(qid)
            weakest = f"{question.text} (now {value:.2f} · {q.level_name(now)})"
            next_level = f"{nxt} · {q.level_name(nxt)}"
            action = question.action_for(now)
            recommendation = (
                f"{action.action} Owner: {_owner(action.owner)}. First step: {action.first_step} "
                f"Check after 90 days: {action.measure}"
                if action
                else question.describe(nxt)
            )
        rows = []
        for x in d.scored_questions:
            qs = result.questions[x.id]
            rows.append(
                (x.text, fmt_score(qs.value), fmt_score(qs.it), fmt_score(qs.marketing), fmt_gap(qs.gap))
            )
        sections.append(
            DimensionSection(
                title=d.title,
                description=d.description,
                score=fmt_score(sb.value),
                level=q.level_name(maturity_level(sb.value))
                if sb.value is not None
                else "Insufficient answers",
                basis=sb.basis,
                it=fmt_score(sb.it),
                marketing=fmt_score(sb.marketing),
                gap=fmt_gap(sb.gap),
                flagged=sb.flagged,
                importance=f"{result.importance[d.id]:.1f}",
                benchmark=benchmark,
                weakest=weakest,
                next_level=next_level,
                recommendation=recommendation,
                no_step=no_step,
                questions=rows,
            )
        )
    return sections


def _owner(owner: str) -> str:
    return "CIO and CMO together" if owner == "both" else owner


def method_rules() -> list[str]:
    """The scoring rules, worded for a client (BRIEF, "Scoring rules")."""
    return [
        'Each question is answered on five behaviourally described levels, or "don\'t know".',
        "A respondent's dimension score is the weighted mean of the levels they gave; \"don't know\" is "
        f"left out. Under {MIN_COVERAGE:.0%} of a dimension's questions answered, the dimension is "
        '"insufficient answers".',
        "The organisation's dimension score is the mean of the IT side's mean and the marketing side's "
        "mean, so one CIO is not outweighed by ten marketers. With one side only, that side's mean is used "
        "and the report says so; other respondents (CEO, observers) count only when neither side answered.",
        "The overall score is the weighted mean of the dimension scores (at least half must be scored).",
        f"Perception gap = marketing mean − IT mean; a gap of {GAP_FLAG:g} level or more is flagged. The "
        f"alignment index is 100 × max(0, 1 − mean |gap| / {ALIGNMENT_SPAN:g}): 100 when both sides see every "
        f"dimension alike, 50 when they are a full level apart on average, 0 at {ALIGNMENT_SPAN:g} levels or "
        f"more. In words: aligned under {ALIGNED_BELOW:g} level, partly aligned under {GAP_FLAG:g}, a serious "
        "disagreement from there. When the sides are a level or more apart, the headline is each side's "
        "view, not one averaged level.",
        "Importance is balanced like scores: per side, the mean rating of the respondents who reached the "
        "dimension (an untouched slider counts as 3), then the mean of the two sides.",
        f"A dimension where the sides disagree by {GAP_FLAG:g} level or more is a \"reconcile first\" "
        "priority: establish the facts together before improving. The others are ranked by importance × "
        f"(5 − score); priorities within {NEAR_TIE:g} of each other share a rank. Each comes with an "
        "action (owner, first step, 90-day measure) from the questionnaire's action library, or without "
        "one, the description of the next level.",
        "Benchmarks compare with a published release of consenting organisations' approved rounds; a "
        f"peer group of fewer than {MIN_ORGS} organisations is never shown, quartiles only from 10, and "
        "you see which quarter (or side of the mean) you fall in, never a rank among peers. A synthetic "
        "sample is generated demo data and always labelled so.",
    ]


def level_bands(q: Questionnaire) -> list[tuple[str, str, str]]:
    """(level, score range, summary) for the five levels."""
    edges = (1.0, *BANDS, 5.0)
    rows = []
    for lv in q.levels:
        low, high = edges[lv.value - 1], edges[lv.value]
        span = f"{low:.1f} ≤ score {'≤' if lv.value == 5 else '<'} {high:.1f}"
        rows.append((f"{lv.value} · {lv.name}", span, lv.summary))
    return rows


def seed_citations(q: Questionnaire) -> list[tuple[str, str, str]]:
    """(seed file, title when a citation names it, questions that cite it), by file name."""
    titles: dict[str, str] = {}
    for ref in q.references:
        found = re.match(r'^["“]([^"”]+)["”]', ref.citation)
        if found:
            titles.setdefault(ref.source, found.group(1))
    cited: dict[str, list[str]] = {}
    for x in q.questions:
        for source in x.sources:
            cited.setdefault(source, []).append(x.id)
    for ref in q.references:
        cited.setdefault(ref.source, [])
    return [(s, titles.get(s, ""), ", ".join(cited[s])) for s in sorted(cited)]


PROGRESS_HEADER = ("Dimension", "Score", "Target", "% of target", "Previous round", "Change")


def progress_note(data: ReportData) -> str:
    """Targets (whose, how far reached) and the change since the previous round, in words."""
    parts = []
    if data.previous is None:
        parts.append("This is the organisation's first round: there is no earlier round to compare with.")
    elif not data.previous.comparable:
        parts.append(
            f"The previous round, {data.previous.round.name}, used a questionnaire whose dimensions differ: "
            "its scores are not comparable with this round's."
        )
    else:
        change = data.change.set_index("dimension_id")
        overall = change.loc["overall", "change"] if "overall" in change.index else None
        parts.append(
            f"Change since the previous round, {data.previous.round.name} "
            f"({data.previous.round.created_at:%d %B %Y}): overall {fmt_gap(overall)}."
        )
    if not data.targets:
        parts.append("No targets have been agreed yet.")
    else:
        whose = (
            f"carried over from {data.targets_carried_from}"
            if data.targets_carried_from
            else "agreed for this round"
        )
        parts.append(f"Targets {whose}: {fmt_percent(data.percent_of_target)} of the target reached overall.")
    return " ".join(parts)


def progress_rows(data: ReportData) -> list[tuple[str, ...]]:
    """Per dimension: score, target, % of target, the previous round's score and the change."""
    targets = data.target_table.set_index("dimension_id")
    change = data.change.set_index("dimension_id")
    rows = []
    for d in data.questionnaire.dimensions:
        t = targets.loc[d.id]
        c = change.loc[d.id] if d.id in change.index else None
        rows.append(
            (
                d.title,
                fmt_score(t["score"]),
                fmt_score(t["target"]),
                fmt_percent(t["% of target"]),
                fmt_score(c["previous"]) if c is not None else NO_VALUE,
                fmt_gap(c["change"]) if c is not None else NO_VALUE,
            )
        )
    return rows


def headline_text(data: ReportData) -> str:
    """The sentence the report leads with: each side's view first when they disagree."""
    return insight.headline(data.result).text


def level_or_split(data: ReportData) -> str:
    """The maturity level box: one level only when the sides agree."""
    return "The sides disagree" if data.result.split else level_text(data)


def priority_heading(item: dict) -> str:
    if item["kind"] == "reconcile":
        return (
            f"{item['rank_label']}. {item['dimension']}: reconcile first. IT and marketing are "
            f"{abs(item['gap']):.2f} levels apart"
        )
    return f"{item['rank_label']}. {item['dimension']}"


def priority_detail(item: dict) -> str:
    if item["kind"] == "reconcile":
        return f"Score {item['score']:.2f}, importance {item['importance']}: establish the facts together first."
    return f"Score {item['score']:.2f} ({item['level']}), importance {item['importance']}, priority {item['priority']:.2f}"


def action_text(action: dict[str, str]) -> str:
    return (
        f"{action['action']} Owner: {action['owner']}. First step: {action['first_step']} "
        f"Check after 90 days: {action['measure']}"
    )


def priority_lines(item: dict) -> list[str]:
    """What to do about one priority, one line each: the action library's words where it has
    them, else the next level's description; level names always those of the score shown."""
    lines = []
    if item["kind"] == "reconcile":
        if item["reconcile"]:
            lines.append(action_text(item["reconcile"]))
        for s in item["steps"]:
            lines.append(
                f"{s['question']} IT answered {fmt_score(s['it'])} (“{s['it_says']}”); marketing "
                f"{fmt_score(s['marketing'])} (“{s['marketing_says']}”)."
            )
        return lines
    for s in item["steps"]:
        if s["next_level"] is None:
            continue
        head = f"{s['question']} Now {s['level']}; next, {s['next_level']}."
        lines.append(f"{head} {action_text(s['action'])}" if s["action"] else f"{head} {s['description']}")
    return lines


def ties_note(data: ReportData) -> str | None:
    tied = [str(i["dimension"]) for i in data.recommendations if i["tied"]]
    return f"{', '.join(tied)} are equal priorities (within 0.1): their order is not a ranking." if tied else None
