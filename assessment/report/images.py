"""The report's charts: the page's builders at print width, rendered to PNG offline."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt

from assessment import charts, i18n
from assessment.i18n import _
from assessment.rounds import ScoredRound

CHART_WIDTH = 460  # px of plot area; labels add about 270 px, so a PNG fits an A4 text column
CHART_SCALE = 2  # PNG pixels per CSS pixel: sharp in print, about 200 kB per chart
# d3-format locales vl-convert ships: the charts' axis and label numbers in the report's language.
FORMAT_LOCALES = {"en": "en-US", "fr": "fr-FR", "de": "de-DE", "es": "es-ES"}

Progress = Callable[[float, str], None]


def report_charts(data: ScoredRound) -> dict[str, alt.TopLevelMixin]:
    """The page's charts, from the same builders and tables, at a fixed width for print."""
    levels = data.questionnaire.level_names
    found: dict[str, alt.TopLevelMixin] = {}
    if data.benchmark is not None:
        found["benchmark"] = charts.build_benchmark_chart(data.benchmark_table, levels=levels)
    if not data.gaps.empty:
        found["gap"] = charts.build_gap_chart(data.gaps)
    if not data.priorities.empty:
        found["priority"] = charts.build_priority_chart(data.priorities, levels=levels)
    return {name: chart.properties(width=CHART_WIDTH) for name, chart in found.items()}


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    """Render a chart to PNG with vl-convert, offline: no URL may be fetched while rendering."""
    import vl_convert

    # The builders' specs are validated by their tests; validating again here costs ~80 ms a chart.
    spec = chart.to_json(validate=False)
    locale = FORMAT_LOCALES.get(i18n.current(), "en-US")
    return vl_convert.vegalite_to_png(spec, scale=CHART_SCALE, allowed_base_urls=[], format_locale=locale)


def chart_images(
    data: ScoredRound, progress: Progress | None = None, span: tuple[float, float] = (0.0, 1.0)
) -> dict[str, bytes]:
    """Every chart of the report as PNG bytes, in report order."""
    found = report_charts(data)
    images: dict[str, bytes] = {}
    for i, (name, chart) in enumerate(found.items()):
        if progress:
            message = {"benchmark": _("Drawing the benchmark chart"), "gap": _("Drawing the gap chart"),
                       "priority": _("Drawing the priority chart")}.get(name, name)  # fmt: skip
            progress(span[0] + (span[1] - span[0]) * i / len(found), message)
        images[name] = chart_png(chart)
    return images
