"""The workshop deck (.pptx): the scored round as slides a consultant edits and presents.

Built with python-pptx from the same ``ScoredRound`` and the same wording as the PDF. Charts are
native PowerPoint charts (their data sits in the embedded workbook, so the consultant can restyle
or correct them); every piece of text is in a real text box, table or title placeholder; every
chart carries alternative text. The consultancy's branding (colour, logo, name, footer) is used
when set, Tandem's neutral style otherwise.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from assessment import insight
from assessment.charts import SIDE_COLORS
from assessment.i18n import _, ngettext
from assessment.numbers import NO_VALUE, fmt_date, fmt_gap, fmt_number, fmt_score
from assessment.report.images import Progress
from assessment.report.wording import (
    alignment_text,
    benchmark_note,
    benchmark_sentence,
    dimension_sections,
    flagged_dimensions,
    gap_note,
    level_bands,
    level_text,
    method_rules,
    next_step_line,
    overall_text,
    prepared_by,
    progress_header,
    progress_note,
    progress_rows,
    respondents_text,
    seed_citations,
    sides_line,
)
from assessment.rounds import ScoredRound

WIDE, HIGH = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.45)
BODY_WIDTH = WIDE - 2 * MARGIN
BODY_HEIGHT = Inches(5.35)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x59, 0x59, 0x59)  # 7:1 on white
MEDIAN = RGBColor(0x77, 0x77, 0x77)
HEAD_FILL = RGBColor(0xE1, 0xE8, 0xF0)
ROW_FILL = RGBColor(0xF4, 0xF6, 0xF9)
WARN_FILL = RGBColor(0xFD, 0xEC, 0xCE)
BOX_FILL = RGBColor(0xF1, 0xF5, 0xF9)
RIGHT_COLUMN = MARGIN + Inches(5.1)  # dimension slides: facts left, disagreements right
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title placeholder per slide
TITLE_LAYOUT = 0


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


# the board brief -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    decision: str
    owner: str
    measure: str  # what shows in 90 days that it worked


@dataclass(frozen=True)
class BoardBrief:
    verdict: str
    disagreement: str
    decisions: tuple[Decision, ...]


def board_brief(data: ScoredRound) -> BoardBrief:
    """The board-brief slide: the same brief the PDF and HTML reports open with."""
    brief = insight.board_brief(data)
    disagreement = brief.risk or gap_note(data) or _("IT and marketing see every question within a level of each other.")
    decisions = tuple(
        Decision(
            _("{decision}. First step: {step}").format(decision=d.title, step=d.first_step) if d.first_step else d.title,
            d.owner,
            d.measure,
        )
        for d in brief.decisions
    )
    return BoardBrief(brief.verdict, disagreement, decisions)


# drawing helpers --------------------------------------------------------------------------------


class _Deck:
    def __init__(self, data: ScoredRound) -> None:
        self.data = data
        self.brand = data.branding
        self.ink = _rgb(self.brand.ink)
        self.primary = _rgb(self.brand.colour)
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDE, HIGH
        core = self.prs.core_properties
        core.title = _("Workshop: {organisation}, {round}").format(organisation=data.organisation.name, round=data.round.name)
        core.author = self.brand.name
        core.subject = data.questionnaire.title
        self.number = 0

    # slides

    def slide(self, title: str, notes: str | None = None):  # noqa: ANN201 - a python-pptx Slide
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY])
        self.number += 1
        band = slide.shapes.add_shape(1, 0, 0, WIDE, Inches(0.12))  # 1: rectangle
        band.fill.solid()
        band.fill.fore_color.rgb = self.primary
        band.line.fill.background()
        band.name = "Brand band"
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), BODY_WIDTH - Inches(1.6), Inches(0.95)
        frame = shape.text_frame
        frame.text = title
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size = Pt(28 if len(title) < 50 else 22)
            run.font.bold = True
            run.font.color.rgb = self.ink
        if self.brand.logo is not None:
            self.logo(slide, WIDE - MARGIN - Inches(1.4), Inches(0.4), Inches(1.4), Inches(0.75))
        self.footer(slide)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def logo(self, slide, left: Emu, top: Emu, max_w: Emu, max_h: Emu) -> None:  # noqa: ANN001
        logo = self.brand.logo
        assert logo is not None
        scale = min(max_w / logo.width, max_h / logo.height)
        width, height = int(logo.width * scale), int(logo.height * scale)
        pic = slide.shapes.add_picture(io.BytesIO(logo.data), left + max_w - width, top, width, height)
        pic.name = "Logo"
        pic._element.nvPicPr.cNvPr.set("descr", _("{name} logo").format(name=self.brand.name))

    def footer(self, slide) -> None:  # noqa: ANN001
        d = self.data
        text = self.brand.footer_line(prepared_by(d), d.organisation.name, d.round.name)
        box = self.text(slide, MARGIN, HIGH - Inches(0.5), BODY_WIDTH - Inches(0.8), Inches(0.35), [text], size=10,
                        color=MUTED)  # fmt: skip
        box.name = "Footer"
        number = self.text(slide, WIDE - MARGIN - Inches(0.7), HIGH - Inches(0.5), Inches(0.7), Inches(0.35),
                           [str(self.number)], size=10, color=MUTED, align=PP_ALIGN.RIGHT)  # fmt: skip
        number.name = "Slide number"

    def text(
        self,
        slide,  # noqa: ANN001
        left: Emu,
        top: Emu,
        width: Emu,
        height: Emu,
        lines: Sequence[str | tuple[str, dict]],
        *,
        size: float = 16,
        color: RGBColor = INK,
        bold: bool = False,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        fill: RGBColor | None = None,
        bullets: bool = False,
    ):  # noqa: ANN201
        """A text box of paragraphs; a line may be ``(text, {"bold": True, "size": 20, ...})``."""
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        if fill is not None:
            box.fill.solid()
            box.fill.fore_color.rgb = fill
            frame.margin_left = frame.margin_right = Inches(0.15)
            frame.margin_top = frame.margin_bottom = Inches(0.1)
        for i, line in enumerate(lines):
            body, style = (line, {}) if isinstance(line, str) else line
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.alignment = align
            if i:
                para.space_before = Pt(style.get("space", 6))
            run = para.add_run()
            run.text = f"• {body}" if bullets and not style.get("plain") else body
            run.font.size = Pt(style.get("size", size))
            run.font.bold = style.get("bold", bold)
            run.font.color.rgb = style.get("color", color)
        return box

    def table(
        self,
        slide,  # noqa: ANN001
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        left: Emu = MARGIN,
        top: Emu = BODY_TOP,
        size: float = 12,
        numeric: frozenset[int] = frozenset(),
        name: str = "Table",
    ):  # noqa: ANN201
        """A native table: header row and body rows; ``widths`` in inches."""
        height = Inches(0.4) * len(rows)
        shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, Inches(sum(widths)), height)
        shape.name = name
        table = shape.table
        for i, w in enumerate(widths):
            table.columns[i].width = Inches(w)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.margin_top = cell.margin_bottom = Inches(0.04)
                cell.fill.solid()
                cell.fill.fore_color.rgb = HEAD_FILL if r == 0 else (ROW_FILL if r % 2 == 0 else RGBColor(255, 255, 255))
                frame = cell.text_frame
                frame.word_wrap = True
                frame.text = str(value)
                para = frame.paragraphs[0]
                para.alignment = PP_ALIGN.RIGHT if c in numeric else PP_ALIGN.LEFT
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
                    run.font.color.rgb = INK
        return table

    def bar_chart(
        self,
        slide,  # noqa: ANN001
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None], RGBColor]],
        *,
        alt: str,
        left: Emu = MARGIN,
        top: Emu = BODY_TOP,
        width: Emu = BODY_WIDTH,
        height: Emu = BODY_HEIGHT,
        scale: tuple[float, float] | None = (1, 5),
        title: str | None = None,
    ):  # noqa: ANN201
        """A native horizontal bar chart (clustered), values labelled, categories top to bottom."""
        chart_data = CategoryChartData(number_format="0.00")
        chart_data.categories = list(categories)
        for name, values, _colour in series:
            chart_data.add_series(name, [None if v is None or pd.isna(v) else float(v) for v in values])
        frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, chart_data)
        frame.name = title or "Chart"
        frame._element.nvGraphicFramePr.cNvPr.set("descr", alt)
        chart = frame.chart
        chart.font.size = Pt(12)
        chart.font.color.rgb = INK
        chart.has_title = bool(title)
        if title:
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.overlap = -10 if len(series) > 1 else 0
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = "0.00"
        labels.number_format_is_linked = False
        labels.font.size = Pt(11)
        for s, (_name, _values, colour) in zip(plot.series, series, strict=True):
            s.invert_if_negative = False
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = colour
        categories_axis = chart.category_axis
        categories_axis.reverse_order = True  # first category on top, as in the tables
        categories_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        categories_axis.format.line.color.rgb = MEDIAN
        values_axis = chart.value_axis
        if scale:
            values_axis.minimum_scale, values_axis.maximum_scale = scale
            values_axis.major_unit = 1 if scale == (1, 5) else max(1, round((scale[1] - scale[0]) / 5))
        values_axis.has_major_gridlines = True
        values_axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
        values_axis.tick_labels.number_format = "0"
        values_axis.tick_labels.number_format_is_linked = False
        return chart

    def note(self, slide, text: str, *, top: Emu, height: Emu) -> None:  # noqa: ANN001
        """The benchmark note, on the synthetic sample's warning colour when it is one."""
        synthetic = self.data.benchmark is not None and self.data.benchmark.synthetic
        self.text(slide, MARGIN, top, BODY_WIDTH, height, [text], size=11, fill=WARN_FILL if synthetic else BOX_FILL)


