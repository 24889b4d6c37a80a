"""Organisation profile choices. Segments for benchmarks are built from these, so they are a
closed list: free text would scatter peers into segments too small to show."""

from assessment.i18n import N_, _

# The choices are data (stored and benchmarked in English); N_ marks them for translation
# where they are shown (choice_label below, assessment.ui.role_label).
INDUSTRIES = (
    N_("Consumer goods"),
    N_("Energy and utilities"),
    N_("Financial services"),
    N_("Healthcare"),
    N_("Manufacturing"),
    N_("Media and telecoms"),
    N_("Public sector"),
    N_("Retail"),
    N_("Technology"),
    N_("Travel and hospitality"),
    N_("Other"),
)
SIZE_BANDS = (N_("1-249"), N_("250-999"), N_("1,000-4,999"), N_("5,000-19,999"), N_("20,000+"))
REGIONS = (N_("Africa"), N_("Asia-Pacific"), N_("Europe"), N_("Latin America"), N_("Middle East"), N_("North America"))
ROLES = {
    "it": (N_("CIO"), N_("IT leadership"), N_("IT team member")),
    "marketing": (N_("CMO"), N_("Marketing leadership"), N_("Marketing team member"), N_("Marketing technologist")),
    "other": (N_("CEO"), N_("Chief digital officer"), N_("Other executive"), N_("Observer")),
}
MAX_NAME_LENGTH = 200
# Questions marked "leaders" are asked of the CIO, the CMO and other executives only: team
# members cannot see bonuses, board proposals or the CIO-CMO meetings, and would answer
# "don't know". A role not listed here (an older or unknown one) is asked everything.
TEAM_ROLES = frozenset({"IT team member", "Marketing team member", "Marketing technologist", "Observer"})


ALL_ROLES = frozenset(role for roles in ROLES.values() for role in roles)
ALL_CHOICES = frozenset(INDUSTRIES + SIZE_BANDS + REGIONS)


def is_leader(role: str) -> bool:
    """Whether a respondent in this role is asked leaders-only questions."""
    return role not in TEAM_ROLES


def choice_label(value: str) -> str:
    """An industry, size band or region, in the language in force (stored in English)."""
    return _(value) if value in ALL_CHOICES else value
