"""Disclosure control: which benchmark figures may be published, and how they are perturbed.

Tandem's benchmark is a magnitude table (mean scores per segment and dimension) published over
and over as organisations join. The rule below is what every release (``assessment.releases``)
and every comparison shown to a respondent obeys. It is built from what statistical offices and
survey vendors do, read before it was designed:

- *Minimum group size* and *secondary (complementary) suppression*: employee-survey vendors
  report a group only from 5 respondents and hide the next-smallest group when "company minus
  the shown groups" would isolate a hidden one (Culture Amp, "Confidentiality protections in
  reports", academy.cultureamp.com; Effectory, "Confidentiality and the number of respondents",
  support.effectory.com; PeopleCues, "Anonymity protection", docs.xto10x.com). Ennova adds a
  *rule of difference*: two reports must differ by a minimum number of respondents
  (supportcenter.ennova.com/offensive-behavior).
- *Consistent perturbation* (the cell-key method of the Australian Bureau of Statistics,
  Thompson, Broadfoot and Elazar 2013, as implemented by the R package cellKey, and chapter 5 of
  the ESSnet Handbook on Statistical Disclosure Control, sdctools.github.io/HandbookSDC): each
  figure gets noise drawn from a key computed from its contributors, so the same contributors
  always give the same figure (repeating a query averages nothing away) and different
  contributors give independent noise (a difference of two figures keeps the noise of both).
- The *averaging attack* on TableBuilder (Asghar and Kaafar, PETS 2020,
  arxiv.org/abs/1902.06414) is why the key here is a secret (Kerckhoffs: the method is public,
  the key is not) and why figures are published in a few releases rather than answered per query.

The rule (one questionnaire version; an "organisation" is its approved round):

1. **Who counts.** Only rounds a consultant approved with the client's consent; public
   self-assessments only when an operator includes them; never the synthetic sample or test
   organisations. Only rounds with a score in *every* dimension enter a release, so ``n`` is the
   same for every dimension of a segment (no dimension can be subtracted from another).
2. **Floor.** A segment of fewer than ``MIN_ORGS`` (5) organisations is not published.
3. **Two figures never isolate a few.** Any two published groups, in this release or any earlier
   one, either have exactly the same contributors (then their figures are identical, noise
   included, and subtracting them gives zero) or differ by at least ``MIN_ORGS`` organisations
   (joined, left or changed round). This covers "all minus a segment", two overlapping segments
   of different types, and the same segment in two releases. A release whose "all" changed by
   1-4 organisations since any earlier release is refused.
4. **Sums of siblings.** Within a release, the organisations outside the published segments of a
   type number 0 or at least 5; between two releases, the change in "all" not covered by the
   change of published segments of a type is 0 or at least 5 organisations.
5. **Perturbation.** Every published figure gets noise of at most ``NOISE_SCALE / n`` (one full
   score point on the segment's *sum*), keyed by HMAC-SHA256 of a secret kept in the database,
   the dimension, the statistic and the sorted contributors (not the segment's name: two
   segments with the same contributors publish the same figure); then it is rounded to 2 decimals,
   and a figure that would equal a contributor's exact (or 2-decimal) score is moved by 0.01.
6. **Quartiles from 10.** p25, median and p75 are published only for segments of at least
   ``QUARTILE_MIN`` (10) organisations; smaller segments carry the mean and n only. Nothing is
   ever an order statistic of fewer than 10, and no minimum or maximum is published.
7. **Bands, not ranks.** A respondent sees a band (bottom quarter … top quarter, or above/below
   the mean) computed from the release's published figures only, never a rank over peers.

Why this holds: rules 2-4 mean no comparison of one or two published figures, and no "total
minus its parts", singles out fewer than 5 organisations, within a release, across releases or
across dimensions. Longer chains of figures (three or more, mixing segment types and releases)
are not enumerated; there each figure's noise is independent, so the noise on a recovered value
is the sum of at least three terms of up to ±1 score point each (a standard deviation of about
one point on a 1-5 scale), before rounding.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.i18n import N_

MIN_ORGS = 5
QUARTILE_MIN = 10
NOISE_SCALE = 1.0  # noise on a segment's sum, in score points: at most ±1 / n on its mean
DECIMALS = 2
STEP = 10.0**-DECIMALS
SEGMENT_TYPES = ("all", "industry", "size", "region")
_PROFILE = {"industry": "industry", "size": "size_band", "region": "region"}
OVERALL = "overall"

Key = tuple[str, str]  # (segment_type, segment_value); ("all", "") for everyone
ALL: Key = ("all", "")

# Kept in English in the data; translated where shown (views.benchmark_frame).
BANDS = (N_("Bottom quarter"), N_("Second quarter"), N_("Third quarter"), N_("Top quarter"))
ABOVE_MEAN, BELOW_MEAN, AT_MEAN = N_("Above the peer mean"), N_("Below the peer mean"), N_("At the peer mean")


@dataclass(frozen=True)
class Unit:
    """One organisation's approved round: its profile and its frozen scores."""

    round_id: str
    organisation_id: str
    industry: str
    size_band: str
    region: str
    scores: Mapping[str, float]  # every dimension and "overall"


