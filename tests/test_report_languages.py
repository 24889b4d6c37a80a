"""Reports in English, French, German and Spanish, whatever language the respondents used.

Two kinds of test. Those that need no catalog (the questionnaire's words come from its
translation file, numbers and dates from Babel, the language reaches the worker process, English
is unchanged) pass with the catalogs empty. Those at the end, marked ``needs_catalogs`` in their
names, check the report's own headings in German against the real compiled catalog: they fail
until translators fill assessment/locales/de/LC_MESSAGES/tandem.po (then `make catalogs`).
"""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pypdf
import pytest
from pptx import Presentation

from assessment import i18n, report, rounds, workload
from assessment.cli import main
from assessment.demo import seed_demo
from assessment.i18n import _
from assessment.numbers import fmt_score
from assessment.store import Store
from assessment.translations import load_translation
from tests.test_report import gather_report, make_round

TEXT_FORMATS = ("html", "pdf", "docx", "pptx", "xlsx")


def _flat(text: str) -> str:
    return " ".join(text.split())


def report_text(fmt: str, data: bytes) -> str:
    """Every word a reader sees in a report file, on one line."""
    if fmt == "html":
        return _flat(re.sub(r"<[^>]+>", " ", data.decode("utf-8")).replace("&#x27;", "'").replace("&quot;", '"'))
    if fmt == "pdf":
        return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return _flat(" ".join([p.text for p in document.paragraphs] + cells))
    if fmt == "pptx":
        parts = []
        for slide in Presentation(io.BytesIO(data)).slides:
            for shape in slide.shapes:
                if shape.has_text_frame:
                    parts.append(shape.text_frame.text)
                if shape.has_table:
                    parts += [c.text for row in shape.table.rows for c in row.cells]
        return _flat(" ".join(parts))
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    return _flat(" ".join(book.sheetnames + cells))


@pytest.fixture(scope="module")
def round_v2(current):
    """A CIO and two marketers who disagree, answering questionnaire 2.0 (in English), with a
    labelled synthetic benchmark."""
    store = Store(None)
    seed_demo(store, current, 12)
    _, rnd, _ = make_round(store, current)
    yield store, rnd
    store.close()


@pytest.fixture(scope="module")
def scored(round_v2, current):
    store, rnd = round_v2
    return gather_report(store, current, rnd.id)


@pytest.fixture(scope="module")
def german(current):
    return load_translation(current, "de")


@pytest.fixture(scope="module")
def in_german(scored):
    return {fmt: report_text(fmt, report.build_report(scored, fmt, lang="de")) for fmt in TEXT_FORMATS}


def test_in_language_changes_the_words_never_the_figures(scored, german, current):
    scored.responses, scored.branding  # noqa: B018 - read from the store once
    de = rounds.in_language(scored, "de")
    assert [d.title for d in de.questionnaire.dimensions] == [d.title for d in german.dimensions]
    assert de.questionnaire.dimensions[0].title != current.dimensions[0].title
    assert de.result.questionnaire is de.questionnaire  # insight and views read the result's
    assert de.result.overall == scored.result.overall and de.result.ranking == scored.result.ranking
    assert set(de.dimensions["dimension"]) == {d.title for d in german.dimensions}
    assert de.branding == scored.branding and de.responses is scored.responses  # carried, not re-read
    assert rounds.in_language(de, "en").questionnaire is scored.questionnaire  # back to the source


def test_the_actions_come_from_the_translation_too(scored, german):
    """Scoring picks each action by id and level; its words are the shown questionnaire's."""
    de = rounds.in_language(scored, "de")
    german_actions = {a.action for x in german.questions for a in x.actions} | {
        d.reconcile.action for d in german.dimensions if d.reconcile
    }
    shown = [i["reconcile"]["action"] for i in de.recommendations if i["reconcile"]]
    shown += [s["action"]["action"] for i in de.recommendations for s in i["steps"] if s["action"]]
    assert shown and set(shown) <= german_actions
    assert all(s["description"] in {lv for x in german.questions for lv in x.levels}
               for i in de.recommendations for s in i["steps"] if s["next_level"])  # fmt: skip


