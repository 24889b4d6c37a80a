"""AppTest for each page: start, answer, navigate, resume, results, method; bad input on the way."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from assessment import benchmarks, report, sessions
from assessment.demo import seed_demo
from assessment.store import Store
from tests.conftest import APP

TIMEOUT = 30


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def start_as_cio(at: AppTest, name: str = "Acme Retail") -> AppTest:
    at.text_input(key="start_org").input(name)
    at.button(key="start_go").click().run()
    return no_exception(at)


def answer_step(at: AppTest, level: int) -> AppTest:
    """Pick ``level`` for every question of the step; like a browser, nothing is sent until a
    button of the step's form is pressed."""
    for radio in at.radio:
        if radio.key and radio.key.startswith("qn_"):
            radio.set_value(level)
    return at


def test_start_page_explains_itself(db_path, current):
    at = no_exception(app())
    assert "how well do your CIO and CMO work together" in at.title[0].value
    assert f"{len(current.questions)} questions" in at.markdown[0].value
    assert f"{len(current.dimensions)} dimensions" in at.markdown[0].value
    assert at.button(key="start_go").label == "Start the assessment"


def test_empty_organisation_name_is_refused(db_path):
    at = app()
    at.button(key="start_go").click().run()
    assert [e.value for e in at.error] == ["Organisation name cannot be empty."]
    assert "tandem_token" not in at.session_state


def test_questionnaire_saves_a_step_when_the_respondent_moves_on(db_path, current):
    at = start_as_cio(app())
    assert f"Step 1 of {len(current.dimensions)}" in at.header[0].value
    token = at.session_state["tandem_token"]
    rid = _respondent(db_path, token).id
    # Picking an answer stays in the step's form (in a browser, no round trip to the server).
    at.radio(key=f"qn_{rid}_strategy-1").set_value(4)
    at.radio(key=f"qn_{rid}_strategy-2").set_value(0)  # don't know
    assert _answers(db_path, token) == {}
    no_exception(at.button(key="qn_next").click().run())
    assert _answers(db_path, token) == {"strategy-1": 4, "strategy-2": None}
    assert f"2 of {len(current.questions)} questions answered" in at.get("progress")[0].proto.text
    assert f"Step 2 of {len(current.dimensions)}" in at.header[0].value


def _asks_twice() -> None:
    """A run in which the router and then the page ask who the respondent is."""
    import streamlit as st

    from assessment import ui

    first, second = ui.current_respondent(), ui.current_respondent()
    st.write(f"{first.id} {second.id} {second.completed_at is not None}")


def _two_runs_on_one_thread() -> None:
    """The server runs a session's queued reruns on one thread: the second run must not reuse
    the first run's respondent (AppTest gives every run a thread of its own)."""
    import streamlit as st

    from assessment import ui

    this_run, first_run, second_run = ui._this_run, object(), object()
    try:
        ui._this_run = lambda: first_run
        ui.current_respondent()
        ui._this_run = lambda: second_run
        ui.current_respondent()
    finally:
        ui._this_run = this_run
    st.write("asked")


def test_each_run_reads_the_respondent_once_and_afresh(db_path, current, monkeypatch):
    store = Store(db_path)
    try:
        record = sessions.start_self_assessment(
            store, current, organisation="Acme", industry="Retail", size_band="250-999", region="Europe",
            side="it", role="CIO",
        )  # fmt: skip
    finally:
        store.close()
    lookups = []
    looked_up = Store.respondent_by_token

    def counted(self, token):  # noqa: ANN001, ANN202
        lookups.append(token)
        return looked_up(self, token)

    at = AppTest.from_function(_asks_twice, default_timeout=TIMEOUT)
    at.session_state["tandem_token"] = record.token
    no_exception(at.run())  # the first run also looks up the round's language, once per session
    monkeypatch.setattr(Store, "respondent_by_token", counted)
    no_exception(at.run())
    assert at.markdown[0].value == f"{record.id} {record.id} False"
    assert lookups == [record.token]  # once for the run, however often it is asked
    from assessment.ui import _open_store

    _open_store(db_path).mark_complete(record.id)
    no_exception(at.run())  # the next run reads it afresh: finished now
    assert at.markdown[0].value == f"{record.id} {record.id} True"
    assert lookups == [record.token, record.token]
    lookups.clear()
    one_thread = AppTest.from_function(_two_runs_on_one_thread, default_timeout=TIMEOUT)
    one_thread.session_state["tandem_token"] = record.token
    one_thread.query_params["lang"] = "en"  # no lookup of the round's language
    no_exception(one_thread.run())
    assert lookups == [record.token, record.token]


