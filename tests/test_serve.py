"""`python -m assessment serve`: script runs are admitted a few at a time."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

from assessment import serve


def _most_at_once(slots: int, runs: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[int]]:
    """Start ``runs`` script runs together behind a gate of ``slots``; how many ran at once at
    most, and the order they were admitted in."""
    lock, running, most, order = threading.Lock(), [0], [0], []

    def run(self, rerun_data):  # noqa: ANN001, ANN202 - Streamlit's signature
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            order.append(rerun_data)
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    monkeypatch.setattr(ScriptRunner, "_run_script", run)
    serve._admit_script_runs(slots)
    threads = []
    for n in range(runs):
        thread = threading.Thread(target=ScriptRunner._run_script, args=(None, n))
        thread.start()
        threads.append(thread)
        time.sleep(0.005)  # one after another, as clicks arrive
    for thread in threads:
        thread.join(10)
    return most[0], order


@pytest.mark.parametrize("slots", [1, 2])
def test_no_more_script_runs_at_once_than_the_slots(slots, monkeypatch):
    most, order = _most_at_once(slots, 8, monkeypatch)
    assert most == slots
    assert sorted(order) == list(range(8))  # every run ran


def test_no_slots_means_no_gate(monkeypatch):
    most, _ = _most_at_once(0, 6, monkeypatch)
    assert most == 6


@pytest.mark.parametrize("value, slots", [("", 2), ("3", 3), ("0", 0)])
def test_slots_come_from_the_environment(value, slots, monkeypatch):
    monkeypatch.setenv("TANDEM_SCRIPT_SLOTS", value)
    assert serve.script_slots() == slots


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_bad_slot_count_is_refused_with_a_clear_message(value, monkeypatch):
    monkeypatch.setenv("TANDEM_SCRIPT_SLOTS", value)
    with pytest.raises(SystemExit, match="TANDEM_SCRIPT_SLOTS"):
        serve.script_slots()


def test_the_server_hands_the_interpreter_lock_over_after_a_millisecond():
    before = sys.getswitchinterval()
    try:
        serve._hand_over_sooner()
        assert sys.getswitchinterval() == pytest.approx(0.001)
    finally:
        sys.setswitchinterval(before)