def test_the_english_report_is_unchanged_whatever_the_callers_language(scored, current):
    english = report.build_report(scored, "html")
    assert report.build_report(scored, "html", lang="en") == english
    with i18n.using("de"):
        assert report.build_report(scored, "html", lang="en") == english
    text = report_text("html", english)
    assert current.dimensions[0].title in text and "Board brief" in text
    assert '<html lang="en">' in english.decode("utf-8")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_german_report_reads_the_german_questionnaire(in_german, scored, german, current, fmt):
    text = in_german[fmt]
    # Dimension titles and the level names come from the German translation file.
    titles = [d.title for d in german.dimensions]
    assert sum(title in text for title in titles) >= len(titles) // 2, fmt
    assert current.dimensions[0].title not in text
    if fmt != "xlsx":  # the workbook's tables carry figures, not the questions' wording
        worst = scored.top_disagreements.iloc[0]["question_id"]
        assert _flat(german.question(worst).text)[:40] in text


def test_a_german_report_writes_numbers_the_german_way(scored, in_german):
    with i18n.using("de"):
        overall = fmt_score(scored.result.overall)
    assert "," in overall and overall in in_german["html"] and overall in in_german["pdf"]
    assert '<html lang="de">' in report.build_report(scored, "html", lang="de").decode("utf-8")


def test_an_unknown_language_is_refused(scored):
    with pytest.raises(report.ReportError, match="Unknown report language 'pt'"):
        report.build_report(scored, "html", lang="pt")


def test_the_language_reaches_the_worker_process(scored, german):
    """The language is a ContextVar in the app; it crosses to the report worker as an argument."""
    html = workload.render(scored, "html", lang="de").decode("utf-8")
    assert '<html lang="de">' in html and german.dimensions[0].title in html
    with i18n.using("es"):  # no argument: the caller's language when it asks
        html = workload.render(scored, "html").decode("utf-8")
    assert '<html lang="es">' in html


def test_report_command_takes_a_language_and_names_the_file(tmp_path, current):
    path = str(tmp_path / "lang.duckdb")
    store = Store(path)
    seed_demo(store, current, 6)
    _, rnd, _ = make_round(store, current)
    store.close()
    out = tmp_path / "out"
    out.mkdir()
    assert main(["report", "--db", path, "--round", rnd.id, "--format", "html", "--lang", "fr",
                 "--out", str(out)]) == 0  # fmt: skip
    (written,) = out.iterdir()
    assert written.name.endswith("-fr.html")
    french = load_translation(current, "fr")
    assert french.dimensions[0].title in written.read_text("utf-8")
    assert re.fullmatch(r"tandem-.+-report-\d{4}-\d{2}-\d{2}-fr\.html", written.name)
    assert not report.file_name(gather_report_from(path, current, rnd.id), "csv", "fr").endswith("-fr.csv")


def gather_report_from(path, q, round_id):
    store = Store(path)
    try:
        return gather_report(store, q, round_id)
    finally:
        store.close()


# --- these need the real German catalog (fail until translators fill de/tandem.po) ------------

GERMAN_HEADINGS = ("Board brief", "Executive summary", "Method")


def test_german_report_headings_need_catalogs(in_german):
    with i18n.using("de"):
        headings = {h: _(h) for h in GERMAN_HEADINGS}
    untranslated = [h for h, t in headings.items() if t == h]
    assert not untranslated, f"de/tandem.po has no translation yet for {untranslated}"
    for fmt, text in in_german.items():
        if fmt == "xlsx":
            with i18n.using("de"):
                assert _("About") != "About" and _("About") in text
            continue
        for english, heading in headings.items():
            if fmt != "pptx" or english == "Board brief":  # the deck has no summary or method heading
                assert heading in text, (fmt, heading)
        assert "Board brief" not in text, fmt
