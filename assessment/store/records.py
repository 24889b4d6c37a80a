"""Rows the store hands out, and the errors a caller can show to a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from assessment import profile
from assessment.i18n import N_, _
from assessment.text import one_line


class InvalidInputError(ValueError):
    """Input a person typed was refused; the message says what to change."""


class RoundClosedError(RuntimeError):
    """The round no longer takes answers; what was given before is kept."""


# The fields the store names in its messages, translated as the message is made.
FIELDS = (
    N_("Organisation name"), N_("Round name"), N_("Role"), N_("Display name"), N_("Industry"), N_("Size band"),
    N_("Region"), N_("Round kind"), N_("Side"), N_("Language"),
)  # fmt: skip


def clean_name(value: str, field: str, max_length: int = profile.MAX_NAME_LENGTH) -> str:
    """Names are stored as typed (no HTML or SQL escaping here: that is the output's job),
    except that line breaks, other control characters and bidirectional overrides become a
    space: a name is one line of text."""
    text = one_line(value or "").strip()
    if not text:
        raise InvalidInputError(_("{field} cannot be empty.").format(field=_(field)))
    if len(text) > max_length:
        raise InvalidInputError(
            _("{field} is {length} characters long; the limit is {limit}.").format(
                field=_(field), length=len(text), limit=max_length
            )
        )
    return text


def choice(value: str, options: Iterable[str], field: str) -> str:
    options = tuple(options)
    if value not in options:
        raise InvalidInputError(_("{field} must be one of: {options}.").format(field=_(field), options=", ".join(options)))
    return value


def still_open_error(round_name: str) -> InvalidInputError:
    return InvalidInputError(
        _("Round '{round}' is still open: close it before starting another.").format(round=round_name)
    )


def closed_to_newcomers_error() -> RoundClosedError:
    return RoundClosedError(_("This round is closed and takes no new respondents."))


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
