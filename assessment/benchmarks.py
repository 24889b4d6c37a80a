"""What an organisation is compared with.

Sources: the latest published **benchmark release** of real organisations (``assessment.releases``:
only consented rounds, under the disclosure rule of ``assessment.disclosure``), imported benchmark
sets (named by their source and date), and the synthetic sample, which is always labelled as such
and is the one source read live (it describes no one). Segments: all organisations, or the
organisation's own industry, size band or region.

Nothing here ranks a respondent among peers: each comparison carries a *band* per dimension
(bottom quarter … top quarter, or above/below the mean) computed from the figures the source
publishes, so changing one's own answers reveals nothing about any peer. Quartiles are shown only
for segments of at least 10 organisations, whatever the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from assessment import disclosure, formats, memo
from assessment.disclosure import MIN_ORGS, QUARTILE_MIN, suppressed_segments
from assessment.i18n import N_, _
from assessment.numbers import fmt_date
from assessment.scoring import Result
from assessment.store import Organisation, Release, Store

# Module-level words are marked (N_) and translated where they are shown.
SEGMENT_LABELS = {"all": N_("All organisations"), "industry": N_("Industry"), "size": N_("Size band"),
                  "region": N_("Region")}  # fmt: skip
SEGMENT_TYPES = tuple(SEGMENT_LABELS)
SYNTHETIC_LABEL = N_("synthetic sample")  # how every page and report names generated demo data
PEERS = "peers"
SYNTHETIC = "synthetic"
IMPORTED = "imported:"
STATS_COLUMNS = ["dimension_id", "n", "mean", "p25", "median", "p75", "band"]
QUARTILES = ["p25", "median", "p75"]
SYNTHETIC_NAME = N_("Synthetic sample (generated demo data, not real organisations)")

TOO_FEW = N_("Not enough peers in this segment (fewer than 5 organisations); showing all organisations instead.")
DIFFERENCING = N_(
    "This segment is withheld to protect anonymity: so few organisations lie outside it that their "
    "scores could be worked out by subtraction. Showing all organisations instead."
)
WITHHELD = N_(
    "This peer group is not in the benchmark release: it has fewer than 5 organisations, or publishing "
    "it would let a few organisations' scores be worked out by subtraction. Showing all organisations "
    "instead."
)
NO_RELEASE = N_(
    "No benchmark release of real organisations has been published for this questionnaire version yet "
    "(a consultant publishes one from the console once at least 5 clients have agreed to take part)."
)
NOT_IN_SET = N_("The imported set has no figures for this segment; showing all organisations instead.")
NO_BENCHMARK = N_(
    "Fewer than 5 organisations have finished this questionnaire version in this source, so there is "
    "no benchmark to show yet."
)


@dataclass(frozen=True)
class Benchmark:
    """Peer statistics for one segment: columns dimension_id, n, mean, p25, median, p75 (empty
    under 10 organisations) and band (where the compared organisation's score falls, from these
    figures only). ``release`` is the published release the figures come from, when they do."""

    source: str
    synthetic: bool
    segment_type: str
    segment_value: str | None
    stats: pd.DataFrame
    release: Release | None = None
    imported: tuple[str, datetime] | None = None  # an imported set's own source and date

    @property
    def n_orgs(self) -> int:
        overall = self.stats.loc[self.stats["dimension_id"] == "overall", "n"]
        return int(overall.iloc[0]) if len(overall) else int(self.stats["n"].max() if len(self.stats) else 0)

    @property
    def segment(self) -> str:
        """ "Industry: Retail", in the language in force."""
        return segment_name(self.segment_type, self.segment_value)

    @property
    def source_text(self) -> str:
        """Where the figures come from, in the language in force (``source`` keeps the English)."""
        if self.release is not None:
            return _("{release}, real organisations").format(release=self.release.label)
        if self.imported is not None:
            return set_label(*self.imported)
        return _(self.source)

    @property
    def label(self) -> str:
        return f"{self.source_text} · {self.segment} · n = {self.n_orgs}"


@dataclass(frozen=True)
class Source:
    """Something to compare with: ``key`` is "peers", "synthetic" or "imported:<set id>"."""

    key: str
    label: str
    synthetic: bool = False
    n_orgs: int | None = None  # known for the release and the synthetic sample
    name: str = ""  # what an operator types to choose it: "peers", "synthetic" or the set's source
    release: Release | None = None


@dataclass(frozen=True)
class Comparison:
    """One segment's benchmark, or why it is not shown (``reason``)."""

    segment_type: str
    segment_value: str | None
    benchmark: Benchmark | None
    reason: str | None = None


