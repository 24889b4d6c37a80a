"""Benchmark CSV out and in: a published release (or the labelled synthetic sample) as the
BRIEF's format, and imported sets validated whole before anything is stored.

Real organisations leave this installation only as a published release (``assessment.releases``):
an export is that release's figures, with its id and publication date, never live data, so two
downloads either are the same file or come from two releases that the disclosure rule allows to
be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from assessment import formats
from assessment.benchmarks import MIN_ORGS, is_synthetic, publishable_segments
from assessment.disclosure import QUARTILE_MIN
from assessment.questionnaire import Questionnaire
from assessment.store import Release, Store

RELEASE_SOURCE = "Tandem benchmark release {id} ({n} organisations)"
SYNTHETIC_SOURCE = "Tandem synthetic sample"
MAX_SOURCE_LENGTH = 200
# A benchmark CSV has one row per segment and dimension: about 300 rows, under 40 KB. Anything
# far larger is refused before it is parsed, so an import's memory is bounded whatever is sent
# (a 49 MB file once took 977 MB). The web upload limit (server.maxUploadSize) matches this.
MAX_IMPORT_BYTES = 2**20
TOO_LARGE = (
    "file: {size:,} bytes is more than a benchmark CSV can be (the limit is {limit:,} bytes, for about "
    "25 times the rows of a full set); nothing was read"
)


class NotEnoughPeersError(ValueError):
    """No release to export (or, for the synthetic sample, fewer than MIN_ORGS organisations)."""


def export_release(store: Store, release: Release) -> str:
    """One release as benchmark CSV (format 2): its figures, id and publication time."""
    rows = store.pool.release_rows(release.id)
    source = RELEASE_SOURCE.format(id=release.id, n=release.n_orgs)
    return formats.format_benchmark_csv(
        rows, source=source, generated_at=release.published_at, release_id=release.id
    )


def export_benchmarks(
    store: Store, qkey: tuple[str, str], *, synthetic: bool = False, generated_at: datetime | None = None
) -> str:
    """The benchmark CSV (format 2) of the latest release of real organisations, or of the
    synthetic sample (read live, labelled, quartiles only from 10 organisations). Only aggregates;
    no names or ids. Raises NotEnoughPeersError when there is nothing that may be exported."""
    if not synthetic:
        release = store.pool.latest_release(qkey)
        if release is None:
            raise NotEnoughPeersError(
                f"no benchmark release has been published for {qkey[0]} {qkey[1]}, so there is nothing "
                "that may be exported (publish one from the console or with "
                "`python -m assessment publish-benchmark`)"
            )
        return export_release(store, release)
    rows = publishable_segments(store.peers.peer_segments(qkey, synthetic=True))
    rows.insert(0, "questionnaire_version", qkey[1])
    rows.insert(0, "questionnaire_id", qkey[0])
    rows = rows.loc[:, list(formats.ROW_COLUMNS)]
    rows.loc[rows["n_orgs"] < QUARTILE_MIN, list(formats.QUARTILE_COLUMNS)] = float("nan")
    if rows.empty:
        raise NotEnoughPeersError(
            f"fewer than {MIN_ORGS} synthetic organisations have a finished round under {qkey[0]} {qkey[1]}"
        )
    return formats.format_benchmark_csv(rows, source=SYNTHETIC_SOURCE, generated_at=generated_at)


def can_export(store: Store, qkey: tuple[str, str]) -> bool:
    """Whether a release of real organisations exists to export."""
    return store.pool.latest_release(qkey) is not None


def export_benchmark_set(store: Store, set_id: int) -> str:
    """An imported set written back out as benchmark CSV, with its own source, date and release."""
    found = store.benchmark_sets.benchmark_set(set_id)
    if found is None:
        raise ValueError(f"no imported benchmark set {set_id}")
    rows = store.benchmark_sets.benchmark_set_rows(set_id)
    return formats.format_benchmark_csv(
        rows, source=found.source, generated_at=found.generated_at, release_id=found.release_id
    )


def import_benchmarks(
    store: Store,
    data: bytes,
    questionnaires: Mapping[tuple[str, str], Questionnaire],
    source: str | None = None,
) -> int:
    """Validate benchmark CSV bytes (format 1 or 2) and store them as one set; returns its id.

    ``source`` names the set (default: the file's own ``source``; a file whose source says it is
    synthetic keeps that in the name, so the set stays labelled as synthetic). Raises
    formats.BenchmarkImportError listing every problem, DuplicateBenchmarkSetError, or
    ValueError for a bad source name; in every case nothing is written."""
    if len(data) > MAX_IMPORT_BYTES:
        raise formats.BenchmarkImportError([TOO_LARGE.format(size=len(data), limit=MAX_IMPORT_BYTES)])
    name = (source or "").strip()
    if len(name) > MAX_SOURCE_LENGTH:
        raise ValueError(f"the source is {len(name)} characters long; the limit is {MAX_SOURCE_LENGTH}")
    table = formats.parse_benchmark_csv(data, questionnaires)
    if not name:
        name = table.source
    elif is_synthetic(table.source) and not is_synthetic(name):
        name = f"{name} (from '{table.source}')"  # a synthetic set stays labelled as such
    return store.benchmark_sets.import_benchmark_set(table, name)