def test_jumping_to_a_step_saves_the_step_and_an_untouched_step_writes_nothing(db_path, current):
    at = start_as_cio(app())
    token = at.session_state["tandem_token"]
    rid = _respondent(db_path, token).id
    at.radio(key=f"qn_{rid}_strategy-1").set_value(2)
    at.select_slider(key=f"qn_imp_{rid}_strategy").set_value(5)
    at.button(key="qn_jump_3").click().run()
    assert f"Step 4 of {len(current.dimensions)}" in at.header[0].value
    assert _answers(db_path, token) == {"strategy-1": 2}
    store = Store(db_path)
    try:
        assert store.importance_for(rid) == {"strategy": 5}
    finally:
        store.close()
    at.button(key="qn_next").click().run()  # step 4 untouched: nothing written, importance left unset
    store = Store(db_path)
    try:
        assert store.importance_for(rid) == {"strategy": 5}
        assert _answers(db_path, token) == {"strategy-1": 2}
    finally:
        store.close()


def test_back_and_next_and_resume_with_the_personal_link(db_path, current):
    steps = len(current.dimensions)
    at = start_as_cio(app())
    token = at.session_state["tandem_token"]
    answer_step(at, 3)
    at.button(key="qn_next").click().run()
    assert f"Step 2 of {steps}" in at.header[0].value
    answer_step(at, 2)
    at.button(key="qn_next").click().run()
    # A new browser session with only the personal link finds every answer and the step.
    again = no_exception(app(r=token, step="2"))
    again.switch_page("pages/questionnaire.py").run()
    first_two = len(current.dimensions[0].questions) + len(current.dimensions[1].questions)
    assert (
        f"{first_two} of {len(current.questions)} questions answered" in again.get("progress")[0].proto.text
    )
    rid = _respondent(db_path, token).id
    again.button(key="qn_back").click().run()
    assert f"Step 1 of {steps}" in again.header[0].value
    assert again.radio(key=f"qn_{rid}_strategy-1").value == 3


