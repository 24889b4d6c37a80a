"""Consultant sessions: password hashing, join codes, round lifecycle, targets, comparisons."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter

import pytest

from assessment import auth, codes, progress, sessions
from assessment.scoring import Respondent, score_round
from assessment.store import InvalidInputError, RoundClosedError, Store
from assessment.throttle import Throttle, lock_for


def test_password_hash_round_trip():
    stored = auth.hash_password("correct horse battery")
    assert stored.startswith("scrypt$131072$8$1$")  # N = 2^17, OWASP's minimum
    assert auth.verify_password("correct horse battery", stored)
    assert not auth.verify_password("correct horse batterY", stored)
    assert auth.hash_password("correct horse battery") != stored  # salted


@pytest.mark.parametrize("stored", ["", "plain-text-password", "scrypt$1$2$3$!!$!!", "bcrypt$a$b$c$d$e"])
def test_malformed_hash_never_matches(stored):
    assert not auth.verify_password("anything at all", stored)


def test_short_password_is_refused():
    with pytest.raises(ValueError, match="at least 10"):
        auth.hash_password("short")


def test_configured_hash_prefers_environment(monkeypatch):
    env_hash = auth.hash_password("environment wins")
    monkeypatch.setenv(auth.ENV_VAR, env_hash)
    assert auth.configured_hash("scrypt$1$1$1$a$b") == env_hash
    monkeypatch.delenv(auth.ENV_VAR)
    assert auth.configured_hash(None) is None
    assert auth.configured_hash("not a hash") is None


def test_hash_password_command_reads_stdin():
    out = subprocess.run(
        [sys.executable, "-m", "assessment", "hash-password"],
        input="a long enough secret\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert auth.verify_password("a long enough secret", out.stdout.strip())


def test_join_codes_carry_at_least_64_bits():
    assert codes.JOIN_CODE_SYMBOLS * math.log2(len(codes.ALPHABET)) >= 64
    draws = [codes.new_join_code().replace("-", "") for _ in range(3000)]
    assert len(set(draws)) == len(draws)
    # Every symbol of the alphabet appears at a near-uniform rate (chi-square, 31 degrees of freedom).
    counts = Counter("".join(draws))
    expected = len(draws) * codes.JOIN_CODE_SYMBOLS / len(codes.ALPHABET)
    chi2 = sum((counts[c] - expected) ** 2 / expected for c in codes.ALPHABET)
    assert set(counts) == set(codes.ALPHABET)
    assert chi2 < 70  # p < 0.0002 for a fair source


def test_typed_codes_are_forgiven():
    code = codes.new_join_code()
    assert codes.normalise_join_code(code.lower().replace("-", " ")) == code
    assert codes.normalise_join_code("ABCD-EFGH-JKMN-PQRO") == "ABCD-EFGH-JKMN-PQR0"
    assert codes.normalise_join_code("too short") is None


def test_throttle_locks_out_after_free_failures_and_forgets():
    assert [lock_for("password", n) for n in range(5, 10)] == [0, 1, 2, 4, 8]
    assert lock_for("password", 50) == 60
    t = Throttle(window_s=600)
    for _ in range(7):
        t.fail("password", "1.2.3.4", now=100.0)
    assert t.wait("password", "1.2.3.4", now=101.0) == 1
    assert t.wait("password", "5.6.7.8", now=101.0) == 0  # another client is not slowed
    assert t.wait("password", "1.2.3.4", now=110.0) == 0  # the lock-out has passed
    assert t.failures("password", "1.2.3.4", now=800.0) == 0  # the window has passed


def org_with_round(store, q, name="Client Co"):
    org = store.create_organisation(name, "Retail", "1,000-4,999", "Europe")
    return org, store.create_round(org.id, "2026 Q4", q, kind="consultant")


def test_one_open_round_at_a_time(store, tiny):
    org, first = org_with_round(store, tiny)
    with pytest.raises(InvalidInputError, match="still open"):
        store.create_round(org.id, "2027 Q1", tiny, kind="consultant")
    store.engagements.close_round(first.id)
    second = store.create_round(org.id, "2027 Q1", tiny, kind="consultant")
    assert store.engagements.open_round_of(org.id).id == second.id
    assert [r.name for r in store.rounds_of(org.id)] == ["2026 Q4", "2027 Q1"]


def test_closing_freezes_the_round_and_keeps_answers(store, tiny):
    _, rnd = org_with_round(store, tiny)
    person = sessions.join_round(store, rnd.join_code, side="it", role="CIO")
    store.save_answer(person.id, "strategy-1", 3)
    store.engagements.close_round(rnd.id)
    with pytest.raises(RoundClosedError, match="Every answer you gave before it closed is kept"):
        store.save_answer(person.id, "strategy-1", 5)
    with pytest.raises(sessions.JoinError, match="closed"):
        sessions.join_round(store, rnd.join_code, side="marketing", role="CMO")
    assert store.answers_for(person.id) == {"strategy-1": 3}
    assert store.round(rnd.id).closed_at is not None


def test_rotated_and_revoked_codes_stop_working(store, tiny):
    _, rnd = org_with_round(store, tiny)
    old = rnd.join_code
    new = store.engagements.rotate_join_code(rnd.id)
    assert new != old
    with pytest.raises(sessions.JoinError) as info:
        sessions.join_round(store, old, side="it", role="CIO")
    assert str(info.value) == sessions.WRONG_CODE
    sessions.join_round(store, new, side="it", role="CIO")
    store.engagements.revoke_join_code(rnd.id)
    with pytest.raises(sessions.JoinError):
        sessions.join_round(store, new, side="it", role="CIO")


def test_wrong_code_message_reveals_nothing(store, tiny):
    org_with_round(store, tiny, "Secret Client Ltd")
    with pytest.raises(sessions.JoinError) as info:
        sessions.join_round(store, "AAAA-BBBB-CCCC-DDDD", side="it", role="CIO")
    assert "Secret Client" not in str(info.value) and str(info.value) == sessions.WRONG_CODE


def test_changing_side_moves_the_answers(store, tiny):
    _, rnd = org_with_round(store, tiny)
    person = sessions.join_round(store, rnd.join_code, side="it", role="CIO")
    store.save_answer(person.id, "strategy-1", 4)
    store.engagements.change_side(person.id, "marketing")
    assert store.respondent(person.id).side == "marketing"
    assert store.answers_for(person.id) == {"strategy-1": 4}
    assert store.engagements.progress_by_side(rnd.id).set_index("side")["started"].to_dict() == {
        "it": 0,
        "marketing": 1,
        "other": 0,
    }


def test_progress_counts_started_and_finished_per_side(store, tiny):
    _, rnd = org_with_round(store, tiny)
    a = sessions.join_round(store, rnd.join_code, side="it", role="CIO")
    sessions.join_round(store, rnd.join_code, side="marketing", role="CMO", display_name="Maria")
    sessions.join_round(store, rnd.join_code, side="marketing", role="Marketing team member")
    store.mark_complete(a.id)
    progress = store.engagements.progress_by_side(rnd.id).set_index("side")
    assert progress.loc["it"].tolist() == [1, 1]
    assert progress.loc["marketing"].tolist() == [2, 0]
    assert store.engagements.named_respondents(rnd.id)["display_name"].tolist() == ["Maria"]


def test_archived_organisations_leave_the_list(store, tiny):
    org, _ = org_with_round(store, tiny)
    store.engagements.rename_organisation(org.id, "Renamed Co")
    assert [o.name for o in store.engagements.organisations()] == ["Renamed Co"]
    store.engagements.archive_organisation(org.id)
    assert store.engagements.organisations() == []
    assert [o.name for o in store.engagements.organisations(include_archived=True)] == ["Renamed Co"]


def test_targets_and_progress(tiny):
    def at(level):
        return [Respondent("a", "it", {x.id: level for x in tiny.questions}, {})]

    baseline, current = score_round(tiny, at(2)), score_round(tiny, at(3))
    targets = {"strategy": 4.0, "governance": 3.0, "data": 5.0}
    table = progress.target_table(current, targets, baseline).set_index("dimension_id")
    assert table.loc["strategy", "gap to target"] == 1.0
    assert table.loc["governance", "gap to target"] == 0.0
    assert table.loc["strategy", "% of target"] == 75.0
    assert table.loc["strategy", "progress since previous %"] == 50.0  # (3 - 2) / (4 - 2)
    assert table.loc["data", "progress since previous %"] == pytest.approx(33.3)
    # 1 - (1 + 0 + 2) / (4 + 3 + 5)
    assert progress.percent_to_target(table.reset_index()) == 75.0
    first_round = progress.target_table(current, targets).set_index("dimension_id")
    assert first_round["progress since previous %"].isna().all()


def test_targets_out_of_range_are_refused(store, tiny):
    _, rnd = org_with_round(store, tiny)
    with pytest.raises(InvalidInputError, match="from 1 to 5"):
        store.engagements.set_targets(rnd.id, {"strategy": 6})
    store.engagements.set_targets(rnd.id, {"strategy": 4.5})
    assert store.engagements.targets(rnd.id) == {"strategy": 4.5}


def test_compare_rounds_highlights_changes(tiny):
    before = score_round(tiny, [Respondent("a", "it", {"strategy-1": 2, "strategy-2": 3}, {})])
    after = score_round(tiny, [Respondent("a", "it", {"strategy-1": 4, "strategy-2": 3}, {})])
    table = progress.compare_rounds(before, after)
    assert table.iloc[0][["question_id", "earlier", "later", "change", "highlight"]].tolist() == [
        "strategy-1", 2.0, 4.0, 2.0, True,
    ]  # fmt: skip
    assert not table.set_index("question_id").loc["strategy-2", "highlight"]


def test_several_app_sessions_answering_in_turn_lose_nothing(db_path, real):
    """Four sessions (AppTest) join one round and answer in turn, question by question.

    Python 3.11 cannot compile page scripts in parallel threads (ast.parse raises "AST
    constructor recursion depth mismatch"), so the sessions interleave here; truly concurrent
    writers are covered by the 30-thread store test and the SIGKILL writer process."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    store = Store(db_path)
    org = store.create_organisation("Busy Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", real, kind="consultant")
    store.close()
    apps = []
    for side in ("it", "marketing", "it", "marketing"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["join"] = rnd.join_code
        at.run()
        at.radio(key="start_side").set_value(side).run()
        at.button(key="start_join").click().run()
        assert not at.exception and "Step 1 of 8" in at.header[0].value
        apps.append(at)
    keys = [[r.key for r in at.radio if r.key and r.key.startswith("qn_")] for at in apps]
    for i, at in enumerate(apps):
        for n in range(4):
            at.radio(key=keys[i][n]).set_value(2 + i)  # picked in each browser; nothing sent yet
    for at in apps:  # then each presses Next in turn: a step is saved as one write
        at.button(key="qn_next").click().run()
        assert not at.exception and "Step 2 of 8" in at.header[0].value
    from assessment.ui import _open_store

    stored = _open_store(db_path).responses_frame(rnd.id)
    assert len(stored) == 4 * 4  # four sessions x the four questions of step 1
    assert sorted(stored.groupby("respondent")["level"].first()) == [2, 3, 4, 5]
