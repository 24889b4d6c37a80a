"""Imported benchmark sets: figures another installation or a consultancy published as CSV.

A set is stored whole, in one transaction, with its source and dates. The same content imported
twice (the same questionnaire version and the same rows, whatever the file's source or date) is
refused, so a set cannot be counted twice.

``peer_panel`` lives here too: the one-query form of ``peers.peer_stats`` for all four segments
of one organisation at once, with every segment's counts for the anonymity rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from assessment.formats import ROW_COLUMNS, SCORE_COLUMNS, BenchmarkTable
from assessment.store.database import Database, utcnow
from assessment.store.peers import _LATEST

# One organisation's whole panel in one pass over the peers (see ``peer_panel``). ``counts`` has
# every segment, because the anonymity rules weigh a segment against its siblings; the
# statistics are computed only for the organisation's own four segments.
_PANEL = f"""
WITH {_LATEST},
p AS MATERIALIZED (SELECT industry, size_band, region, dimension_id, score FROM peers),
counts AS (
    SELECT 'all' AS segment_type, '' AS segment_value, dimension_id, count(*) AS n_orgs FROM p GROUP BY ALL
    UNION ALL SELECT 'industry', industry, dimension_id, count(*) FROM p GROUP BY ALL
    UNION ALL SELECT 'size', size_band, dimension_id, count(*) FROM p GROUP BY ALL
    UNION ALL SELECT 'region', region, dimension_id, count(*) FROM p GROUP BY ALL
),
own AS (
    SELECT 'all' AS segment_type, '' AS segment_value, dimension_id, score FROM p
    UNION ALL SELECT 'industry', industry, dimension_id, score FROM p WHERE industry = ?
    UNION ALL SELECT 'size', size_band, dimension_id, score FROM p WHERE size_band = ?
    UNION ALL SELECT 'region', region, dimension_id, score FROM p WHERE region = ?
),
stats AS (
    SELECT segment_type, segment_value, dimension_id, avg(score) AS mean,
           quantile_cont(score, [0.25, 0.5, 0.75]) AS q
    FROM own GROUP BY segment_type, segment_value, dimension_id
)
SELECT c.segment_type, c.segment_value, c.dimension_id, c.n_orgs, s.mean,
       s.q[1] AS p25, s.q[2] AS median, s.q[3] AS p75
FROM counts c LEFT JOIN stats s ON s.segment_type = c.segment_type
     AND s.segment_value = c.segment_value AND s.dimension_id = c.dimension_id
