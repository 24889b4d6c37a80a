"""Client-ready reports of a round (or of one respondent): PDF, single-file HTML, Excel, CSV.

``gather_report`` reads and scores everything once into a ``ReportData``; the renderers only
lay it out, so the PDF, the HTML file and the workbook tell the same story as the results page
(the same tables from ``assessment.views``, the same charts from ``assessment.charts``).
Everything returns bytes; only pages call ``st.download_button``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import altair as alt
import pandas as pd

from assessment import benchmarks, charts, views
from assessment.benchmarks import Benchmark
from assessment.formats import format_responses_csv
from assessment.questionnaire import SIDES, Questionnaire
from assessment.scoring import Result, score_round
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
    # The same default comparison the results page opens with.
    source = benchmarks.default_source(benchmarks.available_sources(store, questionnaire.key))
    benchmark = benchmarks.compare(store, questionnaire.key, source, "all", org, benchmarks.scores_of(result))
    progress = store.progress_by_side(round_id)
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