def segments_of(units: Iterable[Unit]) -> dict[Key, frozenset[str]]:
    """Every segment's contributors (round ids), "all" included."""
    out: dict[Key, set[str]] = {ALL: set()}
    for unit in units:
        out[ALL].add(unit.round_id)
        for segment_type, field in _PROFILE.items():
            out.setdefault((segment_type, getattr(unit, field)), set()).add(unit.round_id)
    return {key: frozenset(members) for key, members in out.items()}


# which segments -------------------------------------------------------------------------------


def suppressed_segments(counts: Mapping[Key, int], already: set[Key]) -> set[Key]:
    """Rules 2 and 4 within one table, on organisation counts per segment: the floor, "all" minus
    a segment isolating 1-4, and complementary suppression of the next-smallest sibling."""
    n_all = counts.get(ALL, 0)
    if n_all < MIN_ORGS or ALL in already:
        return set(counts) | set(already)
    hidden = set(already) | {key for key, n in counts.items() if n < MIN_ORGS}
    for segment_type in SEGMENT_TYPES[1:]:
        children = {key: n for key, n in counts.items() if key[0] == segment_type}
        for key, n in children.items():
            if 0 < n_all - n < MIN_ORGS:
                hidden.add(key)
        while True:
            shown = {key: n for key, n in children.items() if key not in hidden}
            remainder = n_all - sum(shown.values())
            if not shown or remainder == 0 or remainder >= MIN_ORGS:
                break
            hidden.add(min(shown, key=lambda key: (shown[key], key[1])))
    return hidden


def _risky(a: frozenset[str], b: frozenset[str]) -> bool:
    return 0 < len(a ^ b) < MIN_ORGS


def choose_segments(
    current: Mapping[Key, frozenset[str]], earlier: Sequence[Mapping[Key, frozenset[str]]] = ()
) -> dict[Key, str]:
    """The segments of a new release that must be withheld, each with the reason (rules 2-4).

    ``current`` is every candidate segment's contributors; ``earlier`` the published segments'
    contributors of every earlier release of the same questionnaire version. Hiding only ever
    grows, so the loop ends; when "all" is withheld, everything is."""
    hidden: dict[Key, str] = {}

    def hide(key: Key, reason: str) -> bool:
        if key in hidden:
            return False
        hidden[key] = reason
        return True

    changed = True
    while changed:
        changed = False
        counts = {key: len(members) for key, members in current.items()}
        for key in suppressed_segments(counts, set(hidden)) - set(hidden):
            why = (
                "fewer than 5 organisations"
                if counts[key] < MIN_ORGS
                else "others could be worked out by subtraction"
            )
            changed |= hide(key, why)
        shown = [key for key in current if key not in hidden]
        for key in shown:  # rule 3 against every earlier release
            for number, release in enumerate(earlier, start=1):
                if any(_risky(current[key], members) for members in release.values()):
                    changed |= hide(
                        key, f"differs by 1-4 organisations from a group in earlier release {number}"
                    )
                    break
        shown = [key for key in current if key not in hidden]
        for i, a in enumerate(shown):  # rule 3 within the release: overlapping segments
            for b in shown[i + 1 :]:
                if a not in hidden and b not in hidden and _risky(current[a], current[b]):
                    smaller = min((a, b), key=lambda k: (len(current[k]), k))
                    changed |= hide(smaller, "overlaps another segment but for 1-4 organisations")
        for release in earlier:  # rule 4 between releases
            if ALL not in release or ALL in hidden:
                continue
            changed_all = len(current[ALL] ^ release[ALL])
            for segment_type in SEGMENT_TYPES[1:]:
                while True:
                    both = {
                        key: len(current[key] ^ release[key])
                        for key in current
                        if key[0] == segment_type and key not in hidden and key in release
                    }
                    remainder = changed_all - sum(both.values())
                    movable = {key: d for key, d in both.items() if d}
                    if remainder == 0 or remainder >= MIN_ORGS or not movable:
                        break
                    changed |= hide(
                        min(movable, key=lambda k: (movable[k], k[1])),
                        "its change since an earlier release would isolate a few others' change",
                    )
    if ALL in hidden:
        for key in current:
            hidden.setdefault(key, hidden[ALL])
    return hidden