def publishable_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``store.peers.peer_segments`` that may be shown (the live synthetic sample): the
    floor, differencing and complementary suppression of ``disclosure.suppressed_segments``, per
    dimension as well.

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
    whole = suppressed_segments(overall, set()) | {(t, v) for _, t, v, _ in rows if (t, v) not in overall}
    hidden = {dim: suppressed_segments(counts, whole) for dim, counts in by_dimension.items()}
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
    """The latest release of real organisations, each imported set for this questionnaire
    version, and the synthetic sample when there is one."""
    release = store.pool.latest_release(qkey)
    if release is None:
        label = _("Real organisations: no benchmark release published yet")
        peers = Source(PEERS, label, n_orgs=0, name=PEERS)
    else:
        label = _("{release} ({count} real organisations)").format(release=release.label, count=release.n_orgs)
        peers = Source(PEERS, label, n_orgs=release.n_orgs, name=PEERS, release=release)
    sources = [peers]
    for row in store.benchmark_sets.list_benchmark_sets(qkey).itertuples():
        label = set_label(row.source, row.generated_at)
        sources.append(Source(f"{IMPORTED}{row.id}", label, is_synthetic(row.source), name=row.source))
    n_synthetic = store.peers.peer_count(qkey, synthetic=True)
    if n_synthetic > 0:
        sources.append(Source(SYNTHETIC, _(SYNTHETIC_NAME), synthetic=True, n_orgs=n_synthetic, name=SYNTHETIC))
    return sources


def default_source(sources: list[Source]) -> str:
    """The latest release when there is one, else the newest imported set, else the synthetic
    sample, else the release source (whose page then says none is published yet)."""
    for source in sources:
        if source.key == PEERS and source.release is not None:
            return source.key
    imported = [s.key for s in sources if s.key.startswith(IMPORTED)]
    synthetic = [s.key for s in sources if s.key == SYNTHETIC]
    return (imported or synthetic or [PEERS])[0]


def segment_label(segment_type: str, organisation: Organisation | None = None) -> str:
    """ "Industry: Retail" for the organisation's own segment, "All organisations" for 'all', in
    the language in force."""
    value = segment_value(organisation, segment_type) if organisation is not None else None
    return segment_name(segment_type, value)


def segment_name(segment_type: str, value: str | None) -> str:
    """ "Industry: Retail", "All organisations", in the language in force."""
    label = _(SEGMENT_LABELS[segment_type])
    return _("{segment}: {value}").format(segment=label, value=_(value)) if value else label


def scores_of(result: Result) -> dict[str, float | None]:
    """A scored round as the scores a benchmark ranks: 'overall' and every dimension."""
    return {formats.OVERALL: result.overall, **{d: sb.value for d, sb in result.dimensions.items()}}


def _set_label(source: str, generated_at: datetime) -> str:
    """An imported set as the data names it (English; ``set_label`` says it to a reader)."""
    return f"{source} (imported set, generated {generated_at:%Y-%m-%d})"


def set_label(source: str, generated_at: datetime) -> str:
    """An imported set named for a reader, in the language in force."""
    return _("{source} (imported set, generated {date})").format(source=source, date=fmt_date(generated_at, "short"))


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
    """One segment's benchmark from a source, with the organisation's bands; None when the
    segment may not be shown (not in the release, too few organisations, or not in the set)."""
    return benchmark_panel(store, qkey, source, organisation, scores, segment_types=(segment_type,))[
        segment_type
    ].benchmark


