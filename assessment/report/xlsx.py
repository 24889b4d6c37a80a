"""The Excel workbook: About, Scores, Gaps, Priorities and Raw answers, one table a sheet.

Every text cell goes through ``formats.spreadsheet_safe``: openpyxl stores a string that starts
with "=" as a formula, so an organisation called "=HYPERLINK(...)" would otherwise run in the
client's Excel. Control characters that the xlsx format cannot hold are dropped.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessment.formats import RESPONSE_COLUMNS, spreadsheet_safe
from assessment.i18n import N_, _
from assessment.numbers import fmt_date
from assessment.questionnaire import SIDE_LABELS, SIDES
from assessment.report.images import Progress
from assessment.report.wording import (
    alignment_text,
    benchmark_note,
    level_text,
    overall_text,
    priority_lines,
    progress_header,
    progress_note,
    progress_rows,
)
from assessment.rounds import ScoredRound

# Sheet names as people read them (translated, at most 31 characters); the columns of the Scores,
# Gaps, Priorities and Raw answers sheets keep their machine names, the same in every language,
# so a workbook is analysed the same way whatever language it was written in.
SHEETS = (N_("About"), N_("Scores"), N_("Gaps"), N_("Priorities"), N_("Progress"), N_("Raw answers"))
MAX_WIDTH = 60  # characters; longer text wraps in the cell


def _safe_text(value: object) -> object:
    if isinstance(value, str):
        return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells a spreadsheet shows as text, never runs as a formula."""
    out = frame.copy()
    for column in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_datetime64_any_dtype(out[column])
        ):
            out[column] = out[column].map(_safe_text).astype(object)
    out.columns = [_safe_text(str(c)) for c in out.columns]
    return out


def about_frame(d: ScoredRound) -> pd.DataFrame:
    rows = [
        (_("Organisation"), d.organisation.name),
        (_("Round"), d.round.name),
        (_("Round id"), d.round.id),
        (_("Questionnaire"), f"{d.questionnaire.id} {d.questionnaire.version}"),
        (_("Report date"), fmt_date(d.generated_at, "short")),
        (_("Scope"), d.scope),
        *((_("Respondents: {side}").format(side=_(SIDE_LABELS[s])), d.counts[s]) for s in SIDES),
        (_("Overall score (1-5)"), overall_text(d)),
        (_("Maturity level"), level_text(d)),
        (_("IT-marketing alignment index"), alignment_text(d)),
        (_("Benchmark"), benchmark_note(d)),
    ]
    if d.branding.custom:
        rows[:0] = [(_("Prepared by"), d.branding.name)]
    if d.branding.footer:
        rows.append((_("Footer"), d.branding.footer))
    return pd.DataFrame(rows, columns=["item", "value"])


def _level_name(d: ScoredRound) -> str:
    level = d.result.level
    return d.questionnaire.level_name(level) if level is not None else _("Insufficient answers")


def scores_frame(d: ScoredRound) -> pd.DataFrame:
    """Overall and every dimension: score, level, both sides, gap, importance, benchmark."""
    bench = d.benchmark_table.rename(
        columns={
            "mean": "peer_mean",
            "p25": "peer_p25",
            "median": "peer_median",
            "p75": "peer_p75",
            "n": "peer_n",
        }
    )
    overall = pd.DataFrame(
        [{"dimension_id": "overall", "level": _level_name(d), "basis": "", "flagged": False}]
    )
    dims = pd.concat([overall, d.dimensions.drop(columns=["dimension", "score"])], ignore_index=True)
    frame = bench.merge(dims, on="dimension_id", how="left")
    frame["benchmark"] = benchmark_note(d) if d.benchmark is not None else ""
    columns = ["dimension_id", "dimension", "score", "level", "basis", "it", "marketing", "gap", "flagged",
               "importance", "peer_n", "peer_mean", "peer_p25", "peer_median", "peer_p75", "band",
               "benchmark"]  # fmt: skip
    return frame[columns]


def priorities_frame(d: ScoredRound) -> pd.DataFrame:
    steps = {item["dimension"]: "\n".join(priority_lines(item)) for item in d.recommendations}
    frame = d.priorities.copy()
    frame["next_steps"] = frame["dimension"].map(steps).fillna("")
    return frame[["rank_label", "kind", "dimension_id", "dimension", "score", "importance", "priority", "gap",
                  "next_steps"]].rename(columns={"rank_label": "rank"})  # fmt: skip


def progress_frame(d: ScoredRound) -> pd.DataFrame:
    """Targets and the change since the previous round, per dimension, under a one-line note."""
    header = list(progress_header())
    frame = pd.DataFrame(progress_rows(d), columns=header)
    note = pd.DataFrame([[progress_note(d)] + [""] * (len(header) - 1)], columns=header)
    return pd.concat([note, frame], ignore_index=True)


def raw_frame(d: ScoredRound) -> pd.DataFrame:
    """The BRIEF's long format; times as Excel date-times (UTC), "don't know" as an empty level."""
    frame = d.responses.reindex(columns=list(RESPONSE_COLUMNS)).copy()
    stamps = pd.to_datetime(frame["answered_at"], utc=True)
    frame["answered_at"] = stamps.dt.tz_localize(None)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def _brand(sheet, d: ScoredRound, with_logo: bool) -> None:  # noqa: ANN001 - an openpyxl worksheet
    """Header row in the brand colour (readable on white); the logo beside the About table."""
    ink = d.branding.ink.lstrip("#")
    for cell in sheet[1]:
        cell.font = Font(bold=True, color=ink)
    logo = d.branding.logo
    if with_logo and logo is not None:
        picture = XLImage(io.BytesIO(logo.data))
        scale = min(240 / logo.width, 90 / logo.height, 1.0)
        picture.width, picture.height = logo.width * scale, logo.height * scale
        sheet.add_image(picture, "D2")


def _fit_columns(sheet, frame: pd.DataFrame) -> None:  # noqa: ANN001 - an openpyxl worksheet
    for i, column in enumerate(frame.columns, start=1):
        sample = frame[column].head(500).astype(str).str.len()
        width = max([len(str(column)), *sample.tolist()], default=8)
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    sheet.freeze_panes = "A2"


def render(data: ScoredRound, progress: Progress | None = None) -> bytes:
    """The workbook as bytes."""
    about, scores, gaps, priorities, progress_sheet, raw = (_(name) for name in SHEETS)
    frames = {
        about: about_frame(data),
        scores: scores_frame(data),
        gaps: data.question_gaps,
        priorities: priorities_frame(data),
        progress_sheet: progress_frame(data),
        raw: raw_frame(data),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for i, (name, frame) in enumerate(frames.items()):
            if progress:
                progress(0.2 + 0.75 * i / len(frames), _("Writing the {sheet} sheet").format(sheet=name))
            safe = safe_frame(frame)
            safe.to_excel(writer, sheet_name=name, index=False)
            _fit_columns(writer.sheets[name], safe)
            _brand(writer.sheets[name], data, with_logo=name == about)
    return buffer.getvalue()
