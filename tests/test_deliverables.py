"""The workshop deck (.pptx) and the Word report (.docx), opened with python-pptx and python-docx."""

from __future__ import annotations

import io

import docx
import pypdf
import pytest
from docx.shared import RGBColor as DocxRGB
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE

from assessment import insight, report
from assessment.branding import NEUTRAL
from assessment.cli import main
from assessment.demo import seed_demo
from assessment.report import wording
from assessment.store import Store
from tests.test_branding import image_bytes
from tests.test_report import gather_report, make_round

ORG = "Acme Retail Group"
BRAND_COLOUR = "#7B2D8E"


@pytest.fixture(scope="module")
def world(real):
    store = Store(None)
    seed_demo(store, real, 20)
    org, rnd, people = make_round(store, real, name=ORG)
    yield store, rnd, people
    store.close()


@pytest.fixture(scope="module")
def plain(world, real):
    store, rnd, _ = world
    return gather_report(store, real, rnd.id)


@pytest.fixture(scope="module")
def branded(real):
    """A second store with branding, targets, and the same answers."""
    store = Store(None)
    seed_demo(store, real, 20)
    _, rnd, _ = make_round(store, real, name=ORG)
    store.branding.save("Northwind Advisory", BRAND_COLOUR, "Northwind Advisory · Confidential", image_bytes())
    store.engagements.set_targets(rnd.id, {d.id: 3.5 for d in real.dimensions})
    yield gather_report(store, real, rnd.id)
    store.close()


def open_deck(data) -> Presentation:
    return Presentation(io.BytesIO(report.build_report(data, "pptx")))


def titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def charts(prs) -> list:
    return [shape for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


# the deck ---------------------------------------------------------------------------------------


def test_deck_has_the_workshop_story_in_order(plain, real):
    prs = open_deck(plain)
    assert titles(prs) == [
        ORG,
        "Board brief",
        "Where IT and marketing see things differently",
        "Scores against the benchmark",
        "Priorities and actions",
        *(d.title for d in real.dimensions),
        "Targets and progress",
        "Next steps",
        "Appendix: method",
        "Appendix: maturity levels",
        "Appendix: sources",
    ]
    assert prs.slide_width > prs.slide_height  # 16:9
    assert "2026 Q4" in slide_text(prs.slides[0])


def test_deck_charts_are_native_and_carry_the_scored_values(plain):
    prs = open_deck(plain)
    found = charts(prs)
    assert len(found) == 3  # gap, benchmark, priorities; no targets yet
    gap, bench, priority = (shape.chart for shape in found)
    it, marketing = gap.plots[0].series
    assert list(gap.plots[0].categories) == plain.gaps["dimension"].tolist()
    assert list(it.values) == pytest.approx(plain.gaps["it"].tolist())
    assert list(marketing.values) == pytest.approx(plain.gaps["marketing"].tolist())
    score, mean = bench.plots[0].series
    assert list(score.values) == pytest.approx(plain.benchmark_table["score"].tolist())
    # The published mean: small peer groups publish no quartiles (benchmark disclosure rules).
    assert list(mean.values) == pytest.approx(plain.benchmark_table["mean"].tolist())
    assert list(priority.plots[0].series[0].values) == pytest.approx(plain.priorities["priority"].tolist())
    for shape in found:  # a text alternative on every chart, naming its figures
        alt = shape._element.nvGraphicFramePr.cNvPr.get("descr")
        assert alt and plain.gaps["dimension"].iloc[0] in alt


def test_deck_text_is_in_text_boxes_not_pictures(plain):
    prs = open_deck(plain)
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert pictures == []  # no logo without branding, and no chart drawn as an image
    brief = slide_text(prs.slides[1])
    assert wording.overall_text(plain) in brief
    top = plain.top_disagreements.iloc[0]
    assert top["question"] in brief
    for decision in insight.board_brief(plain).decisions:
        assert decision.title.split(":")[0] in brief
    for item in plain.recommendations:
        assert item["dimension"] in slide_text(prs.slides[4])
    assert "synthetic sample" in slide_text(prs.slides[3])


def test_each_dimension_slide_lists_its_questions_largest_disagreement_first(plain, real):
    prs = open_deck(plain)
    gaps = plain.question_gaps.set_index("question_id")
    for i, d in enumerate(real.dimensions):
        slide = prs.slides[5 + i]
        table = next(s for s in slide.shapes if s.has_table).table
        shown = [table.cell(r, 0).text for r in range(1, len(table.rows))]
        expected = sorted(d.questions, key=lambda x: -abs(gaps.loc[x.id, "gap"]))
        assert shown == [x.text for x in expected]
        assert f"{gaps.loc[expected[0].id, 'gap']:+.2f}".replace("-", "−") in table.cell(1, 3).text


def test_deck_without_branding_uses_the_neutral_style(plain):
    prs = open_deck(plain)
    title = prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert title.font.color.rgb == RGBColor.from_string(NEUTRAL.colour[1:])
    footer = next(s for s in prs.slides[2].shapes if s.name == "Footer").text_frame.text
    assert "Prepared with Tandem" in footer and ORG in footer


def test_deck_carries_the_consultancys_branding(branded):
    prs = open_deck(branded)
    colour = RGBColor.from_string(BRAND_COLOUR[1:])
    assert prs.core_properties.author == "Northwind Advisory"
    for slide in prs.slides:
        band = next(s for s in slide.shapes if s.name == "Brand band")
        assert band.fill.fore_color.rgb == colour
        logo = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert logo.image.blob == branded.branding.logo.data
        footer = next(s for s in slide.shapes if s.name == "Footer").text_frame.text
        assert footer == "Northwind Advisory · Confidential"
    assert prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb == colour
    assert "Prepared by Northwind Advisory" in slide_text(prs.slides[0])


def test_deck_shows_targets_with_a_fourth_chart(branded):
    prs = open_deck(branded)
    assert len(charts(prs)) == 4
    slide = prs.slides[titles(prs).index("Targets and progress")]
    target = next(s for s in slide.shapes if s.has_chart).chart
    assert list(target.plots[0].series[1].values) == [3.5] * len(branded.questionnaire.dimensions)
    assert "of the target reached overall" in slide_text(slide)


def test_one_sided_round_deck_says_why_there_is_no_gap(world, real):
    store, rnd, people = world
    only_it = gather_report(store, real, rnd.id, respondent_id=people[0].id)
    prs = open_deck(only_it)
    assert len(charts(prs)) == 2  # no gap chart
    assert wording.gap_note(only_it) in slide_text(prs.slides[2])


def test_board_brief_slide_says_what_the_pdf_and_html_brief_say(plain):
    brief = insight.board_brief(plain)
    text = slide_text(open_deck(plain).slides[1])
    assert brief.verdict in text
    for decision in brief.decisions:
        assert decision.measure in text and f"Owner: {decision.owner}" in text


# the Word report -----------------------------------------------------------------------------------


def open_doc(data) -> docx.document.Document:
    return docx.Document(io.BytesIO(report.build_report(data, "docx")))


def pdf_outline(data) -> list[tuple[int, str]]:
    reader = pypdf.PdfReader(io.BytesIO(report.build_report(data, "pdf")))

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title

    return list(walk(reader.outline))


def test_word_report_has_the_pdfs_sections_in_the_pdfs_order(plain):
    document = open_doc(plain)
    headings = [
        (int(p.style.name.split()[-1]), p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == pdf_outline(plain)
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == [ORG]


def test_word_report_is_editable_text_tables_and_described_charts(plain):
    document = open_doc(plain)
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert wording.overall_text(plain) in cells and wording.alignment_text(plain) in cells
    for item in plain.recommendations:
        assert item["dimension"] in body
    assert "synthetic sample" in body
    assert plain.top_disagreements.iloc[0]["question"] in cells
    assert "004_a69fc6c933fa0db2.txt" in cells  # seed citations in the appendix
    images = document.inline_shapes
    assert len(images) == 3
    assert all(shape._inline.docPr.get("descr") for shape in images)
    header = document.tables[1].rows[0]._tr
    assert header.trPr is not None and header.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    footer = document.sections[0].footer.paragraphs[0].text
    assert f"Tandem report · {ORG}" in footer


def test_word_report_carries_the_branding(branded):
    document = open_doc(branded)
    assert document.styles["Heading 1"].font.color.rgb == DocxRGB.from_string(BRAND_COLOUR[1:])
    assert len(document.inline_shapes) == 4  # the logo and the three charts
    logo = document.inline_shapes[0]
    assert logo._inline.docPr.get("descr") == "Northwind Advisory logo"
    blob = document.part.related_parts[logo._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert blob == branded.branding.logo.data
    assert document.sections[0].footer.paragraphs[0].text.startswith("Northwind Advisory · Confidential")
    assert document.core_properties.author == "Northwind Advisory"
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Previous round" in cells  # the targets table


# the command line ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pptx", "docx"])
def test_report_command_writes_deck_and_word_report(tmp_path, real, fmt):
    path = str(tmp_path / "cli.duckdb")
    store = Store(path)
    seed_demo(store, real, 6)
    _, rnd, _ = make_round(store, real, name=ORG)
    store.close()
    assert main(["report", "--db", path, "--round", rnd.id, "--format", fmt, "--out", str(tmp_path)]) == 0
    written = list(tmp_path.glob(f"*.{fmt}"))
    assert len(written) == 1 and written[0].name.startswith("tandem-acme-retail-group-2026-q4")
    if fmt == "pptx":
        assert titles(Presentation(str(written[0])))[0] == ORG
    else:
        assert docx.Document(str(written[0])).paragraphs


# branding in the other formats ----------------------------------------------------------------------


def test_pdf_html_and_workbook_carry_the_branding(branded, plain):
    reader = pypdf.PdfReader(io.BytesIO(report.build_report(branded, "pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Prepared by Northwind Advisory" in text
    assert text.count("Northwind Advisory · Confidential") == len(reader.pages) - 1  # every page but the cover
    assert sum(len(page.images) for page in reader.pages) == 4  # the logo and three charts
    assert reader.metadata.author == "Northwind Advisory"

    page = report.build_report(branded, "html").decode("utf-8")
    assert "--brand: #7B2D8E;" in page
    assert 'alt="Northwind Advisory logo" src="data:image/png;base64,' in page
    assert "Northwind Advisory · Confidential · Generated by Northwind Advisory with Tandem" in page
    neutral = report.build_report(plain, "html").decode("utf-8")
    assert "--brand: #005E92;" in neutral and "<img class=\"logo\"" not in neutral

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(report.build_report(branded, "xlsx")))
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2)}
    assert about["Prepared by"] == "Northwind Advisory" and about["Footer"] == "Northwind Advisory · Confidential"
    assert len(book["About"]._images) == 1
    assert book["Scores"]["A1"].font.color.rgb.endswith("7B2D8E")


# file names ------------------------------------------------------------------------------------------


def test_file_names_say_organisation_round_kind_date_and_format(plain, world, real):
    day = plain.generated_at.strftime("%Y-%m-%d")
    names = {fmt: report.file_name(plain, fmt) for fmt in report.FORMATS}
    assert names["pptx"] == f"tandem-acme-retail-group-2026-q4-workshop-deck-{day}.pptx"
    assert names["docx"] == f"tandem-acme-retail-group-2026-q4-report-{day}.docx"
    assert names["xlsx"] == f"tandem-acme-retail-group-2026-q4-workbook-{day}.xlsx"
    assert names["csv"] == f"tandem-acme-retail-group-2026-q4-responses-{day}.csv"
    store, _, people = world
    hostile = store.create_organisation("../../etc/passwd 東京 <x>", "Retail", "1-249", "Europe")
    rnd = store.create_round(hostile.id, "Q1/2027 \\ final", real)
    name = report.file_name(gather_report(store, real, rnd.id), "pdf")
    assert name == f"tandem-etc-passwd-x-q1-2027-final-report-{day}.pdf"
    mine = gather_report(store, real, plain.round.id, respondent_id=people[0].id)
    assert report.file_name(mine, "pdf").startswith(f"tandem-acme-retail-group-2026-q4-{people[0].id.lower()}-report-")
