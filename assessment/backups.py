"""Backups the running app takes: on an administrator's request and on the operator's schedule.

The app holds the database, so only the app can copy it while it runs. Backups go to one
directory, named by the time they were taken (``tandem-backup-20261126T091500Z.duckdb``); after
each one the oldest beyond the last N are deleted (only files with that exact name pattern are
ever deleted). Configuration, read at call time:

- ``TANDEM_BACKUP_DIR``: where backups go (default: ``backups/`` beside the database file);
- ``TANDEM_BACKUP_EVERY``: how often the app backs up on its own, e.g. ``30m``, ``6h``, ``1d``
  (default: never; the console button and the command line still work);
- ``TANDEM_BACKUP_KEEP``: how many to keep (default 14).

The schedule survives restarts: the next backup is due one interval after the newest one in
the directory, so restarting the app neither skips a backup nor takes an extra one.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from assessment.i18n import _, ngettext
from assessment.numbers import fmt_count
from assessment.store import Store
from assessment.store.backup import BackupError, BackupInfo, take_backup

LOG = logging.getLogger("tandem.backups")
NAME = re.compile(r"^tandem-backup-(\d{8}T\d{6}(?:\d{3})?Z)\.duckdb$")
DEFAULT_KEEP = 14
_UNITS = {"m": 60, "h": 3600, "d": 86400}
_lock = threading.Lock()  # one backup at a time in this process


SHOWN = ("organisations", "rounds", "respondents", "answers", "importance", "benchmark_sets")


def _rows(table: str, n: int) -> str:
    """ "1,204 answers", in the language in force."""
    words = {
        "organisations": lambda: ngettext("{count} organisation", "{count} organisations", n),
        "rounds": lambda: ngettext("{count} round", "{count} rounds", n),
        "respondents": lambda: ngettext("{count} respondent", "{count} respondents", n),
        "answers": lambda: ngettext("{count} answer", "{count} answers", n),
        "importance": lambda: ngettext("{count} importance rating", "{count} importance ratings", n),
        "benchmark_sets": lambda: ngettext("{count} benchmark set", "{count} benchmark sets", n),
    }
    return words[table]().format(count=fmt_count(n))


def summary(info: BackupInfo) -> str:
    """Schema version, time and the main tables' row counts, for people to read."""
    counts = ", ".join(_rows(t, info.rows(t)) for t in SHOWN if t in info.tables)
    return _("schema version {version}, taken {time} UTC: {counts}").format(
        version=info.schema_version, time=f"{info.taken_at:%Y-%m-%d %H:%M:%S}", counts=counts
    )


def backup_dir(db_path: str) -> Path:
    configured = os.environ.get("TANDEM_BACKUP_DIR")
    if configured:
        return Path(configured)
    return Path(db_path).resolve().parent / "backups"


def keep() -> int:
    raw = os.environ.get("TANDEM_BACKUP_KEEP", "").strip()
    if not raw:
        return DEFAULT_KEEP
    if not raw.isdigit() or int(raw) < 1:
        raise BackupError(f"TANDEM_BACKUP_KEEP must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


def interval_s() -> float | None:
    """``TANDEM_BACKUP_EVERY`` in seconds, or None when no schedule is configured."""
    raw = os.environ.get("TANDEM_BACKUP_EVERY", "").strip().lower()
    if not raw or raw in ("0", "off", "never"):
        return None
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([mhd])", raw)
    if not found or float(found.group(1)) <= 0:
        raise BackupError(f"TANDEM_BACKUP_EVERY must look like 30m, 6h or 1d, not {raw!r}.")
    return max(float(found.group(1)) * _UNITS[found.group(2)], 60.0)


def existing(directory: Path) -> list[Path]:
    """This app's backups in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if NAME.match(p.name))


def backup_now(store: Store, directory: Path | None = None, *, keep_last: int | None = None) -> BackupInfo:
    """Take a backup into the backup directory and prune to the last N."""
    directory = directory or backup_dir(store.path)
    if store.path == ":memory:":
        raise BackupError("An in-memory database has no file to back up.")
    with _lock:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3] + "Z"
        with store.db.cursor() as cur:
            info = take_backup(cur, directory / f"tandem-backup-{stamp}.duckdb")
        prune(directory, keep_last or keep())
    LOG.info("backup written: %s", info.path)
    return info


def prune(directory: Path, keep_last: int) -> list[Path]:
    backups = existing(directory)
    removed = backups[: max(len(backups) - keep_last, 0)]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def next_due(directory: Path, every_s: float, now: float | None = None) -> float:
    """Seconds until the next scheduled backup: one interval after the newest, or now."""
    now = time.time() if now is None else now
    backups = existing(directory)
    if not backups:
        return 0.0
    return max(backups[-1].stat().st_mtime + every_s - now, 0.0)


class Schedule:
    """The app's backup thread. Started once per process; a failure is logged and retried at
    the next interval, and never stops the app."""

    def __init__(self, store: Store, every_s: float, directory: Path, keep_last: int) -> None:
        self.store, self.every_s, self.directory, self.keep_last = store, every_s, directory, keep_last
        self.last: BackupInfo | None = None
        self.taken = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tandem-backups", daemon=True)

    def start(self) -> Schedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.wait(next_due(self.directory, self.every_s)):
            try:
                self.last = backup_now(self.store, self.directory, keep_last=self.keep_last)
                self.taken += 1
                self.last_error = None
            except Exception as exc:  # noqa: BLE001 - the schedule must outlive a failed backup
                self.last_error = str(exc)
                LOG.error("scheduled backup failed: %s", exc)
                self._stop.wait(min(self.every_s, 600))


def start_schedule(store: Store) -> Schedule | None:
    """Start the schedule the operator configured, if any."""
    every = interval_s()
    if every is None or store.path == ":memory:":
        return None
    return Schedule(store, every, backup_dir(store.path), keep()).start()