# slides -----------------------------------------------------------------------------------------


def _title(deck: _Deck) -> None:
    d, brand = deck.data, deck.brand
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[TITLE_LAYOUT])
    deck.number += 1
    slide.shapes.title.text = d.organisation.name
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(2.2), BODY_WIDTH, Inches(1.4)
    title.text_frame.word_wrap = True
    title.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for para in title.text_frame.paragraphs:
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(40), True, deck.ink
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.7), BODY_WIDTH, Inches(1.9)
    frame = subtitle.text_frame
    frame.text = _("CIO–CMO alignment workshop · {round}").format(round=d.round.name)
    frame.word_wrap = True
    for extra in (f"{fmt_date(d.generated_at)} · {prepared_by(d)}",
                  _("Respondents: {respondents}").format(respondents=respondents_text(d))):  # fmt: skip
        frame.add_paragraph().text = extra
    for i, para in enumerate(frame.paragraphs):
        para.alignment = PP_ALIGN.LEFT
        for run in para.runs:
            run.font.size, run.font.color.rgb = Pt(24 if i == 0 else 16), INK if i == 0 else MUTED
    band = slide.shapes.add_shape(1, 0, 0, Inches(0.35), HIGH)
    band.fill.solid()
    band.fill.fore_color.rgb = deck.primary
    band.line.fill.background()
    band.name = "Brand band"
    if brand.logo is not None:
        deck.logo(slide, WIDE - MARGIN - Inches(3), Inches(0.6), Inches(3), Inches(1.3))
    deck.footer(slide)


