"""The Word report (.docx): the PDF's content, in the PDF's order, as a document to edit.

Built with python-docx. Section titles are Word headings (Heading 1 where the PDF starts a
chapter, Heading 2 for its sections, so the navigation pane and a table of contents work),
text is ordinary paragraphs, tables are Word tables with a repeating header row, and the charts
are the PDF's images with alternative text. The consultancy's branding sets the heading colour,
the cover logo and the footer.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assessment import i18n, insight
from assessment.i18n import _, ngettext
from assessment.numbers import NO_VALUE, fmt_date
from assessment.report.html import CHART_ALT
from assessment.report.images import Progress, chart_images
from assessment.report.tables import benchmark_rows, disagreement_rows, priority_rows, reference_rows
from assessment.report.wording import (
    alignment_text,
    benchmark_note,
    benchmark_sentence,
    confidential_note,
    dimension_sections,
    flagged_dimensions,
    flagged_sentence,
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

MUTED = RGBColor(0x59, 0x59, 0x59)
HEAD_FILL = "E1E8F0"
NOTE_FILL = "F1F5F9"
WARN_FILL = "FDECCE"
TEXT_WIDTH = Cm(17)  # A4 less 2 cm margins


class _Doc:
    def __init__(self, data: ScoredRound) -> None:
        self.data = data
        self.brand = data.branding
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
        ink = RGBColor.from_string(self.brand.ink.lstrip("#"))
        styles = self.doc.styles
        styles["Normal"].font.size = Pt(10.5)
        for name, size in (("Title", 26), ("Heading 1", 18), ("Heading 2", 13)):
            styles[name].font.color.rgb = ink
            styles[name].font.size = Pt(size)
        styles["Title"].font.color.rgb = RGBColor(0x22, 0x22, 0x22)
        core = self.doc.core_properties
        core.title = _("Tandem report: {organisation}, {round}").format(
            organisation=data.organisation.name, round=data.round.name
        )
        core.author = self.brand.name
        core.subject = data.questionnaire.title
        core.language = i18n.current()
        self._footer()

    def _footer(self) -> None:
        d = self.data
        para = self.doc.sections[0].footer.paragraphs[0]
        line = _("Tandem report · {organisation} · {round}").format(organisation=d.organisation.name, round=d.round.name)
        run = para.add_run(self.brand.footer_line(line) + " · " + _("Page") + " ")
        run.font.size, run.font.color.rgb = Pt(8), MUTED
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        inner = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        field.append(inner)
        para._p.append(field)

    # blocks

    def h1(self, text: str) -> None:
        if len(self.doc.paragraphs) > 1:
            self.doc.add_page_break()
        self.doc.add_heading(text, level=1)

    def h2(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def para(self, text: str, *, muted: bool = False, bold: bool = False, size: float | None = None) -> None:
        run = self.doc.add_paragraph().add_run(text)
        run.bold = bold
        if muted:
            run.font.color.rgb = MUTED
        if size:
            run.font.size = Pt(size)

    def label_value(self, label: str, value: str) -> None:
        para = self.doc.add_paragraph()
        para.paragraph_format.space_after = Pt(2)
        para.add_run(_("{label}: ").format(label=label)).bold = True
        para.add_run(value)

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def note(self, text: str) -> None:
        synthetic = self.data.benchmark is not None and self.data.benchmark.synthetic
        para = self.doc.add_paragraph(text)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), WARN_FILL if synthetic else NOTE_FILL)
        para._p.get_or_add_pPr().append(shading)

    def table(self, rows: list[tuple[str, ...]], widths: tuple[float, ...], numeric: frozenset[int] = frozenset()) -> None:
        """A Word table; ``widths`` in cm; the header row repeats on every page it spans."""
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = table.rows[0]
        header_props = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_props.append(repeat)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.width = Cm(widths[c])
                para = cell.paragraphs[0]
                run = para.add_run(str(value))
                run.font.size = Pt(8.5)
                run.bold = r == 0
                if c in numeric:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if r == 0:
                    shading = OxmlElement("w:shd")
                    shading.set(qn("w:val"), "clear")
                    shading.set(qn("w:fill"), HEAD_FILL)
                    cell._tc.get_or_add_tcPr().append(shading)
        self.doc.add_paragraph()

    def image(self, png: bytes, alt: str, max_height_cm: float) -> None:
        width_px, height_px = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        width = TEXT_WIDTH
        if width * height_px / width_px > Cm(max_height_cm):
            width = int(Cm(max_height_cm) * width_px / height_px)
        shape = self.doc.add_picture(io.BytesIO(png), width=width)
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


# sections: the PDF's, in its order ---------------------------------------------------------------


def _cover(w: _Doc) -> None:
    d, brand = w.data, w.brand
    if brand.logo is not None:
        logo = brand.logo
        height = min(Cm(2.5), int(Cm(8) * logo.height / logo.width))
        w.doc.add_picture(io.BytesIO(logo.data), height=height)
        w.doc.inline_shapes[-1]._inline.docPr.set("descr", _("{name} logo").format(name=brand.name))
    w.para(f"Tandem · {d.questionnaire.title}", bold=True)
    w.doc.add_paragraph(d.organisation.name, style="Title")
    w.para(d.round.name, muted=True, size=16)
    w.label_value(_("Report date"), fmt_date(d.generated_at))
    w.label_value(_("Prepared by"), brand.name)
    w.label_value(_("Scope"), d.scope)
    w.label_value(_("Respondents"), respondents_text(d))
    w.label_value(_("Questionnaire"), f"{d.questionnaire.id} {d.questionnaire.version}")
    w.label_value(_("Organisation"), organisation_text(d))
    w.note(benchmark_note(d))
    w.para(
        confidential_note(),
        muted=True,
        size=8.5,
    )


def _brief(w: _Doc) -> None:
    """The board brief, as the PDF opens with it."""
    b = insight.board_brief(w.data)
    w.h1(_("Board brief"))
    w.para(b.verdict, bold=True, size=12)
    if b.risk:
        w.h2(_("The biggest risk"))
        w.para(b.risk)
    if b.decisions:
        w.h2(_("Three decisions for the next 90 days"))
        for i, x in enumerate(b.decisions, start=1):
            w.para(f"{i}. {x.title}", bold=True)
            owner = _("Owner: {owner}.").format(owner=x.owner)
            w.para(f"{owner} {_('First step: {step}').format(step=x.first_step)}")
            w.para(_("Measure after 90 days: {measure}").format(measure=x.measure), muted=True)
        if b.equal_note:
            w.para(b.equal_note, muted=True)
    if b.strengths:
        w.h2(_("Strengths to protect"))
        w.para("; ".join(b.strengths) + ".")
    if b.change:
        w.h2(_("Since the last round"))
        w.para(b.change)
    for caveat in b.caveats:
        w.note(caveat)


def _summary(w: _Doc) -> None:
    d, q = w.data, w.data.questionnaire
    w.h1(_("Executive summary"))
    w.table(
        [(_("Overall score (1–5, balanced)"), _("Maturity level"), _("IT–marketing alignment")),
         (overall_text(d), level_or_split(d), alignment_text(d))],
        (5.6, 5.6, 5.8),
    )  # fmt: skip
    w.para(headline_text(d), bold=True)
    if d.result.level is not None and not d.result.split:
        w.para(f"{q.level_name(d.result.level)}: {q.levels[d.result.level - 1].summary}")
    elif d.result.level is None:
        w.para(_("Fewer than half of the dimensions have enough answers for an overall score."))
    if benchmark_sentence(d):
        w.para(benchmark_sentence(d) or "")
    flagged = flagged_dimensions(d)
    if flagged:
        w.para(flagged_sentence(flagged))
    elif gap_note(d):
        w.para(gap_note(d) or "")
    else:
        w.para(_("No dimension shows a gap of a full level between IT and marketing."))
    w.note(benchmark_note(d))
    w.h2(_("Priorities"))
    if not d.recommendations:
        w.para(_("Priorities appear once at least one dimension has enough answers."))
    if ties_note(d):
        w.para(ties_note(d) or "", muted=True)
    for item in d.recommendations:
        w.para(priority_heading(item), bold=True, size=11.5)
        w.para(priority_detail(item), muted=True)
        for line in priority_lines(item):
            w.bullet(line)


def _charts(w: _Doc, images: dict[str, bytes]) -> None:
    d = w.data
    w.h1(_("Against the benchmark"))
    if "benchmark" in images:
        w.image(images["benchmark"], _(CHART_ALT["benchmark"]), 12.5)
    w.note(benchmark_note(d))
    if d.benchmark is not None:
        w.table(benchmark_rows(d), (6.2, 1.6, 2.2, 3.6, 2.0, 1.4), frozenset({1, 2, 3, 4, 5}))
    w.h2(_("Where IT and marketing see things differently"))
    if "gap" in images:
        w.image(images["gap"], _(CHART_ALT["gap"]), 11)
    else:
        w.para(gap_note(d) or "")
    top = d.top_disagreements
    w.h2(
        ngettext(
            "The {n} question with the largest disagreement", "The {n} questions with the largest disagreements", len(top)
        ).format(n=len(top))
        if len(top)
        else _("Disagreements")
    )
    if top.empty:
        w.para(_("Per-question gaps need answers from both IT and marketing."))
    else:
        w.table(disagreement_rows(d), (0.8, 8.0, 4.0, 1.3, 1.6, 1.3), frozenset({0, 3, 4, 5}))
        w.para(_("Gap = marketing mean − IT mean; ! marks a gap of a full level or more."), muted=True, size=8.5)
    if "priority" in images:
        w.h1(_("Where to act first"))
        w.image(images["priority"], _(CHART_ALT["priority"]), 15)
    else:
        w.h2(_("Where to act first"))
        w.para(_("Priorities appear once at least one dimension has enough answers."))
    rows = priority_rows(d)
    if len(rows) > 1:
        w.table(rows, (1.4, 9.6, 2.0, 2.4, 2.0), frozenset({0, 2, 3, 4}))


def _progress(w: _Doc) -> None:
    d = w.data
    w.h2(_("Targets and progress"))
    w.para(progress_note(d))
    if d.targets or (d.previous is not None and d.previous.comparable):
        w.table([progress_header(), *progress_rows(d)], (6.2, 1.8, 1.8, 2.4, 2.8, 2.0), frozenset({1, 2, 3, 4, 5}))


def _dimensions(w: _Doc) -> None:
    w.h1(_("Dimension by dimension"))
    w.para(
        _(
            "Each dimension's score against the benchmark, what each side sees, and the "
            "next step: the next level's description of the dimension's weakest question."
        ),
        muted=True,
    )
    for s in dimension_sections(w.data):
        w.h2(s.title)
        w.para(s.description, muted=True)
        w.label_value(_("Score"), s.score_line)
        w.label_value(_("IT vs marketing"), sides_line(s))
        w.label_value(_("Benchmark"), s.benchmark)
        if s.recommendation:
            w.label_value(_("Weakest question"), s.weakest or NO_VALUE)
            w.label_value(_("Next step"), next_step_line(s))
        else:
            w.label_value(_("Next step"), s.no_step or NO_VALUE)
        w.table([(_("Question"), _("Score"), _("IT"), _("Marketing"), _("Gap")), *s.questions], (9.4, 1.8, 1.8, 2.2, 1.8),
                frozenset({1, 2, 3, 4}))  # fmt: skip


def _references(w: _Doc) -> None:
    if w.data.references.empty:
        return
    w.h1(_("You and the published surveys"))
    w.para(
        _(
            "Survey figures quoted in the source articles, beside the answers to the question that "
            "measures the same thing. Full citations are in the Method appendix."
        ),
        muted=True,
    )
    w.table(reference_rows(w.data), (5.2, 3.2, 4.4, 4.2))


def _method(w: _Doc) -> None:
    d, q = w.data, w.data.questionnaire
    w.h1(_("Method"))
    w.h2(_("Scoring rules"))
    for rule in method_rules():
        w.bullet(rule)
    w.h2(_("Maturity levels"))
    w.table([(_("Level"), _("Score range"), _("What it looks like")), *level_bands(q)], (3.2, 3.4, 10.4))
    w.h2(_("Benchmark source"))
    w.para(benchmark_note(d))
    w.h2(_("Sources"))
    w.para(sources_sentence(q))
    w.table([(_("Seed article"), _("Title"), _("Cited by questions")), *seed_citations(q)], (5.2, 5.8, 6.0))
    if len(q.references):
        rows = [(_("Figure"), _("Citation"))] + [(r.statement, f"{r.citation} ({r.source})") for r in q.references]
        w.table(rows, (8.0, 9.0))


def render(data: ScoredRound, progress: Progress | None = None) -> bytes:
    """The whole document as bytes."""
    images = chart_images(data, progress, (0.25, 0.75))
    if progress:
        progress(0.8, _("Writing the Word document"))
    w = _Doc(data)
    _cover(w)
    _brief(w)
    _summary(w)
    _charts(w, images)
    _progress(w)
    _dimensions(w)
    _references(w)
    _method(w)
    buffer = io.BytesIO()
    w.doc.save(buffer)
    return buffer.getvalue()
