"""The DuckDB connection: open, migrate, hand out cursors, run transactions.

DuckDB's rule for threads is one connection per process and a cursor per thread; sharing the
connection itself across threads loses writes. Every call here takes a fresh cursor.

Write transactions run one at a time. DuckDB's concurrency is optimistic: two transactions that
touch the same rows both run, and the second to commit fails ("Conflict on tuple deletion",
"duplicate key"), as happened when several respondents finished at once and each rewrote the
round's scores. Every write here is a few milliseconds, so queueing them costs less than
retrying, and readers are not held up: they read their own snapshot.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from assessment.store.migrations import MIGRATIONS

MIN_MEMORY_MB = 384


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class StoreLockedError(StoreError):
    pass


class SchemaTooNewError(StoreError):
    pass


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Database:
    def __init__(self, path: str | Path | None) -> None:
        self.path = ":memory:" if path is None else str(path)
        self._con = _connect(self.path)
        self._write_lock = threading.RLock()  # re-entrant: a nested unit must not deadlock
        self._fixed_limit = os.environ.get("TANDEM_DUCKDB_MEMORY")
        self.fit_memory_limit()
        self.migrate()

    def close(self) -> None:
        self._con.close()

    def fit_memory_limit(self) -> None:
        """Cap DuckDB's memory near what this database needs.

        DuckDB would otherwise keep up to 80 % of the machine's memory in buffers, while large
        sorts and aggregates can spill to disk. Indexes cannot spill, and they grow with the
        data, so the cap follows the database's size (twice the file, at least 384 MB) and is
        refitted after bulk loads. ``TANDEM_DUCKDB_MEMORY`` (e.g. "2GB") fixes it instead."""
        if self._fixed_limit:
            if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)", self._fixed_limit.strip(), re.I):
                raise StoreError(
                    f"TANDEM_DUCKDB_MEMORY must look like 512MB or 2GB, not {self._fixed_limit!r}."
                )
            limit = self._fixed_limit.strip()
        else:
            size = os.path.getsize(self.path) if self.path != ":memory:" and os.path.exists(self.path) else 0
            limit = f"{max(MIN_MEMORY_MB, 2 * size // 2**20)}MB"
        self._con.execute(f"SET memory_limit = '{limit}'")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside BEGIN ... COMMIT; any error rolls the whole unit back. One write
        transaction at a time per process (see the module's docstring)."""
        with self._write_lock, self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            return cur.execute(sql, params).fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.cursor() as cur:
            return cur.execute(sql, params).df()

    def schema_version(self) -> int:
        return int(self.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0])

    def migrate(self) -> None:
        with self.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise SchemaTooNewError(
                f"The database {self.path} has schema version {current}, but this version of Tandem "
                f"knows versions up to {len(MIGRATIONS)}. It was written by a newer Tandem: upgrade "
                "Tandem to open it. Nothing was changed."
            )
        for version, (name, sql) in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction() as cur:
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    if path != ":memory:":
        parent = Path(path).resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the data directory {parent} for the database {path}: "
                f"{exc.strerror or exc}. Set TANDEM_DB to a writable path."
            ) from exc
        from assessment.store.integrity import check_database  # imports this module

        check_database(path)  # read-only: a damaged file is reported and never opened for writing
    try:
        return duckdb.connect(path)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreLockedError(
                f"The database {path} is in use by another process ({_holder(text)}). Tandem runs "
                "one process per database file: stop the other process or set TANDEM_DB to "
                "another file. Nothing was changed."
            ) from exc
        raise StoreError(
            f"Cannot open the database {path}: {text}. Check that the path is writable, or set "
            "TANDEM_DB to another file."
        ) from exc
    except duckdb.Error as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}") from exc


def _holder(message: str) -> str:
    marker = "Conflicting lock is held in "
    if marker in message:
        return message.split(marker, 1)[1].split(". See", 1)[0]
    return "unknown process"
