"""Wording shared by every report format, so each says the same thing the same way."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from assessment import insight
from assessment.benchmarks import MIN_ORGS, SEGMENT_LABELS, SYNTHETIC_LABEL
from assessment.i18n import N_, _, ngettext
from assessment.numbers import NO_VALUE, fmt_date, fmt_gap, fmt_number, fmt_percent, fmt_score
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
    """Letters, digits and hyphens only: safe in a file name on every system. Accented letters
    keep their base letter ("Ibérica" → "iberica", not "ib-rica")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()
    return out[:limit].rstrip("-")


def overall_text(data: ReportData) -> str:
    """The overall score as the results page shows it, e.g. "2.87"."""
    return fmt_score(data.result.overall) if data.result.overall is not None else _("Insufficient answers")


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
        if n and done != n:
            parts.append(_("{side} {count} ({finished} finished)").format(side=_(SIDE_LABELS[side]), count=n, finished=done))
        else:
            parts.append(_("{side} {count}").format(side=_(SIDE_LABELS[side]), count=n))
    return " · ".join(parts)


def benchmark_source(data: ReportData) -> str:
    """Short: "synthetic sample · All organisations · n = 20"."""
    b = data.benchmark
    if b is None:
        return _("no benchmark")
    if not b.synthetic:
        return b.label
    return f"{_(SYNTHETIC_LABEL)} · {segment_text(b.segment_type, b.segment_value)} · n = {b.n_orgs}"


def segment_text(segment_type: str, value: str | None) -> str:
    """ "Industry: Retail", "All organisations", in the report's language."""
    label = _(SEGMENT_LABELS[segment_type])
    return _("{segment}: {value}").format(segment=label, value=_(value)) if value else label


def benchmark_note(data: ReportData) -> str:
    """Where the comparison comes from (source, peer group, n, date), why a requested peer group
    is not the one shown, and that a synthetic set is a synthetic sample."""
    b = data.benchmark
    withheld = f" {_(data.fallback_reason)}" if data.fallback_reason else ""
    if b is None:
        return _(
            "No benchmark: fewer than {min_orgs} other organisations have finished this questionnaire "
            "version, so no comparison is shown (anonymity)."
        ).format(min_orgs=MIN_ORGS) + withheld
    when = ""
    if not b.source.endswith(")") and b.release is None:
        when = " " + _("Figures as of {date}.").format(date=fmt_date(data.generated_at, "short"))
    if b.synthetic:
        return (
            _("Benchmark: {source}.").format(source=benchmark_source(data))
            + when
            + " "
            + _(
                "A synthetic sample is generated demo data, not real organisations: use it to read the "
                "charts, not to judge the organisation."
            )
            + withheld
        )
    return (
        _(
            "Benchmark: {label} (each consenting organisation's approved round under this questionnaire "
            "version, published as a release; figures carry a small deliberate perturbation and are "
            "rounded, so no organisation can be worked out from them)."
        ).format(label=b.label)
        + when
        + withheld
    )


def benchmark_sentence(data: ReportData) -> str | None:
    """The overall score against the peer median, when there is a benchmark to compare with."""
    overall = data.benchmark_table.iloc[0]  # benchmark_frame puts "overall" first
    if data.benchmark is None or not overall["n"] or pd.isna(overall["score"]):
        return None
    n = int(overall["n"])
    if pd.notna(overall["median"]):
        text = _("Against the benchmark: overall {score} against a peer median of {peer} (n = {n})")
        peer = fmt_score(overall["median"])
    else:
        text = _("Against the benchmark: overall {score} against a peer mean of {peer} (n = {n})")
        peer = fmt_score(overall["mean"])
    text = text.format(score=overall_text(data), peer=peer, n=n)
    if isinstance(overall["band"], str):
        return _("{sentence}: {band}.").format(sentence=text, band=overall["band"])
    return text + "."


def gap_note(data: ReportData) -> str | None:
    """Why there is no perception gap, when there is none."""
    if not data.gaps.empty:
        return None
    if data.respondent_id is not None:
        return _("The perception gap compares the IT and marketing sides; this report covers one respondent.")
    sides = data.result.sides_present
    if "it" in sides:
        return _("The perception gap appears once both sides have answered; nobody from marketing has yet.")
    if "marketing" in sides:
        return _("The perception gap appears once both sides have answered; nobody from IT has yet.")
    return _("The perception gap appears once both sides have answered; nobody from IT or marketing has yet.")


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
            return _("Insufficient answers · importance {importance}").format(importance=self.importance)
        return _("{score} · {level} ({basis}) · importance {importance}").format(
            score=self.score, level=self.level, basis=self.basis, importance=self.importance
        )


