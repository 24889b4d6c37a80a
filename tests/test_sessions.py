"""Where a respondent resumes, what signing out forgets, and the console's reload session."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from assessment import console_session, sessions
from assessment.store import Store
from tests.conftest import APP


def test_resume_step_is_the_first_step_with_an_open_question(real):
    first_two = {q.id: 3 for d in real.dimensions[:2] for q in d.questions}
    assert sessions.resume_step(real, {}) == 0
    assert sessions.resume_step(real, first_two) == 2
    # "Don't know" is an answer: the step is done.
    assert sessions.resume_step(real, {**first_two, **{q.id: None for q in real.dimensions[2].questions}}) == 3
    everything = {q.id: 2 for q in real.questions}
    assert sessions.resume_step(real, everything) == len(real.dimensions) - 1
    # A step named in the link wins, within bounds; nonsense is ignored.
    assert sessions.resume_step(real, first_two, "5") == 4
    assert sessions.resume_step(real, first_two, "99") == len(real.dimensions) - 1
    assert sessions.resume_step(real, first_two, "abc") == 2


def test_console_session_token_is_bounded_and_bound_to_the_account_and_password():
    stored = "scrypt$16384$8$1$c2FsdA==$ZGlnZXN0"
    token = console_session.issue(stored, "ana@example.com", now=1_000.0, lifetime=60)
    assert console_session.claimed_email(token) == "ana@example.com"
    assert console_session.valid(token, stored, now=1_059.0)
    assert not console_session.valid(token, stored, now=1_060.0)  # expired
    assert not console_session.valid(token, stored.replace("ZGln", "ZGlx"), now=1_001.0)  # password changed
    email, expires, mac = token.split(".")
    assert not console_session.valid(f"{email}.{int(expires) + 3600}.{mac}", stored, now=1_001.0)  # extended
    other = console_session.issue(stored, "bob@example.com", now=1_000.0, lifetime=60).split(".")[0]
    assert not console_session.valid(f"{other}.{expires}.{mac}", stored, now=1_001.0)  # another account
    for junk in (None, "", "abc", "1.2.3", "x.y", "%%%.1.2", "a.b.c.d"):
        assert not console_session.valid(junk, stored, now=0.0)
    assert "Max-Age=60" in console_session.set_cookie_script(token, 60)
    assert console_session.set_cookie_script("'; alert(1); '", 60).count("alert") == 0


def _start(at: AppTest, name: str) -> AppTest:
    at.text_input(key="start_org").input(name)
    at.button(key="start_go").click().run()
    assert not at.exception
    return at


def test_starting_over_forgets_the_previous_respondents_place(db_path, real):
    at = _start(AppTest.from_file(APP, default_timeout=30).run(), "First Co")
    at.button(key="qn_next").click().run()
    at.button(key="qn_next").click().run()
    assert any(s.value.startswith("Step 3 of") for s in at.header)
    at.switch_page("pages/start.py").run()
    at.button[2].click().run()  # "Start over as someone else"
    assert at.text_input(key="start_org").value == ""
    _start(at, "Second Co")
    assert any(s.value.startswith("Step 1 of") for s in at.header)


def test_personal_link_resumes_at_the_first_open_step(db_path, real):
    store = Store(db_path)
    person = sessions.start_self_assessment(
        store, real, organisation="Resume Co", industry="Retail", size_band="1-249", region="Europe",
        side="it", role="CIO",
    )  # fmt: skip
    for d in real.dimensions[:3]:
        for q in d.questions:
            store.save_answer(person.id, q.id, 3)
    store.close()
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["r"] = person.token
    at.run().switch_page("pages/questionnaire.py").run()
    assert not at.exception
    assert any(s.value.startswith("Step 4 of") for s in at.header)


def test_invite_link_names_the_organisation_and_preselects_the_other_side(db_path, real):
    store = Store(db_path)
    person = sessions.start_self_assessment(
        store, real, organisation="Invite Co", industry="Retail", size_band="1-249", region="Europe",
        side="it", role="CIO",
    )  # fmt: skip
    code = store.round(person.round_id).join_code
    store.close()
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["join"] = code
    at.query_params["side"] = "marketing"
    at.run()
    assert not at.exception
    assert any("Invite Co" in i.value for i in at.info)
    assert at.radio(key="start_side").value == "marketing"
    assert at.radio(key="start_mode").value == "join"
