"""Hostile names stay inert text: no links, no markup, no line breaks, no control characters,
on the pages, in the reports and in command output."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from assessment import auth, cli, report, rounds
from assessment.store import Store
from assessment.store.records import clean_name
from assessment.text import JOINER, md_escape, one_line, terminal_safe
from tests.conftest import APP, ROOT

HOSTILE = [
    "Evil https://evil.example/x",
    "www.evil.example",
    "mail bob@evil.example",
    "Evil\rbreak\r    code\nnext",
    "Evil a\u2028b\u202eenil",
    "Evil {nb} pages",
    "Evil [x](https://e.example) **bold** :red[red] <b>b</b> `code`",
    "Evil\x1b[31mred\x1b[0m\x00nul\x07",
]
# What a renderer would turn into a link, or a line break that changes the layout.
LINKY = re.compile(r"(?i)(https?:|mailto:|xmpp:|www\.|[\w.+-]@[\w-])")
BREAKS = re.compile(r"[\r\n\u2028\u2029\x00-\x08\x0b-\x1f\x7f]")


def _rendered(text: str) -> str:
    """What Markdown reads after backslash escapes: renderers link bare addresses in this."""
    return re.sub(r"\\(.)", r"\1", text)


def _linky(text: str) -> bool:
    return bool(LINKY.search(_rendered(text)))


def _unescape(text: str) -> str:
    return _rendered(text).replace(JOINER, "")


@pytest.mark.parametrize("name", HOSTILE)
def test_md_escape_reads_as_typed_on_one_line_and_links_nothing(name):
    shown = md_escape(name)
    assert not _linky(shown) and not BREAKS.search(shown)
    assert _unescape(shown) == one_line(name)  # every visible character kept, in order


def test_names_are_stored_on_one_line():
    assert clean_name("  Acme\r\nRetail\t\u2028Co\u202e ", "Name") == "Acme Retail Co"
    assert clean_name("Evil\x00\x1b[2J", "Name") == "Evil [2J"


def test_terminal_safe_shows_control_characters_instead_of_sending_them():
    assert terminal_safe("a\x1b[31mb\x00c\rd\u2028e") == "a\\x1b[31mb\\x00c\\x0dd\\u2028e"


def _hostile_store(path, q, kind: str = "self") -> tuple[Store, list]:
    """Organisations named as above, written straight to the table too: names stored before
    names were cleaned, or by another tool, must be inert as well."""
    store = Store(path)
    made = []
    for i, name in enumerate(HOSTILE):
        org = store.create_organisation(f"placeholder {i}", "Retail", "250-999", "Europe")
        store.db.execute("UPDATE organisations SET name = ? WHERE id = ?", [name, org.id])
        rnd = store.create_round(org.id, "2026 Q4", q, kind=kind)
        store.db.execute("UPDATE rounds SET name = ? WHERE id = ?", [name[:80], rnd.id])
        person = store.create_respondent(rnd.id, "it", "CIO")
        for n, question in enumerate(q.questions):
            store.save_answer(person.id, question.id, 1 + n % 5)
        store.mark_complete(person.id)
        made.append((store.organisation(org.id), store.round(rnd.id), person))
    return store, made


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in (
        "markdown",
        "caption",
        "success",
        "error",
        "info",
        "warning",
        "title",
        "header",
        "subheader",
    ):
        out += [e.value for e in getattr(at, kind)]
    out += [m.label for m in at.metric]
    return [t for t in out if "vil" in t]  # the hostile names all contain "vil"


def test_pages_show_hostile_names_as_plain_text(db_path, real, monkeypatch):
    store, made = _hostile_store(db_path, real)
    store.close()
    seen = 0
    for _, _, person in made:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["r"] = person.token
        at.run()
        for page in (None, "pages/results.py", "pages/benchmarks.py"):
            if page:
                at.switch_page(page).run()
            assert not at.exception, [e.value for e in at.exception]
            for text in _texts(at):
                seen += 1
                assert not _linky(text), (page, text)
                assert not BREAKS.search(text), (page, text)
    assert seen >= 3 * len(made)  # each name was shown on each page


def test_console_shows_hostile_names_as_plain_text(db_path, real, monkeypatch):
    store, made = _hostile_store(db_path, real, kind="consultant")  # the console lists clients
    store.close()
    monkeypatch.setenv(auth.ENV_VAR, auth.hash_password("inert text password"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/console.py").run()
    at.text_input(key="console_login_password").input("inert text password")
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    seen = 0
    for org, _, _ in made:
        at.selectbox(key="console_pick").set_value(org.id).run()
        assert not at.exception
        for text in _texts(at):
            seen += 1
            assert not _linky(text) and not BREAKS.search(text), text
    assert seen >= len(made)  # every round's name was shown


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pdf_prints_a_name_with_the_page_count_alias_as_typed(tmp_path, real):
    store, made = _hostile_store(tmp_path / "pdf.duckdb", real)
    org, rnd, _ = made[HOSTILE.index("Evil {nb} pages")]
    text = _pdf_text(report.build_report(rounds.load_round(store, {real.key: real}, rnd.id), "pdf"))
    store.close()
    assert "Evil {nb} pages" in text
    pages = re.findall(r"Page (\d+) of (\d+)", text)
    assert pages and all(total == pages[-1][1] for _, total in pages)  # the real count, in the footer


def test_rounds_command_sends_no_control_characters(tmp_path, real, capsysbinary):
    store, _ = _hostile_store(tmp_path / "cli.duckdb", real)
    store.close()
    assert cli.main(["rounds", "--db", str(tmp_path / "cli.duckdb")]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202e]", out.replace("\n", ""))
    assert "\\x1b[31m" in out and "\\x00nul" in out
    assert out.count("\n") == len(HOSTILE) + 1  # one line per round, and the header


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_a_real_browser_draws_no_link_from_an_escaped_name(tmp_path):
    """GitHub-flavoured Markdown links bare addresses even when escaped; the joiner stops it."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    page_file = tmp_path / "names.py"
    page_file.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import streamlit as st\n"
        "from assessment.text import md_escape\n"
        f"for name in {HOSTILE!r}:\n"
        "    st.markdown('M ' + md_escape(name))\n"
        "    st.success('S ' + md_escape(name))\n"
        "st.caption('done')\n"
    )
    port = 8700 + int(time.time()) % 200
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(page_file), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats",
         "false", "--server.fileWatcherType", "none"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                if (
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                    == b"ok"
                ):
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("done").wait_for(timeout=60_000)
            links = page.locator("[data-testid=stMain] a").count()
            texts = [
                t.replace(JOINER, "") for t in page.get_by_test_id("stMarkdownContainer").all_inner_texts()
            ]
            code_blocks = page.locator("[data-testid=stMain] pre, [data-testid=stMain] code").count()
            browser.close()
    finally:
        server.kill()
        server.wait()
    assert links == 0 and code_blocks == 0
    assert "M Evil https://evil.example/x" in texts and "M www.evil.example" in texts
