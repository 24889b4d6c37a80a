"""Benchmark CSV out and in: this database's publishable segments as the BRIEF's format, and
imported sets validated whole before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from assessment import formats
from assessment.benchmarks import MIN_ORGS, is_synthetic, publishable_segments
from assessment.questionnaire import Questionnaire
from assessment.store import Store

PEERS_SOURCE = "Tandem peers ({n} organisations)"
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
    """Fewer than MIN_ORGS organisations: there is nothing that may be exported."""


def publishable_rows(store: Store, qkey: tuple[str, str], *, synthetic: bool = False) -> pd.DataFrame:
    """Every segment that passes the anonymity rules, with ``formats.ROW_COLUMNS``."""
    rows = publishable_segments(store.peer_segments(qkey, synthetic=synthetic))
    rows.insert(0, "questionnaire_version", qkey[1])
    rows.insert(0, "questionnaire_id", qkey[0])
    return rows.loc[:, list(formats.ROW_COLUMNS)]


def export_benchmarks(
    store: Store, qkey: tuple[str, str], *, synthetic: bool = False, generated_at: datetime | None = None
) -> str:
    """The benchmark CSV (BRIEF format) of this database's real peers, or of the synthetic
    sample. Only aggregates of segments that pass the anonymity rules; no names or ids.
    Raises NotEnoughPeersError with fewer than MIN_ORGS organisations."""
    rows = publishable_rows(store, qkey, synthetic=synthetic)
    overall = rows[(rows["segment_type"] == "all") & (rows["dimension_id"] == formats.OVERALL)]
    if overall.empty:
        what = "synthetic organisations" if synthetic else "real organisations"
        raise NotEnoughPeersError(
            f"fewer than {MIN_ORGS} {what} have a finished round under {qkey[0]} {qkey[1]}, so there is "
            "nothing that may be exported (anonymity)"
        )
    source = SYNTHETIC_SOURCE if synthetic else PEERS_SOURCE.format(n=int(overall["n_orgs"].iloc[0]))
    return formats.format_benchmark_csv(rows, source=source, generated_at=generated_at)


def can_export(store: Store, qkey: tuple[str, str]) -> bool:
    """Whether the real peers are enough for an export ("all" alone decides it)."""
    return store.peer_count(qkey, synthetic=False) >= MIN_ORGS


def export_benchmark_set(store: Store, set_id: int) -> str:
    """An imported set written back out as benchmark CSV, with its own source and date."""
    found = store.benchmark_set(set_id)
    if found is None:
        raise ValueError(f"no imported benchmark set {set_id}")
    rows = store.benchmark_set_rows(set_id)
    return formats.format_benchmark_csv(rows, source=found.source, generated_at=found.generated_at)


def import_benchmarks(
    store: Store,
    data: bytes,
    questionnaires: Mapping[tuple[str, str], Questionnaire],
    source: str | None = None,
) -> int:
    """Validate benchmark CSV bytes and store them as one set; returns its id.

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
    return store.import_benchmark_set(table, name)
