"""Starting and joining an assessment: the steps a respondent takes before the first answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from assessment.i18n import N_, _
from assessment.questionnaire import Questionnaire
from assessment.store import InvalidInputError, RespondentRecord, RoundClosedError, Store

WRONG_CODE = N_(
    "That join code does not match any open assessment. Check it with the person who sent it: "
    "codes look like ABCD-EFGH-JKMN-PQRS."
)
CLOSED_ROUND = N_(
    "This assessment round has been closed by its organiser, so it takes no new answers. "
    "Ask them for the code of the current round."
)


class JoinError(ValueError):
    """A join attempt failed; the message is safe to show and names no other organisation."""


def start_self_assessment(
    store: Store,
    questionnaire: Questionnaire,
    *,
    organisation: str,
    industry: str,
    size_band: str,
    region: str,
    side: str,
    role: str,
    today: date | None = None,
) -> RespondentRecord:
    """A new organisation, its first round and its first respondent."""
    org = store.create_organisation(organisation, industry, size_band, region)
    day = (today or date.today()).isoformat()
    rnd = store.create_round(org.id, f"Self-assessment {day}", questionnaire, kind="self")
    return store.create_respondent(rnd.id, side, role)


def join_round(
    store: Store, code: str, *, side: str, role: str, display_name: str | None = None
) -> RespondentRecord:
    """A new respondent in the round a join code opens."""
    rnd = store.round_by_join_code(code or "")
    if rnd is None:
        raise JoinError(_(WRONG_CODE))
    if not rnd.is_open:
        raise JoinError(_(CLOSED_ROUND))
    try:
        return store.create_respondent(rnd.id, side, role, display_name or None)
    except RoundClosedError as exc:
        raise JoinError(_(CLOSED_ROUND)) from exc
    except InvalidInputError as exc:
        raise JoinError(str(exc)) from exc


def resume_step(
    q: Questionnaire, answers: Mapping[str, int | None], asked: str | None = None, role: str | None = None
) -> int:
    """The questionnaire step to open (0-based): the one a link asks for (``?step=3``) when it
    is valid, else the first step with a question not yet answered, else the last step. Steps
    and questions are those the respondent's role is asked (team members skip leaders-only ones)."""
    dimensions = q.dimensions_for(role)
    steps = len(dimensions)
    if asked is not None:
        try:
            return min(max(int(asked) - 1, 0), steps - 1)
        except ValueError:
            pass
    for i, d in enumerate(dimensions):
        if any(x.id not in answers for x in d.questions if x.asked_of(role)):
            return i
    return steps - 1