def _brief(deck: _Deck) -> None:
    brief = board_brief(deck.data)
    slide = deck.slide(_("Board brief"), notes=benchmark_note(deck.data))
    half = (BODY_WIDTH - Inches(0.4)) / 2
    deck.text(slide, MARGIN, BODY_TOP, half, Inches(2.4),
              [(_("Verdict"), {"bold": True, "size": 14, "color": deck.ink}), brief.verdict], size=16)  # fmt: skip
    deck.text(slide, MARGIN, BODY_TOP + Inches(2.6), half, Inches(2.6),
              [(_("Biggest disagreement"), {"bold": True, "size": 14, "color": deck.ink}), brief.disagreement],
              size=16)  # fmt: skip
    lines: list[str | tuple[str, dict]] = [(_("Three decisions for the next 90 days"), {"bold": True, "size": 14,
                                                                                       "color": deck.ink})]  # fmt: skip
    if not brief.decisions:
        lines.append(_("Decisions follow once at least one dimension has enough answers."))
    for i, item in enumerate(brief.decisions, start=1):
        lines.append((f"{i}. {item.decision}", {"bold": True, "size": 13, "space": 10}))
        lines.append((_("Owner: {owner}").format(owner=item.owner), {"size": 12, "color": MUTED, "space": 2}))
        lines.append((_("90-day measure: {measure}").format(measure=item.measure), {"size": 12, "color": MUTED, "space": 2}))
    deck.text(slide, MARGIN + half + Inches(0.4), BODY_TOP, half, BODY_HEIGHT, lines, size=13)


