"""The app's words in four languages: extraction, complete catalogs, placeholders, the choice
of language and each page drawn in each language.

Two kinds of test live here. Those on a small catalog written by the test (the machinery: which
language a run uses, links carrying it, a round's default) pass whatever the translators have
done. Those on the real catalogs (``test_catalogs_are_complete``, ``test_pages_in_each_language``)
fail until French, German and Spanish translate every message: they are the definition of done
for the translations, not to be skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from streamlit.testing.v1 import AppTest

from assessment import catalogs, i18n
from tests.conftest import APP, ROOT

TIMEOUT = 30
LANGS = ["fr", "de", "es"]


# catalogs on disk ------------------------------------------------------------------------


def extract(out: Path) -> Path:
    """Extract the messages of the code as `make messages` does, into ``out``."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "--no-location", "--sort-output",
         "--project", "Tandem", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return out


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_every_message_in_the_code_is_in_the_template(tmp_path):
    """tandem.pot is what translators get: it must hold every message the code shows, and no
    message the code no longer uses. Fix: `make messages` and commit tandem.pot."""
    fresh = msgids(extract(tmp_path / "fresh.pot"))
    committed = msgids(catalogs.TEMPLATE)
    assert len(fresh) > 300  # the extraction found the app's words (pages, ui, store messages)
    assert sorted(fresh - committed) == [], "in the code, not in tandem.pot: run `make messages`"
    assert sorted(committed - fresh) == [], "in tandem.pot, no longer in the code: run `make messages`"


def test_catalogs_are_complete():
    """Every language translates every message, none fuzzy, placeholders intact. Fails until the
    translators have finished: `python -m assessment catalogs check` lists what is left."""
    found = catalogs.check_all()
    report = {lang: [str(p) for p in problems[:5]] + ([f"… {len(problems)} in all"] if problems else [])
              for lang, problems in found.items()}  # fmt: skip
    assert all(not problems for problems in found.values()), report


