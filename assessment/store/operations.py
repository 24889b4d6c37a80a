"""The operator's side of the store: erasure and deletion with an audit record, and upgraded
console password hashes.

Every erasure, deletion, archive and restore writes one audit row in the same transaction as the
change itself, so there is never a change without its record or a record without its change.
The audit record names what was removed by its pseudonymous id and counts, never by the erased
person's name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assessment.i18n import _
from assessment.store.database import Database, utcnow
from assessment.store.records import InvalidInputError
from assessment.store.upkeep import ScoreUpkeep

ACTORS = ("console", "command line")  # before accounts; now an actor is an account's e-mail too


@dataclass(frozen=True)
class Removed:
    """What an erasure or deletion removed: ``detail`` is the audit record's English words,
    ``counts`` the figures a confirmation message says in the reader's language."""

    subject: str
    detail: str
    counts: dict[str, int] = field(default_factory=dict)


def _digest(configured_hash: str) -> str:
    return hashlib.sha256(configured_hash.strip().encode()).hexdigest()


class OperationsQueries:
    def __init__(self, db: Database, upkeep: ScoreUpkeep) -> None:
        self.db = db
        self.upkeep = upkeep  # the store's one score upkeep, shared by its parts

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

    # erasure and deletion ---------------------------------------------------------------

    def _audit(self, cur: Any, actor: str, action: str, subject: str, detail: str) -> None:
        if not (actor or "").strip():
            raise ValueError("an audit record needs an actor: an account's e-mail, or one of " + ", ".join(ACTORS))
        cur.execute(
            "INSERT INTO audit_log (happened_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            [utcnow(), actor, action, subject, detail],
        )

    def erase_respondent(self, respondent_id: str, *, actor: str) -> Removed:
        """Erase one person (a data-protection request): their answers, importance ratings, name,
        role and personal link. Their round's scores are recomputed without them; open or closed
        round alike."""
        with self.db.transaction() as cur:
            found = cur.execute(
                "SELECT p.round_id, r.organisation_id, p.display_name IS NOT NULL FROM respondents p"
                " JOIN rounds r ON r.id = p.round_id WHERE p.id = ?",
                [respondent_id],
            ).fetchall()
            if not found:
                raise InvalidInputError(
                    _("There is no respondent {respondent}; nothing was erased.").format(respondent=respondent_id)
                )
            round_id, org_id, named = found[0]
            answers = cur.execute(
                "DELETE FROM answers WHERE respondent_id = ? RETURNING 1", [respondent_id]
            ).fetchall()
            ratings = cur.execute(
                "DELETE FROM importance WHERE respondent_id = ? RETURNING 1", [respondent_id]
            ).fetchall()
            cur.execute("DELETE FROM respondents WHERE id = ?", [respondent_id])
            detail = (
                f"round {round_id} of {org_id}: {len(answers)} answers, {len(ratings)} importance ratings, "
                f"{'name, ' if named else ''}role and personal link erased; scores recomputed"
            )
            self._audit(cur, actor, "erase respondent", respondent_id, detail)
        self.upkeep.refresh_rounds([round_id])
        with self.db.transaction() as cur:
            # A round approved for the benchmark pool keeps a snapshot of its scores for the next
            # release: it is taken again without the erased person (published releases are
            # aggregates of at least 5 organisations and are not recalled).
            if cur.execute("SELECT 1 FROM benchmark_entries WHERE round_id = ?", [round_id]).fetchall():
                cur.execute("DELETE FROM benchmark_entry_scores WHERE round_id = ?", [round_id])
                cur.execute(
                    "INSERT INTO benchmark_entry_scores SELECT round_id, dimension_id, score FROM round_scores"
                    " WHERE round_id = ? AND score IS NOT NULL",
                    [round_id],
                )
        return Removed(respondent_id, detail, {"answers": len(answers), "ratings": len(ratings), "named": int(named)})

    def find_respondents(self, *, token: str | None = None, name: str | None = None) -> pd.DataFrame:
        """Respondents matching a personal link's token or a given name (case-insensitive), to
        find whom an erasure request is about."""
        return self.db.frame(
            "SELECT p.id AS respondent, p.display_name, p.side, p.role, o.name AS organisation,"
            " r.name AS round, p.created_at, p.completed_at IS NOT NULL AS finished"
            " FROM respondents p JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = r.organisation_id"
            " WHERE (? IS NOT NULL AND p.token = ?) OR (? IS NOT NULL AND lower(p.display_name) = lower(?))"
            " ORDER BY p.created_at",
            [token, token, name, name],
        )

    def respondents_list(self, round_id: str) -> pd.DataFrame:
        """A round's respondents for the console's erasure picker: pseudonymous id, side, role,
        and the name only where the person chose to give one."""
        return self.db.frame(
            "SELECT id AS respondent, display_name, side, role, completed_at IS NOT NULL AS finished"
            " FROM respondents WHERE round_id = ? ORDER BY created_at, id",
            [round_id],
        )

    def delete_benchmark_set(self, set_id: int, *, actor: str) -> Removed:
        """Remove an imported benchmark set and its rows; nothing else depends on it."""
        with self.db.transaction() as cur:
            found = cur.execute("SELECT source, rows FROM benchmark_sets WHERE id = ?", [set_id]).fetchall()
            if not found:
                raise InvalidInputError(
                    _("There is no imported benchmark set {set}; nothing was deleted.").format(set=set_id)
                )
            source, rows = found[0]
            cur.execute("DELETE FROM benchmark_rows WHERE set_id = ?", [set_id])
            cur.execute("DELETE FROM benchmark_sets WHERE id = ?", [set_id])
            detail = f"'{source}', {rows} rows"
            self._audit(cur, actor, "delete benchmark set", str(set_id), detail)
        return Removed(str(set_id), detail)

    def delete_organisation(self, org_id: str, *, actor: str, confirm_name: str) -> Removed:
        """Delete an organisation (a test organisation, or one whose data must go) with every
        round, respondent, answer, rating, target and score. ``confirm_name`` must be its name,
        exactly: a guard against deleting the wrong one."""
        with self.db.transaction() as cur:
            found = cur.execute("SELECT name, synthetic FROM organisations WHERE id = ?", [org_id]).fetchall()
            if not found:
                raise InvalidInputError(
                    _("There is no organisation {organisation}; nothing was deleted.").format(organisation=org_id)
                )
            name, synthetic = found[0]
            if synthetic:
                raise InvalidInputError(_("The synthetic sample is not deleted one organisation at a time."))
            if (confirm_name or "").strip() != name.strip():
                raise InvalidInputError(
                    _("To delete an organisation, type its name exactly as shown; nothing was deleted.")
                )
            rounds = [
                r[0]
                for r in cur.execute("SELECT id FROM rounds WHERE organisation_id = ?", [org_id]).fetchall()
            ]
            people = [
                r[0]
                for r in cur.execute(
                    "SELECT id FROM respondents WHERE list_contains(?, round_id)", [rounds]
                ).fetchall()
            ]
            answers = cur.execute(
                "DELETE FROM answers WHERE list_contains(?, respondent_id) RETURNING 1", [people]
            ).fetchall()
            cur.execute("DELETE FROM importance WHERE list_contains(?, respondent_id)", [people])
            cur.execute("DELETE FROM respondents WHERE list_contains(?, round_id)", [rounds])
            for table in ("targets", "round_scores", "benchmark_entry_scores", "benchmark_entries"):
                cur.execute(f"DELETE FROM {table} WHERE list_contains(?, round_id)", [rounds])  # noqa: S608
            cur.execute("DELETE FROM rounds WHERE organisation_id = ?", [org_id])
            cur.execute("DELETE FROM peer_scores WHERE organisation_id = ?", [org_id])
            cur.execute("DELETE FROM organisation_shares WHERE organisation_id = ?", [org_id])
            cur.execute("DELETE FROM organisations WHERE id = ?", [org_id])
            detail = (
                f"{len(rounds)} rounds, {len(people)} respondents, {len(answers)} answers deleted;"
                " peer benchmarks recomputed without it"
            )
            self._audit(cur, actor, "delete organisation", org_id, detail)
        return Removed(org_id, detail, {"rounds": len(rounds), "respondents": len(people), "answers": len(answers)})

    def set_archived(self, org_id: str, archived: bool, *, actor: str) -> None:
        """Archive (leaves the console list and the peer set; nothing is deleted) or restore."""
        with self.db.transaction() as cur:
            found = cur.execute(
                "SELECT archived_at IS NOT NULL FROM organisations WHERE id = ?", [org_id]
            ).fetchall()
            if not found:
                raise InvalidInputError(_("There is no organisation {organisation}.").format(organisation=org_id))
            if bool(found[0][0]) == archived:
                return
            cur.execute(
                "UPDATE organisations SET archived_at = CASE WHEN ? THEN ? END WHERE id = ?",
                [archived, utcnow(), org_id],
            )
            action = "archive organisation" if archived else "restore organisation from archive"
            self._audit(cur, actor, action, org_id, "peer benchmarks recomputed")
        self.upkeep.refresh_peers([org_id])

    # audit record -----------------------------------------------------------------------

    def audit_log(self, limit: int = 200) -> pd.DataFrame:
        """Erasures, deletions and archiving, newest first. Never names an erased person."""
        return self.db.frame(
            "SELECT happened_at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            [limit],
        )
