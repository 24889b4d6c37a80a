"""Accounts, client ownership, shares, and the audit log: the store part behind
``assessment.accounts`` (the rules live there; this module only reads and writes).

An account is keyed by its lower-cased e-mail. An organisation's ``owner`` column names the
account that created it (NULL for organisations made before accounts existed, for public
self-assessments and for the bootstrap administrator's: administrators alone see those). The
audit log is append-only: nothing here updates or deletes a row of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from assessment.i18n import _
from assessment.store.database import Database, utcnow
from assessment.store.records import InvalidInputError

ROLES = ("admin", "consultant")
_COLS = "email, name, role, password_hash, disabled_at, created_at, created_by"
MAX_AUDIT_ROWS = 10_000


@dataclass(frozen=True)
class Account:
    email: str
    name: str | None
    role: str  # "admin" or "consultant"
    password_hash: str | None = None
    disabled_at: datetime | None = None
    created_at: datetime | None = None
    created_by: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class AccountQueries:
    """Attached to the store as ``store.accounts``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # accounts -----------------------------------------------------------------------------

    def get(self, email: str) -> Account | None:
        rows = self.db.execute(f"SELECT {_COLS} FROM accounts WHERE email = ?", [email.strip().lower()])
        return Account(*rows[0]) if rows else None

    def all(self) -> list[Account]:
        return [Account(*r) for r in self.db.execute(f"SELECT {_COLS} FROM accounts ORDER BY email")]

    def any_with_password(self) -> bool:
        return bool(self.db.execute("SELECT 1 FROM accounts WHERE password_hash IS NOT NULL LIMIT 1"))

    def add(
        self, email: str, name: str | None, role: str, password_hash: str | None, *, actor: str
    ) -> Account:
        if role not in ROLES:
            raise InvalidInputError(_("Role must be one of: {options}.").format(options=", ".join(ROLES)))
        with self.db.transaction() as cur:
            if cur.execute("SELECT 1 FROM accounts WHERE email = ?", [email]).fetchall():
                raise InvalidInputError(_("There is already an account for {email}.").format(email=email))
            cur.execute(
                f"INSERT INTO accounts ({_COLS}) VALUES (?, ?, ?, ?, NULL, ?, ?)",
                [email, name, role, password_hash, utcnow(), actor],
            )
            detail = f"role {role}" + (", with a password" if password_hash else "")
            self.record(actor, "add account", email, detail, cur=cur)
        return self.get(email)

    def _update(
        self, email: str, sql: str, params: list[Any], *, actor: str, action: str, detail: str
    ) -> None:
        with self.db.transaction() as cur:
            found = cur.execute(f"UPDATE accounts SET {sql} WHERE email = ? RETURNING 1", [*params, email])  # noqa: S608
            if not found.fetchall():
                raise InvalidInputError(_("There is no account for {email}.").format(email=email))
            self.record(actor, action, email, detail, cur=cur)

    def set_role(self, email: str, role: str, *, actor: str) -> None:
        if role not in ROLES:
            raise InvalidInputError(_("Role must be one of: {options}.").format(options=", ".join(ROLES)))
        self._update(email, "role = ?", [role], actor=actor, action="change role", detail=f"role {role}")

    def set_enabled(self, email: str, enabled: bool, *, actor: str) -> None:
        self._update(
            email,
            "disabled_at = CASE WHEN ? THEN NULL ELSE coalesce(disabled_at, ?) END",
            [enabled, utcnow()],
            actor=actor,
            action="enable account" if enabled else "disable account",
            detail="",
        )

    def set_password_hash(self, email: str, password_hash: str | None, *, actor: str) -> None:
        self._update(
            email,
            "password_hash = ?",
            [password_hash],
            actor=actor,
            action="set password" if password_hash else "remove password",
            detail="",
        )

    def upgrade_password_hash(self, email: str, old_hash: str, new_hash: str) -> None:
        """At a sign-in, a hash made with weaker parameters is replaced (not audited: the
        password itself did not change; the session cookie stays valid, see console_session)."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE accounts SET password_hash = ? WHERE email = ? AND password_hash = ?",
                [new_hash, email, old_hash],
            )

    # ownership and shares -------------------------------------------------------------------

    def owner(self, org_id: str) -> str | None:
        rows = self.db.execute("SELECT owner FROM organisations WHERE id = ?", [org_id])
        return rows[0][0] if rows else None

    def set_owner(
        self, org_id: str, email: str | None, *, actor: str, action: str = "assign owner", cur: Any = None
    ) -> None:
        """Give a client to an account (None: nobody) and record it; inside ``cur``'s transaction
        when given (a client created with its owner), else in a transaction of its own."""
        if cur is None:
            with self.db.transaction() as own:
                self.set_owner(org_id, email, actor=actor, action=action, cur=own)
            return
        found = cur.execute("UPDATE organisations SET owner = ? WHERE id = ? RETURNING name", [email, org_id]).fetchall()
        if not found:
            raise InvalidInputError(_("There is no organisation {organisation}.").format(organisation=org_id))
        self.record(actor, action, org_id, f"owner {email or 'nobody'}", cur=cur)

    def shared_with(self, org_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT account FROM organisation_shares WHERE organisation_id = ? ORDER BY account", [org_id]
        )
        return [r[0] for r in rows]

    def share(self, org_id: str, email: str, *, actor: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO organisation_shares VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [org_id, email, actor, utcnow()],
            )
            self.record(actor, "share organisation", org_id, f"with {email}", cur=cur)

    def unshare(self, org_id: str, email: str, *, actor: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM organisation_shares WHERE organisation_id = ? AND account = ?", [org_id, email]
            )
            self.record(actor, "stop sharing organisation", org_id, f"with {email}", cur=cur)

    def visible_organisation_ids(self, email: str) -> set[str]:
        """Organisations this account owns or that were shared with it (its role aside)."""
        rows = self.db.execute(
            "SELECT id FROM organisations WHERE owner = ?"
            " UNION SELECT organisation_id FROM organisation_shares WHERE account = ?",
            [email, email],
        )
        return {r[0] for r in rows}

    # audit log ------------------------------------------------------------------------------

    def record(self, actor: str, action: str, subject: str, detail: str = "", *, cur: Any = None) -> None:
        """One audit row; inside ``cur``'s transaction when given (the change and its record
        commit together), else in a transaction of its own."""
        actor = (actor or "").strip()
        if not actor:
            raise ValueError("an audit record needs an actor")
        row = [utcnow(), actor[:200], action, subject or "", detail or ""]
        sql = "INSERT INTO audit_log (happened_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"
        if cur is not None:
            cur.execute(sql, row)
            return
        with self.db.transaction() as own:
            own.execute(sql, row)

    def audit_entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = MAX_AUDIT_ROWS,
    ) -> pd.DataFrame:
        """Newest first; ``until`` is exclusive. Read-only: the app never edits the log."""
        return self.db.frame(
            "SELECT happened_at, actor, action, subject, detail FROM audit_log"
            " WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?)"
            " AND (?::TIMESTAMP IS NULL OR happened_at >= ?) AND (?::TIMESTAMP IS NULL OR happened_at < ?)"
            " ORDER BY id DESC LIMIT ?",
            [actor, actor, action, action, since, since, until, until, limit],
        )

    def audit_choices(self) -> tuple[list[str], list[str]]:
        """The actors and actions found in the log, for the console's filters."""
        actors = [r[0] for r in self.db.execute("SELECT DISTINCT actor FROM audit_log ORDER BY 1")]
        actions = [r[0] for r in self.db.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1")]
        return actors, actions