def _gap(deck: _Deck) -> None:
    d = deck.data
    slide = deck.slide(_("Where IT and marketing see things differently"))
    if d.gaps.empty:
        deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1), [gap_note(d) or ""], size=20)
        return
    gaps = d.gaps
    chart_width = BODY_WIDTH * 0.64
    deck.bar_chart(
        slide,
        gaps["dimension"].tolist(),
        [(_("IT mean"), gaps["it"].tolist(), _rgb(SIDE_COLORS["IT"])),
         (_("Marketing mean"), gaps["marketing"].tolist(), _rgb(SIDE_COLORS["Marketing"]))],  # fmt: skip
        alt=_("IT mean and marketing mean per dimension, 1 to 5: {values}").format(
            values="; ".join(
                _("{dimension} IT {it}, marketing {marketing}").format(
                    dimension=r.dimension, it=fmt_score(r.it), marketing=fmt_score(r.marketing)
                )
                for r in gaps.itertuples()
            )
        ),
        width=chart_width,
        title=_("Mean score per side (1–5)"),
    )
    flagged = flagged_dimensions(d)
    lines: list[str | tuple[str, dict]] = [(_("Gap = marketing − IT"), {"bold": True, "size": 14, "color": deck.ink})]
    for r in gaps.itertuples():
        mark = "  ◆" if r.flagged else ""
        lines.append((f"{r.dimension}: {fmt_gap(r.gap)}{mark}", {"size": 13, "bold": bool(r.flagged), "space": 4}))
    lines.append(
        (ngettext("◆ a full level or more apart: {n} of {total} dimensions.",
                  "◆ a full level or more apart: {n} of {total} dimensions.", len(gaps)).format(n=len(flagged), total=len(gaps))
         if flagged else _("No dimension is a full level apart."), {"size": 12, "color": MUTED, "space": 10})  # fmt: skip
    )
    lines.append((_("Alignment index {alignment}.").format(alignment=alignment_text(d)),
                  {"size": 12, "color": MUTED, "space": 4}))  # fmt: skip
    deck.text(slide, MARGIN + chart_width + Inches(0.3), BODY_TOP, BODY_WIDTH - chart_width - Inches(0.3),
              BODY_HEIGHT, lines, size=13)  # fmt: skip