def with_bands(stats: pd.DataFrame, scores: Mapping[str, float]) -> pd.DataFrame:
    """Published figures as a comparison shows them: quartiles only from ``QUARTILE_MIN``
    organisations, and the band of each score against those figures alone."""
    frame = stats.loc[:, ["dimension_id", "n", "mean", *QUARTILES]].reset_index(drop=True)
    few = frame["n"].to_numpy() < QUARTILE_MIN
    for column in QUARTILES:  # column by column with numpy: a tenth of pandas' masked assignment
        frame[column] = np.where(few, np.nan, frame[column].to_numpy(dtype="float64", na_value=np.nan))
    frame["band"] = [
        disclosure.band(scores.get(d), mean, p25, median, p75)
        for d, mean, p25, median, p75 in zip(
            frame["dimension_id"], frame["mean"], frame["p25"], frame["median"], frame["p75"], strict=True
        )
    ]
    return frame


_PANELS = memo.Bounded(64)  # the synthetic sample's segments, per organisation profile


def forget_panels() -> None:
    """Drop the kept synthetic panels (the bench measures reading one, not keeping it)."""
    _PANELS.clear()


def _synthetic_segments(
    store: Store, qkey: tuple[str, str], exclude: str, profile: tuple[str, str, str] | None
) -> tuple[pd.DataFrame, dict[tuple[str, str], int]]:
    """The synthetic sample's publishable segments as one organisation sees them (itself left
    out), and every segment's number of organisations. Kept by a fingerprint of the rows they
    are computed from, so a changed sample is read afresh, while a room of one organisation's
    respondents finishing together reads it once. Callers must not change the frame."""
    fingerprint = store.benchmark_sets.peer_fingerprint(qkey, synthetic=True, exclude_org=exclude)
    key = (qkey, exclude, profile, fingerprint)
    kept = _PANELS.peek(key)
    if kept is not None:
        return kept
    segments = store.benchmark_sets.peer_panel(qkey, synthetic=True, exclude_org=exclude, profile=profile)
    published = publishable_segments(segments).rename(columns={"n_orgs": "n"})
    overall = segments[segments["dimension_id"] == formats.OVERALL]
    keys = zip(overall["segment_type"], overall["segment_value"].fillna(""), strict=True)
    panel = published, dict(zip(keys, overall["n_orgs"], strict=True))
    # Kept only if the rows did not change while it was read: otherwise it could later be
    # served for rows it was not read from (an organisation added, then erased).
    if store.benchmark_sets.peer_fingerprint(qkey, synthetic=True, exclude_org=exclude) == fingerprint:
        _PANELS.put(key, panel)
    return panel


def benchmark_panel(
    store: Store,
    qkey: tuple[str, str],
    source: str,
    organisation: Organisation | None = None,
    scores: Mapping[str, float | None] | None = None,
    *,
    segment_types: tuple[str, ...] = SEGMENT_TYPES,
) -> dict[str, Comparison]:
    """Every requested segment of one source for one organisation.

    Real organisations are read only from the latest published release (the organisation may be
    one of its contributors: a release is published once, for everyone). The synthetic sample is
    read live, leaving the organisation itself out."""
    values = {t: segment_value(organisation, t) for t in segment_types}
    clean = {k: v for k, v in (scores or {}).items() if v is not None}
    if source.startswith(IMPORTED):
        return {t: _imported(store, qkey, source, t, values[t], clean) for t in segment_types}
    if source == PEERS:
        return {t: _released(store, qkey, t, values[t], clean) for t in segment_types}
    if source != SYNTHETIC:
        raise ValueError(f"unknown benchmark source {source!r}")
    exclude = organisation.id if organisation is not None else ""
    profile = None
    if organisation is not None:
        profile = (organisation.industry, organisation.size_band, organisation.region)
    published, sizes = _synthetic_segments(store, qkey, exclude, profile)
    types, names = published["segment_type"].to_numpy(), published["segment_value"].to_numpy()
    out = {}
    for segment_type, value in values.items():
        stats = published.loc[(types == segment_type) & (names == (value or ""))]
        if formats.OVERALL not in set(stats["dimension_id"]):
            too_few = sizes.get((segment_type, value or ""), 0) < MIN_ORGS
            reason = NO_BENCHMARK if segment_type == "all" else TOO_FEW if too_few else DIFFERENCING
            out[segment_type] = Comparison(segment_type, value, None, reason)
        else:
            benchmark = Benchmark(SYNTHETIC_NAME, True, segment_type, value, with_bands(stats, clean))
            out[segment_type] = Comparison(segment_type, value, benchmark)
    return out


