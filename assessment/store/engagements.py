"""Consultant engagements: organisations, round lifecycle, join codes, targets, progress."""

from __future__ import annotations

import pandas as pd

from assessment import codes
from assessment.i18n import LANGUAGES, _
from assessment.questionnaire import SIDES
from assessment.store.database import Database, utcnow
from assessment.store.records import InvalidInputError, Organisation, Round, choice, clean_name
from assessment.store.upkeep import ScoreUpkeep

_ORG_COLS = "id, name, industry, size_band, region, synthetic, created_at, archived_at"
_ROUND_COLS = (
    "id, organisation_id, name, questionnaire_id, questionnaire_version, kind, status, join_code,"
    " created_at, closed_at, language"
)


class EngagementQueries:
    def __init__(self, db: Database, upkeep: ScoreUpkeep) -> None:
        self.db = db
        self.upkeep = upkeep  # the store's one score upkeep, shared by its parts

    def organisations(self, *, include_archived: bool = False) -> list[Organisation]:
        """Real (non-synthetic) organisations, by name."""
        rows = self.db.execute(
            f"SELECT {_ORG_COLS} FROM organisations WHERE NOT synthetic"
            " AND (? OR archived_at IS NULL) ORDER BY lower(name), created_at",
            [include_archived],
        )
        return [Organisation(*r) for r in rows]

    def rename_organisation(self, org_id: str, name: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE organisations SET name = ? WHERE id = ?",
                [clean_name(name, "Organisation name"), org_id],
            )

    def archive_organisation(self, org_id: str, archived: bool = True) -> None:
        """Archived organisations leave the console list and the peer set; nothing is deleted."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE organisations SET archived_at = CASE WHEN ? THEN ? END WHERE id = ?",
                [archived, utcnow(), org_id],
            )
            self.upkeep.peers(cur, [org_id])

    def rename_round(self, round_id: str, name: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE rounds SET name = ? WHERE id = ?", [clean_name(name, "Round name", 80), round_id]
            )

    def close_round(self, round_id: str) -> None:
        """Freeze a round: no new respondents or answers; everything given so far is kept and
        the round counts in benchmarks with its finished respondents."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE rounds SET status = 'closed', closed_at = coalesce(closed_at, ?) WHERE id = ?",
                [utcnow(), round_id],
            )
            self.upkeep.rounds(cur, [round_id])

    def rotate_join_code(self, round_id: str) -> str:
        """A new code for the round; the old one stops working at once."""
        code = codes.new_join_code()
        with self.db.transaction() as cur:
            cur.execute("UPDATE rounds SET join_code = ? WHERE id = ?", [code, round_id])
        return code

    def set_round_language(self, round_id: str, language: str | None) -> None:
        """The language people invited to the round see first (None: their browser's); each
        can still choose another, and answers are the same data whatever the language."""
        value = choice(language, LANGUAGES, "Language") if language else None
        with self.db.transaction() as cur:
            cur.execute("UPDATE rounds SET language = ? WHERE id = ?", [value, round_id])

    def revoke_join_code(self, round_id: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE rounds SET join_code = NULL WHERE id = ?", [round_id])

    def open_round_of(self, org_id: str) -> Round | None:
        rows = self.db.execute(
            f"SELECT {_ROUND_COLS} FROM rounds WHERE organisation_id = ? AND status = 'open'"
            " ORDER BY created_at DESC LIMIT 1",
            [org_id],
        )
        return Round(*rows[0]) if rows else None

    def change_side(self, respondent_id: str, side: str) -> None:
        """A respondent who picked the wrong side moves, answers and all, while the round is open."""
        choice(side, SIDES, "Side")
        with self.db.transaction() as cur:
            self.upkeep.check_open(cur, respondent_id)
            cur.execute("UPDATE respondents SET side = ? WHERE id = ?", [side, respondent_id])

    def set_targets(self, round_id: str, targets: dict[str, float]) -> None:
        for dimension_id, value in targets.items():
            if not 1 <= float(value) <= 5:
                raise InvalidInputError(
                    _("The target for {dimension} must be from 1 to 5, not {value}.").format(
                        dimension=dimension_id, value=value
                    )
                )
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM targets WHERE round_id = ?", [round_id])
            now = utcnow()
            for dimension_id, value in targets.items():
                cur.execute(
                    "INSERT INTO targets VALUES (?, ?, ?, ?)", [round_id, dimension_id, float(value), now]
                )

    def targets(self, round_id: str) -> dict[str, float]:
        return dict(
            self.db.execute("SELECT dimension_id, target FROM targets WHERE round_id = ?", [round_id])
        )

    def progress_by_side(self, round_id: str) -> pd.DataFrame:
        """Started and finished per side, every side listed even when nobody has started."""
        frame = self.db.frame(
            "SELECT s.side, count(p.id) AS started, count(p.completed_at) AS finished"
            " FROM (SELECT unnest(?::VARCHAR[]) AS side) s"
            " LEFT JOIN respondents p ON p.side = s.side AND p.round_id = ?"
            " GROUP BY s.side",
            [list(SIDES), round_id],
        )
        order = {s: i for i, s in enumerate(SIDES)}
        return frame.sort_values("side", key=lambda col: col.map(order)).reset_index(drop=True)

    def named_respondents(self, round_id: str) -> pd.DataFrame:
        """Only those who chose to give a name, alphabetically, with whether they finished: no
        side, role or join order, which could be matched to the pseudonymous raw answers."""
        return self.db.frame(
            "SELECT display_name, completed_at IS NOT NULL AS finished FROM respondents"
            " WHERE round_id = ? AND display_name IS NOT NULL ORDER BY lower(display_name), display_name",
            [round_id],
        )
