"""The PDF report, laid out with fpdf2 (pure Python, works offline).

Text is set in DejaVu Sans, a Unicode TrueType font, so organisation names in most scripts
print as typed; a CJK fallback font is used when one is installed (Debian's
fonts-droid-fallback). Without DejaVu (scripts/ensure-chromium installs fonts-dejavu-core) the
report falls back to the PDF core font. Any character no loaded font can draw is replaced by
"?" rather than silently dropped.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from assessment import i18n, insight
from assessment.i18n import _, ngettext
from assessment.numbers import NO_VALUE, fmt_date, fmt_number
from assessment.report import tables
from assessment.report.images import Progress, chart_images
from assessment.report.wording import (
    benchmark_note,
    benchmark_sentence,
    confidential_note,
    dimension_sections,
    few_people_sentence,
    flagged_dimensions,
    flagged_sentence,
    gap_cell,
    gap_note,
    headline_text,
    level_bands,
    level_or_split,
    method_rules,
    next_step_line,
    organisation_text,
    overall_text,
    priority_detail,
    priority_heading,
    priority_lines,
    progress_header,
    progress_note,
    progress_rows,
    respondents_text,
    seed_citations,
    sides_line,
    sources_sentence,
    ties_note,
)
from assessment.rounds import ScoredRound

FONT_DIR = Path("/usr/share/fonts/truetype")
REGULAR_FONT = FONT_DIR / "dejavu" / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "dejavu" / "DejaVuSans-Bold.ttf"
# TrueType files only: fpdf2 reads .ttf directly. Checked in order; every one found is used.
FALLBACK_FONTS = (FONT_DIR / "droid" / "DroidSansFallbackFull.ttf",)

INK = (34, 34, 34)
MUTED = (100, 100, 100)
WARN_FILL = (253, 236, 206)
BOX_FILL = (241, 245, 249)
HEAD_FILL = (225, 232, 240)
ROW_FILL = (244, 246, 249)  # every other body row
MARGIN = 18  # mm
_CORE_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "−": "-", "’": "'", "‘": "'", "“": '"', "”": '"',
                                    "…": "...", "×": "x", "≥": ">=", "≤": "<=", "→": "->"})  # fmt: skip


class _Report(FPDF):
    def __init__(self, data: ScoredRound) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.accent = data.branding.ink_rgb  # the brand colour, dark enough to read as heading text
        # fpdf2 replaces its page-count alias everywhere in the text, names included: an alias
        # nobody can type in advance keeps a name containing "{nb}" as typed.
        self.pages_alias = f"{{pages-{secrets.token_hex(8)}}}"
        self.alias_nb_pages(self.pages_alias)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        typed = " ".join([data.organisation.name, data.round.name])
        self.family, self.covered = _load_fonts(self, typed)
        title = _("Tandem report: {organisation}, {round}").format(organisation=data.organisation.name, round=data.round.name)
        self.set_title(self.t(title, one_line=True))
        self.set_author(data.branding.name)
        self.set_lang(i18n.current())

    # text ---------------------------------------------------------------------------------

    def t(self, text: object, *, one_line: bool = False) -> str:
        """Text the loaded fonts can draw: anything else becomes "?" instead of vanishing.
        Tabs become spaces; line breaks are kept for wrapped text, spaces in a one-line cell."""
        text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if one_line:
            text = text.replace("\n", " ")
        if self.covered is None:  # core font: Latin-1 only
            return text.translate(_CORE_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")
        return "".join(c if ord(c) in self.covered or c == "\n" else "?" for c in text)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with "…" so that it fits `width` mm in the current font (one-line cells)."""
        if self.get_string_width(text) <= width:
            return text
        ellipsis = "…" if self.covered is not None and ord("…") in self.covered else "..."
        while text and self.get_string_width(text + ellipsis) > width:
            text = text[:-1]
        return text + ellipsis

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def para(self, text: str, size: float = 10, bold: bool = False, color=INK, h: float = 5) -> None:
        self.font(size, bold, color)
        self.multi_cell(0, h, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def label_value(self, label: str, value: str, h: float = 5.5) -> None:
        self.font(10, True)
        self.cell(42, h, self.t(label, one_line=True))
        self.font(10)
        self.multi_cell(0, h, self.t(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def h1(self, text: str) -> None:
        if self.get_y() > MARGIN + 1:
            self.add_page()
        self.start_section(self.t(text))
        self.font(18, True, self.accent)
        self.multi_cell(0, 9, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_draw_color(*self.accent)
        self.set_line_width(0.5)
        self.line(MARGIN, self.get_y() + 1, self.w - MARGIN, self.get_y() + 1)
        self.ln(5)

    def h2(self, text: str, need: float = 40) -> None:
        self.need(need)
        self.ln(2)
        self.start_section(self.t(text), level=1)
        self.font(13, True, self.accent)
        self.multi_cell(0, 6.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(1)

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm are left, so a heading never sits alone at the foot."""
        if self.get_y() + height > self.h - MARGIN:
            self.add_page()

    def note(self, text: str, fill=BOX_FILL) -> None:
        self.font(9.5)
        self.set_fill_color(*fill)
        self.multi_cell(
            0, 5, self.t(text), fill=True, padding=2.5, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(2)

    def table(self, rows: list[tuple[str, ...]], widths: tuple[float, ...], align: tuple[str, ...]) -> None:
        """A header row and body rows; long cells wrap and the header repeats on a new page."""
        self.font(8.5)
        self.set_draw_color(190, 190, 190)
        self.set_line_width(0.2)
        self.set_fill_color(255, 255, 255)  # the table paints unfilled rows with the current fill
        heading = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=INK)
        with FPDF.table(
            self, col_widths=widths, text_align=align, headings_style=heading, line_height=4.3,
            padding=(1.2, 1.5), width=self.epw, v_align="TOP", cell_fill_mode="ROWS",
            cell_fill_color=ROW_FILL,
        ) as table:  # fmt: skip
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(self.t(value))
        self.ln(3)

    def image_size(self, png: bytes, max_height: float) -> tuple[float, float]:
        """Width and height in mm: the text width, or less when that would be too tall."""
        width_px, height_px = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        height = self.epw * height_px / width_px
        if height > max_height:
            return max_height * width_px / height_px, max_height
        return self.epw, height

    def image_fit(self, png: bytes, max_height: float = 120) -> None:
        width, height = self.image_size(png, max_height)
        self.need(height + 2)
        self.image(io.BytesIO(png), x=MARGIN + (self.epw - width) / 2, w=width, h=height)
        self.ln(3)

    # page furniture -----------------------------------------------------------------------

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.font(7.5, color=MUTED)
        d = self.data
        line = _("Tandem report · {organisation} · {round}").format(organisation=d.organisation.name, round=d.round.name)
        text = self.t(d.branding.footer_line(line), one_line=True)
        self.cell(self.epw * 0.8, 5, self.fit(text, self.epw * 0.8 - 2))
        page = _("Page {page} of {pages}").format(page=self.page_no(), pages=self.pages_alias)
        self.cell(0, 5, self.t(page, one_line=True), align="R")


def _load_fonts(pdf: FPDF, typed: str) -> tuple[str, set[int] | None]:
    """Register DejaVu, and a fallback font only when `typed` (names people entered) needs one:
    parsing a CJK font costs a few tenths of a second. Return the family and the code points
    that can be drawn (None: the core font, Latin-1)."""
    if not (REGULAR_FONT.exists() and BOLD_FONT.exists()):
        return "helvetica", None
    pdf.add_font("dejavu", "", str(REGULAR_FONT))
    pdf.add_font("dejavu", "B", str(BOLD_FONT))
    covered = set(pdf.fonts["dejavu"].cmap) & set(pdf.fonts["dejavuB"].cmap)
    if all(ord(c) in covered for c in typed if not c.isspace()):
        return "dejavu", covered
    fallbacks = []
    for i, path in enumerate(p for p in FALLBACK_FONTS if p.exists()):
        name = f"fallback{i}"
        pdf.add_font(name, "", str(path))
        covered |= set(pdf.fonts[name].cmap)
        fallbacks.append(name)
    if fallbacks:
        # Bold text falls back to the regular face: better than a missing character.
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    return "dejavu", covered


# sections ------------------------------------------------------------------------------------


def _cover(pdf: _Report) -> None:
    d = pdf.data
    pdf.add_page()
    pdf.font(10, True, pdf.accent)
    pdf.cell(
        0, 6, pdf.t(f"Tandem · {d.questionnaire.title}", one_line=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    logo = d.branding.logo
    if logo is not None:  # top right, at most 60 × 25 mm
        scale = min(60 / logo.width, 25 / logo.height)
        width = logo.width * scale
        pdf.image(io.BytesIO(logo.data), x=pdf.w - MARGIN - width, y=MARGIN, w=width, h=logo.height * scale,
                  alt_text=_("{name} logo").format(name=d.branding.name))  # fmt: skip
    pdf.set_y(62)
    pdf.para(d.organisation.name, 26, True, h=11)
    pdf.ln(2)
    pdf.para(d.round.name, 16, color=MUTED, h=8)
    pdf.ln(10)
    pdf.label_value(_("Report date"), fmt_date(d.generated_at))
    if d.branding.custom:
        pdf.label_value(_("Prepared by"), d.branding.name)
    pdf.label_value(_("Scope"), d.scope)
    pdf.label_value(_("Respondents"), respondents_text(d))
    pdf.label_value(_("Questionnaire"), f"{d.questionnaire.id} {d.questionnaire.version}")
    pdf.label_value(_("Organisation"), organisation_text(d))
    pdf.ln(6)
    synthetic = d.benchmark is not None and d.benchmark.synthetic
    pdf.note(benchmark_note(d), WARN_FILL if synthetic else BOX_FILL)
    pdf.set_y(-52)
    pdf.para(
        confidential_note(),
        8.5,
        color=MUTED,
        h=4.5,
    )


def _brief(pdf: _Report) -> None:
    """The board brief: the first content page, read in a minute."""
    d = pdf.data
    b = insight.board_brief(d)
    pdf.h1(_("Board brief"))
    pdf.para(b.verdict, 12, True, h=6)
    pdf.ln(2)
    if b.risk:
        pdf.h2(_("The biggest risk"), need=25)
        pdf.para(b.risk)
    if b.decisions:
        pdf.h2(_("Three decisions for the next 90 days"), need=40)
        for i, x in enumerate(b.decisions, start=1):
            pdf.need(22)
            pdf.para(f"{i}. {x.title}", 10.5, True)
            owner = _("Owner: {owner}.").format(owner=x.owner)
            pdf.para(f"{owner} {_('First step: {step}').format(step=x.first_step)}", 9.5)
            pdf.para(_("Measure after 90 days: {measure}").format(measure=x.measure), 9.5, color=MUTED)
            pdf.ln(1.5)
        if b.equal_note:
            pdf.para(b.equal_note, 9, color=MUTED)
    if b.strengths:
        pdf.h2(_("Strengths to protect"), need=20)
        pdf.para("; ".join(b.strengths) + ".")
    if b.change:
        pdf.h2(_("Since the last round"), need=20)
        pdf.para(b.change)
    for caveat in b.caveats:
        pdf.ln(1)
        pdf.note(caveat, WARN_FILL)


def _summary(pdf: _Report) -> None:
    d, q = pdf.data, pdf.data.questionnaire
    pdf.h1(_("Executive summary"))
    boxes = [(_("Overall score (1–5, balanced)"), overall_text(d)), (_("Maturity level"), level_or_split(d))]
    boxes.append((_("IT–marketing alignment"), insight.headline(d.result).alignment_text))
    width, top = (pdf.epw - 8) / 3, pdf.get_y()
    for i, (label, value) in enumerate(boxes):
        x = MARGIN + i * (width + 4)
        pdf.set_fill_color(*BOX_FILL)
        pdf.rect(x, top, width, 24, style="F")
        pdf.set_xy(x + 3, top + 3)
        pdf.font(8.5, color=MUTED)
        pdf.cell(width - 6, 4, pdf.t(label, one_line=True))
        pdf.set_xy(x + 3, top + 10)
        pdf.font(17 if len(value) < 16 else 11 if len(value) < 24 else 8.5, True, pdf.accent)
        pdf.cell(width - 6, 10, pdf.t(value, one_line=True))
    pdf.set_y(top + 29)
    pdf.para(headline_text(d), 10.5, True)
    pdf.ln(1)
    if d.result.level is not None and not d.result.split:
        pdf.para(f"{q.level_name(d.result.level)}: {q.levels[d.result.level - 1].summary}")
    elif d.result.level is None:
        pdf.para(_("Fewer than half of the dimensions have enough answers for an overall score."))
    pdf.ln(2)
    if benchmark_sentence(d):
        pdf.para(benchmark_sentence(d) or "")
        pdf.ln(1.5)
    flagged = flagged_dimensions(d)
    if flagged:
        pdf.para(flagged_sentence(flagged))
    elif gap_note(d):
        pdf.para(gap_note(d) or "")
    else:
        pdf.para(_("No dimension shows a gap of a full level between IT and marketing."))
    pdf.ln(1)
    pdf.note(benchmark_note(d), WARN_FILL if d.benchmark is not None and d.benchmark.synthetic else BOX_FILL)
    pdf.h2(_("Priorities"), need=30)
    if not d.recommendations:
        pdf.para(_("Priorities appear once at least one dimension has enough answers."))
    if ties_note(d):
        pdf.para(ties_note(d) or "", 9, color=MUTED)
    for item in d.recommendations:
        pdf.need(24)
        pdf.para(priority_heading(item), 11.5, True)
        pdf.para(priority_detail(item), 9, color=MUTED)
        for line in priority_lines(item):
            pdf.para(f"• {line}", 9.5)
        pdf.ln(2)


def _charts(pdf: _Report, images: dict[str, bytes]) -> None:
    d = pdf.data
    pdf.h1(_("Against the benchmark"))
    if "benchmark" in images:
        pdf.image_fit(images["benchmark"], 125)
    pdf.note(benchmark_note(d), WARN_FILL if d.benchmark is not None and d.benchmark.synthetic else BOX_FILL)
    if d.benchmark is not None:
        rows = tables.benchmark_rows(d)
        pdf.table(rows, (56, 14, 18, 32, 40, 14), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"))
    gap_height = pdf.image_size(images["gap"], 110)[1] if "gap" in images else 10
    pdf.h2(_("Where IT and marketing see things differently"), need=gap_height + 15)
    if "gap" in images:
        pdf.image_fit(images["gap"], 110)
    else:
        pdf.para(gap_note(d) or "")
    if few_people_sentence(d):
        pdf.para(few_people_sentence(d) or "")
    top = d.top_disagreements
    heading = (
        ngettext(
            "The {n} question with the largest disagreement", "The {n} questions with the largest disagreements", len(top)
        ).format(n=len(top))
        if len(top)
        else _("Disagreements")
    )
    pdf.h2(heading, 30)
    if top.empty:
        pdf.para(_("Per-question gaps need answers from both IT and marketing."))
    else:
        rows = [("#", _("Question"), _("Dimension"), _("IT"), _("Mkt"), _("Gap"))]
        for i, r in enumerate(top.itertuples(), start=1):
            rows.append(
                (str(i), r.question, r.dimension, fmt_number(r.it), fmt_number(r.marketing), gap_cell(r.gap, r.flagged))
            )
        pdf.table(rows, (8, 80, 44, 13, 13, 16), ("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"))
        pdf.para(_("Gap = marketing mean − IT mean; ! marks a gap of a full level or more."), 8.5, color=MUTED)
    if "priority" in images:
        pdf.h1(_("Where to act first"))
        pdf.image_fit(images["priority"], 150)
    else:
        pdf.h2(_("Where to act first"), need=30)
        pdf.para(_("Priorities appear once at least one dimension has enough answers."))
    rows = [(_("Rank"), _("Dimension"), _("Score"), _("Importance"), _("Priority"))]
    for r in d.priorities.itertuples():
        name = _("{dimension} (reconcile first)").format(dimension=r.dimension) if r.kind == "reconcile" else r.dimension
        rows.append((r.rank_label, name, fmt_number(r.score), fmt_number(r.importance, ".1f"), fmt_number(r.priority)))
    if len(rows) > 1:
        pdf.table(rows, (12, 96, 20, 26, 20), ("RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT"))


def _progress(pdf: _Report) -> None:
    d = pdf.data
    pdf.h2(_("Targets and progress"), need=40)
    pdf.para(progress_note(d))
    if d.targets or (d.previous is not None and d.previous.comparable):
        pdf.ln(1)
        rows = [progress_header(), *progress_rows(d)]
        pdf.table(rows, (62, 18, 18, 24, 28, 20), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))


def _dimensions(pdf: _Report) -> None:
    pdf.h1(_("Dimension by dimension"))
    pdf.para(
        _(
            "Each dimension's score against the benchmark, what each side sees, and the "
            "next step: the next level's description of the dimension's weakest question."
        ),
        9.5,
        color=MUTED,
    )
    for s in dimension_sections(pdf.data):
        pdf.h2(s.title, need=75)
        pdf.para(s.description, 9, color=MUTED)
        pdf.ln(1)
        pdf.label_value(_("Score"), s.score_line)
        pdf.label_value(_("IT vs marketing"), sides_line(s))
        pdf.label_value(_("Benchmark"), s.benchmark)
        if s.recommendation:
            pdf.label_value(_("Weakest question"), s.weakest or NO_VALUE)
            pdf.label_value(_("Next step"), next_step_line(s))
        else:
            pdf.label_value(_("Next step"), s.no_step or NO_VALUE)
        pdf.ln(1)
        rows = [(_("Question"), _("Score"), _("IT"), _("Mkt"), _("Gap"))]
        rows += s.questions
        pdf.table(rows, (106, 17, 17, 17, 17), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))


def _references(pdf: _Report) -> None:
    refs = pdf.data.references
    if refs.empty:
        return
    pdf.h1(_("You and the published surveys"))
    intro = _(
        "Published survey figures beside the comparable share of this organisation's own answers (for a "
        "figure about IT executives, read the IT side). Full citations are in the Method appendix."
    )
    pdf.para(intro, 9.5, color=MUTED)
    pdf.ln(2)
    rows = tables.reference_rows(pdf.data)
    pdf.table(rows, (58, 30, 52, 34), ("LEFT", "LEFT", "LEFT", "LEFT"))




def _method(pdf: _Report) -> None:
    d, q = pdf.data, pdf.data.questionnaire
    pdf.h1(_("Method"))
    pdf.h2(_("Scoring rules"), need=30)
    for rule in method_rules():
        pdf.para(f"• {rule}", 9.5)
        pdf.ln(0.8)
    pdf.h2(_("Maturity levels"), need=45)
    rows = [(_("Level"), _("Score range"), _("What it looks like"))] + level_bands(q)
    pdf.table(rows, (32, 34, 108), ("LEFT", "LEFT", "LEFT"))
    pdf.h2(_("Benchmark source"), need=25)
    pdf.para(benchmark_note(d), 9.5)
    pdf.h2(_("Sources"), need=40)
    pdf.para(sources_sentence(q), 9.5)
    pdf.ln(2)
    rows = [(_("Seed article"), _("Title"), _("Cited by questions"))] + seed_citations(q)
    pdf.table(rows, (52, 58, 64), ("LEFT", "LEFT", "LEFT"))
    if len(q.references):
        rows = [(_("Figure"), _("Citation"))] + [(r.statement, f"{r.citation} ({r.source})") for r in q.references]
        pdf.table(rows, (80, 94), ("LEFT", "LEFT"))


def render(data: ScoredRound, progress: Progress | None = None) -> bytes:
    """The whole PDF as bytes."""
    images = chart_images(data, progress, (0.25, 0.75))
    if progress:
        progress(0.8, _("Laying out the PDF"))
    pdf = _Report(data)
    _cover(pdf)
    _brief(pdf)
    _summary(pdf)
    _charts(pdf, images)
    _progress(pdf)
    _dimensions(pdf)
    _references(pdf)
    _method(pdf)
    return bytes(pdf.output())
