"""What an organisation is compared with, and the anonymity rules that guard it.

Sources: the real peers in this database (other organisations' latest complete round under the
same questionnaire version), imported benchmark sets (named by their source and date), and the
synthetic sample, which is always labelled as such. Segments: all organisations, or the
organisation's own industry, size band or region.

Anonymity (``publishable_segments``), applied to everything shown or exported from this
database's organisations:

1. **Floor.** A segment with fewer than ``MIN_ORGS`` (5) organisations is suppressed.
2. **Differencing.** The segments of one type (industry, size, region) partition "all", so
   "all" minus the published segments of a type describes the organisations left over. When a
   published segment and "all" differ by 1 to 4 organisations, the segment is suppressed
   ("all" minus "industry = Retail" leaving 3 would give away those 3).
3. **Complementary suppression.** Within each type, the organisations not covered by a
   published segment (the suppressed remainder) must number 0 or at least ``MIN_ORGS``;
   while they number 1 to 4, the smallest published segment of that type is suppressed too
   (ties: alphabetical), until the remainder reaches ``MIN_ORGS`` or the whole type is
   suppressed. So "all" minus the published siblings never isolates fewer than 5.

The decision is made per segment on the organisation count of the ``overall`` dimension, and a
suppressed segment is suppressed for every dimension. The same rules then run per dimension
(an organisation may lack a score in one dimension), so a single dimension row may be withheld
too. "All" itself is shown only with at least ``MIN_ORGS`` organisations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from assessment import formats
from assessment.scoring import Result
from assessment.store import Organisation, Store

MIN_ORGS = 5
SEGMENT_LABELS = {"all": "All organisations", "industry": "Industry", "size": "Size band", "region": "Region"}
SEGMENT_TYPES = tuple(SEGMENT_LABELS)
SYNTHETIC_LABEL = "synthetic sample"  # how every page and report names generated demo data
PEERS = "peers"
SYNTHETIC = "synthetic"
IMPORTED = "imported:"
STATS_COLUMNS = ["dimension_id", "n", "mean", "p25", "median", "p75", "percentile"]
PEERS_NAME = "Peers in this database (real organisations)"
SYNTHETIC_NAME = "Synthetic sample (generated demo data, not real organisations)"

TOO_FEW = "Not enough peers in this segment (fewer than 5 organisations); showing all organisations instead."
DIFFERENCING = (
    "This segment is withheld to protect anonymity: so few organisations lie outside it that their "
    "scores could be worked out by subtraction. Showing all organisations instead."
)
NOT_IN_SET = "The imported set has no figures for this segment; showing all organisations instead."
NO_BENCHMARK = (
    "Fewer than 5 organisations have finished this questionnaire version in this source, so there is "
    "no benchmark to show yet."
)


@dataclass(frozen=True)
class Benchmark:
    """Peer statistics for one segment: columns dimension_id, n, mean, p25, median, p75,
    percentile (the compared organisation's rank, when it has a score). ``approximate`` is set
    when the percentile is estimated from quartiles (imported sets carry no per-org scores)."""

    source: str
    synthetic: bool
    segment_type: str
    segment_value: str | None
    stats: pd.DataFrame
    approximate: bool = False

    @property
    def n_orgs(self) -> int:
        overall = self.stats.loc[self.stats["dimension_id"] == "overall", "n"]
        return int(overall.iloc[0]) if len(overall) else int(self.stats["n"].max() if len(self.stats) else 0)

    @property
    def segment(self) -> str:
        label = SEGMENT_LABELS[self.segment_type]
        return f"{label}: {self.segment_value}" if self.segment_value else label

    @property
    def label(self) -> str:
        return f"{self.source} · {self.segment} · n = {self.n_orgs}"


@dataclass(frozen=True)
class Source:
    """Something to compare with: ``key`` is "peers", "synthetic" or "imported:<set id>"."""

    key: str
    label: str
    synthetic: bool = False
    n_orgs: int | None = None  # known for the peers and the synthetic sample
    name: str = ""  # what an operator types to choose it: "peers", "synthetic" or the set's source


@dataclass(frozen=True)
class Comparison:
    """One segment's benchmark, or why it is not shown (``reason``)."""

    segment_type: str
    segment_value: str | None
    benchmark: Benchmark | None
    reason: str | None = None


def _suppressed(counts: Mapping[tuple[str, str], int], already: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The segments to suppress, given organisation counts per (segment_type, segment_value)."""
    n_all = counts.get(("all", ""), 0)
    if n_all < MIN_ORGS or ("all", "") in already:
        return set(counts) | set(already)
    hidden = set(already) | {key for key, n in counts.items() if n < MIN_ORGS}
    for segment_type in SEGMENT_TYPES[1:]:
        children = {key: n for key, n in counts.items() if key[0] == segment_type}
        for key, n in children.items():
            if 0 < n_all - n < MIN_ORGS:  # rule 2: "all" minus this segment isolates 1-4
                hidden.add(key)
        while True:  # rule 3: complementary suppression
            shown = {key: n for key, n in children.items() if key not in hidden}
            remainder = n_all - sum(shown.values())
            if not shown or remainder == 0 or remainder >= MIN_ORGS:
                break
            hidden.add(min(shown, key=lambda key: (shown[key], key[1])))
    return hidden


def publishable_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``Store.peer_segments`` that may be shown or exported (see the module's rules).

    Columns in and out: segment_type, segment_value ("" for 'all'), dimension_id, n_orgs, mean,
    p25, median, p75.
    """
    frame = segments.copy()
    frame["segment_value"] = frame["segment_value"].fillna("").astype(str)
    rows = list(
        zip(
            frame["dimension_id"], frame["segment_type"], frame["segment_value"], frame["n_orgs"], strict=True
        )
    )
    by_dimension: dict[str, dict[tuple[str, str], int]] = {}
    for dim, segment_type, value, n in rows:
        by_dimension.setdefault(dim, {})[(segment_type, value)] = int(n)
    overall = by_dimension.get(formats.OVERALL, {})
    # A segment without an overall count has no organisation with an overall score: never shown.
    whole = _suppressed(overall, set()) | {(t, v) for _, t, v, _ in rows if (t, v) not in overall}
    hidden = {dim: _suppressed(counts, whole) for dim, counts in by_dimension.items()}
    keep = [(t, v) not in hidden[dim] for dim, t, v, _ in rows]
    return frame.loc[np.asarray(keep, dtype=bool)].reset_index(drop=True)


# comparing ------------------------------------------------------------------------------


def segment_value(organisation: Organisation | None, segment_type: str) -> str | None:
    """The organisation's own value for a segment type (None for 'all')."""
    if segment_type not in SEGMENT_LABELS:
        raise ValueError(f"segment type must be one of {', '.join(SEGMENT_TYPES)}, not {segment_type!r}")
    if segment_type == "all":
        return None
    if organisation is None:
        raise ValueError("segments other than 'all' need an organisation")
    return {"industry": organisation.industry, "size": organisation.size_band, "region": organisation.region}[
        segment_type
    ]


def available_sources(store: Store, qkey: tuple[str, str]) -> list[Source]:
    """The real peers, each imported set for this questionnaire version, and the synthetic
    sample when there is one."""
    n = store.peer_count(qkey, synthetic=False)
    sources = [Source(PEERS, f"Peers in this database ({n} real organisations)", n_orgs=n, name=PEERS)]
    for row in store.list_benchmark_sets(qkey).itertuples():
        label = _set_label(row.source, row.generated_at)
        sources.append(Source(f"{IMPORTED}{row.id}", label, is_synthetic(row.source), name=row.source))
    n_synthetic = store.peer_count(qkey, synthetic=True)
    if n_synthetic > 0:
        sources.append(Source(SYNTHETIC, SYNTHETIC_NAME, synthetic=True, n_orgs=n_synthetic, name=SYNTHETIC))
    return sources


def default_source(sources: list[Source]) -> str:
    """The real peers when there are enough of them, else the newest imported set, else the
    synthetic sample, else the peers (whose page then says there are too few)."""
    for source in sources:
        if source.key == PEERS and (source.n_orgs or 0) >= MIN_ORGS:
            return source.key
    imported = [s.key for s in sources if s.key.startswith(IMPORTED)]
    synthetic = [s.key for s in sources if s.key == SYNTHETIC]
    return (imported or synthetic or [PEERS])[0]


def segment_label(segment_type: str, organisation: Organisation | None = None) -> str:
    """ "Industry: Retail" for the organisation's own segment, "All organisations" for 'all'."""
    value = segment_value(organisation, segment_type) if organisation is not None else None
    label = SEGMENT_LABELS[segment_type]
    return f"{label}: {value}" if value else label


def scores_of(result: Result) -> dict[str, float | None]:
    """A scored round as the scores a benchmark ranks: 'overall' and every dimension."""
    return {formats.OVERALL: result.overall, **{d: sb.value for d, sb in result.dimensions.items()}}


def _set_label(source: str, generated_at: datetime) -> str:
    return f"{source} (imported set, generated {generated_at:%Y-%m-%d})"


def is_synthetic(source: str) -> bool:
    return "synthetic" in source.lower()


def compare(
    store: Store,
    qkey: tuple[str, str],
    source: str,
    segment_type: str = "all",
    organisation: Organisation | None = None,
    scores: Mapping[str, float | None] | None = None,
) -> Benchmark | None:
    """One segment's benchmark from a source, with the organisation's percentile ranks; None
    when the segment may not be shown (too few organisations, differencing, or not in the set)."""
    return benchmark_panel(store, qkey, source, organisation, scores, segment_types=(segment_type,))[
        segment_type
    ].benchmark


def benchmark_panel(
    store: Store,
    qkey: tuple[str, str],
    source: str,
    organisation: Organisation | None = None,
    scores: Mapping[str, float | None] | None = None,
    *,
    segment_types: tuple[str, ...] = SEGMENT_TYPES,
) -> dict[str, Comparison]:
    """Every requested segment of one source for one organisation, sharing the anonymity pass.

    The organisation itself is left out of its peers, and the anonymity rules run on the peers
    it would see."""
    values = {t: segment_value(organisation, t) for t in segment_types}
    clean = {k: v for k, v in (scores or {}).items() if v is not None}
    if source.startswith(IMPORTED):
        return {t: _imported(store, qkey, source, t, values[t], clean) for t in segment_types}
    if source not in (PEERS, SYNTHETIC):
        raise ValueError(f"unknown benchmark source {source!r}")
    synthetic = source == SYNTHETIC
    exclude = organisation.id if organisation is not None else ""
    profile = None
    if organisation is not None:
        profile = (organisation.industry, organisation.size_band, organisation.region)
    segments = store.peer_panel(qkey, synthetic=synthetic, exclude_org=exclude, profile=profile, scores=clean)
    published = publishable_segments(segments).rename(columns={"n_orgs": "n"})
    types, names = published["segment_type"].to_numpy(), published["segment_value"].to_numpy()
    overall = segments[segments["dimension_id"] == formats.OVERALL]
    keys = zip(overall["segment_type"], overall["segment_value"].fillna(""), strict=True)
    sizes = dict(zip(keys, overall["n_orgs"], strict=True))
    label = SYNTHETIC_NAME if synthetic else PEERS_NAME
    out = {}
    for segment_type, value in values.items():
        stats = published.loc[(types == segment_type) & (names == (value or "")), STATS_COLUMNS]
        if formats.OVERALL not in set(stats["dimension_id"]):
            too_few = sizes.get((segment_type, value or ""), 0) < MIN_ORGS
            reason = NO_BENCHMARK if segment_type == "all" else TOO_FEW if too_few else DIFFERENCING
            out[segment_type] = Comparison(segment_type, value, None, reason)
        else:
            benchmark = Benchmark(label, synthetic, segment_type, value, stats.reset_index(drop=True))
            out[segment_type] = Comparison(segment_type, value, benchmark)
    return out


def _imported(
    store: Store,
    qkey: tuple[str, str],
    source: str,
    segment_type: str,
    value: str | None,
    scores: Mapping[str, float],
) -> Comparison:
    try:
        found = store.benchmark_set(int(source.removeprefix(IMPORTED)))
    except ValueError:
        found = None
    if found is None or found.questionnaire_key != tuple(qkey):
        raise ValueError(f"no imported benchmark set {source!r} for questionnaire {qkey[0]} {qkey[1]}")
    stats = store.benchmark_set_stats(found.id, segment_type, value)
    if formats.OVERALL not in set(stats["dimension_id"]):
        return Comparison(segment_type, value, None, NO_BENCHMARK if segment_type == "all" else NOT_IN_SET)
    stats["percentile"] = [
        approximate_percentile(scores[d], p25, med, p75) if d in scores else None
        for d, p25, med, p75 in zip(
            stats["dimension_id"], stats["p25"], stats["median"], stats["p75"], strict=True
        )
    ]
    stats["percentile"] = stats["percentile"].astype("float64")
    label = _set_label(found.source, found.generated_at)
    benchmark = Benchmark(label, is_synthetic(found.source), segment_type, value, stats, approximate=True)
    return Comparison(segment_type, value, benchmark)


def approximate_percentile(score: float, p25: float, median: float, p75: float) -> float:
    """A percentile rank estimated by linear interpolation through (1, 0), (p25, 25),
    (median, 50), (p75, 75) and (5, 100); a score on a flat stretch (p25 == median, say) gets
    the middle of it, as ties count half in the exact rank."""
    xs = np.array([1.0, p25, median, p75, 5.0])
    ps = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    score = min(max(float(score), 1.0), 5.0)
    equal = ps[xs == score]
    if len(equal):
        return float((equal.min() + equal.max()) / 2)
    return float(np.interp(score, xs, ps))


def overall_percentile(table: pd.DataFrame) -> float | None:
    """The overall percentile rank in a ``views.benchmark_frame``, or None when there is none."""
    value = table.loc[table["dimension_id"] == formats.OVERALL, "percentile"]
    return None if value.empty or pd.isna(value.iloc[0]) else float(value.iloc[0])


def ranks_table(table: pd.DataFrame, *, approximate: bool, scored: bool = True) -> pd.DataFrame:
    """``views.benchmark_frame`` as a person reads it: the percentile rank per dimension and the
    distribution it comes from (without score and rank columns when nothing is scored)."""
    rank = "Percentile rank (approximate)" if approximate else "Percentile rank"
    columns = {"Dimension": table["dimension"]}
    if scored:
        columns |= {"Score": table["score"], rank: table["percentile"].round(0)}
    columns |= {
        "Peer median": table["median"],
        "Peer 25th–75th percentile": [
            f"{a:.2f}–{b:.2f}" if pd.notna(a) and pd.notna(b) else "—"
            for a, b in zip(table["p25"], table["p75"], strict=True)
        ],
        "Organisations (n)": table["n"],
    }
    return pd.DataFrame(columns)