ORDER BY c.segment_type, c.segment_value, c.dimension_id
"""

_PANEL_COLUMNS = ("segment_type", "segment_value", "dimension_id", "n_orgs", "mean", "p25", "median", "p75")

# What ``peer_panel`` reads, as a number of rows and an order-free sum of their hashes: equal
# fingerprints, equal panels (benchmarks keeps panels by it).
_FINGERPRINT = f"""
WITH {_LATEST}
SELECT count(*), coalesce(sum(hash(organisation_id, industry, size_band, region, dimension_id, score)), 0)
FROM peers
"""

_SET_COLS = (
    "id, source, generated_at, imported_at, questionnaire_id, questionnaire_version, content_hash, rows,"
    " release_id"
)
_ROW_ORDER = ("segment_type", "segment_value", "dimension_id")


class DuplicateBenchmarkSetError(ValueError):
    """The same benchmark content is already in the database; nothing was imported."""

    def __init__(self, source: str, imported_at: datetime) -> None:
        self.source = source
        self.imported_at = imported_at
        super().__init__(
            f"this benchmark set was already imported on {imported_at:%Y-%m-%d} as '{source}'; "
            "nothing was imported"
        )


@dataclass(frozen=True)
class BenchmarkSet:
    id: int
    source: str
    generated_at: datetime
    imported_at: datetime
    questionnaire_id: str
    questionnaire_version: str
    content_hash: str
    rows: int
    release_id: str | None = None  # the publishing installation's release, for format 2 files

    @property
    def questionnaire_key(self) -> tuple[str, str]:
        return (self.questionnaire_id, self.questionnaire_version)


def content_hash(table: BenchmarkTable) -> str:
    """SHA-256 of the questionnaire version and the rows, normalised: sorted, "" for the 'all'
    segment, scores to 4 decimals as the CSV writes them. Source and date are left out on purpose:
    the same figures re-exported later or under another name are still the same set."""
    rows = table.rows.loc[:, list(ROW_COLUMNS[2:])].copy()
    rows["segment_value"] = rows["segment_value"].fillna("").astype(str)
    rows = rows.sort_values(list(_ROW_ORDER), kind="stable")
    lines = rows["segment_type"].astype(str) + "\x1f" + rows["segment_value"] + "\x1f"
    lines += rows["dimension_id"].astype(str) + "\x1f" + rows["n_orgs"].astype("int64").astype(str)
    for column in SCORE_COLUMNS:
        lines += "\x1f" + rows[column].astype("float64").map("{:.4f}".format)
    digest = hashlib.sha256(f"{table.questionnaire_id}\x1e{table.questionnaire_version}\x1e".encode())
    digest.update("\x1e".join(lines.tolist()).encode())
    return digest.hexdigest()


class BenchmarkSetQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_benchmark_set(self, table: BenchmarkTable, source: str) -> int:
        """Store a validated benchmark set in one transaction and return its id.

        Raises DuplicateBenchmarkSetError when the same content was imported before; any error
        leaves the database as it was.
        """
        digest = content_hash(table)
        rows = table.rows.loc[:, list(ROW_COLUMNS[2:])].copy()
        rows["segment_value"] = rows["segment_value"].fillna("").astype(str)
        try:
            with self.db.transaction() as cur:
                self._refuse_duplicate(cur, digest)
                set_id = cur.execute(
                    "INSERT INTO benchmark_sets (source, generated_at, imported_at, questionnaire_id,"
                    " questionnaire_version, content_hash, rows, release_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " RETURNING id",
                    [
                        source,
                        table.generated_at.replace(tzinfo=None),  # stored as naive UTC, like every time
                        utcnow(),
                        table.questionnaire_id,
                        table.questionnaire_version,
                        digest,
                        len(rows),
                        table.release_id,
                    ],
                ).fetchall()[0][0]
                # The registration dies with the cursor; unregistering after a failed insert would
                # itself fail in the aborted transaction and hide the real error.
                cur.register("benchmark_import", rows)
                cur.execute(
                    "INSERT INTO benchmark_rows (set_id, segment_type, segment_value, dimension_id, n_orgs,"
                    " mean, p25, median, p75) SELECT ?, segment_type, segment_value, dimension_id, n_orgs,"
                    " mean, p25, median, p75 FROM benchmark_import",
                    [set_id],
                )
                cur.unregister("benchmark_import")
        except (duckdb.ConstraintException, duckdb.TransactionException):
            # Another import of the same content may have committed between the check and the
            # insert; look again, after the rollback, to say so plainly.
            with self.db.cursor() as cur:
                self._refuse_duplicate(cur, digest)
            raise
        return int(set_id)

    def _refuse_duplicate(self, cur: duckdb.DuckDBPyConnection, digest: str) -> None:
        found = cur.execute(
            "SELECT source, imported_at FROM benchmark_sets WHERE content_hash = ?", [digest]
        ).fetchall()
        if found:
            raise DuplicateBenchmarkSetError(*found[0])

    def list_benchmark_sets(self, qkey: tuple[str, str] | None = None) -> pd.DataFrame:
        """Imported sets, newest import first; all questionnaire versions when ``qkey`` is None."""
        qid, qver = qkey if qkey is not None else (None, None)
        return self.db.frame(
            f"SELECT {_SET_COLS} FROM benchmark_sets WHERE (? IS NULL OR questionnaire_id = ?)"
            " AND (? IS NULL OR questionnaire_version = ?) ORDER BY imported_at DESC, id DESC",
            [qid, qid, qver, qver],
        )

    def benchmark_set(self, set_id: int) -> BenchmarkSet | None:
        rows = self.db.execute(f"SELECT {_SET_COLS} FROM benchmark_sets WHERE id = ?", [set_id])
        return BenchmarkSet(*rows[0]) if rows else None

    def benchmark_set_rows(self, set_id: int) -> pd.DataFrame:
        """A set's rows with formats.ROW_COLUMNS ("" as the 'all' segment's value)."""
        return self.db.frame(
            "SELECT s.questionnaire_id, s.questionnaire_version, r.segment_type, r.segment_value,"
            " r.dimension_id, r.n_orgs, r.mean, r.p25, r.median, r.p75"
            " FROM benchmark_rows r JOIN benchmark_sets s ON s.id = r.set_id WHERE r.set_id = ?"
            " ORDER BY r.segment_type, r.segment_value, r.dimension_id",
            [set_id],
        )

    def benchmark_set_stats(self, set_id: int, segment_type: str, segment_value: str | None) -> pd.DataFrame:
        """One segment of a set: dimension_id, n, mean, p25, median, p75 (quartiles may be empty)."""
        return self.db.frame(
            "SELECT dimension_id, n_orgs AS n, mean, p25, median, p75"
            " FROM benchmark_rows WHERE set_id = ? AND segment_type = ? AND segment_value = ?"
            " ORDER BY dimension_id",
            [set_id, segment_type, segment_value or ""],
        )

    def peer_panel(
        self,
        qkey: tuple[str, str],
        *,
        synthetic: bool,
        exclude_org: str = "",
        profile: tuple[str, str, str] | None = None,
    ) -> pd.DataFrame:
        """Every segment's organisation counts (the columns of ``peer_segments``), with mean and
        quartiles filled in only for "all" and the segments of ``profile`` (industry, size band,
        region). One query, so one organisation's whole benchmark panel costs one pass over the
        peers instead of five. No rank among the peers: a comparison never shows one."""
        industry, size_band, region = profile if profile is not None else (None, None, None)
        params = [*qkey, synthetic, exclude_org, industry, size_band, region]
        # fetchall and a plain DataFrame: about 4 ms less than .df() for these ~200 rows.
        return pd.DataFrame(self.db.execute(_PANEL, params), columns=list(_PANEL_COLUMNS))

    def peer_fingerprint(self, qkey: tuple[str, str], *, synthetic: bool, exclude_org: str = "") -> tuple[int, int]:
        """The rows ``peer_panel`` reads for these arguments, as (count, sum of row hashes)."""
        count, total = self.db.execute(_FINGERPRINT, [*qkey, synthetic, exclude_org])[0]
        return int(count), int(total)

    def benchmark_row_count(self) -> int:
        """Rows over every imported set (for checks that a refused import wrote nothing)."""
        return int(self.db.execute("SELECT count(*) FROM benchmark_rows")[0][0])
