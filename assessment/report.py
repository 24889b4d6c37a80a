"""Client-ready reports of a round (or of one respondent): PDF, single-file HTML, Excel, CSV.

``gather_report`` reads and scores everything once into a ``ReportData``; the renderers only
lay it out, so the PDF, the HTML file and the workbook tell the same story as the results page
(the same tables from ``assessment.views``, the same charts from ``assessment.charts``).
Everything returns bytes; only pages call ``st.download_button``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import altair as alt
import pandas as pd

from assessment import charts, views
from assessment.benchmarks import MIN_ORGS, SEGMENT_LABELS, Benchmark, default_benchmark
from assessment.demo import SYNTHETIC_LABEL
from assessment.formats import format_responses_csv
from assessment.questionnaire import SIDE_LABELS, SIDES, Questionnaire
from assessment.scoring import BANDS, GAP_FLAG, MIN_COVERAGE, Result, maturity_level, score_round
from assessment.store import Organisation, Round, Store

FORMATS = ("pdf", "html", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
TOP_DISAGREEMENTS = 10
CHART_WIDTH = 460  # px of plot area; labels add about 270 px, so a PNG fits an A4 text column
CHART_SCALE = 2  # PNG pixels per CSS pixel: sharp in print, about 200 kB per chart
NO_VALUE = "—"

Progress = Callable[[float, str], None]


class ReportError(ValueError):
    """A report cannot be made (unknown round, respondent or format); the message says why."""


@dataclass(frozen=True, eq=False)  # eq=False: DataFrame fields cannot be compared or hashed
class ReportData:
    """Everything a report shows, read and scored once."""

    organisation: Organisation
    round: Round
    questionnaire: Questionnaire
    generated_at: datetime
    respondent_id: str | None  # None: the whole round
    respondents: dict[str, int]  # side -> respondents included in the scores
    finished: dict[str, int]  # side -> of those, how many have finished
    result: Result
    benchmark: Benchmark | None
    dimensions: pd.DataFrame  # views.dimension_table
    benchmark_table: pd.DataFrame  # views.benchmark_frame
    gaps: pd.DataFrame  # views.gap_frame
    priorities: pd.DataFrame  # views.priority_frame
    question_gaps: pd.DataFrame  # views.question_gap_frame
    recommendations: list[dict[str, object]]  # views.recommendations
    references: pd.DataFrame  # views.reference_rows
    responses: pd.DataFrame  # store.responses_frame: the BRIEF's raw long format
    charts: dict[str, alt.TopLevelMixin]  # name -> chart at print width, in report order

    @property
    def scope(self) -> str:
        if self.respondent_id is None:
            return f"All {sum(self.respondents.values())} respondents of the round"
        return f"One respondent's answers ({self.respondent_id})"

    @property
    def top_disagreements(self) -> pd.DataFrame:
        frame = self.question_gaps[self.question_gaps["gap"].notna()]
        return frame.head(TOP_DISAGREEMENTS).reset_index(drop=True)


def gather_report(
    store: Store, questionnaire: Questionnaire, round_id: str, *, respondent_id: str | None = None
) -> ReportData:
    """Read a round from the store and score it (only one respondent's answers when
    ``respondent_id`` is given), with the benchmark and every table the report draws."""
    rnd = store.round(round_id)
    if rnd is None:
        raise ReportError(f"No round {round_id}.")
    if rnd.questionnaire_key != questionnaire.key:
        raise ReportError(
            f"Round {round_id} was answered under {rnd.questionnaire_id} {rnd.questionnaire_version}, "
            f"not {questionnaire.id} {questionnaire.version}."
        )
    org = store.organisation(rnd.organisation_id)
    if org is None:
        raise ReportError(f"Round {round_id} belongs to no known organisation.")
    everyone = store.respondents_of(round_id)
    if respondent_id is not None:
        everyone = [r for r in everyone if r.id == respondent_id]
        if not everyone:
            raise ReportError(f"Respondent {respondent_id} did not take part in round {round_id}.")
    result = score_round(questionnaire, everyone)
    scores = {"overall": result.overall, **{d: sb.value for d, sb in result.dimensions.items()}}
    benchmark = default_benchmark(store, questionnaire.key, exclude_org=org.id, scores=scores)
    progress = store.progress(round_id)
    done = dict(zip(progress["side"], progress["finished"], strict=True))
    if respondent_id is not None:
        record = store.respondent(respondent_id)
        done = {record.side: 1} if record is not None and record.completed_at is not None else {}
    counts = {side: sum(r.side == side for r in everyone) for side in SIDES}
    tables = {
        "benchmark_table": views.benchmark_frame(result, benchmark),
        "gaps": views.gap_frame(result),
        "priorities": views.priority_frame(result),
    }
    return ReportData(
        organisation=org,
        round=rnd,
        questionnaire=questionnaire,
        generated_at=datetime.now(UTC),
        respondent_id=respondent_id,
        respondents=counts,
        finished={side: int(done.get(side, 0)) for side in SIDES},
        result=result,
        benchmark=benchmark,
        dimensions=views.dimension_table(result),
        **tables,
        question_gaps=views.question_gap_frame(result),
        recommendations=views.recommendations(result),
        references=views.reference_rows(result, everyone[0].answers if respondent_id else None),
        responses=store.responses_frame(round_id, respondent_id),
        charts=build_charts(benchmark, **tables),
    )


# Charts ----------------------------------------------------------------------------------


def build_charts(
    benchmark: Benchmark | None, benchmark_table: pd.DataFrame, gaps: pd.DataFrame, priorities: pd.DataFrame
) -> dict[str, alt.TopLevelMixin]:
    """The page's charts, from the same builders, at a fixed width for print."""
    found: dict[str, alt.TopLevelMixin] = {}
    if benchmark is not None:
        found["benchmark"] = charts.build_benchmark_chart(benchmark_table)
    if not gaps.empty:
        found["gap"] = charts.build_gap_chart(gaps)
    if not priorities.empty:
        found["priority"] = charts.build_priority_chart(priorities)
    return {name: chart.properties(width=CHART_WIDTH) for name, chart in found.items()}


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    """Render a chart to PNG with vl-convert, offline: no URL may be fetched while rendering."""
    import vl_convert

    # The builders' specs are validated by their tests; validating again here costs ~80 ms a chart.
    spec = chart.to_json(validate=False)
    return vl_convert.vegalite_to_png(spec, scale=CHART_SCALE, allowed_base_urls=[])


