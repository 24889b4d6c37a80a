"""Synthetic sample organisations for demos and for a benchmark on day one.

Every organisation made here is stored with ``synthetic = TRUE``: it is never counted among
real peers, and wherever it is shown it is labelled "synthetic sample".

The patterns are plausible, not data: each organisation has a latent maturity (a little higher
in technology and larger firms), IT rates governance and architecture higher than marketing
does, marketing rates customer experience and data higher, and a few answers are "don't know".
A dimension of a later version takes the bias of the earlier dimension it continues.

Each side's first respondent is its CIO or CMO; the others are leaders or team members, and
team members answer no leaders-only question. A choice question ("who leads?") has one true
answer per organisation, which most respondents give.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from assessment import profile
from assessment.questionnaire import Questionnaire
from assessment.store import Store, utcnow

SIDE_BIAS = {  # dimension id -> (IT offset, marketing offset)
    "governance": (0.45, -0.35),
    "martech": (0.3, -0.2),
    "experience": (-0.3, 0.4),
    "data": (-0.1, 0.25),
    "strategy": (0.25, 0.2),
}
INDUSTRY_SHIFT = {"Technology": 0.4, "Media and telecoms": 0.2, "Retail": 0.15, "Public sector": -0.35}


def seed_demo(
    store: Store,
    questionnaire: Questionnaire,
    orgs: int = 40,
    *,
    seed: int = 7,
    batch: int = 2_000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create ``orgs`` synthetic organisations, each with one finished round; return how many."""
    store.register_questionnaire(questionnaire)
    rng = np.random.default_rng(seed)
    made = 0
    while made < orgs:
        n = min(batch, orgs - made)
        store.bulk_insert(_batch(questionnaire, n, rng))
        made += n
        if progress:
            progress(made, orgs)
    store.refresh_round_scores()
    return made


def _batch(q: Questionnaire, n: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    now = utcnow()
    tag = rng.integers(0, 2**48, size=n)
    org_ids = np.array([f"org-{t:012x}" for t in tag])
    industries = rng.choice(profile.INDUSTRIES, size=n)
    sizes = rng.choice(profile.SIZE_BANDS, size=n, p=[0.25, 0.3, 0.25, 0.12, 0.08])
    regions = rng.choice(profile.REGIONS, size=n, p=[0.05, 0.2, 0.35, 0.1, 0.05, 0.25])
    orgs = pd.DataFrame(
        {
            "id": org_ids,
            "name": [f"Sample organisation {t:012x}"[:32] for t in tag],
            "industry": industries,
            "size_band": sizes,
            "region": regions,
            "synthetic": True,
            "created_at": now,
        }
    )
    rounds = pd.DataFrame(
        {
            "id": [f"rnd-{t:012x}" for t in tag],
            "organisation_id": org_ids,
            "name": "Synthetic sample",
            "questionnaire_id": q.id,
            "questionnaire_version": q.version,
            "kind": "self",
            "status": "closed",
            "created_at": now,
            "closed_at": now,
        }
    )
    size_shift = np.array([profile.SIZE_BANDS.index(s) for s in sizes]) * 0.08
    latent = (
        rng.normal(2.6, 0.6, size=n) + size_shift + np.array([INDUSTRY_SHIFT.get(i, 0.0) for i in industries])
    )

    n_it = rng.integers(1, 3, size=n)
    n_mkt = rng.integers(1, 4, size=n)
    per_org = n_it + n_mkt
    resp_org = np.repeat(np.arange(n), per_org)
    side = np.concatenate(
        [np.array(["it"] * a + ["marketing"] * b) for a, b in zip(n_it, n_mkt, strict=True)]
    )
    resp_tag = rng.integers(0, 2**40, size=len(resp_org))
    resp_ids = np.array([f"R-{t:010x}" for t in resp_tag])
    respondents = pd.DataFrame(
        {
            "id": resp_ids,
            "token": [f"synthetic-{t:010x}-{i}" for i, t in enumerate(resp_tag)],
            "round_id": rounds["id"].to_numpy()[resp_org],
            "side": side,
            "role": "",  # drawn below
            "created_at": now,
            "completed_at": now,
        }
    )
    questions = q.questions
    dim_of = np.array([x.dimension_id for x in questions])
    earlier = dict(q.continuity.dimensions) if q.continuity else {}
    bias_of = {d: SIDE_BIAS.get(d, SIDE_BIAS.get(earlier.get(d, ""), (0.0, 0.0))) for d in set(dim_of)}
    it_bias = np.array([bias_of[d][0] for d in dim_of])
    mkt_bias = np.array([bias_of[d][1] for d in dim_of])
    dim_offset = {d.id: rng.normal(0, 0.35, size=n) for d in q.dimensions}
    offsets = np.stack([dim_offset[d] for d in dim_of], axis=1)  # orgs x questions
    base = latent[resp_org][:, None] + offsets[resp_org]
    bias = np.where((side == "it")[:, None], it_bias[None, :], mkt_bias[None, :])
    raw = base + bias + rng.normal(0, 0.7, size=base.shape)
    levels = np.clip(np.rint(raw), 1, 5).astype("float")
    choice = np.array([not x.scored for x in questions], dtype=bool)
    if choice.any():
        truth = rng.choice(5, size=(n, int(choice.sum())), p=[0.3, 0.2, 0.15, 0.1, 0.25]) + 1
        agrees = rng.random(size=(len(resp_ids), truth.shape[1])) < 0.7
        noise = rng.integers(1, 6, size=agrees.shape)
        levels[:, choice] = np.where(agrees, truth[resp_org], noise)
    levels[rng.random(size=levels.shape) < 0.04] = np.nan  # "don't know"
    dims = [d.id for d in q.dimensions]
    importance = pd.DataFrame(
        {
            "respondent_id": np.repeat(resp_ids, len(dims)),
            "dimension_id": np.tile(dims, len(resp_ids)),
            "rating": rng.choice([2, 3, 4, 5], size=len(resp_ids) * len(dims), p=[0.1, 0.3, 0.4, 0.2]),
            "rated_at": now,
        }
    )
    # Roles are drawn after everything 1.0.0 used, so a seed gives 1.0.0 the sample it always did.
    first = np.concatenate(
        [[True] + [False] * (a - 1) + [True] + [False] * (b - 1) for a, b in zip(n_it, n_mkt, strict=True)]
    )
    later_role = rng.random(size=len(resp_org)) < 0.5
    roles = np.where(
        side == "it",
        np.where(first, "CIO", np.where(later_role, "IT leadership", "IT team member")),
        np.where(first, "CMO", np.where(later_role, "Marketing leadership", "Marketing team member")),
    )
    respondents["role"] = roles
    leaders_only = np.array([x.leaders_only for x in questions])
    team = np.isin(roles, list(profile.TEAM_ROLES))
    asked = ~(team[:, None] & leaders_only[None, :])
    answers = pd.DataFrame(
        {
            "respondent_id": np.repeat(resp_ids, len(questions))[asked.ravel()],
            "question_id": np.tile([x.id for x in questions], len(resp_ids))[asked.ravel()],
            "level": pd.array(levels.ravel()[asked.ravel()], dtype="Float64").astype("Int64"),
            "answered_at": now,
        }
    )
    return {
        "organisations": orgs,
        "rounds": rounds,
        "respondents": respondents,
        "answers": answers,
        "importance": importance,
    }
