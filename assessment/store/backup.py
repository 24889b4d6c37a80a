"""Backups of the database file: consistent copies, checked before they are trusted.

A backup is taken by the process that holds the database (DuckDB lets only one process open
the file): the app for its console button and its schedule, the command line when the app is
not running. It copies one transaction's snapshot with ``COPY FROM DATABASE`` into a new DuckDB
file, so answers still in the write-ahead log are included and answers saved meanwhile are
neither half in nor block the copy. Copying the file itself while the app runs is not a backup.

Inside the backup, the schema ``backup_manifest`` records when it was taken, the schema
version, and every table's row count and content fingerprint (the sum of every row's hash),
read in the same snapshot. A restore recomputes them on the restored file before it is put in
place, so a truncated or altered backup is refused instead of restored.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from assessment.store.database import StoreError, StoreLockedError, utcnow
from assessment.store.migrations import MIGRATIONS

MANIFEST_SCHEMA = "backup_manifest"
FORMAT = 1


class BackupError(StoreError):
    """A backup could not be taken, verified or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    path: str
    taken_at: datetime
    schema_version: int
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (rows, fingerprint)

    def rows(self, table: str) -> int:
        return self.tables.get(table, (0, 0))[0]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cur: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'"
            " ORDER BY table_name",
            [database],
        ).fetchall()
    ]


def fingerprints(cur: duckdb.DuckDBPyConnection, database: str) -> dict[str, tuple[int, int]]:
    """Every table's row count and the sum of its rows' hashes: reads every column of every row,
    so a damaged block anywhere in a table surfaces here as an error."""
    out = {}
    for table in _tables(cur, database):
        rows, digest = cur.execute(
            f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {_quote(database)}.main.{_quote(table)} t"
        ).fetchone()
        out[table] = (int(rows), int(digest))
    return out


def _schema_version(cur: duckdb.DuckDBPyConnection, database: str) -> int:
    return int(
        cur.execute(
            f"SELECT coalesce(max(version), 0) FROM {_quote(database)}.main.schema_migrations"
        ).fetchone()[0]
    )


