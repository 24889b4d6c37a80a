"""The synthetic sample answers whatever questionnaire it is given, 1.0.0 or schema 2."""

from __future__ import annotations

import pytest

from assessment.cli import main
from assessment.demo import seed_demo
from assessment.questionnaire import load_all, load_questionnaire
from assessment.scoring import score_round
from assessment.store import Store
from tests.conftest import ROOT

V2 = ROOT / "questionnaires" / "cio-cmo-alignment-2.0.0.toml"


def _sample(store, q, orgs=30):
    assert seed_demo(store, q, orgs, seed=11) == orgs
    answers = store.db.frame(
        "SELECT a.question_id, a.level, p.role FROM answers a JOIN respondents p ON p.id = a.respondent_id"
    )
    return answers


def test_schema_2_sample_respects_roles_and_choice_questions(store, tiny2):
    answers = _sample(store, tiny2)
    leaders_only = {q.id for q in tiny2.questions if q.leaders_only}
    team = answers["role"].str.contains("team member")
    assert team.any() and (~team).any()
    assert not answers[team & answers["question_id"].isin(leaders_only)].shape[0]
    choice = answers[answers["question_id"] == "strategy-4"]["level"].dropna()
    assert set(choice) <= {1, 2, 3, 4, 5} and choice.nunique() > 1
    assert store.peers.peer_count(tiny2.key, synthetic=True) > 0


def test_schema_2_sample_scores_agree_with_python(store, tiny2):
    _sample(store, tiny2, 8)
    for rid in store.sample_round_ids(8):
        expected = score_round(tiny2, store.respondents_of(rid, completed_only=True))
        stored = store.round_scores(rid)
        for did in tiny2.dimension_ids:
            want = expected.dimensions[did].value
            assert (stored.get(did) is None) == (want is None)
            if want is not None:
                assert stored[did] == pytest.approx(want)


@pytest.mark.skipif(not V2.exists(), reason="questionnaire 2.0.0 is not installed yet")
def test_sample_for_the_real_2_0_0(store):
    q = load_questionnaire(V2)
    answers = _sample(store, q, 10)
    assert set(answers["question_id"]) == {x.id for x in q.questions}
    assert store.peers.peer_count(q.key, synthetic=True) == 10


def test_seed_demo_takes_a_version(tmp_path, capsys):
    db = str(tmp_path / "t.duckdb")
    installed = load_all()
    versions = sorted(v for i, v in installed if i == "cio-cmo-alignment")
    assert main(["seed-demo", "--db", db, "--orgs", "6", "--version", versions[0]]) == 0
    assert main(["seed-demo", "--db", db, "--orgs", "6", "--version", "9.9.9"]) == 2
    assert "no questionnaire version 9.9.9 is installed" in capsys.readouterr().err
    store = Store(db)
    try:
        assert store.peers.peer_count(("cio-cmo-alignment", versions[0]), synthetic=True) == 6
    finally:
        store.close()
