"""The benchmark pool and its releases: which rounds count (with whose consent), the releases
published from them, and whether a consultant's round shows its results to respondents.

A round enters the pool only when a signed-in consultant approves it, recording who gave the
client's consent and when; its scores are frozen at that moment, so later answers change nothing
until it is approved again. Public self-assessments enter only when approved with
``include_self_assessed``; synthetic and test organisations never do.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from assessment.disclosure import Key, Unit
from assessment.i18n import _
from assessment.store.database import Database, utcnow
from assessment.store.records import InvalidInputError, Organisation
from assessment.store.upkeep import ScoreUpkeep

MAX_BY_LENGTH = 80
_ORG_COLS = "o.id, o.name, o.industry, o.size_band, o.region, o.synthetic, o.created_at, o.archived_at"
# A self-assessed organisation: it has rounds, and none of them was opened by a consultant.
_SELF_ASSESSED = (
    "(EXISTS (SELECT 1 FROM rounds r WHERE r.organisation_id = o.id)"
    " AND NOT EXISTS (SELECT 1 FROM rounds r WHERE r.organisation_id = o.id AND r.kind = 'consultant'))"
)


def who(by: str | None) -> str:
    """Who acted: the name typed, else "console" (one shared password today; an account id
    fits the same field once there are accounts)."""
    text = (by or "").strip()
    if len(text) > MAX_BY_LENGTH:
        raise InvalidInputError(
            _("The name is {length} characters long; the limit is {limit}.").format(length=len(text), limit=MAX_BY_LENGTH)
        )
    return text or "console"


@dataclass(frozen=True)
class Release:
    id: int
    questionnaire_id: str
    questionnaire_version: str
    published_at: datetime
    published_by: str
    n_orgs: int

    @property
    def questionnaire_key(self) -> tuple[str, str]:
        return (self.questionnaire_id, self.questionnaire_version)

    @property
    def label(self) -> str:
        return f"Benchmark release {self.id} of {self.published_at:%Y-%m-%d}"


_RELEASE_COLS = "id, questionnaire_id, questionnaire_version, published_at, published_by, n_orgs"


class PoolQueries:
    def __init__(self, db: Database, upkeep: ScoreUpkeep) -> None:
        self.db = db
        self.upkeep = upkeep  # the store's one score upkeep, shared by its parts

    # organisations by kind -----------------------------------------------------------------

    def client_organisations(self, *, include_archived: bool = False) -> list[Organisation]:
        """Real organisations a consultant works with (made in the console, or with a
        consultant's round); public self-assessments are listed apart."""
        rows = self.db.execute(
            f"SELECT {_ORG_COLS} FROM organisations o WHERE NOT o.synthetic AND NOT {_SELF_ASSESSED}"
            " AND (? OR o.archived_at IS NULL) ORDER BY lower(o.name), o.created_at",
            [include_archived],
        )
        return [Organisation(*r) for r in rows]

    def pool_overview(self, *, self_assessed: bool) -> pd.DataFrame:
        """Clients or self-assessed organisations with their benchmark status: the round that
        counts, who recorded consent and when, withdrawal, and the test flag."""
        return self.db.frame(
            "WITH latest AS (SELECT e.*, r.name AS round_name, row_number() OVER (PARTITION BY"
            "  e.organisation_id ORDER BY e.consent_at DESC) AS rn FROM benchmark_entries e"
            "  JOIN rounds r ON r.id = e.round_id),"
            " finished AS (SELECT r.organisation_id, count(p.completed_at) AS finished,"
            "  max(r.created_at) AS last_round FROM rounds r LEFT JOIN respondents p ON p.round_id = r.id"
            "  GROUP BY r.organisation_id)"
            " SELECT o.id AS organisation_id, o.name, o.industry, o.size_band, o.region, o.is_test,"
            " coalesce(f.finished, 0) AS finished_respondents, f.last_round,"
            " l.round_id, l.round_name, l.consent_by, l.consent_at, l.withdrawn_by, l.withdrawn_at,"
            " (l.round_id IS NOT NULL AND l.withdrawn_at IS NULL AND NOT o.is_test) AS in_pool"
            f" FROM organisations o LEFT JOIN latest l ON l.organisation_id = o.id AND l.rn = 1"
            " LEFT JOIN finished f ON f.organisation_id = o.id"
            f" WHERE NOT o.synthetic AND o.archived_at IS NULL AND {_SELF_ASSESSED} = ?"
            " ORDER BY lower(o.name), o.created_at",
            [self_assessed],
        )

    def is_self_assessed(self, org_id: str) -> bool:
        rows = self.db.execute(f"SELECT {_SELF_ASSESSED} FROM organisations o WHERE o.id = ?", [org_id])
        return bool(rows and rows[0][0])

    def set_test_organisation(self, org_id: str, is_test: bool = True) -> None:
        """A test organisation never counts in the benchmark, approved or not."""
        with self.db.transaction() as cur:
            cur.execute("UPDATE organisations SET is_test = ? WHERE id = ?", [is_test, org_id])

    # consent -------------------------------------------------------------------------------

    def approve_round(
        self, round_id: str, by: str | None, *, note: str | None = None, include_self_assessed: bool = False
    ) -> None:
        """Record the client's consent (who, when) and freeze the round's scores for the pool.

        Refused for synthetic, test or archived organisations, for a public self-assessment
        unless ``include_self_assessed`` (an operator's explicit choice), and for a round
        without a score in every dimension (releases need the same n in every dimension)."""
        actor = who(by)
        self.upkeep.refresh_rounds([round_id])
        found = self.db.execute(
            "SELECT r.organisation_id, r.questionnaire_id, r.questionnaire_version, o.synthetic, o.is_test,"
            f" o.archived_at IS NOT NULL, {_SELF_ASSESSED} FROM rounds r"
            " JOIN organisations o ON o.id = r.organisation_id WHERE r.id = ?",
            [round_id],
        )
        if not found:
            raise InvalidInputError(_("There is no round {round}.").format(round=round_id))
        org_id, qid, qver, synthetic, is_test, archived, self_assessed = found[0]
        if synthetic or is_test:
            raise InvalidInputError(_("Synthetic and test organisations never count in the benchmark."))
        if archived:
            raise InvalidInputError(_("An archived organisation does not count in the benchmark."))
        if self_assessed and not include_self_assessed:
            raise InvalidInputError(
                _(
                    "This is a public self-assessment: it counts only when an operator includes the "
                    "organisation explicitly, from the list of self-assessments."
                )
            )
        missing = self.db.execute(
            "SELECT d.dimension_id FROM (SELECT DISTINCT dimension_id FROM questionnaire_items"
            "  WHERE questionnaire_id = ? AND questionnaire_version = ?"
            "  UNION SELECT 'overall') d"
            " LEFT JOIN round_scores s ON s.round_id = ? AND s.dimension_id = d.dimension_id"
            " WHERE s.score IS NULL ORDER BY 1",
            [qid, qver, round_id],
        )
        if missing:
            names = ", ".join(m[0] for m in missing)
            raise InvalidInputError(
                _(
                    "This round has no score yet in: {dimensions}. Only rounds scored in every dimension enter "
                    "the benchmark (finished respondents, at least half the questions of each dimension)."
                ).format(dimensions=names)
            )
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM benchmark_entries WHERE round_id = ?", [round_id])
            cur.execute("DELETE FROM benchmark_entry_scores WHERE round_id = ?", [round_id])
            cur.execute(
                "INSERT INTO benchmark_entries (round_id, organisation_id, questionnaire_id,"
                " questionnaire_version, self_assessed, consent_by, consent_at, consent_note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    round_id,
                    org_id,
                    qid,
                    qver,
                    bool(self_assessed),
                    actor,
                    utcnow(),
                    (note or "").strip() or None,
                ],
            )
            cur.execute(
                "INSERT INTO benchmark_entry_scores SELECT round_id, dimension_id, score FROM round_scores"
                " WHERE round_id = ? AND score IS NOT NULL",
                [round_id],
            )

    def withdraw_organisation(self, org_id: str, by: str | None) -> int:
        """Withdraw every approved round of an organisation; it leaves the next release (the
        releases already published keep it). Returns how many rounds were withdrawn."""
        actor = who(by)
        with self.db.transaction() as cur:
            rows = cur.execute(
                "UPDATE benchmark_entries SET withdrawn_by = ?, withdrawn_at = ?"
                " WHERE organisation_id = ? AND withdrawn_at IS NULL RETURNING round_id",
                [actor, utcnow(), org_id],
            ).fetchall()
        return len(rows)

    def benchmark_entry(self, round_id: str) -> dict[str, object] | None:
        frame = self.db.frame("SELECT * FROM benchmark_entries WHERE round_id = ?", [round_id])
        return frame.iloc[0].to_dict() if len(frame) else None

    def pool_units(self, qkey: tuple[str, str], dimension_ids: Sequence[str]) -> list[Unit]:
        """Each organisation's latest approved, not withdrawn round under this questionnaire
        version, with its frozen scores; only rounds scored in every dimension."""
        rows = self.db.execute(
            "WITH active AS (SELECT e.round_id, e.organisation_id, row_number() OVER (PARTITION BY"
            "  e.organisation_id ORDER BY r.created_at DESC, r.id DESC) AS rn"
            "  FROM benchmark_entries e JOIN rounds r ON r.id = e.round_id"
            "  JOIN organisations o ON o.id = e.organisation_id"
            "  WHERE e.withdrawn_at IS NULL AND e.questionnaire_id = ? AND e.questionnaire_version = ?"
            "  AND NOT o.synthetic AND NOT o.is_test AND o.archived_at IS NULL)"
            " SELECT a.round_id, a.organisation_id, o.industry, o.size_band, o.region, s.dimension_id, s.score"
            " FROM active a JOIN organisations o ON o.id = a.organisation_id"
            " JOIN benchmark_entry_scores s ON s.round_id = a.round_id WHERE a.rn = 1"
            " ORDER BY a.round_id",
            list(qkey),
        )
        grouped: dict[str, tuple[tuple[str, str, str, str], dict[str, float]]] = {}
        for round_id, org_id, industry, size_band, region, dim, score in rows:
            grouped.setdefault(round_id, ((org_id, industry, size_band, region), {}))[1][dim] = float(score)
        needed = {*dimension_ids, "overall"}
        return [
            Unit(round_id, *profile, scores=scores)
            for round_id, (profile, scores) in grouped.items()
            if needed <= set(scores)
        ]

    # releases ------------------------------------------------------------------------------

    def benchmark_secret(self) -> bytes:
        """The perturbation key, made once per database; never shown or exported."""
        with self.db.transaction() as cur:
            found = cur.execute("SELECT secret FROM benchmark_secret WHERE id = 1").fetchall()
            if not found:
                value = secrets.token_hex(32)
                cur.execute("INSERT INTO benchmark_secret VALUES (1, ?, ?)", [value, utcnow()])
                return bytes.fromhex(value)
        return bytes.fromhex(found[0][0])

    def save_release(
        self,
        qkey: tuple[str, str],
        by: str | None,
        rows: pd.DataFrame,
        members: Mapping[Key, frozenset[str]],
    ) -> int:
        """Store a release's published rows and, for later releases' checks, who contributed to
        each published segment; one transaction."""
        actor = who(by)
        n_all = len(members[("all", "")])
        with self.db.transaction() as cur:
            release_id = cur.execute(
                "INSERT INTO benchmark_releases (questionnaire_id, questionnaire_version, published_at,"
                " published_by, n_orgs) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [*qkey, utcnow(), actor, n_all],
            ).fetchall()[0][0]
            frame = rows.astype({"n_orgs": "int64"})
            cur.register("release_rows", frame)
            cur.execute(
                "INSERT INTO benchmark_release_rows SELECT ?, segment_type, segment_value, dimension_id,"
                " n_orgs, mean, p25, median, p75 FROM release_rows",
                [release_id],
            )
            cur.unregister("release_rows")
            cur.executemany(
                "INSERT INTO benchmark_release_members VALUES (?, ?, ?, ?)",
                [(release_id, t, v, r) for (t, v), rounds in members.items() for r in sorted(rounds)],
            )
        return int(release_id)

    def benchmark_releases(self, qkey: tuple[str, str] | None = None) -> list[Release]:
        """Releases, newest first."""
        qid, qver = qkey if qkey is not None else (None, None)
        rows = self.db.execute(
            f"SELECT {_RELEASE_COLS} FROM benchmark_releases WHERE (? IS NULL OR questionnaire_id = ?)"
            " AND (? IS NULL OR questionnaire_version = ?) ORDER BY id DESC",
            [qid, qid, qver, qver],
        )
        return [Release(*r) for r in rows]

    def latest_release(self, qkey: tuple[str, str]) -> Release | None:
        found = self.benchmark_releases(qkey)
        return found[0] if found else None

    def release(self, release_id: int) -> Release | None:
        rows = self.db.execute(f"SELECT {_RELEASE_COLS} FROM benchmark_releases WHERE id = ?", [release_id])
        return Release(*rows[0]) if rows else None

    def release_rows(self, release_id: int) -> pd.DataFrame:
        """A release's rows with formats.ROW_COLUMNS (quartiles empty under 10 organisations)."""
        return self.db.frame(
            "SELECT b.questionnaire_id, b.questionnaire_version, r.segment_type, r.segment_value,"
            " r.dimension_id, r.n_orgs, r.mean, r.p25, r.median, r.p75"
            " FROM benchmark_release_rows r JOIN benchmark_releases b ON b.id = r.release_id"
            " WHERE r.release_id = ? ORDER BY r.segment_type, r.segment_value, r.dimension_id",
            [release_id],
        )

    def release_stats(self, release_id: int, segment_type: str, segment_value: str | None) -> pd.DataFrame:
        """One segment of a release: dimension_id, n, mean, p25, median, p75."""
        return self.db.frame(
            "SELECT dimension_id, n_orgs AS n, mean, p25, median, p75 FROM benchmark_release_rows"
            " WHERE release_id = ? AND segment_type = ? AND segment_value = ? ORDER BY dimension_id",
            [release_id, segment_type, segment_value or ""],
        )

    def release_segment_sizes(self, release_id: int) -> dict[Key, int]:
        rows = self.db.execute(
            "SELECT segment_type, segment_value, count(*) FROM benchmark_release_members"
            " WHERE release_id = ? GROUP BY ALL",
            [release_id],
        )
        return {(t, v): int(n) for t, v, n in rows}

    def release_members(self, qkey: tuple[str, str]) -> list[dict[Key, frozenset[str]]]:
        """Every earlier release's published segments and their contributors, oldest first."""
        rows = self.db.execute(
            "SELECT m.release_id, m.segment_type, m.segment_value, m.round_id FROM benchmark_release_members m"
            " JOIN benchmark_releases b ON b.id = m.release_id"
            " WHERE b.questionnaire_id = ? AND b.questionnaire_version = ? ORDER BY m.release_id",
            list(qkey),
        )
        releases: dict[int, dict[Key, set[str]]] = {}
        for release_id, segment_type, value, round_id in rows:
            releases.setdefault(release_id, {}).setdefault((segment_type, value), set()).add(round_id)
        return [{k: frozenset(v) for k, v in found.items()} for _, found in sorted(releases.items())]

    def is_release_member(self, release_id: int, organisation_id: str) -> bool:
        rows = self.db.execute(
            "SELECT 1 FROM benchmark_release_members m JOIN rounds r ON r.id = m.round_id"
            " WHERE m.release_id = ? AND m.segment_type = 'all' AND r.organisation_id = ? LIMIT 1",
            [release_id, organisation_id],
        )
        return bool(rows)

    # a consultant's round: results shown to respondents only once released ------------------

    def release_results(self, round_id: str, by: str | None, released: bool = True) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE rounds SET results_released_at = CASE WHEN ? THEN ? END,"
                " results_released_by = CASE WHEN ? THEN ? END WHERE id = ?",
                [released, utcnow(), released, who(by), round_id],
            )

    def results_released(self, round_id: str) -> bool:
        """Self-assessments always show their results; a consultant's round once released."""
        rows = self.db.execute(
            "SELECT kind = 'self' OR results_released_at IS NOT NULL FROM rounds WHERE id = ?", [round_id]
        )
        return bool(rows and rows[0][0])
