"""Backups: consistent under load, verified before a restore, never overwriting by accident."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from assessment import backups, cli
from assessment.store import Store, StoreLockedError
from assessment.store.backup import BackupError, backup_file, restore_backup, verify_backup
from tests.conftest import ROOT


def _answers(path: str | Path) -> dict[tuple[str, str], int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            (r, q): lv
            for r, q, lv in con.execute("SELECT respondent_id, question_id, level FROM answers").fetchall()
        }
    finally:
        con.close()


def _small_db(path: Path, q) -> Store:
    store = Store(path)
    org = store.create_organisation("Backup Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", q)
    for side in ("it", "marketing"):
        person = store.create_respondent(rnd.id, side, "Lead")
        for n, question in enumerate(q.questions):
            store.save_answer(person.id, question.id, 1 + n % 5)
        store.mark_complete(person.id)
    return store


def test_backup_under_load_restores_every_acknowledged_answer(tmp_path, real):
    """The app's own backup, taken while 24 respondents save answers: every answer acknowledged
    before the backup started is in the restored database, with its value."""
    store = Store(tmp_path / "live.duckdb")
    org = store.create_organisation("Load Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", real)
    people = [store.create_respondent(rnd.id, "it" if i % 2 else "marketing", "Team") for i in range(24)]
    acked: list[tuple[str, str, int]] = []
    lock = threading.Lock()
    halfway = threading.Event()

    def answer(i: int, person) -> None:
        for n, question in enumerate(real.questions):
            level = 1 + (i + n) % 5
            store.save_answer(person.id, question.id, level)  # returns once committed
            with lock:
                acked.append((person.id, question.id, level))
                if len(acked) >= 200:
                    halfway.set()

    threads = [threading.Thread(target=answer, args=(i, p)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    assert halfway.wait(60)
    with lock:
        before = list(acked)
    info = backups.backup_now(store, tmp_path / "backups")
    with lock:
        during = len(acked) - len(before)
    for t in threads:
        t.join()
    store.close()
    total = len(people) * len(real.questions)
    assert len(acked) == total

    restored = tmp_path / "restored.duckdb"
    restore_backup(info.path, restored)
    stored = _answers(restored)
    missing = [(p, q, lv) for p, q, lv in before if stored.get((p, q)) != lv]
    assert missing == []
    assert len(before) <= len(stored) <= total  # answers saved during the copy may be in it too
    print(f"acknowledged before the backup: {len(before)}, during it: {during}, restored: {len(stored)}")
    # The restored file is an ordinary Tandem database again: no manifest, and it opens.
    reopened = Store(restored)
    assert reopened.answer_count() == len(stored)
    tables = {r[0] for r in reopened.db.execute("SELECT schema_name FROM duckdb_tables()")}
    assert tables == {"main"}
    reopened.close()


def test_backup_includes_answers_still_in_the_write_ahead_log(tmp_path, tiny):
    store = _small_db(tmp_path / "wal.duckdb", tiny)
    assert Path(f"{store.path}.wal").exists()  # nothing checkpointed yet
    info = backups.backup_now(store, tmp_path / "b")
    assert info.rows("answers") == store.answer_count() == 2 * len(tiny.questions)
    store.close()


def test_restore_refuses_an_existing_database_without_force(tmp_path, tiny):
    _small_db(tmp_path / "src.duckdb", tiny).close()
    out = tmp_path / "b.duckdb"
    backup_file(tmp_path / "src.duckdb", out)
    with pytest.raises(BackupError, match="already exists"):
        backup_file(tmp_path / "src.duckdb", out)  # a backup never overwrites either
    target = tmp_path / "target.duckdb"
    other = Store(target)
    other.create_organisation("Keep Me", "Retail", "250-999", "Europe")
    other.close()
    before = target.read_bytes()
    with pytest.raises(BackupError, match="already exists; nothing was changed"):
        restore_backup(out, target)
    assert target.read_bytes() == before
    restore_backup(out, target, force=True)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("target.duckdb.replaced-")]
    assert len(kept) == 1 and kept[0].read_bytes() == before  # the replaced file is kept, not deleted
    assert _answers(target) == _answers(tmp_path / "src.duckdb")


HOLDER = "import sys, time; from assessment.store import Store; s = Store(sys.argv[1]); print('READY', flush=True); time.sleep(120)"


def _hold(path: Path) -> subprocess.Popen:
    """Another process holding the database, as the running app does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "READY"
    return proc