def chart_images(
    data: ReportData, progress: Progress | None = None, span: tuple[float, float] = (0.0, 1.0)
) -> dict[str, bytes]:
    """Every chart of the report as PNG bytes, in report order."""
    images: dict[str, bytes] = {}
    for i, (name, chart) in enumerate(data.charts.items()):
        if progress:
            progress(span[0] + (span[1] - span[0]) * i / len(data.charts), f"Drawing the {name} chart")
        images[name] = chart_png(chart)
    return images


# Wording shared by the PDF and the HTML report ----------------------------------------------


def fmt_score(value: float | None) -> str:
    return NO_VALUE if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def fmt_gap(value: float | None) -> str:
    return NO_VALUE if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:+.2f}"


def overall_text(data: ReportData) -> str:
    """The overall score as the results page shows it, e.g. "2.87"."""
    return fmt_score(data.result.overall) if data.result.overall is not None else "Insufficient answers"


def level_text(data: ReportData) -> str:
    level = data.result.level
    return f"{level} · {data.questionnaire.level_name(level)}" if level is not None else NO_VALUE


def alignment_text(data: ReportData) -> str:
    index = data.result.alignment_index
    return f"{index:.0f} / 100" if index is not None else NO_VALUE


def respondents_text(data: ReportData) -> str:
    parts = []
    for side in SIDES:
        n, done = data.respondents[side], data.finished[side]
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
    """Where the comparison comes from; a synthetic set is always called a synthetic sample."""
    b = data.benchmark
    if b is None:
        return (
            f"No benchmark: fewer than {MIN_ORGS} other organisations have finished this questionnaire "
            "version, so no comparison is shown (anonymity)."
        )
    if b.synthetic:
        return (
            f"Benchmark: {benchmark_source(data)}. A {SYNTHETIC_LABEL} is generated demo data, not real "
            "organisations: use it to read the charts, not to judge the organisation."
        )
    return (
        f"Benchmark: {b.label} (each organisation's latest complete round under this questionnaire version)."
    )


def benchmark_sentence(data: ReportData) -> str | None:
    """The overall score against the peer median, when there is a benchmark to compare with."""
    overall = data.benchmark_table.iloc[0]  # benchmark_frame puts "overall" first
    if data.benchmark is None or not overall["n"] or pd.isna(overall["score"]):
        return None
    rank = f", above {overall['percentile']:.0f} % of them" if pd.notna(overall["percentile"]) else ""
    return (
        f"Against the benchmark: overall {overall_text(data)} against a peer median of "
        f"{overall['median']:.2f} (n = {int(overall['n'])}){rank}."
    )