def _released(
    store: Store, qkey: tuple[str, str], segment_type: str, value: str | None, scores: Mapping[str, float]
) -> Comparison:
    release = store.pool.latest_release(qkey)
    if release is None:
        return Comparison(segment_type, value, None, NO_RELEASE)
    stats = store.pool.release_stats(release.id, segment_type, value)
    if formats.OVERALL not in set(stats["dimension_id"]):
        return Comparison(segment_type, value, None, NO_RELEASE if segment_type == "all" else WITHHELD)
    source = f"{release.label}, real organisations"  # Benchmark.source_text says it in the reader's language
    benchmark = Benchmark(source, False, segment_type, value, with_bands(stats, scores), release=release)
    return Comparison(segment_type, value, benchmark)


def _imported(
    store: Store,
    qkey: tuple[str, str],
    source: str,
    segment_type: str,
    value: str | None,
    scores: Mapping[str, float],
) -> Comparison:
    try:
        found = store.benchmark_sets.benchmark_set(int(source.removeprefix(IMPORTED)))
    except ValueError:
        found = None
    if found is None or found.questionnaire_key != tuple(qkey):
        raise ValueError(f"no imported benchmark set {source!r} for questionnaire {qkey[0]} {qkey[1]}")
    stats = store.benchmark_sets.benchmark_set_stats(found.id, segment_type, value)
    if formats.OVERALL not in set(stats["dimension_id"]):
        return Comparison(segment_type, value, None, NO_BENCHMARK if segment_type == "all" else NOT_IN_SET)
    label = _set_label(found.source, found.generated_at)
    benchmark = Benchmark(
        label, is_synthetic(found.source), segment_type, value, with_bands(stats, scores),
        imported=(found.source, found.generated_at),
    )  # fmt: skip
    return Comparison(segment_type, value, benchmark)


def overall_band(table: pd.DataFrame) -> str | None:
    """The overall band in a ``views.benchmark_frame``, or None when there is none."""
    value = table.loc[table["dimension_id"] == formats.OVERALL, "band"]
    return None if value.empty or not isinstance(value.iloc[0], str) else value.iloc[0]


def _range(a: float | None, b: float | None) -> str:
    return f"{a:.2f}–{b:.2f}" if pd.notna(a) and pd.notna(b) else "—"


def standing_table(table: pd.DataFrame, *, scored: bool = True) -> pd.DataFrame:
    """``views.benchmark_frame`` as a person reads it: the band per dimension and the published
    figures it comes from (without score and band columns when nothing is scored)."""
    columns = {"Dimension": table["dimension"]}
    if scored:
        columns |= {"Score": table["score"], "Where you stand": table["band"].fillna("—")}
    columns |= {
        "Peer mean": table["mean"],
        "Peer median": table["median"],
        "Peer 25th–75th percentile": [_range(a, b) for a, b in zip(table["p25"], table["p75"], strict=True)],
        "Organisations (n)": table["n"],
    }
    return pd.DataFrame(columns)