def _benchmark(deck: _Deck) -> None:
    d = deck.data
    slide = deck.slide(_("Scores against the benchmark"), notes=benchmark_note(d))
    table = d.benchmark_table
    if d.benchmark is None:
        deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(0.8),
                  [_("Overall score {score} · level {level}.").format(score=overall_text(d), level=level_text(d))],
                  size=20)  # fmt: skip
        deck.note(slide, benchmark_note(d), top=BODY_TOP + Inches(1), height=Inches(1))
        return
    chart_width = BODY_WIDTH * 0.64
    deck.bar_chart(
        slide,
        table["dimension"].tolist(),
        [(d.organisation.name[:40], table["score"].tolist(), deck.primary),
         (_("Peer mean"), table["mean"].tolist(), MEDIAN)],  # fmt: skip
        alt=_("Score and peer mean per dimension, 1 to 5: {values}").format(
            values="; ".join(
                _("{dimension} {score} against {peer}").format(
                    dimension=r.dimension, score=fmt_number(r.score), peer=fmt_number(r.mean)
                )
                for r in table.itertuples()
            )
        ),
        width=chart_width,
        height=BODY_HEIGHT - Inches(0.8),
        title=_("Score against the peer mean (1–5)"),
    )
    lines: list[str | tuple[str, dict]] = [(_("Where you stand among peers"), {"bold": True, "size": 14,
                                                                               "color": deck.ink})]  # fmt: skip
    for r in table.itertuples():
        band = r.band if isinstance(r.band, str) else NO_VALUE
        lines.append((f"{r.dimension}: {band}", {"size": 13, "space": 4, "bold": r.dimension_id == "overall"}))
    sentence = benchmark_sentence(d)
    if sentence:
        lines.append((sentence, {"size": 12, "color": MUTED, "space": 10}))
    deck.text(slide, MARGIN + chart_width + Inches(0.3), BODY_TOP, BODY_WIDTH - chart_width - Inches(0.3),
              BODY_HEIGHT - Inches(0.8), lines, size=13)  # fmt: skip
    deck.note(slide, benchmark_note(d), top=BODY_TOP + BODY_HEIGHT - Inches(0.7), height=Inches(0.7))


def _priorities(deck: _Deck) -> None:
    d = deck.data
    slide = deck.slide(_("Priorities and actions"))
    if d.priorities.empty:
        deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1),
                  [_("Priorities appear once at least one dimension has enough answers.")], size=20)  # fmt: skip
        return
    chart_width = BODY_WIDTH * 0.42
    p = d.priorities
    deck.bar_chart(
        slide,
        [f"{r.rank}. {r.dimension}" for r in p.itertuples()],
        [(_("Priority = importance × (5 − score)"), p["priority"].tolist(), deck.primary)],
        alt=_("Priority per dimension, highest first: {values}").format(
            values="; ".join(f"{r.rank}. {r.dimension} {fmt_score(r.priority)}" for r in p.itertuples())
        ),
        width=chart_width,
        scale=(0, max(1.0, float(p["priority"].max()) * 1.1)),
        title=_("Priority = importance × (5 − score)"),
    )
    lines: list[str | tuple[str, dict]] = []
    for item in d.recommendations:
        lines.append((f"{item['rank']}. {item['dimension']}", {"bold": True, "size": 15, "color": deck.ink,
                                                               "space": 12}))  # fmt: skip
        detail = _("Score {score} ({level}), importance {importance}").format(
            score=fmt_score(item["score"]), level=item["level"], importance=fmt_number(item["importance"], ".1f")
        )
        lines.append((detail, {"size": 11, "color": MUTED, "space": 2}))
        for step in item["steps"][:2]:
            text = _("Next level, {level}: {description}").format(level=step["next_level"], description=step["description"])
            lines.append((text, {"size": 12, "space": 3}))
    deck.text(slide, MARGIN + chart_width + Inches(0.3), BODY_TOP, BODY_WIDTH - chart_width - Inches(0.3),
              BODY_HEIGHT, lines, size=12)  # fmt: skip