@contextmanager
def _attached(cur: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> Iterator[str]:
    alias = f"tandem_backup_{secrets.token_hex(6)}"
    mode = "READ_ONLY" if read_only else "READ_WRITE"
    # ATTACH takes no parameters: the path is quoted as an SQL string literal.
    cur.execute(f"ATTACH '{_sql_string(str(path))}' AS {alias} ({mode})")
    try:
        yield alias
    finally:
        with suppress(duckdb.Error):
            cur.execute(f"DETACH {alias}")


def _sql_string(text: str) -> str:
    if "\0" in text:
        raise BackupError("A file name cannot contain a NUL character.")
    return text.replace("'", "''")


def _partial(out: Path) -> Path:
    return out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        with suppress(FileNotFoundError):
            p.unlink()


def _publish(tmp: Path, out: Path) -> None:
    """fsync the finished file, then rename it into place: a reader never sees half a backup."""
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, out)
    with suppress(OSError):
        fd = os.open(out.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def take_backup(cur: duckdb.DuckDBPyConnection, out: str | Path) -> BackupInfo:
    """Copy the database ``cur`` is connected to into the new file ``out`` (which must not exist).

    ``cur`` is a cursor of the process's connection (the app's, or a read-only one the command
    line opened). One transaction: the copy and its manifest are the same snapshot, and writers
    carry on meanwhile."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose another name (a backup never overwrites a file).")
    out.parent.mkdir(parents=True, exist_ok=True)
    source = cur.execute("SELECT current_database()").fetchone()[0]
    tmp = _partial(out)
    try:
        with _attached(cur, tmp, read_only=False) as alias:
            cur.execute("BEGIN TRANSACTION")
            try:
                tables = fingerprints(cur, source)
                version = _schema_version(cur, source)
                taken_at = utcnow()
                cur.execute(f"COPY FROM DATABASE {_quote(source)} TO {alias}")
                cur.execute(f"CREATE SCHEMA {alias}.{MANIFEST_SCHEMA}")
                cur.execute(
                    f"CREATE TABLE {alias}.{MANIFEST_SCHEMA}.info (format INTEGER, taken_at TIMESTAMP,"
                    " schema_version INTEGER)"
                )
                cur.execute(
                    f"INSERT INTO {alias}.{MANIFEST_SCHEMA}.info VALUES (?, ?, ?)",
                    [FORMAT, taken_at, version],
                )
                cur.execute(
                    f"CREATE TABLE {alias}.{MANIFEST_SCHEMA}.tables (table_name VARCHAR, row_count BIGINT,"
                    " fingerprint HUGEINT)"
                )
                cur.executemany(
                    f"INSERT INTO {alias}.{MANIFEST_SCHEMA}.tables VALUES (?, ?, ?)",
                    [(name, rows, digest) for name, (rows, digest) in tables.items()],
                )
                cur.execute("COMMIT")
            except BaseException:
                with suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                raise
        _publish(tmp, out)
    except duckdb.Error as exc:
        raise BackupError(f"The backup to {out} failed: {exc}. Nothing was written there.") from exc
    except OSError as exc:
        raise BackupError(
            f"The backup to {out} failed: {exc.strerror or exc}. Nothing was written there."
        ) from exc
    finally:
        _remove(tmp)
    return BackupInfo(str(out), taken_at, version, tables)


def backup_file(db_path: str | Path, out: str | Path) -> BackupInfo:
    """Back up a database file no other process holds. Opened read-only: the file is never
    changed, not even by replaying its write-ahead log (DuckDB replays it in memory)."""
    from assessment.store.integrity import check_database

    if Path(db_path).exists():
        try:
            check_database(str(db_path))  # a damaged file gets the operator's message, not a failed copy
        except StoreLockedError:
            open_read_only(db_path)  # raises the message that says how to back up a running app
    con = open_read_only(db_path)
    try:
        return take_backup(con, out)
    finally:
        con.close()


def open_read_only(path: str | Path) -> duckdb.DuckDBPyConnection:
    path = str(path)
    if not os.path.exists(path):
        raise BackupError(f"There is no database at {path}.")
    try:
        return duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreLockedError(
                f"The database {path} is held by another process (usually the running app), so the "
                "command line cannot open it. While the app runs, back up from the console "
                "(Administration, 'Back up now') or let the app's schedule do it (TANDEM_BACKUP_EVERY); "
                "or stop the app and run this command again."
            ) from exc
        raise BackupError(f"Cannot open {path}: {text}") from exc
    except duckdb.ConnectionException as exc:
        raise StoreLockedError(f"The database {path} is open in this process; nothing was changed.") from exc
    except duckdb.Error as exc:
        raise BackupError(f"Cannot open {path}: {exc}") from exc


def read_manifest(path: str | Path) -> BackupInfo:
    """What the backup says it contains, without checking it."""
    con = open_read_only(path)
    try:
        return _manifest(con, str(path))
    finally:
        con.close()


def _manifest(con: duckdb.DuckDBPyConnection, path: str) -> BackupInfo:
    try:
        info = con.execute(f"SELECT format, taken_at, schema_version FROM {MANIFEST_SCHEMA}.info").fetchall()
        rows = con.execute(
            f"SELECT table_name, row_count, fingerprint FROM {MANIFEST_SCHEMA}.tables"
        ).fetchall()
    except duckdb.CatalogException as exc:
        raise BackupError(
            f"{path} is not a Tandem backup (it has no backup manifest). Make backups with "
            "`python -m assessment backup` or from the console."
        ) from exc
    except duckdb.Error as exc:
        raise BackupError(f"The backup {path} cannot be read: {exc}. Use another backup.") from exc
    if len(info) != 1 or info[0][0] != FORMAT:
        raise BackupError(f"{path} has a backup manifest this version of Tandem does not understand.")
    _, taken_at, version = info[0]
    return BackupInfo(path, taken_at, int(version), {n: (int(r), int(d)) for n, r, d in rows})


def _check_against(con: duckdb.DuckDBPyConnection, database: str, manifest: BackupInfo, what: str) -> None:
    try:
        found = fingerprints(con, database)
        version = _schema_version(con, database)
    except duckdb.Error as exc:
        raise BackupError(f"{what} cannot be read in full: {exc}. Use another backup.") from exc
    problems = []
    if version != manifest.schema_version:
        problems.append(f"schema version {version}, the manifest says {manifest.schema_version}")
    for name in sorted(set(found) | set(manifest.tables)):
        want, have = manifest.tables.get(name), found.get(name)
        if want is None:
            problems.append(f"table {name} is not in the manifest")
        elif have is None:
            problems.append(f"table {name} is missing")
        elif have[0] != want[0]:
            problems.append(f"table {name} has {have[0]:,} rows, the manifest says {want[0]:,}")
        elif have[1] != want[1]:
            problems.append(f"table {name} has {have[0]:,} rows as listed, but their content differs")
    if problems:
        raise BackupError(
            f"{what} does not match its manifest: " + "; ".join(problems) + ". Use another backup."
        )


def verify_backup(path: str | Path) -> BackupInfo:
    """Read the whole backup and check it against its manifest and this Tandem's schema."""
    con = open_read_only(path)
    try:
        manifest = _manifest(con, str(path))
        if manifest.schema_version > len(MIGRATIONS):
            raise BackupError(
                f"{path} has schema version {manifest.schema_version}; this version of Tandem knows up "
                f"to {len(MIGRATIONS)}. Restore it with the newer Tandem that wrote it."
            )
        database = con.execute("SELECT current_database()").fetchone()[0]
        _check_against(con, database, manifest, f"The backup {path}")
    finally:
        con.close()
    return manifest


def restore_backup(backup: str | Path, new: str | Path, *, force: bool = False) -> BackupInfo:
    """Verify ``backup``, copy it to ``new`` (without the manifest), verify the copy, and only
    then put it in place. An existing ``new`` is refused unless ``force``; with ``force`` it is
    kept beside, renamed ``<new>.replaced-<time>``, never deleted."""
    new = Path(new)
    manifest = verify_backup(backup)
    existing = new.exists() or Path(f"{new}.wal").exists()
    if existing and not force:
        raise BackupError(
            f"{new} already exists; nothing was changed. Choose a new file, or add --force to replace it."
        )
    if existing and new.exists():
        # Refuse to swap a file from under a running app: it would keep writing to the old one.
        open_read_only(new).close()
    new.parent.mkdir(parents=True, exist_ok=True)
    tmp = _partial(new)
    try:
        con = open_read_only(backup)
        try:
            source = con.execute("SELECT current_database()").fetchone()[0]
            with _attached(con, tmp, read_only=False) as alias:
                con.execute(f"COPY FROM DATABASE {_quote(source)} TO {alias}")
                con.execute(f"DROP SCHEMA {alias}.{MANIFEST_SCHEMA} CASCADE")
        finally:
            con.close()
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            _check_against(
                check, check.execute("SELECT current_database()").fetchone()[0], manifest, "The restored copy"
            )
        finally:
            check.close()
        if existing:
            stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
            for suffix in ("", ".wal"):
                old = Path(f"{new}{suffix}")
                if old.exists():
                    os.replace(old, Path(f"{new}.replaced-{stamp}{suffix}"))
        _publish(tmp, new)
    except duckdb.Error as exc:
        raise BackupError(f"Restoring {backup} to {new} failed: {exc}. {new} was not changed.") from exc
    except OSError as exc:
        raise BackupError(
            f"Restoring {backup} to {new} failed: {exc.strerror or exc}. {new} was not changed."
        ) from exc
    finally:
        _remove(tmp)
    return BackupInfo(str(new), manifest.taken_at, manifest.schema_version, manifest.tables)