def write_catalog(
    path: Path, lang: str, entries: dict, *, fuzzy: set[str] = frozenset(), fuzzy_header: bool = False
) -> Path:
    """A .po file: ``entries`` maps a msgid (or a (singular, plural) pair) to its translation."""
    catalog = Catalog(locale=lang, domain=i18n.DOMAIN, fuzzy=fuzzy_header)
    for msgid, string in entries.items():
        catalog.add(msgid, string, flags=("fuzzy",) if msgid in fuzzy else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_the_check_names_file_and_message_of_every_problem(tmp_path):
    template = write_catalog(tmp_path / "t.pot", "en", {
        "Start": "", "Join code: **`{code}`**": "", "Gone": "", "Fuzzy {x}": "",
        ("{count} round", "{count} rounds"): ("", ""), "Lost {name} and {n}": "", "Typo {name}": "",
    })  # fmt: skip
    po = write_catalog(tmp_path / "fr.po", "fr", {
        "Start": "Début", "Join code: **`{code}`**": "Code : **`{code}`**", "Old": "Vieux", "Fuzzy {x}": "Flou {x}",
        ("{count} round", "{count} rounds"): ("une manche", "{count} manches", "{count} de manches"),
        "Lost {name} and {n}": "Perdu {name}", "Typo {name}": "Faute {nom}",
    }, fuzzy={"Fuzzy {x}"})  # fmt: skip
    problems = {(p.msgid, p.what.split(":")[0]) for p in catalogs.check_catalog(po, template)}
    header = write_catalog(tmp_path / "de.po", "de", {"Start": "Anfang"}, fuzzy_header=True)
    assert any(p.msgid == "" and "header is marked fuzzy" in p.what for p in catalogs.check_catalog(header, template))
    assert all(str(p).startswith(str(po)) for p in catalogs.check_catalog(po, template))
    assert problems == {
        ("Gone", "missing"),
        ("Old", "not in the template"),
        ("Fuzzy {x}", "fuzzy"),
        ("Lost {name} and {n}", "placeholder(s) {n} lost in the translation"),
        ("Typo {name}", "unknown placeholder(s) {nom} in the translation"),
        ("Typo {name}", "placeholder(s) {name} lost in the translation"),
    }  # a singular form may leave out the number; the plural kept it


def test_the_catalogs_command_reports_and_fails(tmp_path, capsys):
    from assessment import cli

    template = write_catalog(tmp_path / "tandem.pot", "en", {"Start": "", "Hello {name}": ""})
    for lang in LANGS:
        write_catalog(catalogs.catalog_path(lang, tmp_path), lang, {"Start": "Start!", "Hello {name}": "{name}!"})
    command = ["catalogs", "check", "--template", str(template), "--locales", str(tmp_path)]
    assert cli.main(command) == 0
    assert "Français (fr): complete, 2 messages" in capsys.readouterr().out
    write_catalog(catalogs.catalog_path("de", tmp_path), "de", {"Start": "", "Hello {name}": "Hallo"})
    assert cli.main(command) == 1
    out = capsys.readouterr().out
    assert "Deutsch (de): 2 problems" in out and "'Start': not translated" in out
    assert "'Hello {name}': placeholder(s) {name} lost" in out and "de/LC_MESSAGES/tandem.po" in out


# the app in a language -------------------------------------------------------------------


def compile_into(locale_dir: Path, sources: dict[str, Path]) -> None:
    for lang, po in sources.items():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        out = locale_dir / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as handle:
            write_mo(handle, catalog)


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    """Where gettext reads catalogs during the test (compiled by the test, not by make)."""
    directory = tmp_path / "locales"
    monkeypatch.setattr(i18n, "LOCALE_DIR", directory)
    i18n.translations.cache_clear()
    yield directory
    i18n.translations.cache_clear()


TITLE = "Tandem: how well do your CIO and CMO work together?"
FIXTURE = {
    "fr": {TITLE: "Tandem : votre DSI et votre directeur marketing travaillent-ils bien ensemble ?",
           "Start the assessment": "Commencer l'évaluation", "Against the benchmark": "Face au référentiel"},
    "de": {TITLE: "Tandem: Wie gut arbeiten Ihr CIO und Ihr CMO zusammen?",
           "Start the assessment": "Bewertung beginnen", "Against the benchmark": "Im Vergleich"},
    "es": {TITLE: "Tandem: ¿trabajan bien juntos su CIO y su CMO?",
           "Start the assessment": "Empezar la evaluación", "Against the benchmark": "Frente a la referencia"},
}  # fmt: skip


@pytest.fixture
def small_catalogs(locale_dir, tmp_path):
    compile_into(locale_dir, {lang: write_catalog(tmp_path / f"{lang}.po", lang, FIXTURE[lang]) for lang in LANGS})
    return locale_dir


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def app(*, locale: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if locale:
        at.context = {"locale": locale}
    for key, value in params.items():
        at.query_params[key] = value
    return at


def test_the_browser_locale_chooses_when_nothing_else_does(db_path, small_catalogs):
    at = run(app(locale="de-AT"))
    assert at.title[0].value == FIXTURE["de"][TITLE]
    assert at.selectbox(key="tandem_language_pick").value == "de"
    assert "lang" not in at.query_params  # nothing chosen: the address stays as it was
    assert run(app(locale="pt-BR")).title[0].value == TITLE  # not one of ours: English


def test_the_link_beats_the_browser_and_is_kept(db_path, small_catalogs, current):
    from assessment import translations

    at = run(app(locale="de-DE", lang="es"))
    assert at.title[0].value == FIXTURE["es"][TITLE]
    assert at.button(key="start_go").label == FIXTURE["es"]["Start the assessment"]
    at.text_input(key="start_org").input("Sevilla SA")
    at.button(key="start_go").click()
    run(at)
    # The questionnaire's words come from its Spanish translation file; the address keeps ?lang=es.
    assert at.query_params["lang"] == "es" and at.query_params["r"]
    assert at.session_state["tandem_language"] == "es"
    spanish = translations.load_translation(current, "es")
    assert at.header[0].value.endswith(spanish.dimensions[0].title)
    # The personal link the start page shows carries the language too.
    run(at.switch_page("pages/start.py"))
    link = at.code[0].value
    assert f"r={at.query_params['r']}" in link and link.endswith("lang=es")


def test_an_unknown_link_language_falls_back(db_path, small_catalogs):
    at = run(app(locale="fr-FR", lang="xx"))
    assert at.title[0].value == FIXTURE["fr"][TITLE]


def test_the_picker_changes_the_language_and_the_address(db_path, small_catalogs):
    at = run(app(locale="fr-FR"))
    assert at.title[0].value == FIXTURE["fr"][TITLE]
    picker = at.selectbox(key="tandem_language_pick")
    # Each language is named in its own words, whatever the page's language.
    assert picker.options == ["English", "Français", "Deutsch", "Español"]
    picker.set_value("de")
    run(at)
    assert at.query_params["lang"] == "de" and at.title[0].value == FIXTURE["de"][TITLE]
    assert at.session_state["tandem_language"] == "de"


def test_a_rounds_default_language_greets_the_people_it_invites(db_path, small_catalogs, current):
    from assessment.store import Store

    store = Store(db_path)
    org = store.create_organisation("Hamburg GmbH", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q1", current, kind="consultant")
    store.engagements.set_round_language(rnd.id, "de")
    assert store.round(rnd.id).language == "de"
    with pytest.raises(ValueError, match="Language must be one of"):
        store.engagements.set_round_language(rnd.id, "pt")
    store.close()

    at = run(app(locale="es-ES", join=rnd.join_code))  # the round's default beats the browser
    assert at.title[0].value == FIXTURE["de"][TITLE]
    assert at.query_params["lang"] == "de"
    at = run(app(locale="es-ES", join=rnd.join_code, lang="fr"))  # a link's own language beats both
    assert at.title[0].value == FIXTURE["fr"][TITLE]


def test_the_console_sets_a_rounds_default_language(console_env, small_catalogs, current):
    from tests.test_console_pages import open_page, sign_in

    at = sign_in(open_page("pages/console.py"))
    next(t for t in at.text_input if t.label == "Organisation name").input("Client Co")
    at.button(key="FormSubmitter:console_new_org-Create organisation").click().run()
    at.button(key="FormSubmitter:console_new_round-Open a new round").click().run()
    picker = next(s for s in at.selectbox if s.key and s.key.startswith("console_round_language_"))
    assert picker.value == ""  # no default: each person's browser decides
    assert "lang=" not in at.code[0].value
    picker.set_value("es")
    run(at)
    assert at.code[0].value.endswith("lang=es")  # the join link greets invitees in Spanish

    from assessment.ui import _open_store

    store = _open_store(console_env)
    round_id = picker.key.removeprefix("console_round_language_")
    assert store.round(round_id).language == "es"


# each page in each language, with the real catalogs ---------------------------------------

# One label per page that the page always shows: the test reads its translation from the
# language's catalog, so it passes once the translators have translated it (and fails before).
KNOWN = {"start": TITLE, "questionnaire": "Next →", "results": "Against the benchmark"}


def expected(lang: str, msgid: str) -> str:
    if lang == "en":
        return msgid
    with catalogs.catalog_path(lang).open("rb") as handle:
        message = read_po(handle, locale=lang).get(msgid)
    assert message is not None and message.string, f"{lang}: {msgid!r} is not translated yet"
    return message.string


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_pages_in_each_language(lang, db_path, locale_dir):
    """Start, questionnaire and results in each language, from the real catalogs (compiled here)."""
    compile_into(locale_dir, {code: catalogs.catalog_path(code) for code in LANGS})
    want = {page: expected(lang, msgid) for page, msgid in KNOWN.items()}
    # AppTest calls a widget's format_func in the test's own thread too (to find the chosen
    # option among the labels): that thread must read the same language as the app's.
    with i18n.using(lang):
        walk_through(lang, want)


def walk_through(lang: str, want: dict[str, str]) -> None:
    at = run(app(lang=lang))
    assert at.title[0].value == want["start"]
    at.text_input(key="start_org").input("Polyglot Ltd")
    at.button(key="start_go").click()
    run(at)
    assert at.button(key="qn_next").label == want["questionnaire"]
    for radio in at.radio:
        if radio.key and radio.key.startswith("qn_"):
            radio.set_value(3)
    at.button(key="qn_next").click()
    run(at)
    run(at.switch_page("pages/results.py"))
    assert want["results"] in [h.value for h in at.header]
    assert at.query_params["lang"] == lang


@pytest.mark.parametrize("lang", LANGS)
def test_the_console_and_administration_in_each_language(lang, db_path, locale_dir):
    """An administrator's console, administration and pool pages in each language, from the real
    catalogs: translated headings and choices, and no exception (accounts' words included)."""
    from assessment import accounts
    from assessment.store import Store
    from assessment.ui_signin import SESSION, _digest

    compile_into(locale_dir, {code: catalogs.catalog_path(code) for code in LANGS})
    store = Store(db_path)
    admin = accounts.add_account(store, accounts.CLI, "admin@example.com", "admin", "Ada", "a long password 2026")
    accounts.create_organisation(store, admin, "Lyon SA", "Retail", "1-249", "Europe")
    digest = _digest(store.accounts.get(admin.email).password_hash)
    store.close()
    with i18n.using(lang):  # AppTest formats widget options in this thread too
        at = app(lang=lang)
        at.session_state[SESSION] = (admin.email, "local", digest)  # signed in, as the sign-in form leaves it
        run(at)
        assert at.title[0].value == expected(lang, "Consultant console")  # a signed-in consultant's home
        assert expected(lang, "Rounds") in [h.value for h in at.header]
        assert [o.split(" · ")[1] for o in at.selectbox(key="console_pick").options] == [expected(lang, "Retail")]
        run(at.switch_page("pages/admin.py"))
        assert at.title[0].value == expected(lang, "Administration")
        assert expected(lang, "Audit log") in [h.value for h in at.header]
        assert at.selectbox(key="admin_account_role").options == [expected(lang, "consultant"), expected(lang, "administrator")]
        assert expected(lang, "every action") in at.selectbox(key="admin_audit_action").options
        assert "add account" in at.selectbox(key="admin_audit_action").options  # the log's words are data
        run(at.switch_page("pages/pool.py"))
        assert at.title[0].value == expected(lang, "Benchmark pool")
        assert at.query_params["lang"] == lang


def test_the_extractor_finds_calls_inside_f_strings_and_through_the_module() -> None:
    import io

    from assessment.i18n_extract import extract

    source = (
        "from assessment import i18n\n"
        "from assessment.i18n import N_, _, ngettext\n"
        "STATUS = {'open': i18n.N_('open')}\n"
        "x = f\"<h1>{_('Board brief')}</h1>\"\n"
        "y = ngettext('{n} round', '{n} rounds', n)\n"
        "z = _(name)\n"
    )
    found = [(line, name, message) for line, name, message, _c in extract(io.BytesIO(source.encode()), {}, (), {})]
    assert sorted(found) == [
        (3, "N_", "open"),
        (4, "_", "Board brief"),
        (5, "ngettext", ("{n} round", "{n} rounds")),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_workshop_benchmarks_and_method_in_each_language(lang, db_path, locale_dir, current):
    """A scored round in the workshop, the benchmarks and the method pages in each language:
    the app's words from the catalogs, the questionnaire's from its translation, numbers in the
    language's format, and no exception."""
    from assessment import accounts, translations
    from assessment.numbers import fmt_score
    from assessment.store import Store
    from assessment.ui_signin import SESSION, _digest

    compile_into(locale_dir, {code: catalogs.catalog_path(code) for code in LANGS})
    store = Store(db_path)
    store.register_questionnaire(current)
    admin = accounts.add_account(store, accounts.CLI, "admin@example.com", "admin", "Ada", "a long password 2026")
    org = accounts.create_organisation(store, admin, "Lyon SA", "Retail", "1-249", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", current, kind="consultant")
    for side, level in (("it", 4), ("marketing", 2)):
        person = store.create_respondent(rnd.id, side, "CIO" if side == "it" else "CMO")
        for x in current.questions:
            store.save_answer(person.id, x.id, level)
        store.mark_complete(person.id)
    digest = _digest(store.accounts.get(admin.email).password_hash)
    store.close()
    shown = translations.displayed(current, lang)
    with i18n.using(lang):
        at = app(lang=lang)
        at.session_state[SESSION] = (admin.email, "local", digest)
        run(at)
        run(at.switch_page("pages/workshop.py"))
        assert at.title[0].value == expected(lang, "Workshop")
        overall = next(m for m in at.metric if m.label == expected(lang, "Overall (both sides balanced)"))
        assert overall.value == fmt_score(3.0) and "," in overall.value  # 3,00 in fr, de and es
        assert expected(lang, "Largest disagreements") in [h.value for h in at.header]
        assert any(shown.dimensions[0].title in m.value for m in at.markdown)  # the translation's words
        run(at.switch_page("pages/benchmarks.py"))
        assert at.title[0].value == expected(lang, "Benchmarks")
        run(at.switch_page("pages/about.py"))
        assert at.title[0].value == expected(lang, "Method")
