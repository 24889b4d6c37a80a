"""The questionnaire page under a schema-2 questionnaire: team members are not shown leaders-only
questions, and a choice question offers its options rather than levels."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, TINY, TINY2

TIMEOUT = 30


@pytest.fixture
def schema2_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny 1.0.0 and 2.0.0 installed as the app's questionnaire, so new rounds use 2.0.0."""
    directory = tmp_path / "questionnaires"
    directory.mkdir()
    for source in (TINY, TINY2):
        text = source.read_text().replace('id = "tiny"', 'id = "cio-cmo-alignment"', 1)
        (directory / source.name).write_text(text)
    monkeypatch.setenv("TANDEM_QUESTIONNAIRES", str(directory))
    return directory


def _start(side: str, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="start_side").set_value(side).run()
    at.selectbox(key=f"start_role_{side}").set_value(role).run()
    at.text_input(key="start_org").input("Acme Retail")
    at.button(key="start_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _round_version(db_path: str, at: AppTest) -> str:
    from assessment.ui import _open_store

    store = _open_store(db_path)
    return store.round(
        store.respondent_by_token(at.session_state["tandem_token"]).round_id
    ).questionnaire_version


def _question_keys(at: AppTest) -> list[str]:
    return [r.key.rsplit("_", 1)[1] for r in at.radio if r.key and r.key.startswith("qn_")]


def test_team_member_does_not_see_leaders_questions(db_path, schema2_installed):
    at = _start("marketing", "Marketing team member")
    assert _round_version(db_path, at) == "2.0.0"  # new rounds use the latest version
    assert "Step 1 of 3" in at.header[0].value
    assert _question_keys(at) == ["strategy-1", "strategy-3"]  # strategy-2 and -4 are for leaders
    assert "0 of 7 questions answered" in at.get("progress")[0].proto.text
    at.button(key="qn_next").click().run()
    assert _question_keys(at) == ["governance-1", "governance-2"]  # governance-3 is for leaders
    labels = [b.label for b in at.button if b.key and b.key.startswith("qn_jump_")]
    assert labels == ["1. Shared strategy (0/2)", "2. Governance (0/2)", "3. Consent and privacy (0/3)"]


def test_leader_sees_every_question_and_the_choice_options(db_path, schema2_installed):
    at = _start("marketing", "CMO")
    assert _question_keys(at) == ["strategy-1", "strategy-2", "strategy-3", "strategy-4"]
    assert "0 of 10 questions answered" in at.get("progress")[0].proto.text
    choice = at.radio(key=[r.key for r in at.radio if r.key and r.key.endswith("_strategy-4")][0])
    assert choice.options == [
        "The CIO",
        "The CMO",
        "A chief data or digital officer",
        "The CEO",
        "The CIO and CMO jointly",
        "Don't know",
    ]
    assert any("Not scored" in c.value for c in at.caption)
    scale = at.radio(key=[r.key for r in at.radio if r.key and r.key.endswith("_strategy-1")][0])
    assert scale.options[0] == "1 · Unaligned — strategy-1 level 1"
    choice.set_value(3)
    at.button(key="qn_next").click().run()
    assert not at.exception
    assert "1 of 10 questions answered" in at.get("progress")[0].proto.text


def test_team_member_resumes_past_questions_they_are_not_asked(tiny2):
    from assessment.sessions import resume_step

    team_done = {"strategy-1": 2, "strategy-3": None}  # all strategy asks of a team member
    assert resume_step(tiny2, team_done, role="Marketing team member") == 1
    assert resume_step(tiny2, team_done, role="CMO") == 0  # a leader still has strategy-2 and -4
    assert [d.id for d in tiny2.dimensions_for("Observer")] == ["strategy", "governance", "privacy"]