def dimension_sections(data: ReportData) -> list[DimensionSection]:
    q, result = data.questionnaire, data.result
    bench = data.benchmark_table.set_index("dimension_id")
    sections = []
    for d in q.dimensions:
        sb = result.dimensions[d.id]
        row = bench.loc[d.id]
        if data.benchmark is None:
            benchmark = _("No benchmark available.")
        elif int(row["n"]) == 0:
            benchmark = _("Fewer than {min_orgs} peers scored this dimension: no comparison shown.").format(
                min_orgs=MIN_ORGS
            )
        else:
            band = f"; {row['band']}" if isinstance(row["band"], str) else ""
            middle = (
                _("Peer median {median} (middle half {p25} to {p75})").format(
                    median=fmt_score(row["median"]), p25=fmt_score(row["p25"]), p75=fmt_score(row["p75"])
                )
                if pd.notna(row["median"])
                else _("Peer mean {mean} (quartiles are published from 10 organisations)").format(
                    mean=fmt_score(row["mean"])
                )
            )
            benchmark = _("{middle}{band}; n = {n} organisations; source: {source}.").format(
                middle=middle, band=band, n=int(row["n"]), source=benchmark_source(data)
            )
        # The weakest answered question below the top level: the same rule as the priorities.
        steps = [
            (result.questions[x.id].value, x.id)
            for x in d.scored_questions
            if result.questions[x.id].value is not None and result.questions[x.id].value < 5
        ]
        weakest = next_level = recommendation = None
        answered = any(result.questions[x.id].value is not None for x in d.scored_questions)
        no_step = None if steps else _("Every answered question is at the top level: keep it there.")
        if not answered:
            no_step = _("No answers yet in this dimension.")
        if steps:
            value, qid = min(steps)
            # The level the score bands into, as shown beside it; the step is the one above.
            now = maturity_level(value)
            nxt = min(5, now + 1)
            question = q.question(qid)
            weakest = _("{question} (now {score} · {level})").format(
                question=question.text, score=fmt_score(value), level=q.level_name(now)
            )
            next_level = f"{nxt} · {q.level_name(nxt)}"
            action = question.action_for(now)
            recommendation = (
                action_text(
                    {"action": action.action, "owner": _owner(action.owner), "first_step": action.first_step,
                     "measure": action.measure}  # fmt: skip
                )
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
                else _("Insufficient answers"),
                basis=_(sb.basis),
                it=fmt_score(sb.it),
                marketing=fmt_score(sb.marketing),
                gap=fmt_gap(sb.gap),
                flagged=sb.flagged,
                importance=fmt_number(result.importance[d.id], ".1f"),
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
    return _("CIO and CMO together") if owner == "both" else owner


def method_rules() -> list[str]:
    """The scoring rules, worded for a client (BRIEF, "Scoring rules")."""
    span, flag = fmt_number(ALIGNMENT_SPAN, "g"), fmt_number(GAP_FLAG, "g")
    return [
        _('Each question is answered on five behaviourally described levels, or "don\'t know".'),
        _(
            "A respondent's dimension score is the weighted mean of the levels they gave; \"don't know\" is "
            "left out. Under {coverage} of a dimension's questions answered, the dimension is "
            '"insufficient answers".'
        ).format(coverage=_percent_tight(MIN_COVERAGE)),
        _(
            "The organisation's dimension score is the mean of the IT side's mean and the marketing side's "
            "mean, so one CIO is not outweighed by ten marketers. With one side only, that side's mean is used "
            "and the report says so; other respondents (CEO, observers) count only when neither side answered."
        ),
        _("The overall score is the weighted mean of the dimension scores (at least half must be scored)."),
        _(
            "Perception gap = marketing mean − IT mean; a gap of {flag} level or more is flagged. The "
            "alignment index is 100 × max(0, 1 − mean |gap| / {span}): 100 when both sides see every "
            "dimension alike, 50 when they are a full level apart on average, 0 at {span} levels or "
            "more. In words: aligned under {aligned} level, partly aligned under {flag}, a serious "
            "disagreement from there. When the sides are a level or more apart, the headline is each side's "
            "view, not one averaged level."
        ).format(flag=flag, span=span, aligned=fmt_number(ALIGNED_BELOW, "g")),
        _(
            "Importance is balanced like scores: per side, the mean rating of the respondents who reached the "
            "dimension (an untouched slider counts as 3), then the mean of the two sides."
        ),
        _(
            'A dimension where the sides disagree by {flag} level or more is a "reconcile first" '
            "priority: establish the facts together before improving. The others are ranked by importance × "
            "(5 − score); priorities within {tie} of each other share a rank. Each comes with an "
            "action (owner, first step, 90-day measure) from the questionnaire's action library, or without "
            "one, the description of the next level."
        ).format(flag=flag, tie=fmt_number(NEAR_TIE, "g")),
        _(
            "Benchmarks compare with a published release of consenting organisations' approved rounds; a "
            "peer group of fewer than {min_orgs} organisations is never shown, quartiles only from 10, and "
            "you see which quarter (or side of the mean) you fall in, never a rank among peers. A synthetic "
            "sample is generated demo data and always labelled so."
        ).format(min_orgs=MIN_ORGS),
    ]


def _percent_tight(share: float) -> str:
    """ "50%" as the method has always written a share; "50 %" where the language spaces it."""
    text = fmt_percent(share * 100)
    return text.replace(" %", "%")


def level_bands(q: Questionnaire) -> list[tuple[str, str, str]]:
    """(level, score range, summary) for the five levels."""
    edges = (1.0, *BANDS, 5.0)
    rows = []
    for lv in q.levels:
        low, high = edges[lv.value - 1], edges[lv.value]
        low_text, high_text = fmt_number(low, ".1f"), fmt_number(high, ".1f")
        span = (
            _("{low} ≤ score ≤ {high}") if lv.value == 5 else _("{low} ≤ score < {high}")
        ).format(low=low_text, high=high_text)
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


PROGRESS_HEADER = (N_("Dimension"), N_("Score"), N_("Target"), N_("Target reached"), N_("Previous round"), N_("Change"))


def progress_header() -> tuple[str, ...]:
    return tuple(_(h) for h in PROGRESS_HEADER)


def progress_note(data: ReportData) -> str:
    """Targets (whose, how far reached) and the change since the previous round, in words."""
    parts = []
    if data.previous is None:
        parts.append(_("This is the organisation's first round: there is no earlier round to compare with."))
    elif not data.previous.comparable:
        parts.append(
            _(
                "The previous round, {round}, used a questionnaire whose dimensions differ: "
                "its scores are not comparable with this round's."
            ).format(round=data.previous.round.name)
        )
    else:
        change = data.change.set_index("dimension_id")
        overall = change.loc["overall", "change"] if "overall" in change.index else None
        parts.append(
            _("Change since the previous round, {round} ({date}): overall {change}.").format(
                round=data.previous.round.name, date=fmt_date(data.previous.round.created_at), change=fmt_gap(overall)
            )
        )
    if not data.targets:
        parts.append(_("No targets have been agreed yet."))
    elif data.targets_carried_from:
        parts.append(
            _("Targets carried over from {round}: {percent} of the target reached overall.").format(
                round=data.targets_carried_from, percent=fmt_percent(data.percent_of_target)
            )
        )
    else:
        parts.append(
            _("Targets agreed for this round: {percent} of the target reached overall.").format(
                percent=fmt_percent(data.percent_of_target)
            )
        )
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
    return _("The sides disagree") if data.result.split else level_text(data)


def priority_heading(item: dict) -> str:
    if item["kind"] == "reconcile":
        return _("{rank}. {dimension}: reconcile first. IT and marketing are {gap} levels apart").format(
            rank=item["rank_label"], dimension=item["dimension"], gap=fmt_score(abs(item["gap"]))
        )
    return f"{item['rank_label']}. {item['dimension']}"


def priority_detail(item: dict) -> str:
    score, importance = fmt_score(item["score"]), fmt_number(item["importance"], ".1f")
    if item["kind"] == "reconcile":
        return _("Score {score}, importance {importance}: establish the facts together first.").format(
            score=score, importance=importance
        )
    return _("Score {score} ({level}), importance {importance}, priority {priority}").format(
        score=score, level=item["level"], importance=importance, priority=fmt_score(item["priority"])
    )


def action_text(action: dict[str, str]) -> str:
    return _("{action} Owner: {owner}. First step: {first_step} Check after 90 days: {measure}").format(
        action=action["action"], owner=action["owner"], first_step=action["first_step"], measure=action["measure"]
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
                _("{question} IT answered {it} (“{it_says}”); marketing {marketing} (“{marketing_says}”).").format(
                    question=s["question"], it=fmt_score(s["it"]), it_says=s["it_says"],
                    marketing=fmt_score(s["marketing"]), marketing_says=s["marketing_says"],
                )  # fmt: skip
            )
        return lines
    for s in item["steps"]:
        if s["next_level"] is None:
            continue
        head = _("{question} Now {level}; next, {next_level}.").format(
            question=s["question"], level=s["level"], next_level=s["next_level"]
        )
        lines.append(f"{head} {action_text(s['action'])}" if s["action"] else f"{head} {s['description']}")
    return lines


def ties_note(data: ReportData) -> str | None:
    tied = [str(i["dimension"]) for i in data.recommendations if i["tied"]]
    return equal_note(tied)


def equal_note(tied: list[str]) -> str | None:
    """Priorities within 0.1 of each other, said to be equal rather than ranked."""
    if not tied:
        return None
    return _("{dimensions} are equal priorities (within {tie}): their order is not a ranking.").format(
        dimensions=", ".join(tied), tie=fmt_number(NEAR_TIE, "g")
    )


def organisation_text(data: ReportData) -> str:
    """ "Retail · 250-999 employees · Europe" (profile names are translated where the catalog has them)."""
    org = data.organisation
    return _("{industry} · {size} employees · {region}").format(
        industry=_(org.industry), size=org.size_band, region=_(org.region)
    )


def flagged_sentence(flagged: list[str]) -> str:
    """The dimensions where the sides are a full level or more apart, counted and named."""
    return ngettext(
        "IT and marketing differ by a full level or more on {n} dimension: {dimensions}.",
        "IT and marketing differ by a full level or more on {n} dimensions: {dimensions}.",
        len(flagged),
    ).format(n=len(flagged), dimensions=", ".join(flagged))


def gap_cell(gap: float, flagged: bool) -> str:
    """A question's gap in a table: "+1.25 !" when the sides are a full level or more apart."""
    text = fmt_gap(gap)
    return f"{text} !" if flagged else text


def sides_line(section: DimensionSection) -> str:
    """ "IT 3.80 · marketing 2.10 · gap −1.70 (a full level or more apart)" """
    if section.flagged:
        text = _("IT {it} · marketing {marketing} · gap {gap} (a full level or more apart)")
    else:
        text = _("IT {it} · marketing {marketing} · gap {gap}")
    return text.format(it=section.it, marketing=section.marketing, gap=section.gap)


def next_step_line(section: DimensionSection) -> str:
    return _("Reach level {level}: {recommendation}").format(
        level=section.next_level, recommendation=section.recommendation
    )


def sources_sentence(q: Questionnaire) -> str:
    return _(
        "{title}, version {version}. Every question cites the article that motivates it; published "
        "figures are quoted with their citation."
    ).format(title=q.title, version=q.version)


def confidential_note() -> str:
    return _(
        "Confidential. This report shows one organisation's results. Peer figures are anonymous "
        "aggregates of at least five organisations; respondents appear only as pseudonymous ids."
    )


def footer_text(data: ReportData) -> str:
    """The closing line: who generated the report, when, and that it is confidential."""
    brand = data.branding
    if brand.custom:
        text = _(
            "Generated by {name} with Tandem on {date}. Confidential: one organisation's results; peer "
            "figures are anonymous aggregates of at least five organisations."
        )
    else:
        text = _(
            "Generated by Tandem on {date}. Confidential: one organisation's results; peer figures are "
            "anonymous aggregates of at least five organisations."
        )
    return text.format(name=brand.name, date=fmt_date(data.generated_at))


def prepared_by(data: ReportData) -> str:
    """ "Prepared by Acme Consulting", or "Prepared with Tandem" without a consultancy's name."""
    brand = data.branding
    return _("Prepared by {name}").format(name=brand.name) if brand.custom else _("Prepared with Tandem")
