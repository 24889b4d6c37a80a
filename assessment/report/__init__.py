"""Client-ready reports of a scored round: PDF, single-file HTML, Word, Excel, CSV, and the
workshop deck (PowerPoint).

Every format renders the same ``rounds.ScoredRound`` the page drew, benchmark choice included,
so a downloaded report says what the screen said. Renderers lay it out; they never read or
score anything. Everything returns bytes; only the UI layer offers downloads.
"""

from __future__ import annotations

from collections.abc import Callable

from assessment import i18n
from assessment.formats import format_responses_csv
from assessment.i18n import _
from assessment.rounds import RoundError, ScoredRound, in_language

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


def build_report(
    data: ScoredRound, fmt: str, *, progress: Progress | None = None, lang: str | None = None
) -> bytes:
    """Render one report; ``progress(fraction, message)`` follows the work. ``lang`` (en, fr, de,
    es) is the report's language whatever the respondents answered in: its words, its numbers
    and dates, and the questionnaire's text from that language's translation. None: the
    language in force (``i18n.current()``)."""
    if fmt not in FORMATS:
        raise ReportError(f"Unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    if lang is not None and i18n.supported(lang) != lang:
        raise ReportError(f"Unknown report language {lang!r}: choose one of {', '.join(i18n.LANGUAGES)}.")
    with i18n.using(lang or i18n.current()):
        data = in_language(data, i18n.current())
        if progress:
            progress(0.0, _("Writing the {format} file").format(format=fmt.upper()))
        out = _render(fmt, data, progress)
        if progress:
            progress(1.0, _("Done"))
    return out


KINDS = {"pdf": "report", "html": "report", "docx": "report", "pptx": "workshop-deck", "xlsx": "workbook",
         "csv": "responses"}  # fmt: skip


def file_name(data: ScoredRound, fmt: str, lang: str | None = None) -> str:
    """A download name that says what it is: organisation, round, whose answers, kind, date
    (UTC), the language when it is not English, and format, e.g.
    tandem-acme-2026-q4-workshop-deck-2026-11-26.pptx or …-2026-11-26-fr.pdf. Safe characters
    only: names may hold anything. The kind stays English: it is part of a file name, not a text."""
    from assessment.report.wording import slug

    who = f"-{slug(data.respondent_id)}" if data.respondent_id else ""
    org = slug(data.organisation.name) or "organisation"
    rnd = slug(data.round.name) or data.round.id
    code = i18n.supported(lang) if lang else None
    tail = f"-{code}" if code and code != i18n.SOURCE_LANGUAGE and fmt != "csv" else ""
    return f"tandem-{org}-{rnd}{who}-{KINDS[fmt]}-{data.generated_at:%Y-%m-%d}{tail}.{fmt}"