def test_restore_refuses_a_database_the_app_holds(tmp_path, tiny):
    _small_db(tmp_path / "src.duckdb", tiny).close()
    backup_file(tmp_path / "src.duckdb", tmp_path / "b.duckdb")
    Store(tmp_path / "held.duckdb").close()
    holder = _hold(tmp_path / "held.duckdb")
    try:
        with pytest.raises(StoreLockedError, match="held by another process"):
            restore_backup(tmp_path / "b.duckdb", tmp_path / "held.duckdb", force=True)
    finally:
        holder.kill()
        holder.wait()
    assert not [p for p in tmp_path.iterdir() if ".replaced-" in p.name]


def test_a_tampered_or_truncated_backup_is_refused(tmp_path, tiny):
    _small_db(tmp_path / "src.duckdb", tiny).close()
    good = tmp_path / "good.duckdb"
    backup_file(tmp_path / "src.duckdb", good)
    assert verify_backup(good).rows("answers") == 2 * len(tiny.questions)

    tampered = tmp_path / "tampered.duckdb"
    tampered.write_bytes(good.read_bytes())
    con = duckdb.connect(str(tampered))
    con.execute("UPDATE answers SET level = 6 - level WHERE question_id = 'strategy-1'")
    con.close()
    with pytest.raises(BackupError, match="table answers .* content differs"):
        verify_backup(tampered)

    dropped = tmp_path / "dropped.duckdb"
    dropped.write_bytes(good.read_bytes())
    con = duckdb.connect(str(dropped))
    con.execute("DELETE FROM answers WHERE question_id = 'strategy-1'")
    con.close()
    with pytest.raises(
        BackupError,
        match=f"table answers has {2 * len(tiny.questions) - 2} rows, the manifest says {2 * len(tiny.questions)}",
    ):
        restore_backup(dropped, tmp_path / "nope.duckdb")
    assert not (tmp_path / "nope.duckdb").exists()

    truncated = tmp_path / "truncated.duckdb"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackupError):
        restore_backup(truncated, tmp_path / "nope2.duckdb")
    assert not (tmp_path / "nope2.duckdb").exists()


def test_a_backup_from_a_newer_tandem_is_refused(tmp_path, tiny):
    _small_db(tmp_path / "src.duckdb", tiny).close()
    con = duckdb.connect(str(tmp_path / "src.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now()::TIMESTAMP)")
    con.close()
    backup_file(tmp_path / "src.duckdb", tmp_path / "b.duckdb")  # a backup copies any version
    with pytest.raises(BackupError, match="schema version 99"):
        restore_backup(tmp_path / "b.duckdb", tmp_path / "new.duckdb")


def test_prune_keeps_the_last_n_and_only_touches_backups(tmp_path):
    directory = tmp_path / "b"
    directory.mkdir()
    names = [f"tandem-backup-2026110{d}T000000Z.duckdb" for d in range(1, 6)]
    for name in names:
        (directory / name).write_bytes(b"x")
    (directory / "notes.txt").write_text("keep")
    (directory / "tandem-backup-manual.duckdb").write_bytes(b"keep")
    removed = backups.prune(directory, 2)
    assert [p.name for p in removed] == names[:3]
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [*names[3:], "notes.txt", "tandem-backup-manual.duckdb"]
    )


def test_schedule_settings_are_checked(monkeypatch):
    monkeypatch.setenv("TANDEM_BACKUP_EVERY", "6h")
    assert backups.interval_s() == 6 * 3600
    monkeypatch.setenv("TANDEM_BACKUP_EVERY", "")
    assert backups.interval_s() is None
    monkeypatch.setenv("TANDEM_BACKUP_EVERY", "often")
    with pytest.raises(BackupError, match="30m, 6h or 1d"):
        backups.interval_s()
    monkeypatch.setenv("TANDEM_BACKUP_KEEP", "0")
    with pytest.raises(BackupError, match="at least 1"):
        backups.keep()


