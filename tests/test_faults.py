"""Faults: a writer killed mid-stream loses no acknowledged answer; the file stays readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from assessment.store import Store
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
