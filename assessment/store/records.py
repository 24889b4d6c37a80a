"""Rows the store hands out, and the errors a caller can show to a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from assessment import profile
from assessment.text import one_line


class InvalidInputError(ValueError):
    """Input a person typed was refused; the message says what to change."""


class RoundClosedError(RuntimeError):
    """The round no longer takes answers; what was given before is kept."""


def clean_name(value: str, field: str, max_length: int = profile.MAX_NAME_LENGTH) -> str:
    """Names are stored as typed (no HTML or SQL escaping here: that is the output's job),
    except that line breaks, other control characters and bidirectional overrides become a
    space: a name is one line of text."""
    text = one_line(value or "").strip()
    if not text:
        raise InvalidInputError(f"{field} cannot be empty.")
    if len(text) > max_length:
        raise InvalidInputError(f"{field} is {len(text)} characters long; the limit is {max_length}.")
    return text


def choice(value: str, options: Iterable[str], field: str) -> str:
    options = tuple(options)
    if value not in options:
        raise InvalidInputError(f"{field} must be one of: {', '.join(options)}.")
    return value


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
    language: str | None = None  # the default language of the people it invites; None: their browser's

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
