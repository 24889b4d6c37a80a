"""Faults: a writer killed mid-stream loses no acknowledged answer; the file stays readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from assessment.store import Store, StoreError
from tests.conftest import ROOT


def test_sigkill_mid_stream_keeps_every_acknowledged_answer(tmp_path):
    path = str(tmp_path / "crash.duckdb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.writer_process", path, "20"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    acked: dict[tuple[str, str], int] = {}
    try:
        for line in proc.stdout:
            if line.startswith("ACK "):
                _, rid, qid, level = line.split()
                acked[(rid, qid)] = int(level)
                if len(acked) >= 250:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    assert len(acked) >= 250

    store = Store(path)  # reopens after the crash: replays the write-ahead log
    stored = {
        (rid, qid): level
        for rid, qid, level in store.db.execute("SELECT respondent_id, question_id, level FROM answers")
    }
    store.close()
    missing = {k: v for k, v in acked.items() if stored.get(k) != v}
    assert missing == {}
    assert len(stored) >= len(acked)  # answers committed but not yet acknowledged may be there too


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs, so the disk can really fill up; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_is_a_clear_error_and_loses_nothing(tiny_disk, tiny):
    store = Store(tiny_disk / "t.duckdb")
    org = store.create_organisation("Full Disk Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", tiny)
    person = store.create_respondent(rnd.id, "it", "CIO")
    store.save_answer(person.id, "strategy-1", 3)
    filler = tiny_disk / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass  # the disk is full now
    with pytest.raises(StoreError, match="could not be saved") as info:
        for question in tiny.questions * 30:  # enough writes to need new pages on disk
            store.save_answer(person.id, question.id, 4)
    assert "every answer saved before is kept" in str(info.value)
    filler.unlink()
    store.save_answer(person.id, "strategy-2", 5)  # with space again, saving works
    store.close()
    reopened = Store(tiny_disk / "t.duckdb")
    answers = reopened.answers_for(person.id)
    reopened.close()
    assert answers["strategy-2"] == 5 and answers["strategy-1"] in (3, 4)


def test_read_only_location_is_a_clear_error():
    with pytest.raises(StoreError, match="Set TANDEM_DB to a writable path|set TANDEM_DB to another file"):
        Store("/proc/tandem-test/t.duckdb")
