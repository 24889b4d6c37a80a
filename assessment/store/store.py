"""Organisations, rounds, respondents and their answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from assessment import codes, profile
from assessment.i18n import _
from assessment.questionnaire import SIDES, Questionnaire
from assessment.scoring import Respondent
from assessment.store.accounts import AccountQueries
from assessment.store.benchmark_sets import BenchmarkSetQueries
from assessment.store.branding import BrandingQueries
from assessment.store.database import Database, utcnow
from assessment.store.engagements import EngagementQueries
from assessment.store.operations import OperationsQueries
from assessment.store.peers import PeerQueries
from assessment.store.pool import PoolQueries
from assessment.store.records import (
    InvalidInputError,
    Organisation,
    RespondentRecord,
    Round,
    choice,
    clean_name,
    closed_to_newcomers_error,
    still_open_error,
)
from assessment.store.scores_sql import SELECT_ROUND_SCORES
from assessment.store.upkeep import ScoreUpkeep
from assessment.store.writer import BatchWriter

_ORG_COLS = "id, name, industry, size_band, region, synthetic, created_at, archived_at"
_ROUND_COLS = (
    "id, organisation_id, name, questionnaire_id, questionnaire_version, kind, status, join_code,"
    " created_at, closed_at, language"
)
_BULK_TABLES = frozenset({"organisations", "rounds", "respondents", "answers", "importance"})
_RESP_COLS = "id, token, round_id, side, role, display_name, created_at, completed_at"


class Store:
    """All persistent state. ``Store(None)`` is an in-memory store for tests.

    The core (questionnaires, organisations, rounds, respondents, answers, scores) lives here;
    everything else is a part with its own home, reached as an attribute: ``store.engagements``
    (a consultant's rounds, codes, targets), ``store.peers``, ``store.benchmark_sets``,
    ``store.pool`` (consent and releases), ``store.branding`` and ``store.operations`` (erasure,
    deletion, audit). The parts share one database and one score upkeep and never call each other.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.db = Database(path)
        self.upkeep = ScoreUpkeep(self.db)
        self._writer = BatchWriter(self.db, rescore=self.upkeep.rounds)
        self.engagements = EngagementQueries(self.db, self.upkeep)
        self.peers = PeerQueries(self.db)
        self.benchmark_sets = BenchmarkSetQueries(self.db)
        self.pool = PoolQueries(self.db, self.upkeep)
        self.branding = BrandingQueries(self.db)
        self.operations = OperationsQueries(self.db, self.upkeep)
        self.accounts = AccountQueries(self.db)  # accounts, ownership, shares, audit log

    @property
    def path(self) -> str:
        return self.db.path

    def close(self) -> None:
        self._writer.stop()
        self.db.close()

    # questionnaires ---------------------------------------------------------------------

    def register_questionnaire(self, q: Questionnaire) -> None:
        """Record a questionnaire version's structure so SQL can score and benchmark it.
        Released versions never change, so an existing registration is left as it is."""
        rows = [
            (q.id, q.version, x.id, d.id, x.weight, d.weight, x.scored, x.audience)
            for d in q.dimensions
            for x in d.questions
        ]
        with self.db.transaction() as cur:
            cur.executemany(
                "INSERT INTO questionnaire_items (questionnaire_id, questionnaire_version, question_id,"
                " dimension_id, question_weight, dimension_weight, scored, audience)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                rows,
            )

    # organisations and rounds -----------------------------------------------------------

    def create_organisation(
        self,
        name: str,
        industry: str,
        size_band: str,
        region: str,
        *,
        synthetic: bool = False,
        then: Callable[[Any, Organisation], None] | None = None,
    ) -> Organisation:
        """A new organisation; ``then(cursor, organisation)`` runs in the same transaction (its
        owner and the audit record are written with it, or nothing is)."""
        org = Organisation(
            id=codes.new_id("org"),
            name=clean_name(name, "Organisation name"),
            industry=choice(industry, profile.INDUSTRIES, "Industry"),
            size_band=choice(size_band, profile.SIZE_BANDS, "Size band"),
            region=choice(region, profile.REGIONS, "Region"),
            synthetic=synthetic,
            created_at=utcnow(),
        )
        with self.db.transaction() as cur:
            cur.execute(
                f"INSERT INTO organisations ({_ORG_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    org.id,
                    org.name,
                    org.industry,
                    org.size_band,
                    org.region,
                    org.synthetic,
                    org.created_at,
                    None,
                ],
            )
            if then is not None:
                then(cur, org)
        return org

    def organisation(self, org_id: str) -> Organisation | None:
        rows = self.db.execute(f"SELECT {_ORG_COLS} FROM organisations WHERE id = ?", [org_id])
        return Organisation(*rows[0]) if rows else None

    def create_round(
        self, organisation_id: str, name: str, questionnaire: Questionnaire, *, kind: str = "self"
    ) -> Round:
        rnd = Round(
            id=codes.new_id("rnd"),
            organisation_id=organisation_id,
            name=clean_name(name, "Round name", 80),
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            kind=choice(kind, ("self", "consultant"), "Round kind"),
            status="open",
            join_code=codes.new_join_code(),
            created_at=utcnow(),
        )
        self.register_questionnaire(questionnaire)
        with self.db.transaction() as cur:
            if not cur.execute("SELECT 1 FROM organisations WHERE id = ?", [organisation_id]).fetchall():
                raise InvalidInputError(_("There is no organisation {organisation}.").format(organisation=organisation_id))
            open_rounds = cur.execute(
                "SELECT name FROM rounds WHERE organisation_id = ? AND status = 'open'", [organisation_id]
            ).fetchall()
            if open_rounds:
                raise still_open_error(open_rounds[0][0])
            cur.execute(
                f"INSERT INTO rounds ({_ROUND_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    rnd.id, rnd.organisation_id, rnd.name, rnd.questionnaire_id, rnd.questionnaire_version,
                    rnd.kind, rnd.status, rnd.join_code, rnd.created_at, None, None,
                ],
            )  # fmt: skip
        return rnd

    def round(self, round_id: str) -> Round | None:
        rows = self.db.execute(f"SELECT {_ROUND_COLS} FROM rounds WHERE id = ?", [round_id])
        return Round(*rows[0]) if rows else None

    def round_by_join_code(self, code: str) -> Round | None:
        canonical = codes.normalise_join_code(code)
        if canonical is None:
            return None
        rows = self.db.execute(f"SELECT {_ROUND_COLS} FROM rounds WHERE join_code = ?", [canonical])
        return Round(*rows[0]) if rows else None

    def rounds_of(self, organisation_id: str) -> list[Round]:
        rows = self.db.execute(
            f"SELECT {_ROUND_COLS} FROM rounds WHERE organisation_id = ? ORDER BY created_at",
            [organisation_id],
        )
        return [Round(*r) for r in rows]

    # respondents ------------------------------------------------------------------------

    def create_respondent(
        self, round_id: str, side: str, role: str, display_name: str | None = None
    ) -> RespondentRecord:
        rec = RespondentRecord(
            id=codes.new_id("R", 5),
            token=codes.new_resume_token(),
            round_id=round_id,
            side=choice(side, SIDES, "Side"),
            role=clean_name(role, "Role", 80),
            display_name=clean_name(display_name, "Display name", 80) if display_name else None,
            created_at=utcnow(),
        )
        with self.db.transaction() as cur:
            status = cur.execute("SELECT status FROM rounds WHERE id = ?", [round_id]).fetchall()
            if not status:
                raise InvalidInputError(_("That round does not exist."))
            if status[0][0] != "open":
                raise closed_to_newcomers_error()
            cur.execute(
                f"INSERT INTO respondents ({_RESP_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [rec.id, rec.token, rec.round_id, rec.side, rec.role, rec.display_name, rec.created_at, None],
            )
        return rec

    def respondent_by_token(self, token: str) -> RespondentRecord | None:
        if not token or len(token) > 64:
            return None
        rows = self.db.execute(f"SELECT {_RESP_COLS} FROM respondents WHERE token = ?", [token])
        return RespondentRecord(*rows[0]) if rows else None

    def respondent(self, respondent_id: str) -> RespondentRecord | None:
        rows = self.db.execute(f"SELECT {_RESP_COLS} FROM respondents WHERE id = ?", [respondent_id])
        return RespondentRecord(*rows[0]) if rows else None

    def save_answer(self, respondent_id: str, question_id: str, level: int | None) -> None:
        """Upsert one answer (``None`` is "don't know"); returns once it is committed."""
        _check_level(level)
        self._writer.save("answers", respondent_id, question_id, level)

    def save_importance(self, respondent_id: str, dimension_id: str, rating: int) -> None:
        _check_rating(rating)
        self._writer.save("importance", respondent_id, dimension_id, rating)

    def save_step(
        self, respondent_id: str, answers: dict[str, int | None], importance: dict[str, int]
    ) -> None:
        """Save a questionnaire step's answers and importance ratings together; returns once
        they are committed. A refused value (a level out of range) stores nothing of the step."""
        for level in answers.values():
            _check_level(level)
        for rating in importance.values():
            _check_rating(rating)
        self._writer.save_all(
            [("answers", respondent_id, q, level) for q, level in answers.items()]
            + [("importance", respondent_id, d, rating) for d, rating in importance.items()]
        )

    def answers_for(self, respondent_id: str) -> dict[str, int | None]:
        rows = self.db.execute(
            "SELECT question_id, level FROM answers WHERE respondent_id = ?", [respondent_id]
        )
        return {q: (int(lv) if lv is not None else None) for q, lv in rows}

    def importance_for(self, respondent_id: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT dimension_id, rating FROM importance WHERE respondent_id = ?", [respondent_id]
        )
        return {d: int(r) for d, r in rows}

    def mark_complete(self, respondent_id: str) -> None:
        """Finishing makes the respondent count in the round's benchmark scores: the mark and
        the round's new scores commit together, so the scores are never behind the finishes."""
        with self.db.transaction() as cur:
            self.upkeep.check_open(cur, respondent_id)
            round_id = cur.execute(
                "UPDATE respondents SET completed_at = coalesce(completed_at, ?) WHERE id = ? RETURNING round_id",
                [utcnow(), respondent_id],
            ).fetchall()[0][0]
            self.upkeep.rounds(cur, [round_id])

    # reading a round --------------------------------------------------------------------

    def respondents_of(
        self, round_id: str, *, completed_only: bool = False, only: str | None = None
    ) -> list[Respondent]:
        """Every respondent of a round (or only the one named ``only``) with their answers and
        importance, ready to score. One query: the results page runs this on every rerun."""
        rows = self.db.execute(
            "WITH people AS (SELECT id, side, role, created_at FROM respondents WHERE round_id = ?"
            " AND (NOT ? OR completed_at IS NOT NULL) AND (? IS NULL OR id = ?))"
            " SELECT p.id, p.side, p.role, p.created_at, 'answer' AS kind, a.question_id AS item,"
            " a.level AS value FROM people p LEFT JOIN answers a ON a.respondent_id = p.id"
            " UNION ALL SELECT p.id, p.side, p.role, p.created_at, 'importance', i.dimension_id, i.rating"
            " FROM people p JOIN importance i ON i.respondent_id = p.id"
            " ORDER BY 4, 1",
            [round_id, completed_only, only, only],
        )
        people: dict[str, tuple[str, str, dict[str, int | None], dict[str, int]]] = {}
        for pid, side, role, _name, kind, item, value in rows:
            _side, _role, answers, importance = people.setdefault(pid, (side, role, {}, {}))
            if item is None:
                continue
            if kind == "answer":
                answers[item] = int(value) if value is not None else None
            else:
                importance[item] = int(value)
        return [
            Respondent(pid, side, answers, importance, role)
            for pid, (side, role, answers, importance) in people.items()
        ]

    def responses_frame(self, round_id: str, respondent_id: str | None = None) -> pd.DataFrame:
        """Raw answers in the BRIEF's long format (pseudonymous ids, no names or tokens)."""
        return self.db.frame(
            "SELECT r.questionnaire_id, r.questionnaire_version, o.name AS organisation, r.name AS round,"
            " p.id AS respondent, p.side, a.question_id, i.dimension_id, a.level, a.answered_at"
            " FROM answers a JOIN respondents p ON p.id = a.respondent_id"
            " JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = r.organisation_id"
            " LEFT JOIN questionnaire_items i ON i.questionnaire_id = r.questionnaire_id"
            "  AND i.questionnaire_version = r.questionnaire_version AND i.question_id = a.question_id"
            # By pseudonymous id, not by when people joined: the order must not match a list of names.
            " WHERE r.id = ? AND (? IS NULL OR p.id = ?) ORDER BY p.id, a.question_id",
            [round_id, respondent_id, respondent_id],
        )

    # benchmark inputs -------------------------------------------------------------------

    def refresh_round_scores(self, round_ids: Sequence[str] | None = None) -> None:
        """Recompute the stored per-round scores (all rounds when ``round_ids`` is None)."""
        self.upkeep.refresh_rounds(round_ids)

    def answer_count(self, round_id: str | None = None) -> int:
        """Stored answers, in one round or in all."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM answers a JOIN respondents p ON p.id = a.respondent_id"
                " WHERE ? IS NULL OR p.round_id = ?",
                [round_id, round_id],
            )[0][0]
        )

    def sample_round_ids(self, limit: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM rounds ORDER BY id LIMIT ?", [limit])]

    def raw_tables(self, qkey: tuple[str, str]) -> dict[str, pd.DataFrame]:
        """Answers, finished respondents and question weights as plain frames (for the engine
        comparison in ``assessment.bench``)."""
        return {
            "answers": self.db.frame("SELECT respondent_id, question_id, level FROM answers"),
            "respondents": self.db.frame(
                "SELECT id, round_id, side FROM respondents WHERE completed_at IS NOT NULL"
            ),
            "items": self.db.frame(
                "SELECT question_id, dimension_id, question_weight FROM questionnaire_items"
                " WHERE questionnaire_id = ? AND questionnaire_version = ? AND scored",
                list(qkey),
            ),
        }

    def benchmark_from_raw(self, round_id: str) -> pd.DataFrame:
        """Score every finished round from the raw answers and rank one round among them, in
        one read-only query: the engine comparison in ``assessment.bench`` times this."""
        return self.db.frame(
            f"WITH s AS ({SELECT_ROUND_SCORES}),"
            " mine AS (SELECT dimension_id, score AS own FROM s WHERE round_id = ?)"
            " SELECT s.dimension_id, count(*) AS n, quantile_cont(s.score, [0.25, 0.5, 0.75]) AS q,"
            " avg((s.score < m.own)::INT + 0.5 * (s.score = m.own)::INT) AS percentile"
            " FROM s JOIN mine m USING (dimension_id) WHERE s.round_id <> ? AND s.score IS NOT NULL"
            " GROUP BY s.dimension_id",
            [sorted(profile.TEAM_ROLES), None, None, round_id, round_id],
        )

    def refresh_peer_scores(self, org_ids: list[str]) -> None:
        """After an organisation is archived or restored."""
        self.upkeep.refresh_peers(org_ids)

    def bulk_insert(self, frames: dict[str, pd.DataFrame]) -> None:
        """Insert whole DataFrames (demo and benchmark data) in one transaction."""
        with self.db.transaction() as cur:
            for table, frame in frames.items():
                if table not in _BULK_TABLES:
                    raise ValueError(f"bulk insert into {table} is not allowed")
                cur.register("bulk_frame", frame)
                cols = ", ".join(frame.columns)
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM bulk_frame")  # noqa: S608
                cur.unregister("bulk_frame")
        self.db.fit_memory_limit()

    def round_scores(self, round_id: str) -> dict[str, float | None]:
        rows = self.db.execute("SELECT dimension_id, score FROM round_scores WHERE round_id = ?", [round_id])
        return dict(rows)

    # reports (issue 5) ------------------------------------------------------------------

    def rounds_overview(self, *, include_synthetic: bool = False) -> pd.DataFrame:
        """Every round with its organisation, status and respondents per side (counts only),
        oldest first. The synthetic sample's rounds are left out unless asked for."""
        return self.db.frame(
            "SELECT r.id AS round_id, o.name AS organisation, r.name AS round, r.status,"
            " count(p.id) FILTER (WHERE p.side = 'it') AS respondents_it,"
            " count(p.id) FILTER (WHERE p.side = 'marketing') AS respondents_marketing,"
            " count(p.id) FILTER (WHERE p.side = 'other') AS respondents_other, r.created_at"
            " FROM rounds r JOIN organisations o ON o.id = r.organisation_id"
            " LEFT JOIN respondents p ON p.round_id = r.id"
            " WHERE ? OR NOT o.synthetic"
            " GROUP BY r.id, o.name, r.name, r.status, r.created_at ORDER BY r.created_at, r.id",
            [include_synthetic],
        )


def _check_level(level: int | None) -> None:
    if level is not None and (isinstance(level, bool) or level not in (1, 2, 3, 4, 5)):
        raise InvalidInputError(_("A level must be 1 to 5 or \"don't know\", not {level}.").format(level=repr(level)))


def _check_rating(rating: int) -> None:
    if isinstance(rating, bool) or rating not in (1, 2, 3, 4, 5):
        raise InvalidInputError(_("Importance must be 1 to 5, not {rating}.").format(rating=repr(rating)))