def test_finish_shows_results_against_the_synthetic_benchmark(db_path, current, monkeypatch):
    store = Store(db_path)
    seed_demo(store, current, 20)
    store.close()
    at = start_as_cio(app())
    steps = len(current.dimensions)
    for step in range(steps):
        answer_step(at, 1 + step % 5)
        key = "qn_finish" if step == steps - 1 else "qn_next"
        at.button(key=key).click().run()
    no_exception(at)
    headers = [h.value for h in at.header]
    assert headers[:3] == ["Against the benchmark", "Where IT and marketing see things differently",
                           "Priorities: what to do next"]  # fmt: skip
    assert any("Synthetic sample" in c.value for c in at.caption)
    assert any("synthetic sample" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Maturity level"].split(" · ")[1] in {lv.name for lv in current.levels[:3]}
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert len(specs) == 2  # benchmark and priorities; no gap chart with one side only
    assert any("The gap appears once both sides have answered" in i.value for i in at.info)
    assert "?join=" in at.code[0].value

    # A peer group too small to show falls back to all organisations and says so.
    at.segmented_control(key="results_bench_segment").set_value("industry").run()
    no_exception(at)
    assert any(w.value == benchmarks.TOO_FEW for w in at.warning)
    assert any("All organisations" in c.value for c in at.caption)

    built: list[str] = []
    real_build = report.build_report
    monkeypatch.setattr(report, "build_report", lambda data, fmt, **kw: built.append(fmt) or real_build(data, fmt))

    def download_labels() -> list[str]:
        return [b.proto.label for b in at.get("download_button")]

    at.radio(key="results_report_organisation_fmt").set_value("pptx").run()
    no_exception(at)
    # One click from format to file: the button is there at once and builds only when clicked.
    assert "Download the Workshop deck (PowerPoint)" in download_labels()
    assert not [b for b in at.button if "Prepare" in b.label]
    assert any(re.search(r"Saved as tandem-.*-workshop-deck-\d{4}-\d\d-\d\d\.pptx", c.value) for c in at.caption)
    assert built == []  # nothing was rendered by the reruns


def test_cmo_joining_shows_the_gap(db_path, real):
    store = Store(db_path)
    cio = sessions.start_self_assessment(
        store, real, organisation="Gap Co", industry="Retail", size_band="250-999", region="Europe",
        side="it", role="CIO",
    )  # fmt: skip
    for question in real.questions:
        store.save_answer(cio.id, question.id, 4)
    store.mark_complete(cio.id)
    code = store.round(cio.round_id).join_code
    store.close()
    at = app(join=code)
    assert at.radio(key="start_mode").value == "join"
    assert at.text_input(key="start_code").value == code
    at.radio(key="start_side").set_value("marketing").run()
    at.button(key="start_join").click().run()
    no_exception(at)
    assert "Step 1 of 8" in at.header[0].value
    for step in range(8):
        answer_step(at, 2)
        at.button(key="qn_finish" if step == 7 else "qn_next").click().run()
    no_exception(at)
    assert at.segmented_control(key="results_view").value == "organisation"
    assert any("gap of a full level or more" in m.value for m in at.markdown)
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert any("Marketing rates higher" in json.dumps(s) or "IT rates higher" in json.dumps(s) for s in specs)


def test_a_code_typed_and_joined_in_one_go_joins_with_that_code(db_path, real):
    """Typing the code and clicking Join reach the server together (the field commits as the
    button takes the click): Join uses the code just typed, its role and its name."""
    store = Store(db_path)
    org = store.create_organisation("Typed Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "Workshop", real, kind="consultant")
    store.close()
    at = app()
    at.radio(key="start_mode").set_value("join").run()
    at.radio(key="start_side").set_value("marketing").run()
    at.text_input(key="start_code").input(rnd.join_code)
    at.text_input(key="start_display").input("Maria")
    at.button(key="start_join").click().run()
    no_exception(at)
    assert "Step 1 of 8" in at.header[0].value and not at.error
    store = Store(db_path)
    try:
        (person,) = store.respondents_of(rnd.id)
        assert person.side == "marketing"
        assert store.engagements.named_respondents(rnd.id)["display_name"].tolist() == ["Maria"]
    finally:
        store.close()


@pytest.mark.parametrize("code", ["nonsense", "0000-0000-0000-0000", ""])
def test_wrong_join_code_gets_a_clear_message(db_path, code):
    at = app(join=code) if code else app()
    if not code:
        at.radio(key="start_mode").set_value("join").run()
    at.button(key="start_join").click().run()
    assert [e.value for e in at.error] == [sessions.WRONG_CODE]
    assert "tandem_token" not in at.session_state


def test_bad_personal_link(db_path):
    at = no_exception(app(r="not-a-real-token"))
    assert "That personal link is not valid" in at.error[0].value


def test_questionnaire_and_results_without_a_respondent_explain_what_to_do(db_path):
    at = app()
    at.switch_page("pages/questionnaire.py").run()
    assert "Start an assessment or open your personal link first." in no_exception(at).info[0].value
    at.switch_page("pages/results.py").run()
    assert "appear here once you have started" in no_exception(at).info[0].value


def test_method_page_lists_the_rules_and_sources(db_path):
    at = app()
    at.switch_page("pages/about.py").run()
    text = " ".join(m.value for m in no_exception(at).markdown)
    assert "mean of the IT side's mean and the marketing side's" in text
    assert "58 % of IT executives" in text or "58 %" in text
    assert "fewer than **5 organisations is never shown" in text


def test_invalid_questionnaire_file_stops_the_app_and_logs_the_field(db_path, tmp_path, monkeypatch, caplog):
    from tests.conftest import REAL

    broken = tmp_path / "q"
    broken.mkdir()
    (broken / "x.toml").write_text(REAL.read_text().replace('version = "1.0.0"', 'version = "1.0"', 1))
    monkeypatch.setenv("TANDEM_QUESTIONNAIRES", str(broken))
    at = app()
    assert "Tandem is not available right now" in at.error[0].value
    assert str(broken) not in at.error[0].value and not at.code  # no path or field for a visitor
    assert "version: expected MAJOR.MINOR.PATCH" in caplog.text and str(broken) in caplog.text


def test_database_from_a_newer_tandem_is_refused(db_path, caplog):
    store = Store(db_path)
    store.db.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    store.close()
    at = app()
    assert "Tandem is not available right now" in at.error[0].value
    assert db_path not in at.error[0].value  # the reason, with the path, is for the operator's log
    assert "schema version 99" in caplog.text and db_path in caplog.text


def _respondent(db_path, token):
    from assessment.ui import _open_store

    return _open_store(db_path).respondent_by_token(token)


def _answers(db_path, token):
    from assessment.ui import _open_store

    store = _open_store(db_path)
    return store.answers_for(store.respondent_by_token(token).id)


def test_respondent_changes_side_and_keeps_answers(db_path, real):
    at = start_as_cio(app())
    token = at.session_state["tandem_token"]
    answer_step(at, 4)
    at.button(key="qn_next").click().run()
    at.switch_page("pages/start.py").run()
    at.radio(key="start_change_side").set_value("marketing").run()
    at.button(key="start_change_side_go").click().run()
    no_exception(at)
    assert "as **Marketing**" in at.success[0].value
    record = _respondent(db_path, token)
    assert record.side == "marketing"
    assert set(_answers(db_path, token).values()) == {4}


def test_two_tabs_of_one_respondent_last_change_wins(db_path, current):
    first = start_as_cio(app())
    token = first.session_state["tandem_token"]
    rid = _respondent(db_path, token).id
    second = no_exception(app(r=token))
    second.switch_page("pages/questionnaire.py").run()
    first.radio(key=f"qn_{rid}_strategy-1").set_value(2)
    first.button(key="qn_next").click().run()
    second.radio(key=f"qn_{rid}_strategy-1").set_value(5)
    second.radio(key=f"qn_{rid}_strategy-2").set_value(3)
    second.button(key="qn_next").click().run()
    assert _answers(db_path, token) == {"strategy-1": 5, "strategy-2": 3}
    # The first tab reads the store again on its next run and shows the progress from both;
    # going back to step 1 and on again without touching anything keeps the second tab's answers.
    first.button(key="qn_back").click().run()
    assert first.radio(key=f"qn_{rid}_strategy-1").value == 5
    first.button(key="qn_next").click().run()
    assert _answers(db_path, token) == {"strategy-1": 5, "strategy-2": 3}
    assert f"2 of {len(current.questions)} questions answered" in first.get("progress")[0].proto.text


def test_closed_round_keeps_answers_readable_and_refuses_changes(db_path, real):
    store = Store(db_path)
    cio = sessions.start_self_assessment(
        store, real, organisation="Closed Co", industry="Retail", size_band="250-999", region="Europe",
        side="it", role="CIO",
    )  # fmt: skip
    store.save_answer(cio.id, "strategy-1", 3)
    store.engagements.close_round(cio.round_id)
    store.close()
    at = app(r=cio.token)
    at.switch_page("pages/questionnaire.py").run()
    no_exception(at)
    assert "This round is closed" in at.warning[0].value
    radio = at.radio(key=f"qn_{cio.id}_strategy-1")
    assert radio.value == 3 and radio.disabled


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://host:8501/", "http://host:8501"),
        ("http://host:8501/console/", "http://host:8501"),
        ("http://host:8501/workshop?x=1", "http://host:8501"),
        ("https://tandem.example/app/results", "https://tandem.example/app"),
        ("https://tandem.example/app/", "https://tandem.example/app"),
    ],
)
def test_links_point_at_the_app_root_from_any_page(url, root, monkeypatch):
    from assessment import ui

    monkeypatch.setattr(ui.st, "context", type("Context", (), {"url": url})())
    assert ui.app_root() == root
    assert ui.join_link("ABCD-EFGH-JKMN-PQRS") == f"{root}/?join=ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize("picked", [True, False])  # with answers to save, and with nothing new
def test_finish_in_a_round_closed_a_moment_ago_says_so_and_keeps_the_respondent_on_the_step(db_path, real, picked):
    store = Store(db_path)
    org = store.create_organisation("Late Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "Workshop", real, kind="consultant")
    cio = sessions.join_round(store, rnd.join_code, side="it", role="CIO")
    store.close()
    at = app(r=cio.token)
    at.switch_page("pages/questionnaire.py").run()
    last = len(real.dimensions) - 1
    at.button(key=f"qn_jump_{last}").click().run()
    no_exception(at)
    if picked:
        answer_step(at, 3)
    closing = Store(db_path)
    try:
        closing.engagements.close_round(rnd.id)  # the consultant closes the round meanwhile
    finally:
        closing.close()
    at.button(key="qn_finish").click().run()
    no_exception(at)
    assert "This round has been closed" in at.error[0].value
    assert f"Step {last + 1} of {len(real.dimensions)}" in at.header[0].value
    record = _respondent(db_path, cio.token)
    assert record.completed_at is None and _answers(db_path, cio.token) == {}
