"""Nothing of one organisation is reachable with another's codes and links; user text is shown
as text, never as HTML or Markdown."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from assessment import auth, formats, sessions
from assessment.store import Store
from tests.conftest import APP

PAGES = ["pages/start.py", "pages/questionnaire.py", "pages/results.py", "pages/about.py"]


def everything_shown(at: AppTest) -> str:
    """Every element's full protobuf text: labels, values, tables and chart data alike."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def two_organisations(path, real):
    store = Store(path)
    made = {}
    for name, level in (("Alpha Shared Services", 4), ("Bravo Confidential Holdings", 2)):
        cio = sessions.start_self_assessment(
            store, real, organisation=name, industry="Retail", size_band="250-999", region="Europe",
            side="it", role="CIO",
        )  # fmt: skip
        cmo = sessions.join_round(
            store,
            store.round(cio.round_id).join_code,
            side="marketing",
            role="CMO",
            display_name=f"{name} CMO",
        )
        for person in (cio, cmo):
            for question in real.questions:
                store.save_answer(person.id, question.id, level)
            store.mark_complete(person.id)
        made[name] = (cio, cmo, store.round(cio.round_id))
    store.close()
    return made


def test_nothing_of_b_is_reachable_with_a_link(db_path, real):
    made = two_organisations(db_path, real)
    a_cio, _, a_round = made["Alpha Shared Services"]
    b_cio, b_cmo, b_round = made["Bravo Confidential Holdings"]
    secrets_of_b = ["Bravo", b_cio.id, b_cmo.id, b_cio.token, b_round.id, b_round.join_code]
    for params in ({"r": a_cio.token}, {"join": a_round.join_code}):
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        for page in PAGES:
            at.switch_page(page).run()
            assert not at.exception
            shown = everything_shown(at)
            for secret in secrets_of_b:
                assert secret not in shown, (params, page, secret)
    store = Store(db_path)
    exported = formats.format_responses_csv(store.responses_frame(a_round.id))
    store.close()
    assert "Alpha Shared Services" in exported
    for secret in secrets_of_b:
        assert secret not in exported


def test_results_show_the_own_organisation(db_path, real):
    made = two_organisations(db_path, real)
    a_cio = made["Alpha Shared Services"][0]
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["r"] = a_cio.token
    at.run().switch_page("pages/results.py").run()
    assert "Alpha Shared Services" in everything_shown(at)  # the check above can see names


NASTY = "<script>alert('x')</script> **Bold** [link](javascript:alert(1)) :red[red] =CMD|' /C calc'!A0"


def test_user_text_is_stored_verbatim_and_shown_as_text(db_path, real, monkeypatch):
    store = Store(db_path)
    cio = sessions.start_self_assessment(
        store, real, organisation=NASTY, industry="Retail", size_band="250-999", region="Europe",
        side="it", role="CIO",
    )  # fmt: skip
    store.save_answer(cio.id, real.questions[0].id, 3)
    assert store.organisation(store.round(cio.round_id).organisation_id).name == NASTY
    exported = formats.format_responses_csv(store.responses_frame(cio.round_id))
    store.close()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0]["organisation"] == NASTY  # verbatim: it starts with "<", not a formula prefix
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["r"] = cio.token
    at.run()
    for page in ("pages/start.py", "pages/results.py"):
        at.switch_page(page).run()
        assert not at.exception
        markdown = [e.value for e in list(at.markdown) + list(at.caption) + list(at.success)]
        # Texts that show the name itself (a download's file name carries only a safe slug of it).
        carrying = [m for m in markdown if "<script" in m.replace("\\", "")]
        assert carrying, page
        for text in carrying:
            assert "\\<script\\>" in text and "\\*\\*Bold\\*\\*" in text and "\\:red\\[red\\]" in text


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_prefixes_are_neutralised_in_exports(prefix):
    assert formats.spreadsheet_safe(f"{prefix}SUM(A1)").startswith("'")


def test_console_requires_the_password_on_every_page(db_path, monkeypatch):
    monkeypatch.setenv(auth.ENV_VAR, auth.hash_password("a long console password"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    for page in ("pages/console.py", "pages/workshop.py"):
        at.switch_page(page).run()
        assert at.button(key="FormSubmitter:console_login-Sign in")
        assert not [t for t in at.title if t.value in ("Consultant console", "Workshop")]
