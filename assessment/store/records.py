"""Rows the store hands out, and the errors a caller can show to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class InvalidInputError(ValueError):
    """Input a person typed was refused; the message says what to change."""


class RoundClosedError(RuntimeError):
    """The round no longer takes answers; what was given before is kept."""


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    industry: str
    size_band: str
    region: str
    synthetic: bool
    created_at: datetime
    archived_at: datetime | None = None


@dataclass(frozen=True)
class Round:
    id: str
    organisation_id: str
    name: str
    questionnaire_id: str
    questionnaire_version: str
    kind: str  # "self" or "consultant"
    status: str  # "open" or "closed"
    join_code: str | None
    created_at: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def questionnaire_key(self) -> tuple[str, str]:
        return (self.questionnaire_id, self.questionnaire_version)


@dataclass(frozen=True)
class RespondentRecord:
    id: str  # pseudonymous id, safe to export
    token: str  # secret personal resume token, never exported
    round_id: str
    side: str
    role: str
    display_name: str | None
    created_at: datetime
    completed_at: datetime | None = None