# the figures ---------------------------------------------------------------------------------


def _noise(secret: bytes, parts: Sequence[str]) -> float:
    """A number in [-1, 1) fixed by the secret and ``parts`` (the cell key)."""
    digest = hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).digest()
    return 2.0 * int.from_bytes(digest[:8], "big") / 2.0**64 - 1.0


def _nudge(value: float, avoid: set[float], direction: float) -> float:
    """Move ``value`` by 0.01 steps until it equals no contributor's score (rule 5)."""
    step = STEP if direction >= 0 else -STEP
    for _ in range(len(avoid) + 2):
        if not any(math.isclose(value, a, abs_tol=1e-9) for a in avoid):
            return value
        candidate = round(value + step, DECIMALS)
        if not 1.0 <= candidate <= 5.0:
            step, candidate = -step, round(value - step, DECIMALS)
        value = candidate
    return value


def published_figures(
    scores: Sequence[float], members: frozenset[str], secret: bytes, cell: Sequence[str]
) -> dict[str, float | None]:
    """mean, p25, median, p75 of one segment and dimension as published (rules 5 and 6)."""
    n = len(scores)
    values = np.asarray(scores, dtype="float64")
    contributors = sorted(members)
    avoid = {float(v) for v in values} | {round(float(v), DECIMALS) for v in values}

    def perturbed(statistic: str, exact: float) -> tuple[float, float]:
        delta = _noise(secret, [*cell, statistic, *contributors])
        value = min(max(round(exact + NOISE_SCALE * delta / n, DECIMALS), 1.0), 5.0)
        return value, delta

    mean, delta = perturbed("mean", float(values.mean()))
    out: dict[str, float | None] = {
        "mean": _nudge(mean, avoid, delta),
        "p25": None,
        "median": None,
        "p75": None,
    }
    if n >= QUARTILE_MIN:
        quartiles = [
            perturbed(name, float(np.quantile(values, q)))
            for name, q in (("p25", 0.25), ("median", 0.5), ("p75", 0.75))
        ]
        nudged = sorted(_nudge(value, avoid, delta) for value, delta in quartiles)
        out.update(zip(("p25", "median", "p75"), nudged, strict=True))
    return out


RELEASE_COLUMNS = ["segment_type", "segment_value", "dimension_id", "n_orgs", "mean", "p25", "median", "p75"]


def release_table(
    units: Sequence[Unit],
    published: Mapping[Key, frozenset[str]],
    dimensions: Sequence[str],
    secret: bytes,
    qkey: tuple[str, str],
) -> pd.DataFrame:
    """Every published segment's figures for every dimension and "overall" (``RELEASE_COLUMNS``)."""
    by_round = {unit.round_id: unit for unit in units}
    rows = []
    for (segment_type, value), members in published.items():
        ordered = sorted(members)
        for dim in (*dimensions, OVERALL):
            scores = [by_round[r].scores[dim] for r in ordered]
            cell = [*qkey, dim]  # not the segment's name: the same contributors, the same figure
            rows.append({"segment_type": segment_type, "segment_value": value, "dimension_id": dim,
                         "n_orgs": len(members), **published_figures(scores, members, secret, cell)})  # fmt: skip
    return pd.DataFrame(rows, columns=RELEASE_COLUMNS)


# where a respondent stands --------------------------------------------------------------------


def band(
    score: float | None, mean: float | None, p25: float | None, median: float | None, p75: float | None
) -> str | None:
    """Where a score falls against published figures only (rule 7): a quarter when quartiles are
    published, else above or below the mean; None without a score or figures."""

    def missing(value: float | None) -> bool:
        return value is None or (isinstance(value, float) and math.isnan(value))

    if missing(score):
        return None
    if not any(missing(v) for v in (p25, median, p75)):
        return BANDS[sum(score >= edge for edge in (p25, median, p75))]
    if missing(mean):
        return None
    return ABOVE_MEAN if score > mean else BELOW_MEAN if score < mean else AT_MEAN
