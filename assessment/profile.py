"""Organisation profile choices. Segments for benchmarks are built from these, so they are a
closed list: free text would scatter peers into segments too small to show."""

INDUSTRIES = (
    "Consumer goods",
    "Energy and utilities",
    "Financial services",
    "Healthcare",
    "Manufacturing",
    "Media and telecoms",
    "Public sector",
    "Retail",
    "Technology",
    "Travel and hospitality",
    "Other",
)
SIZE_BANDS = ("1-249", "250-999", "1,000-4,999", "5,000-19,999", "20,000+")
REGIONS = ("Africa", "Asia-Pacific", "Europe", "Latin America", "Middle East", "North America")
ROLES = {
    "it": ("CIO", "IT leadership", "IT team member"),
    "marketing": ("CMO", "Marketing leadership", "Marketing team member", "Marketing technologist"),
    "other": ("CEO", "Chief digital officer", "Other executive", "Observer"),
}
MAX_NAME_LENGTH = 200
# Questions marked "leaders" are asked of the CIO, the CMO and other executives only: team
# members cannot see bonuses, board proposals or the CIO-CMO meetings, and would answer
# "don't know". A role not listed here (an older or unknown one) is asked everything.
TEAM_ROLES = frozenset({"IT team member", "Marketing team member", "Marketing technologist", "Observer"})


def is_leader(role: str) -> bool:
    """Whether a respondent in this role is asked leaders-only questions."""
    return role not in TEAM_ROLES
