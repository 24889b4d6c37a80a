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

from assessment import disclosure, profile
from assessment.benchmarks import segment_name
from assessment.i18n import _, ngettext
from assessment.numbers import fmt_date
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
        """The published peer groups, named in the language in force."""
        return [segment_name(t, v) for t, v in sorted(self.published)]


def plan_release(store: Store, questionnaire: Questionnaire) -> ReleasePlan:
    units = store.pool.pool_units(questionnaire.key, questionnaire.dimension_ids)
    candidates = disclosure.segments_of(units)
    earlier = store.pool.release_members(questionnaire.key)
    withheld = disclosure.choose_segments(candidates, earlier)
    published = {key: members for key, members in candidates.items() if key not in withheld}
    refusal = None
    if len(units) < disclosure.MIN_ORGS:
        refusal = ngettext(
            "The pool holds {count} approved organisation scored in every dimension under {questionnaire} "
            "{version}; a release needs at least {minimum}.",
            "The pool holds {count} approved organisations scored in every dimension under {questionnaire} "
            "{version}; a release needs at least {minimum}.",
            len(units),
        ).format(
            count=len(units), questionnaire=questionnaire.id, version=questionnaire.version, minimum=disclosure.MIN_ORGS
        )
    elif earlier and any(
        release.get(disclosure.ALL) == candidates[disclosure.ALL] for release in earlier[-1:]
    ):
        refusal = _("Nothing changed since the last release: it already shows this pool.")
    elif not published:
        changes = [
            len(candidates[disclosure.ALL] ^ r[disclosure.ALL]) for r in earlier if disclosure.ALL in r
        ]
        changed = min((c for c in changes if c), default=0)
        refusal = ngettext(
            "Only {count} organisation joined, left or changed round since an earlier release. A new release "
            "must differ from every earlier one by 0 or at least {minimum} organisations, so that comparing "
            "the two reveals no one: approve more rounds, or wait.",
            "Only {count} organisations joined, left or changed round since an earlier release. A new release "
            "must differ from every earlier one by 0 or at least {minimum} organisations, so that comparing "
            "the two reveals no one: approve more rounds, or wait.",
            changed,
        ).format(count=changed, minimum=disclosure.MIN_ORGS)
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
    """The benchmark status in words, in the language in force."""
    if row["is_test"]:
        return _("Test organisation: never counts")
    if pd.isna(row["round_id"]):
        return _("Not in the benchmark")
    if pd.notna(row["withdrawn_at"]):
        return _("Withdrawn by {person} on {date}").format(
            person=row["withdrawn_by"], date=fmt_date(row["withdrawn_at"], "short")
        )
    return _("Counts: {round}, consent recorded by {person} on {date}").format(
        round=row["round_name"], person=row["consent_by"], date=fmt_date(row["consent_at"], "short")
    )


def pool_table(overview: pd.DataFrame) -> pd.DataFrame:
    """``store.pool.pool_overview`` as the console lists it: who, profile, finished respondents, and
    the benchmark status in words (who recorded consent, when)."""
    return pd.DataFrame(
        {
            "Organisation": overview["name"],
            "Industry": overview["industry"].map(profile.choice_label),
            "Employees": overview["size_band"].map(profile.choice_label),
            "Region": overview["region"].map(profile.choice_label),
            "Finished respondents": overview["finished_respondents"].astype("int64"),
            "Benchmark": [_status(row) for _, row in overview.iterrows()],
        }
    )


def plan_summary(plan: ReleasePlan) -> list[str]:
    """What a release made now would publish, in sentences for the console and the CLI (in the
    language in force: English on the command line)."""
    if plan.refusal:
        return [plan.refusal]
    lines = [
        ngettext(
            "{count} organisation; published peer groups: {groups}.",
            "{count} organisations; published peer groups: {groups}.",
            plan.n_orgs,
        ).format(count=plan.n_orgs, groups=", ".join(plan.segments))
    ]
    withheld = [segment_name(t, v) for (t, v), _why in sorted(plan.withheld.items()) if t != "all"]
    if withheld:
        lines.append(
            _("Withheld ({count}): {groups}; fewer than {minimum} organisations or subtraction risk.").format(
                count=len(withheld), groups=", ".join(withheld), minimum=disclosure.MIN_ORGS
            )
        )
    return lines
