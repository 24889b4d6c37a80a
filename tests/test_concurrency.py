"""A workshop room at once: respondents finishing, saving and reading the same round together."""

from __future__ import annotations

import random
import threading

import pytest

from assessment.scoring import score_round
from assessment.store import Store

REPEATS = 4  # each repeat is a fresh round, so the race is run several times per thread count


def _stored_equals_fresh(store: Store, q, round_id: str) -> None:
    """The round's stored scores equal a fresh recompute from the raw answers, and the peer
    table equals a rebuild from scratch."""
    expected = score_round(q, store.respondents_of(round_id, completed_only=True))
    stored = store.round_scores(round_id)
    want = {did: expected.dimensions[did].value for did in q.dimension_ids}
    want["overall"] = expected.overall
    assert set(stored) <= set(want)
    for key, value in want.items():
        if value is None:
            assert stored.get(key) is None, key
        else:
            assert stored.get(key) == pytest.approx(value), key
    kept = store.db.execute("SELECT * FROM peer_scores ORDER BY ALL")
    store.refresh_round_scores()
    rebuilt = store.db.execute("SELECT * FROM peer_scores ORDER BY ALL")
    # The same rows; scores equal up to the order a parallel sum adds them in.
    assert [row[:-1] for row in kept] == [row[:-1] for row in rebuilt]
    assert [row[-1] for row in kept] == pytest.approx([row[-1] for row in rebuilt])


@pytest.mark.parametrize("finishers", [2, 3, 5, 8])
def test_finishing_together_raises_nothing_and_leaves_current_scores(tmp_path, tiny, finishers):
    store = Store(tmp_path / "room.duckdb")
    rng = random.Random(finishers)
    errors: list[BaseException] = []
    try:
        org = store.create_organisation("Room", "Retail", "250-999", "Europe")
        for repeat in range(REPEATS):
            rnd = store.create_round(org.id, f"Workshop {repeat}", tiny)
            sides = ("it", "marketing", "other")
            people = [store.create_respondent(rnd.id, sides[i % 3], "Team") for i in range(finishers)]
            # Others in the room are still answering while these finish.
            answering = [store.create_respondent(rnd.id, sides[i % 2], "Team") for i in range(2)]
            for person in people:
                for question in tiny.questions:
                    store.save_answer(person.id, question.id, rng.randint(1, 5))
            start = threading.Barrier(len(people) + len(answering))

            def finish(person, start=start):
                try:
                    start.wait()
                    store.mark_complete(person.id)
                    # A finished respondent who goes back and changes an answer.
                    store.save_answer(person.id, tiny.questions[0].id, rng.randint(1, 5))
                    store.round_scores(person.round_id)
                except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(exc)

            def answer(person, start=start):
                try:
                    start.wait()
                    for question in tiny.questions:
                        store.save_answer(person.id, question.id, rng.randint(1, 5))
                        store.respondents_of(person.round_id)
                except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(exc)

            threads = [threading.Thread(target=finish, args=(p,)) for p in people]
            threads += [threading.Thread(target=answer, args=(p,)) for p in answering]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert store.answer_count(rnd.id) == (finishers + 2) * len(tiny.questions)
            _stored_equals_fresh(store, tiny, rnd.id)
            store.engagements.close_round(rnd.id)  # the organisation's next round can open
    finally:
        store.close()
