"""Reports: PDF, single-file HTML, Excel and CSV checked against the store; injection; the CLI."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pypdf
import pytest

from assessment import report, rounds, views
from assessment.cli import main
from assessment.demo import seed_demo
from assessment.formats import RESPONSE_COLUMNS
from assessment.report import FORMATS, ReportError
from assessment.report import images as report_images
from assessment.report import pdf as report_pdf
from assessment.report import wording as report_text
from assessment.report.xlsx import SHEETS
from assessment.scoring import score_round
from assessment.store import Store, utcnow
from assessment.text import one_line


def gather_report(store, q, round_id, *, respondent_id=None, choice=None):
    """The read model every report renders (what a page hands to ``report.build_report``)."""
    return rounds.load_round(store, {q.key: q}, round_id, respondent_id=respondent_id, choice=choice)


def build_report(store, q, round_id, fmt, *, progress=None):
    return report.build_report(gather_report(store, q, round_id), fmt, progress=progress)


def render(fmt):
    return lambda data: report.build_report(data, fmt)

ORG_NAME = '=Øresund 東京 "Co", Ltd'
CIO = (4, 3, 5, 2, 4)  # level of question i is CIO[i % 5]
MARKETERS = ((2, 2, 3, 1, 3), (1, 3, 2, 2, 4))


def make_round(store: Store, q, name: str = ORG_NAME, round_name: str = "2026 Q4"):
    """A CIO and two marketers who disagree; the second marketer does not know one answer."""
    org = store.create_organisation(name, "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, round_name, q)
    people = []
    for side, pattern in [("it", CIO), ("marketing", MARKETERS[0]), ("marketing", MARKETERS[1])]:
        person = store.create_respondent(rnd.id, side, "CIO" if side == "it" else "CMO")
        for i, question in enumerate(q.questions):
            level = None if (pattern is MARKETERS[1] and i == 7) else pattern[i % 5]
            store.save_answer(person.id, question.id, level)
        for k, d in enumerate(q.dimensions):
            store.save_importance(person.id, d.id, 2 + (k + len(people)) % 4)
        store.mark_complete(person.id)
        people.append(person)
    return org, rnd, people


@pytest.fixture(scope="module")
def seeded(real):
    """One round with a labelled synthetic benchmark of 20 organisations; reports only read it."""
    store = Store(None)
    seed_demo(store, real, 20)
    org, rnd, people = make_round(store, real)
    yield store, org, rnd, people
    store.close()


@pytest.fixture(scope="module")
def data(seeded, real):
    store, _, rnd, _ = seeded
    return gather_report(store, real, rnd.id)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def has_cjk_font() -> bool:
    return any(path.exists() for path in report_pdf.FALLBACK_FONTS) and report_pdf.REGULAR_FONT.exists()


# gathering ------------------------------------------------------------------------------------


def test_gather_report_scores_every_respondent(seeded, data, real):
    store, org, rnd, _ = seeded
    expected = score_round(real, store.respondents_of(rnd.id))
    assert data.organisation == org and data.round == rnd
    assert data.counts == {"it": 1, "marketing": 2, "other": 0}
    assert data.finished == {"it": 1, "marketing": 2, "other": 0}
    assert data.result.overall == pytest.approx(expected.overall)
    assert data.benchmark is not None and data.benchmark.synthetic
    assert list(report_images.report_charts(data)) == ["benchmark", "gap", "priority"]
    assert len(data.top_disagreements) == rounds.TOP_DISAGREEMENTS
    assert data.top_disagreements["gap"].abs().is_monotonic_decreasing
    assert len(data.responses) == len(store.responses_frame(rnd.id))
    pd.testing.assert_frame_equal(data.priorities, views.priority_frame(expected))


def test_gather_report_for_one_respondent(seeded, real):
    store, _, rnd, people = seeded
    mine = gather_report(store, real, rnd.id, respondent_id=people[1].id)
    assert mine.counts == {"it": 0, "marketing": 1, "other": 0}
    assert set(mine.responses["respondent"]) == {people[1].id}
    assert mine.gaps.empty and "gap" not in report_images.report_charts(mine)
    assert "One respondent" in mine.scope
    assert report_text.gap_note(mine) is not None
    text, _ = pdf_text(render("pdf")(mine))
    assert "Your answer" in text and report_text.overall_text(mine) in text


def test_unknown_round_respondent_and_format_are_refused(seeded, real):
    store, _, rnd, _ = seeded
    with pytest.raises(ReportError, match="No round"):
        gather_report(store, real, "rnd-nope")
    with pytest.raises(ReportError, match="did not take part"):
        gather_report(store, real, rnd.id, respondent_id="R-nope")
    with pytest.raises(ReportError, match="Unknown report format"):
        report.build_report(gather_report(store, real, rnd.id), "odt")


def test_progress_runs_from_zero_to_one(seeded, real):
    store, _, rnd, _ = seeded
    seen: list[tuple[float, str]] = []
    build_report(store, real, rnd.id, "html", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(m for _, m in seen)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_round_without_answers_or_with_one_side_still_reports(store, real, fmt):
    seed_demo(store, real, 5)
    org = store.create_organisation("Empty Co", "Retail", "1-249", "Europe")
    empty = store.create_round(org.id, "Nobody yet", real)
    assert build_report(store, real, empty.id, fmt)
    _, rnd, people = make_round(store, real, name="One side Co")
    only_it = gather_report(store, real, rnd.id, respondent_id=people[0].id)
    assert report_text.gap_note(only_it) and only_it.question_gaps["gap"].isna().all()
    assert _RENDER[fmt](only_it)


_RENDER = {
    "pdf": render("pdf"),
    "html": render("html"),
    "xlsx": render("xlsx"),
    "csv": render("csv"),
    "pptx": render("pptx"),
    "docx": render("docx"),
}


# PDF ------------------------------------------------------------------------------------------


def test_pdf_shows_organisation_scores_priorities_and_synthetic_label(data):
    pdf = render("pdf")(data)
    assert pdf.startswith(b"%PDF")
    text, pages = pdf_text(pdf)
    assert pages > 3
    if has_cjk_font():
        assert ORG_NAME in text
    else:  # no CJK font installed: the Latin part prints, the rest is marked, never dropped
        assert '=Øresund ?? "Co", Ltd' in text
    assert report_text.overall_text(data) in text
    # "–" is "-" in core fonts
    assert re.search(rf"Overall score \(1.5, balanced\) {data.result.overall:.2f}", text)
    assert report_text.alignment_text(data) in text
    for item in data.recommendations:
        assert item["dimension"] in text
    # The top three ranks, ties included; equal priorities are said to be equal, not ranked.
    assert len(data.recommendations) >= 3 and all(i["rank"] <= 3 for i in data.recommendations)
    if any(i["tied"] for i in data.recommendations):
        assert "equal priorities" in text
    assert "synthetic sample" in text
    for d in data.questionnaire.dimensions:  # one section per dimension
        assert d.title in text
    assert "largest disagreements" in text and "Method" in text
    assert "004_a69fc6c933fa0db2.txt" in text  # seed citations in the appendix


def test_pdf_embeds_the_three_charts(data):
    reader = pypdf.PdfReader(io.BytesIO(render("pdf")(data)))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3


def test_pdf_falls_back_to_the_core_font_without_dejavu(data, monkeypatch):
    monkeypatch.setattr(report_pdf, "REGULAR_FONT", Path("/nonexistent/DejaVuSans.ttf"))
    text, pages = pdf_text(render("pdf")(data))
    assert pages > 3
    assert '=Øresund ?? "Co", Ltd' in text  # Latin-1 survives, CJK is marked
    assert report_text.overall_text(data) in text


# HTML -----------------------------------------------------------------------------------------


def test_html_is_self_contained_escaped_and_tells_the_story(data):
    page = render("html")(data).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert html.escape(ORG_NAME) in page
    assert ORG_NAME not in page  # the quotes are escaped everywhere
    assert page.count('src="data:image/png;base64,') == 3
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)  # nothing loaded from elsewhere
    for item in data.recommendations:
        assert html.escape(item["dimension"]) in page
    assert report_text.overall_text(data) in page and "synthetic sample" in page


def test_html_escapes_markup_in_names(store, real):
    org, rnd, _ = make_round(store, real, name="<script>alert('x')</script> & Co", round_name="<b>Q4</b>")
    page = build_report(store, real, rnd.id, "html").decode("utf-8")
    assert "<script>" not in page and "<b>Q4" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in page
    assert "No benchmark" in page  # no peers and no sample in this store: said, not hidden


# Excel and CSV ----------------------------------------------------------------------------------


def test_workbook_sheets_match_the_store(seeded, data, real):
    store, _, rnd, _ = seeded
    book = pd.read_excel(io.BytesIO(render("xlsx")(data)), sheet_name=None)
    assert tuple(book) == SHEETS
    raw = book["Raw answers"]
    stored = store.responses_frame(rnd.id)
    assert list(raw.columns) == list(RESPONSE_COLUMNS)
    assert len(raw) == len(stored)
    assert (raw["organisation"] == "'" + ORG_NAME).all()
    assert raw["respondent"].tolist() == stored["respondent"].tolist()
    assert raw["level"].isna().sum() == stored["level"].isna().sum() == 1
    assert raw["level"].dropna().astype(int).tolist() == stored["level"].dropna().astype(int).tolist()
    expected = score_round(real, store.respondents_of(rnd.id))
    scores = book["Scores"].set_index("dimension_id")
    assert scores.loc["overall", "score"] == round(expected.overall, 2)
    for did, sb in expected.dimensions.items():
        assert scores.loc[did, "score"] == round(sb.value, 2)
        assert scores.loc[did, "it"] == round(sb.it, 2)
        assert scores.loc[did, "marketing"] == round(sb.marketing, 2)
    assert (scores["peer_n"] == 20).all()
    assert scores["benchmark"].str.contains("synthetic sample").all()
    gaps = book["Gaps"].set_index("question_id")
    for qid, sb in expected.questions.items():
        assert gaps.loc[qid, "gap"] == pytest.approx(round(sb.gap, 2))
    priorities = book["Priorities"]
    assert priorities["dimension_id"].tolist() == data.priorities["dimension_id"].tolist()
    assert priorities["next_steps"].head(3).str.len().gt(0).all()
    about = dict(zip(book["About"]["item"], book["About"]["value"], strict=True))
    assert about["Organisation"].startswith("'") and about["Organisation"][1:] == ORG_NAME
    assert about["Respondents: Marketing"] == 2


@pytest.mark.parametrize("name", ["=1+1", "+41 Zürich", "-minus", "@SUM(A1:A2)", 'A, "B"\nC 🚀'])
def test_typed_names_are_neutralised_in_csv_and_excel(store, real, name):
    _, rnd, _ = make_round(store, real, name=name, round_name="=HYPERLINK(1)")
    name = one_line(name)  # names are stored on one line
    safe = "'" + name if name[0] in "=+-@" else name
    rows = list(csv.DictReader(io.StringIO(build_report(store, real, rnd.id, "csv").decode("utf-8"))))
    assert rows and {r["organisation"] for r in rows} == {safe}
    assert {r["round"] for r in rows} == {"'=HYPERLINK(1)"}
    workbook = openpyxl.load_workbook(io.BytesIO(build_report(store, real, rnd.id, "xlsx")))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    raw = pd.read_excel(io.BytesIO(build_report(store, real, rnd.id, "xlsx")), sheet_name="Raw answers")
    assert set(raw["organisation"]) == {safe}


def test_csv_is_the_brief_long_format(seeded, data):
    store, _, rnd, _ = seeded
    text = render("csv")(data).decode("utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == RESPONSE_COLUMNS
    assert len(frame) == len(store.responses_frame(rnd.id))
    assert (frame["level"] == "").sum() == 1  # the one "don't know"


# size ----------------------------------------------------------------------------------------


def _bulk_round(store: Store, q, respondents: int) -> str:
    org = store.create_organisation("Big Co", "Technology", "20,000+", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q)
    rng = np.random.default_rng(5)
    now = utcnow()
    ids = [f"R-{i:06d}" for i in range(respondents)]
    sides = rng.choice(["it", "marketing", "other"], size=respondents, p=[0.4, 0.5, 0.1])
    store.bulk_insert(
        {
            "respondents": pd.DataFrame(
                {
                    "id": ids,
                    "token": [f"tok-{i}" for i in ids],
                    "round_id": rnd.id,
                    "side": sides,
                    "role": "Team member",
                    "created_at": now,
                    "completed_at": now,
                }
            ),  # fmt: skip
            "answers": pd.DataFrame(
                {
                    "respondent_id": np.repeat(ids, len(q.questions)),
                    "question_id": np.tile([x.id for x in q.questions], respondents),
                    "level": rng.integers(1, 6, size=respondents * len(q.questions)),
                    "answered_at": now,
                }
            ),
            "importance": pd.DataFrame(
                {
                    "respondent_id": np.repeat(ids, len(q.dimensions)),
                    "dimension_id": np.tile([d.id for d in q.dimensions], respondents),
                    "rating": rng.integers(1, 6, size=respondents * len(q.dimensions)),
                    "rated_at": now,
                }
            ),
        }
    )
    return rnd.id


def test_a_200_respondent_round_reports_in_every_format(store, real, capsys):
    seed_demo(store, real, 20)
    round_id = _bulk_round(store, real, 200)
    build_report(store, real, round_id, "html")  # warm up vl-convert's engine, as a running app has
    timings = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        out = build_report(store, real, round_id, fmt)
        timings[fmt] = time.perf_counter() - started
        assert out
    assert len(store.responses_frame(round_id)) == 200 * len(real.questions)
    with capsys.disabled():  # measured, not asserted: shared CI machines vary too much
        print("\n200-respondent report: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))


# command line -----------------------------------------------------------------------------------


@pytest.fixture
def db_file(tmp_path, real):
    path = str(tmp_path / "reports.duckdb")
    store = Store(path)
    seed_demo(store, real, 6)
    _, rnd, _ = make_round(store, real)
    store.close()
    return path, rnd.id


def test_rounds_lists_rounds_as_csv(db_file, capsys):
    path, round_id = db_file
    assert main(["rounds", "--db", path]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["round_id", "organisation", "round", "status", "respondents_it",
                       "respondents_marketing", "respondents_other"]  # fmt: skip
    assert rows[1:] == [[round_id, "'" + ORG_NAME, "2026 Q4", "open", "1", "2", "0"]]
    assert main(["rounds", "--db", path, "--include-synthetic"]) == 0
    assert len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) == 1 + 1 + 6


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("html", b"<!DOCTYPE html>"),
                                            ("xlsx", b"PK"), ("csv", b"questionnaire_id,"),
                                            ("pptx", b"PK"), ("docx", b"PK")])  # fmt: skip
def test_report_command_writes_each_format(db_file, tmp_path, fmt, magic):
    path, round_id = db_file
    out = tmp_path / "out" / f"report.{fmt}"
    assert main(["report", "--db", path, "--round", round_id, "--format", fmt, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_report_command_refuses_an_unknown_round(db_file, tmp_path, capsys):
    path, _ = db_file
    out = tmp_path / "x.pdf"
    assert main(["report", "--db", path, "--round", "rnd-nope", "--out", str(out)]) == 2
    assert "No round rnd-nope" in capsys.readouterr().err
    assert not out.exists()


def test_file_names_keep_accented_letters_as_their_base_letter() -> None:
    from assessment.report.wording import slug

    assert slug("Grupo Ibérica") == "grupo-iberica"
    assert slug("Müller & Söhne GmbH") == "muller-sohne-gmbh"
    assert slug("北京") == ""  # nothing safe is left: the caller names it "organisation"
