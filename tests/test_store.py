"""The DuckDB store: migrations, round trips, bad input, concurrency, SQL agreeing with Python."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.scoring import score_round
from assessment.store import (
    InvalidInputError,
    RoundClosedError,
    SchemaTooNewError,
    Store,
    StoreError,
)
from assessment.store.migrations import MIGRATIONS


def make_round(store, q, name="Acme"):
    org = store.create_organisation(name, "Retail", "250-999", "Europe")
    return org, store.create_round(org.id, "2026 Q4", q)


def test_migrations_from_an_empty_file(tmp_path, tiny):
    path = tmp_path / "sub" / "new.duckdb"
    store = Store(path)
    assert path.exists()
    assert store.db.schema_version() == len(MIGRATIONS)
    names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names == [name for name, _ in MIGRATIONS]
    store.close()
    again = Store(path)  # reopening applies nothing twice
    assert again.db.schema_version() == len(MIGRATIONS)
    again.close()


def test_round_trip_survives_reopening(tmp_path, tiny):
    path = tmp_path / "t.duckdb"
    store = Store(path)
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    store.save_answer(person.id, "strategy-1", 4)
    store.save_answer(person.id, "strategy-2", None)
    store.save_importance(person.id, "strategy", 5)
    store.close()
    store = Store(path)
    assert store.respondent_by_token(person.token) == person
    assert store.answers_for(person.id) == {"strategy-1": 4, "strategy-2": None}
    assert store.importance_for(person.id) == {"strategy": 5}
    store.close()


def test_answer_upsert_keeps_one_row_with_the_latest_value(store, tiny):
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    for level in (1, 3, None, 5):
        store.save_answer(person.id, "data-1", level)
    assert store.answers_for(person.id) == {"data-1": 5}
    assert store.db.execute("SELECT count(*) FROM answers")[0][0] == 1


@pytest.mark.parametrize("level", [0, 6, -1, True, "3", 2.5])
def test_out_of_range_level_is_refused_and_nothing_changes(store, tiny, level):
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    store.save_answer(person.id, "data-1", 2)
    with pytest.raises(InvalidInputError, match="1 to 5"):
        store.save_answer(person.id, "data-1", level)
    assert store.answers_for(person.id) == {"data-1": 2}


def test_unknown_question_is_refused(store, tiny):
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    with pytest.raises(InvalidInputError, match="not in questionnaire tiny 1.0.0"):
        store.save_answer(person.id, "strategy-9", 3)


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_organisation_name_is_checked(store, name):
    with pytest.raises(InvalidInputError):
        store.create_organisation(name, "Retail", "250-999", "Europe")


def test_names_are_stored_verbatim(store, tiny):
    nasty = 'Robert\'); DROP TABLE answers;-- <script>alert(1)</script> =HYPERLINK("x") 🚲'
    org, _ = make_round(store, tiny, nasty)
    assert store.organisation(org.id).name == nasty
    assert store.db.execute("SELECT count(*) FROM answers")[0][0] == 0  # table still there


def test_closed_round_refuses_changes_and_keeps_answers(store, tiny):
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    store.save_answer(person.id, "data-1", 2)
    store.db.execute("UPDATE rounds SET status = 'closed' WHERE id = ?", [rnd.id])
    with pytest.raises(RoundClosedError, match="kept"):
        store.save_answer(person.id, "data-1", 5)
    with pytest.raises(RoundClosedError):
        store.create_respondent(rnd.id, "marketing", "CMO")
    assert store.answers_for(person.id) == {"data-1": 2}


def test_join_code_finds_only_its_round(store, tiny):
    _, a = make_round(store, tiny, "A")
    _, b = make_round(store, tiny, "B")
    assert store.round_by_join_code(a.join_code).id == a.id
    assert store.round_by_join_code(a.join_code.lower().replace("-", " ")).id == a.id
    assert store.round_by_join_code(b.join_code).id == b.id
    assert store.round_by_join_code("0000-0000-0000-0000") is None
    assert store.round_by_join_code("'; DROP TABLE rounds; --") is None


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "future.duckdb"
    Store(path).close()
    store = Store(path)
    store.db.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', now())")
    store.close()
    with pytest.raises(SchemaTooNewError, match="schema version 99"):
        Store(path)
    con = duckdb.connect(str(path), read_only=True)  # the file is untouched: still version 99
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 99
    con.close()


def test_second_process_gets_a_clear_message(tmp_path):
    path = tmp_path / "locked.duckdb"
    store = Store(path)
    code = (
        "import sys\nfrom assessment.store import Store, StoreLockedError\n"
        f"try:\n    Store({str(path)!r})\nexcept StoreLockedError as e:\n    print(e); sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=os.getcwd())
    store.close()
    assert out.returncode == 3, out.stderr
    assert "is in use by another process" in out.stdout and str(path) in out.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_unwritable_directory_is_a_clear_error(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(StoreError, match="TANDEM_DB"):
        Store(locked / "x" / "t.duckdb")


def test_path_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="Cannot create the data directory"):
        Store(blocker / "t.duckdb")


def test_thirty_concurrent_respondents_lose_no_answer(tmp_path, real):
    store = Store(tmp_path / "c.duckdb")
    _, rnd = make_round(store, real)
    people = [store.create_respondent(rnd.id, "it" if i % 2 else "marketing", "Team") for i in range(30)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(people))

    def answer(person):
        try:
            start.wait()
            for i, question in enumerate(real.questions):
                store.save_answer(person.id, question.id, 1 + i % 5)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    count = store.db.execute("SELECT count(*) FROM answers")[0][0]
    assert count == 30 * len(real.questions)
    store.close()


answer_sets = st.lists(
    st.tuples(
        st.sampled_from(["it", "marketing", "other"]),
        st.fixed_dictionaries({}, optional={f"{d}-{i}": st.one_of(st.none(), st.integers(1, 5))
                                            for d in ("strategy", "governance", "data") for i in (1, 2, 3)}),
    ),
    min_size=1,
    max_size=5,
)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=answer_sets)
def test_sql_round_scores_agree_with_python_scoring(store, tiny, people):
    _, rnd = make_round(store, tiny)
    for side, answers in people:
        person = store.create_respondent(rnd.id, side, "Someone")
        for qid, level in answers.items():
            store.save_answer(person.id, qid, level)
        store.mark_complete(person.id)
    expected = score_round(tiny, store.respondents_of(rnd.id, completed_only=True))
    stored = store.round_scores(rnd.id)
    for did in tiny.dimension_ids:
        want = expected.dimensions[did].value
        assert (stored.get(did) is None) == (want is None)
        if want is not None:
            assert stored[did] == pytest.approx(want)
    assert (stored.get("overall") is None) == (expected.overall is None)
    if expected.overall is not None:
        assert stored["overall"] == pytest.approx(expected.overall)


def test_responses_frame_is_pseudonymous(store, tiny):
    _, rnd = make_round(store, tiny)
    person = store.create_respondent(rnd.id, "it", "CIO", display_name="Jane Doe")
    store.save_answer(person.id, "strategy-1", 3)
    frame = store.responses_frame(rnd.id)
    assert list(frame.columns) == [
        "questionnaire_id", "questionnaire_version", "organisation", "round", "respondent", "side",
        "question_id", "dimension_id", "level", "answered_at",
    ]  # fmt: skip
    assert frame.loc[0, "respondent"] == person.id
    assert "Jane Doe" not in frame.to_csv() and person.token not in frame.to_csv()


def _finished_round(store, q, org_id, name, level):
    rnd = store.create_round(org_id, name, q, kind="consultant")
    person = store.create_respondent(rnd.id, "it", "CIO")
    for question in q.questions:
        store.save_answer(person.id, question.id, level)
    store.mark_complete(person.id)
    store.engagements.close_round(rnd.id)
    return rnd


def test_peer_scores_follow_the_latest_round_and_archiving(store, tiny):
    orgs = [store.create_organisation(f"Org {i}", "Retail", "250-999", "Europe") for i in range(6)]
    for org in orgs:
        _finished_round(store, tiny, org.id, "2026 Q1", 2)
    assert store.peers.peer_count(tiny.key, synthetic=False) == 6
    _finished_round(store, tiny, orgs[0].id, "2026 Q3", 5)  # a later round replaces the earlier one
    rows = store.db.execute(
        "SELECT count(*), max(score) FROM peer_scores WHERE organisation_id = ? AND dimension_id = 'overall'",
        [orgs[0].id],
    )
    assert rows == [(1, 5.0)]
    store.engagements.archive_organisation(orgs[1].id)
    assert store.peers.peer_count(tiny.key, synthetic=False) == 5
    store.engagements.archive_organisation(orgs[1].id, archived=False)
    assert store.peers.peer_count(tiny.key, synthetic=False) == 6
    # Kept incrementally, the table equals a rebuild from scratch.
    before = store.db.execute("SELECT * FROM peer_scores ORDER BY ALL")
    store.refresh_round_scores()
    assert store.db.execute("SELECT * FROM peer_scores ORDER BY ALL") == before
