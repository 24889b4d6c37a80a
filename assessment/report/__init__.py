"""Client-ready reports of a scored round: PDF, single-file HTML, Word, Excel, CSV, and the
workshop deck (PowerPoint).

Every format renders the same ``rounds.ScoredRound`` the page drew, benchmark choice included,
so a downloaded report says what the screen said. Renderers lay it out; they never read or
score anything. Everything returns bytes; only the UI layer offers downloads.
"""

from __future__ import annotations

from collections.abc import Callable

from assessment.formats import format_responses_csv
from assessment.rounds import RoundError, ScoredRound

FORMATS = ("pdf", "html", "docx", "pptx", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
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
    if fmt == "pptx":
        from assessment.report import deck

        return deck.render(data, progress)
    if fmt == "docx":
        from assessment.report import word

        return word.render(data, progress)
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


KINDS = {"pdf": "report", "html": "report", "docx": "report", "pptx": "workshop-deck", "xlsx": "workbook",
         "csv": "responses"}  # fmt: skip


def file_name(data: ScoredRound, fmt: str) -> str:
    """A download name that says what it is: organisation, round, whose answers, kind, date
    (UTC) and format, e.g. tandem-acme-2026-q4-workshop-deck-2026-11-26.pptx. Safe characters
    only: names may hold anything."""
    from assessment.report.wording import slug

    who = f"-{slug(data.respondent_id)}" if data.respondent_id else ""
    org = slug(data.organisation.name) or "organisation"
    rnd = slug(data.round.name) or data.round.id
    return f"tandem-{org}-{rnd}{who}-{KINDS[fmt]}-{data.generated_at:%Y-%m-%d}.{fmt}"
