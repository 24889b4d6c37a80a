"""Within a round (issue 12, point 4): a respondent downloads only their own answers; one or two
people's figures are called so; a consultant's round shows respondents the organisation's results
only once released; the console makes no untrue anonymity claim and lists no joinable names."""

from __future__ import annotations

import csv
import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from assessment import report, sessions
from assessment.report import wording
from assessment.rounds import load_round
from assessment.store import Store
from tests.conftest import APP
from tests.test_console_pages import open_page, sign_in

TIMEOUT = 30


def _round(
    store: Store, q, kind: str, people=(("it", "CIO", 4), ("marketing", "CMO", 2), ("marketing", "Team", 3))
):
    org = store.create_organisation("Northwind", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q, kind=kind)
    joined = []
    for side, role, level in people:
        person = sessions.join_round(
            store, rnd.join_code, side=side, role=role, display_name=f"{role} person"
        )
        for question in q.questions:
            store.save_answer(person.id, question.id, level)
        store.mark_complete(person.id)
        joined.append(store.respondent(person.id))
    return org, rnd, joined


def _results(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["r"] = token
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_respondent_downloads_only_their_own_answers(store, real):
    _, rnd, (cio, cmo, team) = _round(store, real, "self")
    seen_by_cio = load_round(store, {real.key: real}, rnd.id, viewer_id=cio.id)
    assert len(seen_by_cio.respondents) == 3  # the organisation's scores use everyone's answers …
    assert set(seen_by_cio.responses["respondent"]) == {cio.id}  # … the raw answers are the CIO's own
    raw = list(csv.DictReader(io.StringIO(report.build_report(seen_by_cio, "csv").decode())))
    assert {row["respondent"] for row in raw} == {cio.id} and len(raw) == len(real.questions)
    book = pd.read_excel(io.BytesIO(report.build_report(seen_by_cio, "xlsx")), sheet_name="Raw answers")
    assert set(book["respondent"]) == {cio.id}
    consultant = load_round(store, {real.key: real}, rnd.id)  # the console's view: everyone, pseudonymous
    assert set(consultant.responses["respondent"]) == {cio.id, cmo.id, team.id}


def test_one_or_two_people_are_called_so_wherever_their_side_is_shown(db_path, real):
    store = Store(db_path)
    _, rnd, (cio, *_) = _round(store, real, "self")
    scored = load_round(store, {real.key: real}, rnd.id)
    note = "The IT side is one person's view; the marketing side is two people's view, not a team's"
    assert scored.few_people_note.startswith(note)
    assert load_round(store, {real.key: real}, rnd.id, respondent_id=cio.id).few_people_note is None
    assert note in report.build_report(scored, "html").decode("utf-8").replace("&#x27;", "'")
    assert wording.few_people_sentence(scored) == scored.few_people_note
    store.close()
    at = _results(cio.token)
    at.segmented_control(key="results_view").set_value("organisation").run()
    assert any(note in c.value.replace("\\", "") for c in at.caption), [c.value for c in at.caption]


def test_a_consultants_round_shows_its_results_only_once_released(db_path, real):
    store = Store(db_path)
    _, rnd, (cio, *_) = _round(store, real, "consultant")
    store.close()
    at = _results(cio.token)
    assert at.segmented_control(key="results_view").options == ["My answers"]
    assert any("results are shared by your consultant" in i.value for i in at.info)
    assert not at.get("vega_lite_chart") or all(
        "differently" not in el.proto.spec for el in at.get("vega_lite_chart")
    )
    store = Store(db_path)
    store.pool.release_results(rnd.id, "Ada")
    assert store.pool.results_released(rnd.id)
    store.close()
    at = _results(cio.token)
    assert len(at.segmented_control(key="results_view").options) == 2
    assert any("differently" in el.proto.spec for el in at.get("vega_lite_chart"))


def test_console_lists_names_that_cannot_be_joined_to_answers(console_env, real):
    store = Store(console_env)
    _, rnd, people = _round(store, real, "consultant", (("marketing", "Zed", 2), ("it", "Amy", 4)))
    named = store.engagements.named_respondents(rnd.id)
    assert list(named.columns) == ["display_name", "finished"]  # no side, no role
    assert list(named["display_name"]) == ["Amy person", "Zed person"]  # alphabetical, not join order
    raw = store.responses_frame(rnd.id)
    assert list(dict.fromkeys(raw["respondent"])) == sorted(p.id for p in people)  # by pseudonym
    store.close()
    at = sign_in(open_page("pages/console.py"))
    assert not at.exception
    text = " ".join(c.value for c in at.caption)
    assert "anonymous respondents stay anonymous" not in text
    assert "can still be recognised by anyone who knows who they are" in text
    assert "Respondents of 2026 Q4 see only their own answers" in text
    at.button(key="console_release").click().run()
    assert Store(console_env).pool.results_released(rnd.id)
