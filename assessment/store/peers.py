"""Peer statistics in SQL: the latest scored round of every organisation, by segment."""

from __future__ import annotations

import pandas as pd

from assessment.store.database import Database

SEGMENT_COLUMNS = {"all": None, "industry": "industry", "size": "size_band", "region": "region"}

# The latest scored round of every organisation under one questionnaire version (kept in
# peer_scores by Store.refresh_round_scores). Other versions are left out, never mixed in.
_LATEST = """
peers AS (
    SELECT organisation_id, industry, size_band, region, dimension_id, score
    FROM peer_scores
    WHERE questionnaire_id = ? AND questionnaire_version = ? AND synthetic = ? AND organisation_id <> ?
)
"""


def _segment_filter(segment_type: str) -> str:
    column = SEGMENT_COLUMNS[segment_type]
    # The column name comes from a fixed mapping, never from input; the value is a parameter.
    return "TRUE" if column is None else f"{column} = ?"


class PeerQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def peer_count(self, qkey: tuple[str, str], *, synthetic: bool, exclude_org: str = "") -> int:
        sql = f"WITH {_LATEST} SELECT count(DISTINCT organisation_id) FROM peers"  # noqa: S608
        return int(self.db.execute(sql, [*qkey, synthetic, exclude_org])[0][0])

    def peer_stats(
        self,
        qkey: tuple[str, str],
        *,
        synthetic: bool,
        exclude_org: str = "",
        segment_type: str = "all",
        segment_value: str | None = None,
        scores: dict[str, float | None] | None = None,
    ) -> pd.DataFrame:
        """n, mean, p25, median, p75 per dimension (and 'overall') for one segment, plus the
        percentile rank of ``scores`` among the peers (share below, ties counted half)."""
        scores = {k: v for k, v in (scores or {}).items() if v is not None}
        params: list[object] = [*qkey, synthetic, exclude_org]
        if SEGMENT_COLUMNS[segment_type] is not None:
            params.append(segment_value)
        params += [list(scores), list(scores.values())]
        sql = f"""
            WITH {_LATEST},
            segment AS (SELECT * FROM peers WHERE {_segment_filter(segment_type)}),
            mine AS (SELECT unnest(?::VARCHAR[]) AS dimension_id, unnest(?::DOUBLE[]) AS score)
            SELECT s.dimension_id, count(*) AS n, avg(s.score) AS mean,
                   quantile_cont(s.score, 0.25) AS p25, median(s.score) AS median,
                   quantile_cont(s.score, 0.75) AS p75,
                   100.0 * (count(*) FILTER (WHERE s.score < m.score)
                            + 0.5 * count(*) FILTER (WHERE s.score = m.score)) / count(*) AS percentile
            FROM segment s LEFT JOIN mine m ON m.dimension_id = s.dimension_id
            GROUP BY s.dimension_id, m.score
        """  # noqa: S608
        frame = self.db.frame(sql, params)
        frame.loc[frame["dimension_id"].isin(scores) == False, "percentile"] = None  # noqa: E712
        return frame

    def peer_segments(self, qkey: tuple[str, str], *, synthetic: bool, exclude_org: str = "") -> pd.DataFrame:
        """Every segment's statistics at once (for export): one GROUPING SETS query."""
        sql = f"""
            WITH {_LATEST}
            SELECT CASE WHEN GROUPING(industry) = 0 THEN 'industry'
                        WHEN GROUPING(size_band) = 0 THEN 'size'
                        WHEN GROUPING(region) = 0 THEN 'region' ELSE 'all' END AS segment_type,
                   coalesce(industry, size_band, region) AS segment_value,
                   dimension_id, count(*) AS n_orgs, avg(score) AS mean,
                   quantile_cont(score, 0.25) AS p25, median(score) AS median,
                   quantile_cont(score, 0.75) AS p75
            FROM peers
            GROUP BY GROUPING SETS ((dimension_id), (industry, dimension_id),
                                    (size_band, dimension_id), (region, dimension_id))
        """  # noqa: S608
        return self.db.frame(sql, [*qkey, synthetic, exclude_org])