def _dimensions(deck: _Deck) -> None:
    d = deck.data
    q = d.questionnaire
    gaps = d.question_gaps.set_index("question_id")
    for dim, s in zip(q.dimensions, dimension_sections(d), strict=True):
        slide = deck.slide(s.title, notes=s.description)
        facts: list[str | tuple[str, dict]] = [
            (_("Score"), {"bold": True, "size": 12, "color": deck.ink}),
            (s.score_line, {"size": 15, "space": 2}),
            (_("IT and marketing"), {"bold": True, "size": 12, "color": deck.ink, "space": 10}),
            (sides_line(s), {"size": 15, "space": 2}),
            (_("Against the benchmark"), {"bold": True, "size": 12, "color": deck.ink, "space": 10}),
            (s.benchmark, {"size": 13, "space": 2}),
            (_("Next step"), {"bold": True, "size": 12, "color": deck.ink, "space": 10}),
            (next_step_line(s) if s.recommendation else s.no_step or NO_VALUE, {"size": 13, "space": 2}),
        ]
        deck.text(slide, MARGIN, BODY_TOP, Inches(4.8), BODY_HEIGHT, facts)
        ids = [x.id for x in dim.questions]
        rows = gaps.loc[[i for i in ids if i in gaps.index]].copy()
        rows["size"] = rows["gap"].abs()
        rows = rows.sort_values("size", ascending=False, na_position="last")
        header = (_("Largest disagreements"), _("IT"), _("Mkt"), _("Gap"))
        body = [
            (r.question, fmt_score(r.it), fmt_score(r.marketing), fmt_gap(r.gap) + (" ◆" if r.flagged else ""))
            for r in rows.itertuples()
        ]
        deck.table(slide, [header, *body], (4.55, 0.75, 0.75, 0.95), left=RIGHT_COLUMN, size=13,
                   numeric=frozenset({1, 2, 3}), name="Disagreements")  # fmt: skip
        if rows["gap"].isna().all():
            deck.text(slide, RIGHT_COLUMN, BODY_TOP + Inches(3.6), Inches(7.0), Inches(0.8),
                      [gap_note(d) or _("Per-question gaps need answers from both IT and marketing.")], size=12,
                      color=MUTED)  # fmt: skip
        else:
            deck.text(slide, RIGHT_COLUMN, BODY_TOP + Inches(3.9), Inches(7.0), Inches(0.6),
                      [_("Gap = marketing mean − IT mean; ◆ a full level or more apart.")], size=11,
                      color=MUTED)  # fmt: skip


def _progress(deck: _Deck) -> None:
    d = deck.data
    slide = deck.slide(_("Targets and progress"))
    deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(0.9), [progress_note(d)], size=15)
    has_table = bool(d.targets) or (d.previous is not None and d.previous.comparable)
    if not has_table:
        deck.text(slide, MARGIN, BODY_TOP + Inches(1.1), BODY_WIDTH, Inches(1),
                  [_("Agree a target level per dimension in the workshop (Workshop → Targets); the next deck "
                     "shows how far each has been reached.")], size=15, color=MUTED)  # fmt: skip
        return
    table_top = BODY_TOP + Inches(1.0)
    rows = [progress_header(), *progress_rows(d)]
    if d.targets:
        targets = d.target_table
        deck.bar_chart(
            slide,
            targets["dimension"].tolist(),
            [(_("Score"), targets["score"].tolist(), deck.primary), (_("Target"), targets["target"].tolist(), MEDIAN)],
            alt=_("Score and target per dimension, 1 to 5: {values}").format(
                values="; ".join(
                    _("{dimension} {score} of target {target}").format(
                        dimension=r.dimension, score=fmt_number(r.score), target=fmt_number(r.target)
                    )
                    for r in targets.itertuples()
                )
            ),
            top=table_top,
            width=BODY_WIDTH * 0.45,
            height=BODY_HEIGHT - Inches(1.0),
            title=_("Score against target (1–5)"),
        )
        deck.table(slide, [(r[0], r[1], r[2], r[3]) for r in rows], (3.4, 0.9, 0.9, 1.2),
                   left=MARGIN + BODY_WIDTH * 0.47, top=table_top, size=11, numeric=frozenset({1, 2, 3}),
                   name="Progress")  # fmt: skip
    else:
        deck.table(slide, rows, (4.2, 1.2, 1.2, 1.4, 2.0, 1.4), top=table_top, size=12,
                   numeric=frozenset({1, 2, 3, 4, 5}), name="Progress")  # fmt: skip


