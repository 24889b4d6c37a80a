"""Erasure and deletion: complete, confirmed, audited, and scores recomputed."""

from __future__ import annotations

import pytest

from assessment import cli, exchange
from assessment.demo import seed_demo
from assessment.store import InvalidInputError, Store


def _round(store: Store, q, name: str = "Erase Co", levels=((5, 4), (1, 2))):
    org = store.create_organisation(name, "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q)
    people = []
    for side, (level, rating) in zip(("it", "marketing"), levels, strict=True):
        person = store.create_respondent(rnd.id, side, "Lead", display_name=f"{name} {side} person")
        for question in q.questions:
            store.save_answer(person.id, question.id, level)
        for dimension in q.dimensions:
            store.save_importance(person.id, dimension.id, rating)
        store.mark_complete(person.id)
        people.append(person)
    return org, rnd, people


def _count(store: Store, sql: str, params=()) -> int:
    return int(store.db.execute(sql, params)[0][0])


def test_erasing_a_respondent_removes_everything_of_theirs_and_rescores(store, tiny):
    org, rnd, (cio, cmo) = _round(store, tiny)
    assert store.round_scores(rnd.id)["overall"] == pytest.approx(3.0)
    removed = store.operations.erase_respondent(cmo.id, actor="console")
    assert store.respondent(cmo.id) is None and store.respondent_by_token(cmo.token) is None
    assert store.answers_for(cmo.id) == {} and store.importance_for(cmo.id) == {}
    assert _count(store, "SELECT count(*) FROM respondents WHERE display_name LIKE '%marketing person'") == 0
    assert store.round_scores(rnd.id)["overall"] == pytest.approx(5.0)  # the CIO alone now
    assert store.answers_for(cio.id) and store.respondent(cio.id) is not None
    audit = store.operations.audit_log()
    assert audit["action"].tolist() == ["erase respondent"] and audit["subject"].tolist() == [cmo.id]
    assert f"{len(tiny.questions)} answers" in removed.detail
    assert "marketing person" not in " ".join(audit.astype(str).to_numpy().ravel())  # never the name


def test_erasing_in_a_closed_round_works_too(store, tiny):
    _, rnd, (cio, _) = _round(store, tiny)
    store.engagements.close_round(rnd.id)
    store.operations.erase_respondent(cio.id, actor="command line")
    assert store.respondent(cio.id) is None


def test_erasing_nobody_changes_nothing(store, tiny):
    _round(store, tiny)
    with pytest.raises(InvalidInputError, match="no respondent"):
        store.operations.erase_respondent("R-NOPE", actor="console")
    assert store.operations.audit_log().empty


def test_deleting_an_organisation_takes_everything_of_it_and_nothing_else(store, tiny):
    org, rnd, _ = _round(store, tiny, "Test Org")
    other, other_round, _ = _round(store, tiny, "Real Client")
    store.engagements.set_targets(rnd.id, {"strategy": 4})
    before = _count(store, "SELECT count(*) FROM answers")
    with pytest.raises(InvalidInputError, match="type its name exactly"):
        store.operations.delete_organisation(org.id, actor="console", confirm_name="Test")
    assert store.organisation(org.id) is not None
    store.operations.delete_organisation(org.id, actor="console", confirm_name="Test Org")
    assert store.organisation(org.id) is None and store.rounds_of(org.id) == []
    for table, column in [("targets", "round_id"), ("round_scores", "round_id")]:
        assert _count(store, f"SELECT count(*) FROM {table} WHERE {column} = ?", [rnd.id]) == 0  # noqa: S608
    assert _count(store, "SELECT count(*) FROM peer_scores WHERE organisation_id = ?", [org.id]) == 0
    assert _count(store, "SELECT count(*) FROM answers") == before // 2
    assert store.organisation(other.id) is not None and store.round_scores(other_round.id)
    assert store.operations.audit_log()["action"].tolist() == ["delete organisation"]


def test_the_synthetic_sample_is_not_deleted_one_by_one(store, real):
    seed_demo(store, real, 5)
    org_id = store.db.execute("SELECT id, name FROM organisations WHERE synthetic LIMIT 1")[0]
    with pytest.raises(InvalidInputError, match="synthetic"):
        store.operations.delete_organisation(org_id[0], actor="console", confirm_name=org_id[1])


def test_deleting_an_imported_benchmark_set(store, real):
    seed_demo(store, real, 12)
    set_id = exchange.import_benchmarks(
        store, exchange.export_benchmarks(store, real.key, synthetic=True).encode(), {real.key: real}, "Demo"
    )
    assert store.benchmark_sets.benchmark_row_count() > 0
    store.operations.delete_benchmark_set(set_id, actor="console")
    assert store.benchmark_sets.benchmark_set(set_id) is None and store.benchmark_sets.benchmark_row_count() == 0
    assert store.benchmark_sets.list_benchmark_sets().empty
    with pytest.raises(InvalidInputError):
        store.operations.delete_benchmark_set(set_id, actor="console")
    # The same figures can be imported again once deleted.
    again = exchange.export_benchmarks(store, real.key, synthetic=True).encode()
    assert exchange.import_benchmarks(store, again, {real.key: real}, "Demo again") != set_id


def test_archive_and_undo_leave_and_rejoin_the_peers(store, tiny):
    org, _, _ = _round(store, tiny, "Archived Co")
    _round(store, tiny, "Staying Co")
    assert store.peers.peer_count(tiny.key, synthetic=False) == 2
    store.operations.set_archived(org.id, True, actor="console")
    assert store.peers.peer_count(tiny.key, synthetic=False) == 1
    assert [o.name for o in store.engagements.organisations()] == ["Staying Co"]
    assert {o.name for o in store.engagements.organisations(include_archived=True)} == {"Archived Co", "Staying Co"}
    store.operations.set_archived(org.id, False, actor="console")
    assert store.peers.peer_count(tiny.key, synthetic=False) == 2
    assert store.operations.audit_log()["action"].tolist() == [
        "restore organisation from archive",
        "archive organisation",
    ]


def test_cli_finds_erases_and_audits(tmp_path, tiny, capsys):
    path = str(tmp_path / "cli.duckdb")
    store = Store(path)
    org, _, (cio, _) = _round(store, tiny, "Cli Co")
    store.close()
    assert cli.main(["find-respondent", "--db", path, "--name", "cli co IT PERSON"]) == 0
    assert cio.id in capsys.readouterr().out
    assert cli.main(["find-respondent", "--db", path, "--link", f"http://x/?r={cio.token}"]) == 0
    assert cio.id in capsys.readouterr().out
    assert cli.main(["erase-respondent", "--db", path, cio.id]) == 1  # no terminal, no --yes
    assert "add --yes" in capsys.readouterr().err
    assert cli.main(["erase-respondent", "--db", path, cio.id, "--yes"]) == 0
    assert f"Erased {cio.id}" in capsys.readouterr().out
    assert cli.main(["delete-organisation", "--db", path, org.id, "--confirm-name", "wrong"]) == 2
    assert cli.main(["archive", "--db", path, org.id]) == 0
    assert cli.main(["archive", "--db", path, org.id, "--undo"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "--db", path]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "happened_at,actor,action,subject,detail"
    assert "erase respondent" in out and "archive organisation" in out and "Cli Co it person" not in out


def test_erasure_and_deletion_reach_the_benchmark_pool(store, tiny):
    org, rnd, (cio, cmo) = _round(store, tiny, "Pooled Co")
    store.pool.approve_round(rnd.id, "consultant", include_self_assessed=True)
    before = store.pool.benchmark_entry(rnd.id)
    assert before is not None
    store.operations.erase_respondent(cmo.id, actor="console")
    snapshot = dict(
        store.db.execute(
            "SELECT dimension_id, score FROM benchmark_entry_scores WHERE round_id = ?", [rnd.id]
        )
    )
    assert snapshot["overall"] == pytest.approx(5.0)  # retaken without the erased person
    store.operations.delete_organisation(org.id, actor="console", confirm_name="Pooled Co")
    assert store.pool.benchmark_entry(rnd.id) is None
    assert _count(store, "SELECT count(*) FROM benchmark_entry_scores WHERE round_id = ?", [rnd.id]) == 0
