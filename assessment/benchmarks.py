"""What an organisation is compared with, and the anonymity floor that guards it.

Sources, in the order Tandem prefers them: the real peers in this database (other
organisations' latest complete round under the same questionnaire version), then the
synthetic sample, which is always labelled as such. A segment with fewer than
``MIN_ORGS`` organisations is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from assessment.demo import SYNTHETIC_LABEL
from assessment.store import Store

MIN_ORGS = 5
SEGMENT_LABELS = {"all": "All organisations", "industry": "Industry", "size": "Size band", "region": "Region"}


@dataclass(frozen=True)
class Benchmark:
    """Peer statistics for one segment: columns dimension_id, n, mean, p25, median, p75,
    percentile (the compared organisation's rank, when it has a score)."""

    source: str
    synthetic: bool
    segment_type: str
    segment_value: str | None
    stats: pd.DataFrame

    @property
    def n_orgs(self) -> int:
        overall = self.stats.loc[self.stats["dimension_id"] == "overall", "n"]
        return int(overall.iloc[0]) if len(overall) else int(self.stats["n"].max() if len(self.stats) else 0)

    @property
    def label(self) -> str:
        segment = SEGMENT_LABELS[self.segment_type]
        if self.segment_value:
            segment = f"{segment}: {self.segment_value}"
        return f"{self.source} · {segment} · n = {self.n_orgs}"


def peer_benchmark(
    store: Store,
    qkey: tuple[str, str],
    *,
    synthetic: bool,
    exclude_org: str = "",
    segment_type: str = "all",
    segment_value: str | None = None,
    scores: dict[str, float | None] | None = None,
) -> Benchmark | None:
    """Peer statistics for a segment, or None when it has fewer than MIN_ORGS organisations."""
    stats = store.peer_stats(
        qkey,
        synthetic=synthetic,
        exclude_org=exclude_org,
        segment_type=segment_type,
        segment_value=segment_value,
        scores=scores,
    )
    stats = stats[stats["n"] >= MIN_ORGS].reset_index(drop=True)
    if stats.empty:
        return None
    source = f"Synthetic sample ({SYNTHETIC_LABEL})" if synthetic else "Peers in this database"
    return Benchmark(source, synthetic, segment_type, segment_value, stats)


def default_benchmark(
    store: Store,
    qkey: tuple[str, str],
    *,
    exclude_org: str = "",
    scores: dict[str, float | None] | None = None,
) -> Benchmark | None:
    """Real peers when there are enough of them, otherwise the synthetic sample."""
    for synthetic in (False, True):
        found = peer_benchmark(store, qkey, synthetic=synthetic, exclude_org=exclude_org, scores=scores)
        if found is not None:
            return found
    return None
