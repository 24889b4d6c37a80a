"""Stored scores kept current, and the "is this respondent's round open" check: the two things
every part of the store needs. One object, handed to each part that needs it (composition),
instead of parts reaching into each other's private methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assessment import profile
from assessment.i18n import _
from assessment.store.database import Database
from assessment.store.records import InvalidInputError, RoundClosedError
from assessment.store.scores_sql import REFRESH_PEER_SCORES, REFRESH_ROUND_SCORES
from assessment.store.writer import CLOSED_MESSAGE, UNKNOWN_RESPONDENT


class ScoreUpkeep:
    def __init__(self, db: Database) -> None:
        self.db = db

    def check_open(self, cur: Any, respondent_id: str) -> tuple[str, str, str]:
        """The respondent's round status and questionnaire; refuses an unknown or closed one."""
        rows = cur.execute(
            "SELECT r.status, r.questionnaire_id, r.questionnaire_version FROM respondents p"
            " JOIN rounds r ON r.id = p.round_id WHERE p.id = ?",
            [respondent_id],
        ).fetchall()
        if not rows:
            raise InvalidInputError(_(UNKNOWN_RESPONDENT))
        if rows[0][0] != "open":
            raise RoundClosedError(_(CLOSED_MESSAGE))
        return rows[0]

    def rounds(self, cur: Any, ids: list[str] | None) -> None:
        """Recompute the stored per-round scores (all when ``ids`` is None) and, from them, the
        scores of the organisations those rounds belong to, inside the caller's transaction."""
        if ids is None:
            cur.execute("DELETE FROM round_scores")
        else:
            cur.execute("DELETE FROM round_scores WHERE list_contains(?, round_id)", [ids])
        cur.execute(REFRESH_ROUND_SCORES, [sorted(profile.TEAM_ROLES), ids, ids])
        orgs = None
        if ids is not None:
            orgs = [r[0] for r in cur.execute(
                "SELECT DISTINCT organisation_id FROM rounds WHERE list_contains(?, id)", [ids]
            ).fetchall()]  # fmt: skip
        self.peers(cur, orgs)

    def peers(self, cur: Any, org_ids: list[str] | None) -> None:
        if org_ids is None:
            cur.execute("DELETE FROM peer_scores")
        else:
            cur.execute("DELETE FROM peer_scores WHERE list_contains(?, organisation_id)", [org_ids])
        cur.execute(REFRESH_PEER_SCORES, [org_ids, org_ids])

    def refresh_rounds(self, round_ids: Sequence[str] | None = None) -> None:
        """``rounds`` in a transaction of its own."""
        with self.db.transaction() as cur:
            self.rounds(cur, list(round_ids) if round_ids is not None else None)

    def refresh_peers(self, org_ids: list[str]) -> None:
        with self.db.transaction() as cur:
            self.peers(cur, org_ids)
