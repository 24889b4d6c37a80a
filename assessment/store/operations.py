"""The operator's side of the store: upgraded console password hashes and the audit record."""

from __future__ import annotations

import hashlib

import pandas as pd

from assessment.store.database import Database, utcnow


def _digest(configured_hash: str) -> str:
    return hashlib.sha256(configured_hash.strip().encode()).hexdigest()


class OperationsQueries:
    db: Database

    # console password -------------------------------------------------------------------

    def upgraded_console_hash(self, configured_hash: str) -> str | None:
        """The stronger hash that replaced ``configured_hash`` at a sign-in, if any. Keyed on
        the configured hash itself: when the operator sets a new one, the old upgrade no
        longer applies."""
        rows = self.db.execute(
            "SELECT hash FROM console_credentials WHERE configured_digest = ?", [_digest(configured_hash)]
        )
        return rows[0][0] if rows else None

    def save_upgraded_console_hash(self, configured_hash: str, new_hash: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO console_credentials VALUES (?, ?, ?) ON CONFLICT (configured_digest)"
                " DO UPDATE SET hash = excluded.hash, upgraded_at = excluded.upgraded_at",
                [_digest(configured_hash), new_hash, utcnow()],
            )

    # audit record -----------------------------------------------------------------------

    def audit_log(self, limit: int = 200) -> pd.DataFrame:
        """Erasures, deletions and archiving, newest first. Never names an erased person."""
        return self.db.frame(
            "SELECT happened_at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            [limit],
        )
