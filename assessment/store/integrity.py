"""Is the database file intact? Checked read-only before Tandem opens it for writing.

A half-truncated or overwritten file can still open, and then fail on the first page that reads
the missing part, in front of a visitor. So before the read-write open, every column of every
table is read once (DuckDB verifies each block's checksum as it reads it). A damaged file is
reported to the operator, naming it and what to do, and is never opened for writing: nothing
replays into it, checkpoints it or migrates it.
"""

from __future__ import annotations

import os

import duckdb

from assessment.store.database import StoreError, StoreLockedError, _holder


class DatabaseDamagedError(StoreError):
    """The file exists but cannot be read in full; it was not changed."""


def damaged_message(path: str, detail: str) -> str:
    return (
        f"The database {path} is damaged or is not a Tandem database, so Tandem did not open it "
        f"(DuckDB says: {detail}). The file has not been changed. Keep it as it is, then restore the "
        "latest backup to a new file with `python -m assessment restore BACKUP --db NEW` and start "
        "Tandem with TANDEM_DB=NEW. Backups are in the backups/ folder beside the database unless "
        "TANDEM_BACKUP_DIR says otherwise."
    )


def check_database(path: str) -> str:
    """Read the whole file read-only; returns a one-line summary, raises DatabaseDamagedError,
    or StoreLockedError when another process holds it."""
    if not os.path.exists(path):
        return "no database yet (it will be created)"
    if os.path.isdir(path):
        raise DatabaseDamagedError(damaged_message(path, "it is a directory"))
    from assessment.store.backup import fingerprints  # backup imports this package's database

    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreLockedError(
                f"The database {path} is in use by another process ({_holder(text)}). Tandem runs one "
                "process per database file: stop the other process or set TANDEM_DB to another file. "
                "Nothing was changed."
            ) from exc
        raise DatabaseDamagedError(damaged_message(path, _first_line(text))) from exc
    except duckdb.ConnectionException:
        # Already open read-write in this process (a second Store on the same file shares it):
        # it was checked when it was first opened.
        return "already open in this process"
    except duckdb.Error as exc:
        raise DatabaseDamagedError(damaged_message(path, _first_line(str(exc)))) from exc
    try:
        database = con.execute("SELECT current_database()").fetchone()[0]
        tables = fingerprints(con, database)
    except duckdb.Error as exc:
        raise DatabaseDamagedError(damaged_message(path, _first_line(str(exc)))) from exc
    finally:
        con.close()
    rows = sum(r for r, _ in tables.values())
    return f"{len(tables)} tables, {rows:,} rows"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