def next_steps(data: ScoredRound) -> list[str]:
    """What to do after the workshop, from what the round shows (and what it still lacks)."""
    steps = []
    sides = data.result.sides_present
    if len(sides) < 2 and data.respondent_id is None:
        if "it" in sides:
            steps.append(_("Invite marketing to answer: the perception gap needs both sides."))
        elif "marketing" in sides:
            steps.append(_("Invite IT to answer: the perception gap needs both sides."))
        else:
            steps.append(_("Invite IT and marketing to answer: the perception gap needs both sides."))
    flagged = flagged_dimensions(data)
    if flagged:
        steps.append(
            _("Talk through the dimensions a full level apart before planning: {dimensions}.").format(
                dimensions=", ".join(flagged)
            )
        )
    for item in data.recommendations:
        if item["steps"]:
            text = _("Name one owner for {dimension} and agree the first step towards {level}.")
            steps.append(text.format(dimension=item["dimension"], level=item["steps"][0]["next_level"]))
        else:
            text = _("Name one owner for {dimension} and agree the first step towards the next level.")
            steps.append(text.format(dimension=item["dimension"]))
    if not data.targets:
        steps.append(_("Agree a target level per dimension and record it in the workshop view."))
    steps.append(_("Run the next round in about 90 days to measure the change; targets carry over."))
    return steps


def _next_steps(deck: _Deck) -> None:
    slide = deck.slide(_("Next steps"))
    deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, BODY_HEIGHT,
              [(s, {"space": 10}) for s in next_steps(deck.data)], size=18, bullets=True)  # fmt: skip


def _appendix(deck: _Deck) -> None:
    d, q = deck.data, deck.data.questionnaire
    slide = deck.slide(_("Appendix: method"))
    deck.text(slide, MARGIN, BODY_TOP, BODY_WIDTH, BODY_HEIGHT,
              [(r, {"space": 6}) for r in method_rules()], size=13, bullets=True)  # fmt: skip
    slide = deck.slide(_("Appendix: maturity levels"))
    deck.table(slide, [(_("Level"), _("Score range"), _("What it looks like")), *level_bands(q)], (2.3, 2.3, 7.5), size=13,
               name="Maturity levels")  # fmt: skip
    slide = deck.slide(_("Appendix: sources"), notes=benchmark_note(d))
    deck.note(slide, benchmark_note(d), top=BODY_TOP, height=Inches(0.8))
    rows = [(_("Seed article"), _("Title"), _("Cited by questions")), *seed_citations(q)]
    deck.table(slide, rows, (2.6, 3.4, 6.1), top=BODY_TOP + Inches(1.0), size=10, name="Sources")
    deck.text(slide, MARGIN, HIGH - Inches(1.05), BODY_WIDTH, Inches(0.45),
              [_("{title}, version {version}. Published figures and full citations: see the report's Method "
                 "appendix.").format(title=q.title, version=q.version)], size=11, color=MUTED)  # fmt: skip


SLIDES = (_title, _brief, _gap, _benchmark, _priorities, _dimensions, _progress, _next_steps, _appendix)


def render(data: ScoredRound, progress: Progress | None = None) -> bytes:
    """The whole deck as bytes."""
    deck = _Deck(data)
    for i, build in enumerate(SLIDES):
        if progress:
            progress(0.1 + 0.85 * i / len(SLIDES), _("Laying out the slides"))
        build(deck)
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return buffer.getvalue()