def gap_note(data: ReportData) -> str | None:
    """Why there is no perception gap, when there is none."""
    if not data.gaps.empty:
        return None
    if data.respondent_id is not None:
        return "The perception gap compares the IT and marketing sides; this report covers one respondent."
    sides = data.result.sides_present
    missing = "marketing" if "it" in sides else "IT" if "marketing" in sides else "IT or marketing"
    return f"The perception gap appears once both sides have answered; nobody from {missing} has yet."


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
    benchmark: str  # "median 2.80 (p25 2.40 – p75 3.10), percentile 64, n = 20 · source" or why none
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
            percentile = f", percentile rank {row['percentile']:.0f}" if pd.notna(row["percentile"]) else ""
            benchmark = (
                f"Peer median {fmt_score(row['median'])} (middle half {fmt_score(row['p25'])} to "
                f"{fmt_score(row['p75'])}){percentile}; n = {int(row['n'])} organisations; "
                f"source: {benchmark_source(data)}."
            )
        # The weakest answered question below the top level: the same rule as the priorities.
        steps = [
            (result.questions[x.id].value, x.id)
            for x in d.questions
            if result.questions[x.id].value is not None and result.questions[x.id].value < 5
        ]
        weakest = next_level = recommendation = None
        answered = any(result.questions[x.id].value is not None for x in d.questions)
        no_step = None if steps else "Every answered question is at the top level: keep it there."
        if not answered:
            no_step = "No answers yet in this dimension."
        if steps:
            value, qid = min(steps)
            nxt = min(5, math.floor(value) + 1)
            weakest = f"{q.question(qid).text} (now {value:.2f})"
            next_level = f"{nxt} · {q.level_name(nxt)}"
            recommendation = q.question(qid).describe(nxt)
        rows = []
        for x in d.questions:
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
        "alignment index is 100 × (1 − mean |gap| / 4): 100 when both sides see every dimension alike.",
        "Priority = importance × (5 − score), importance being the respondents' mean rating (3 when "
        "nobody rated it). The top priorities come with the next level's description of their weakest "
        "questions.",
        f"Benchmarks use each other organisation's latest complete round; a segment of fewer than {MIN_ORGS} "
        "organisations is never shown. A synthetic sample is generated demo data and always labelled so.",
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


# Formats ---------------------------------------------------------------------------------


def render_pdf(data: ReportData, progress: Progress | None = None) -> bytes:
    """The PDF report (fpdf2), charts as PNG."""
    from assessment.report_pdf import render  # the renderers import this module

    return render(data, progress)


def render_html(data: ReportData, progress: Progress | None = None) -> bytes:
    """One self-contained HTML file: charts as data URIs, no external URL."""
    from assessment.report_html import render

    return render(data, progress)


def render_xlsx(data: ReportData, progress: Progress | None = None) -> bytes:
    """The workbook: About, Scores, Gaps, Priorities and Raw answers, spreadsheet-safe."""
    from assessment.report_xlsx import render

    return render(data, progress)


def render_csv(data: ReportData, progress: Progress | None = None) -> bytes:
    """The raw responses CSV in the BRIEF's long format, UTF-8."""
    return format_responses_csv(data.responses).encode("utf-8")


_RENDERERS = {"pdf": render_pdf, "html": render_html, "xlsx": render_xlsx, "csv": render_csv}


def build_report(
    store: Store,
    questionnaire: Questionnaire,
    round_id: str,
    fmt: str,
    *,
    respondent_id: str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """Gather and render one report; ``progress(fraction, message)`` follows the work."""
    if fmt not in _RENDERERS:
        raise ReportError(f"Unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    if progress:
        progress(0.0, "Reading and scoring the answers")
    data = gather_report(store, questionnaire, round_id, respondent_id=respondent_id)
    if progress:
        progress(0.2, f"Writing the {fmt.upper()} file")
    out = _RENDERERS[fmt](data, progress)
    if progress:
        progress(1.0, "Done")
    return out


def file_name(data: ReportData, fmt: str) -> str:
    """A download name from the ids only (names may hold any character)."""
    who = f"-{data.respondent_id}" if data.respondent_id else ""
    return f"tandem-report-{data.round.id}{who}.{fmt}"
