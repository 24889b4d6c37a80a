"""Publishing a benchmark release: the only way real organisations' figures reach a page, a
report or an export.

``publish_release`` takes the consented pool (``store.pool.pool_units``), applies the disclosure rule
(``assessment.disclosure``) against every earlier release of the same questionnaire version, and
stores the published figures with an id and a date. ``plan_release`` does the same without
storing, so the console can say beforehand what a release would publish, or why it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from assessment import disclosure
from assessment.questionnaire import Questionnaire
from assessment.store import Release, Store


class ReleaseRefusedError(ValueError):
    """A release cannot be published now; the message says why and what would allow it."""


@dataclass(frozen=True)
class ReleasePlan:
    """What a release made now would publish."""

    n_orgs: int  # organisations in the pool with a score in every dimension
    published: dict[disclosure.Key, frozenset[str]]  # segment -> contributing rounds
    withheld: dict[disclosure.Key, str]  # segment -> why it is withheld
    rows: pd.DataFrame  # disclosure.RELEASE_COLUMNS
    refusal: str | None  # why nothing can be published, or None

    @property
    def segments(self) -> list[str]:
        return [f"{t}: {v}" if v else "all" for t, v in sorted(self.published)]


def plan_release(store: Store, questionnaire: Questionnaire) -> ReleasePlan:
    units = store.pool.pool_units(questionnaire.key, questionnaire.dimension_ids)
    candidates = disclosure.segments_of(units)
    earlier = store.pool.release_members(questionnaire.key)
    withheld = disclosure.choose_segments(candidates, earlier)
    published = {key: members for key, members in candidates.items() if key not in withheld}
    refusal = None
    if len(units) < disclosure.MIN_ORGS:
        refusal = (
            f"The pool holds {len(units)} approved organisation(s) scored in every dimension under "
            f"{questionnaire.id} {questionnaire.version}; a release needs at least {disclosure.MIN_ORGS}."
        )
    elif earlier and any(
        release.get(disclosure.ALL) == candidates[disclosure.ALL] for release in earlier[-1:]
    ):
        refusal = "Nothing changed since the last release: it already shows this pool."
    elif not published:
        changes = [
            len(candidates[disclosure.ALL] ^ r[disclosure.ALL]) for r in earlier if disclosure.ALL in r
        ]
        changed = min((c for c in changes if c), default=0)
        refusal = (
            f"Only {changed} organisation(s) joined, left or changed round since an earlier release. "
            f"A new release must differ from every earlier one by 0 or at least {disclosure.MIN_ORGS} "
            "organisations, so that comparing the two reveals no one: approve more rounds, or wait."
        )
    rows = pd.DataFrame(columns=disclosure.RELEASE_COLUMNS)
    if refusal is None:
        rows = disclosure.release_table(
            units, published, questionnaire.dimension_ids, store.pool.benchmark_secret(), questionnaire.key
        )
    return ReleasePlan(len(units), published, withheld, rows, refusal)


def publish_release(store: Store, questionnaire: Questionnaire, by: str | None) -> Release:
    """Publish the pool as a new release; raises ReleaseRefusedError saying why not."""
    plan = plan_release(store, questionnaire)
    if plan.refusal is not None:
        raise ReleaseRefusedError(plan.refusal)
    release_id = store.pool.save_release(questionnaire.key, by, plan.rows, plan.published)
    found = store.pool.release(release_id)
    assert found is not None
    return found


def _status(row: pd.Series) -> str:
    if row["is_test"]:
        return "Test organisation: never counts"
    if pd.isna(row["round_id"]):
        return "Not in the benchmark"
    if pd.notna(row["withdrawn_at"]):
        return f"Withdrawn by {row['withdrawn_by']} on {row['withdrawn_at']:%Y-%m-%d}"
    return f"Counts: {row['round_name']}, consent recorded by {row['consent_by']} on {row['consent_at']:%Y-%m-%d}"


def pool_table(overview: pd.DataFrame) -> pd.DataFrame:
    """``store.pool.pool_overview`` as the console lists it: who, profile, finished respondents, and
    the benchmark status in words (who recorded consent, when)."""
    return pd.DataFrame(
        {
            "Organisation": overview["name"],
            "Industry": overview["industry"],
            "Employees": overview["size_band"],
            "Region": overview["region"],
            "Finished respondents": overview["finished_respondents"].astype("int64"),
            "Benchmark": [_status(row) for _, row in overview.iterrows()],
        }
    )


def plan_summary(plan: ReleasePlan) -> list[str]:
    """What a release made now would publish, in sentences for the console and the CLI."""
    if plan.refusal:
        return [plan.refusal]
    lines = [f"{plan.n_orgs} organisations; published peer groups: {', '.join(plan.segments)}."]
    withheld = [f"{t}: {v}" for (t, v), why in sorted(plan.withheld.items()) if t != "all"]
    if withheld:
        lines.append(
            f"Withheld ({len(withheld)}): {', '.join(withheld)}; fewer than 5 organisations or subtraction risk."
        )
    return lines
