"""Client-ready reports of a scored round: PDF, single-file HTML, Excel, CSV.

Every format renders the same ``rounds.ScoredRound`` the page drew, benchmark choice included,
so a downloaded report says what the screen said. Renderers lay it out; they never read or
score anything. Everything returns bytes; only the UI layer offers downloads.
"""

from __future__ import annotations

from collections.abc import Callable

from assessment.formats import format_responses_csv
from assessment.rounds import RoundError, ScoredRound

FORMATS = ("pdf", "html", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}

Progress = Callable[[float, str], None]
ReportError = RoundError  # a report cannot be made for the same reasons a round cannot be read


def _render(fmt: str, data: ScoredRound, progress: Progress | None) -> bytes:
    if fmt == "pdf":
        from assessment.report import pdf

        return pdf.render(data, progress)
    if fmt == "html":
        from assessment.report import html

        return html.render(data, progress)
    if fmt == "xlsx":
        from assessment.report import xlsx

        return xlsx.render(data, progress)
    return format_responses_csv(data.responses).encode("utf-8")


def build_report(data: ScoredRound, fmt: str, *, progress: Progress | None = None) -> bytes:
    """Render one report; ``progress(fraction, message)`` follows the work."""
    if fmt not in FORMATS:
        raise ReportError(f"Unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    if progress:
        progress(0.0, f"Writing the {fmt.upper()} file")
    out = _render(fmt, data, progress)
    if progress:
        progress(1.0, "Done")
    return out


def file_name(data: ScoredRound, fmt: str) -> str:
    """A download name people recognise, from safe characters only (names may hold anything)."""
    from assessment.report.wording import slug

    who = f"-{data.respondent_id}" if data.respondent_id else ""
    org = slug(data.organisation.name) or "organisation"
    rnd = slug(data.round.name) or data.round.id
    return f"tandem-{org}-{rnd}{who}.{fmt}"