def test_next_due_counts_from_the_newest_backup(tmp_path):
    directory = tmp_path / "b"
    assert backups.next_due(directory, 3600) == 0.0
    directory.mkdir()
    newest = directory / "tandem-backup-20261101T000000Z.duckdb"
    newest.write_bytes(b"x")
    os.utime(newest, (1_000_000, 1_000_000))
    assert backups.next_due(directory, 3600, now=1_000_000 + 600) == pytest.approx(3000)
    assert backups.next_due(directory, 3600, now=1_000_000 + 7200) == 0.0


def test_scheduled_backups_run_and_keep_the_last_n(tmp_path, tiny):
    store = _small_db(tmp_path / "sched.duckdb", tiny)
    directory = tmp_path / "b"
    schedule = backups.Schedule(store, 0.05, directory, keep_last=2).start()
    deadline = time.monotonic() + 60
    while schedule.taken < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    schedule.stop()
    assert schedule.last_error is None
    assert schedule.taken >= 4
    found = backups.existing(directory)
    assert len(found) == 2
    assert verify_backup(found[-1]).rows("answers") == 2 * len(tiny.questions)
    store.close()


def test_cli_backup_and_restore_round_trip(tmp_path, tiny, capsys):
    _small_db(tmp_path / "src.duckdb", tiny).close()
    before = (tmp_path / "src.duckdb").read_bytes()
    assert (
        cli.main(["backup", "--db", str(tmp_path / "src.duckdb"), "--out", str(tmp_path / "b.duckdb")]) == 0
    )
    assert f"{2 * len(tiny.questions)} answers" in capsys.readouterr().out
    assert (tmp_path / "src.duckdb").read_bytes() == before  # opened read-only: the source is untouched
    assert cli.main(["restore", str(tmp_path / "b.duckdb"), "--db", str(tmp_path / "new.duckdb")]) == 0
    assert f"{2 * len(tiny.questions)} answers" in capsys.readouterr().out
    assert cli.main(["restore", str(tmp_path / "b.duckdb"), "--db", str(tmp_path / "new.duckdb")]) == 2
    assert "add --force" in capsys.readouterr().err
    assert _answers(tmp_path / "new.duckdb") == _answers(tmp_path / "src.duckdb")


def test_cli_backup_while_the_app_holds_the_database_says_what_to_do(tmp_path, tiny):
    _small_db(tmp_path / "held.duckdb", tiny).close()
    holder = _hold(tmp_path / "held.duckdb")
    try:
        out = subprocess.run(
            [sys.executable, "-m", "assessment", "backup", "--db", str(tmp_path / "held.duckdb"),
             "--out", str(tmp_path / "b.duckdb")],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "back up from the console" in out.stderr and "TANDEM_BACKUP_EVERY" in out.stderr
    assert not (tmp_path / "b.duckdb").exists()


def _damaged_copy(tmp_path: Path, tiny) -> tuple[Path, bytes]:
    path = tmp_path / "damaged.duckdb"
    store = _small_db(path, tiny)
    for i in range(40):  # enough rows for the data to need blocks of its own
        org = store.create_organisation(f"Filler {i}", "Retail", "250-999", "Europe")
        store.create_round(org.id, "2026 Q4", tiny)
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, path.read_bytes()


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["rounds"],
        ["backup", "--out", "{tmp}/b.duckdb"],
        ["report", "--round", "x", "--out", "{tmp}/r.pdf"],
        ["export-benchmarks", "--out", "{tmp}/e.csv"],
        ["seed-demo", "--orgs", "5"],
    ],
)
def test_commands_on_a_damaged_database_say_what_to_do_and_change_nothing(tmp_path, tiny, capsys, command):
    path, damaged = _damaged_copy(tmp_path, tiny)
    args = [a.format(tmp=tmp_path) for a in command]
    assert cli.main([*args, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The database") and str(path) in err
    assert "is damaged" in err and "python -m assessment restore" in err
    assert path.read_bytes() == damaged
    assert not Path(f"{path}.wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.duckdb"]


def test_no_traceback_reaches_the_operator(tmp_path, tiny):
    path, _ = _damaged_copy(tmp_path, tiny)
    out = subprocess.run(
        [sys.executable, "-m", "assessment", "rounds", "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr and "is damaged" in out.stderr
    # A path that is a directory, and a backup that does not exist, are sentences too.
    for args in (
        ["check", "--db", str(tmp_path)],
        ["restore", str(tmp_path / "none.duckdb"), "--check-only"],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "assessment", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.startswith("error: ")
