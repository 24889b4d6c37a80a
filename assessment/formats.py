"""Tandem's public file formats: the benchmark CSV (export and import) and the raw responses CSV.

Both are public interfaces (BRIEF.md, "Benchmark CSV" and "Raw responses CSV"): other Tandem
installations, consultancies and spreadsheets read them, so the columns and their meaning stay
stable and a change of meaning means a new ``format_version``.

Benchmark CSV, format_version "1": UTF-8 (a BOM is accepted on import), comma-separated, one header
row with ``BENCHMARK_COLUMNS_V1``, one row per segment and dimension. Scores are written with 4
decimals, ``generated_at`` as ISO 8601 UTC with a "Z" suffix (``2026-05-01T12:00:00Z``). Text cells
that a spreadsheet would run as a formula get a leading "'" (``spreadsheet_safe``); the importer
removes that quote again. Import accepts the columns in any order and LF or CRLF line ends.

Format_version "2" (what Tandem writes now) keeps every column of version 1, in the same order,
and adds ``release_id`` at the end: the benchmark release the figures come from (empty for the
synthetic sample or a set that names none). ``generated_at`` is then the release's publication
time. ``p25``, ``median`` and ``p75`` are empty together where quartiles are not published (a
segment of fewer than 10 organisations); otherwise the rules of version 1 hold. Import accepts
both versions; a file holds one.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from assessment.questionnaire import Questionnaire

BENCHMARK_FORMAT_VERSION = "2"
FORMAT_VERSIONS = ("1", "2")
# The order is part of the format: writers use it, the reader matches columns by name.
BENCHMARK_COLUMNS_V1: tuple[str, ...] = tuple(
    "format_version questionnaire_id questionnaire_version segment_type segment_value dimension_id"
    " n_orgs mean p25 median p75 generated_at source".split()
)
BENCHMARK_COLUMNS: tuple[str, ...] = (*BENCHMARK_COLUMNS_V1, "release_id")
QUARTILE_COLUMNS = ("p25", "median", "p75")
RESPONSE_COLUMNS: tuple[str, ...] = tuple(
    "questionnaire_id questionnaire_version organisation round respondent side question_id"
    " dimension_id level answered_at".split()
)
SEGMENT_TYPES = ("all", "industry", "size", "region")
MIN_ORGS = 5
OVERALL = "overall"
MAX_PROBLEMS = 50
SCORE_COLUMNS = ("mean", "p25", "median", "p75")
# Columns of the rows handed to format_benchmark_csv and returned by parse_benchmark_csv.
ROW_COLUMNS = BENCHMARK_COLUMNS[1:11]

_UNSAFE_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ASCII only: Python's int() and float() also accept other scripts' digits, "1_0", "nan" and "inf".
_INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = {"nan", "inf", "infinity"}


class BenchmarkImportError(ValueError):
    """A benchmark file was rejected whole; ``problems`` names the row and column of each fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        listing = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"benchmark file rejected, nothing was imported:\n{listing}")


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame field cannot be compared or hashed
class BenchmarkTable:
    """A validated benchmark set: one questionnaire version, its source and date, and its rows.

    ``rows`` has ``ROW_COLUMNS``: n_orgs int64, scores float64, text as str; segment_value is ""
    for the "all" segment (not None, so that groupby keeps it). ``generated_at`` is UTC; when rows
    carry different dates it is the latest. ``source`` joins distinct sources with "; ".
    """

    questionnaire_id: str
    questionnaire_version: str
    source: str
    generated_at: datetime
    rows: pd.DataFrame
    release_id: str | None = None  # format 2: the release the figures come from


def spreadsheet_safe(value: str) -> str:
    """Prefix "'" to text a spreadsheet would read as a formula (OWASP CSV injection guidance)."""
    return "'" + value if value.startswith(_UNSAFE_STARTS) else value


def _unsafe(value: str) -> str:
    """Undo spreadsheet_safe (lossy only for text that itself began with "'" and a formula sign)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_UNSAFE_STARTS) else value


def _missing(value: Any) -> bool:
    # Cheaper than pd.isna on a scalar, which matters at 100,000 cells; NaN is the only value != itself.
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _text_cell(value: Any) -> str:
    if _missing(value):
        return ""
    # Python 3.11's csv writer does not quote a lone "\r" when lines end in "\n", so a reader would
    # split the row there; a line break inside a cell is therefore always written as "\n".
    text = spreadsheet_safe(str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a "Z" suffix, to the second; a naive datetime is taken as UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat(timespec="seconds") + "Z"


def _write_csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _refuse(rows: pd.DataFrame, bad: pd.Series, message: str) -> None:
    """Raise ValueError naming the first offending row, if any row is bad."""
    if bad.any():
        first = rows[bad].iloc[0]
        raise ValueError(
            f"{message} ({int(bad.sum())} row(s); first: {first['segment_type']} "
            f"{first['segment_value']!r}, {first['dimension_id']}, n_orgs={first['n_orgs']})"
        )


def format_benchmark_csv(
    rows: pd.DataFrame, *, source: str, generated_at: datetime | None = None, release_id: str | int | None = None
) -> str:
    """Write benchmark rows as benchmark CSV text (format_version "2": the columns of version 1
    plus ``release_id``; quartiles empty where they are not published).

    ``rows`` has ``ROW_COLUMNS``; segment_value is None or "" for "all". ``generated_at`` (default:
    now) is written as ISO 8601 UTC with a "Z" suffix, scores with 4 decimals. Rows are sorted by
    segment type (all, industry, size, region), segment value, then dimension id with "overall" last.
    Raises ValueError for anything the importer would reject, above all n_orgs below ``MIN_ORGS``:
    the anonymity floor is checked here too, whatever the caller did. No rows is an error as well.
    """
    missing = [c for c in ROW_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"benchmark rows lack column(s): {', '.join(missing)}")
    if _missing(source) or not str(source).strip():
        raise ValueError("a benchmark set needs a source")
    if rows.empty:
        raise ValueError("no benchmark rows to export")
    df = pd.DataFrame({c: rows[c].to_numpy() for c in ROW_COLUMNS})  # a copy, whatever the index
    for column in ("questionnaire_id", "questionnaire_version", "segment_type", "dimension_id"):
        df[column] = df[column].astype(str)
    df["segment_value"] = df["segment_value"].fillna("").astype(str)
    n = pd.to_numeric(df["n_orgs"], errors="coerce")
    _refuse(df, n.isna() | (n % 1 != 0), "n_orgs must be a whole number")
    _refuse(
        df, n < MIN_ORGS, f"refusing to export segments of fewer than {MIN_ORGS} organisations (anonymity)"
    )
    df["n_orgs"] = n.astype("int64")
    if len(df[["questionnaire_id", "questionnaire_version"]].drop_duplicates()) > 1:
        raise ValueError("one benchmark file holds one questionnaire version")
    _refuse(df, ~df["segment_type"].isin(SEGMENT_TYPES), f"segment_type must be one of {SEGMENT_TYPES}")
    all_segment = df["segment_type"] == "all"
    _refuse(df, all_segment == (df["segment_value"] != ""), "segment_value must be empty exactly for 'all'")
    _refuse(
        df, df.duplicated(["segment_type", "segment_value", "dimension_id"]), "duplicate segment/dimension"
    )
    for column in SCORE_COLUMNS:
        df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64").round(4)
    no_quartiles = df[list(QUARTILE_COLUMNS)].isna().all(axis=1)
    for column in SCORE_COLUMNS:
        bad = ~df[column].between(1, 5)  # NaN is not between
        if column in QUARTILE_COLUMNS:
            bad &= ~no_quartiles
        _refuse(df, bad, f"{column} must be a score in [1, 5]")
    ordered = (df["p25"] <= df["median"]) & (df["median"] <= df["p75"])
    _refuse(df, ~ordered & ~no_quartiles, "p25 <= median <= p75 must hold")
    df["_type"] = df["segment_type"].map(SEGMENT_TYPES.index)
    df["_overall"] = df["dimension_id"] == OVERALL
    df = df.sort_values(["_type", "segment_value", "_overall", "dimension_id"], kind="stable")
    cells = {c: df[c].tolist() for c in ("questionnaire_id", "questionnaire_version", "segment_type")}
    cells["dimension_id"] = df["dimension_id"].tolist()
    cells["segment_value"] = [_text_cell(v) for v in df["segment_value"].tolist()]
    cells["n_orgs"] = [str(v) for v in df["n_orgs"].tolist()]
    for column in SCORE_COLUMNS:
        cells[column] = ["" if v != v else f"{v:.4f}" for v in df[column].tolist()]  # NaN: not published
    stamp = _iso_utc(generated_at if generated_at is not None else datetime.now(UTC))
    for column, value in (("format_version", BENCHMARK_FORMAT_VERSION), ("generated_at", stamp)):
        cells[column] = [value] * len(df)
    cells["source"] = [_text_cell(source)] * len(df)
    cells["release_id"] = [_text_cell("" if release_id is None else str(release_id))] * len(df)
    return _write_csv(BENCHMARK_COLUMNS, zip(*(cells[c] for c in BENCHMARK_COLUMNS), strict=True))


class _Problems:
    """Counts every problem but keeps only the first MAX_PROBLEMS, so a bad 100,000-row file stays cheap."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(message)

    def listing(self) -> list[str]:
        extra = self.count - len(self.items)
        return self.items + ([f"... and {extra} more"] if extra else [])


def _parse_stamp(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # astimezone overflows for year 1 with a positive offset
        return None


def _show(text: str, *, quote: bool = True) -> str:
    """A cell value for a message: cut short, and quoted unless it is plain."""
    text = text if len(text) <= 40 else text[:37] + "..."
    return repr(text) if quote or not text.isprintable() else text


def _read_score(text: str) -> tuple[float, str | None]:
    """The score in a cell, or NaN and what is wrong with it."""
    if _FLOAT_RE.fullmatch(text):
        value = float(text)
        if not math.isfinite(value):  # "1e999" matches the pattern and becomes inf
            return math.nan, f"{_show(text, quote=False)} is not a finite number"
        if not 1 <= value <= 5:
            return math.nan, f"{_show(text, quote=False)} is outside [1, 5]"
        return value, None
    if text.lower().lstrip("+-") in _NOT_FINITE:
        return math.nan, f"{_show(text)} is not a finite number"
    return math.nan, f"{_show(text)} is not a number"


def _decode(data: bytes, problems: _Problems) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add("file: looks UTF-16 encoded, expected UTF-8 (save it as 'CSV UTF-8')")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        problems.add(f"file: not UTF-8 text (byte 0x{byte:02x} on line {line}); save it as 'CSV UTF-8'")
        return None
    if not text.strip():
        problems.add("header: the file is empty")
        return None
    return text


def _read_records(text: str, problems: _Problems) -> list[list[str]]:
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        where = f"row {len(records)}" if records else "header"
        problems.add(f"{where}: malformed CSV ({exc})")
    return records


def _header_index(header: list[str], problems: _Problems) -> dict[str, int] | None:
    names = [h.strip() for h in header]
    if len(names) < len(BENCHMARK_COLUMNS_V1) and any(";" in n for n in names):
        problems.add("header: looks semicolon-separated, expected commas")
        return None
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in index and name in BENCHMARK_COLUMNS:
            problems.add(f"header: column {name} appears twice")
        index.setdefault(name, position)
    missing = [c for c in BENCHMARK_COLUMNS_V1 if c not in index]
    unexpected = [_show(n, quote=False) or "(unnamed)" for n in names if n not in BENCHMARK_COLUMNS]
    if missing:
        problems.add(f"header: missing column(s): {', '.join(missing)}")
    if unexpected:
        problems.add(f"header: unexpected column(s): {', '.join(unexpected)}")
    return None if problems.count else index


def parse_benchmark_csv(
    data: bytes, questionnaires: Mapping[tuple[str, str], Questionnaire]
) -> BenchmarkTable:
    """Validate benchmark CSV bytes against the known questionnaires, all or nothing.

    Raises BenchmarkImportError listing every problem (up to MAX_PROBLEMS, then "... and N more"),
    each naming the 1-based data row ("header" for the header) and the column. Never raises any
    other exception, whatever the bytes.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_benchmark_csv reads bytes, not {type(data).__name__}")
    problems = _Problems()
    try:
        table = _parse(bytes(data), questionnaires, problems)
    except Exception as exc:  # defence in depth: a bad upload must never crash the page
        problems.add(f"file: unexpected error while reading ({type(exc).__name__}: {exc})")
        table = None
    if problems.count or table is None:
        raise BenchmarkImportError(problems.listing() or ["file: could not be read"])
    return table


def _parse(
    data: bytes, questionnaires: Mapping[tuple[str, str], Questionnaire], problems: _Problems
) -> BenchmarkTable | None:
    text = _decode(data, problems)
    if text is None:
        return None
    records = _read_records(text, problems)
    first = next((i for i, r in enumerate(records) if "".join(r).strip()), len(records))
    records = records[first:]  # blank lines above the header
    if problems.count or not records:
        return None
    index = _header_index(records[0], problems)
    if index is None:
        return None
    with_release = "release_id" in index
    positions = [index[c] for c in BENCHMARK_COLUMNS if c in index]
    width = len(records[0])
    reorder = positions != list(range(len(positions)))
    versions: dict[str, int] = {}  # format version -> first row
    release_ids: dict[str, None] = {}
    parsed: list[tuple[Any, ...]] = []
    expected: tuple[str, str, int] | None = None
    dimensions: set[str] | None = None
    seen: dict[tuple[str, str, str], int] = {}
    # Caches: most files repeat one date on every row, and 4-decimal scores repeat too.
    stamps: dict[str, datetime | None] = {}
    score_cache: dict[str, tuple[float, str | None]] = {}
    sources: dict[str, None] = {}  # an ordered set
    data_rows = row = 0

    def bad(column: str, message: str) -> None:
        problems.add(f"row {row}, column {column}: {message}")  # reads the loop's current row

    for row, record in enumerate(records[1:], start=1):
        if not "".join(record).strip():
            continue  # blank lines and the ",,,," rows spreadsheets leave at the end
        data_rows += 1
        if len(record) != width:
            problems.add(f"row {row}: expected {width} fields, found {len(record)}")
            continue
        fields = list(map(str.strip, record))
        if reorder:
            fields = [fields[p] for p in positions]
        if with_release:
            *fields, release = fields
            release_ids[_unsafe(release)] = None
        fmt, qid, qver, stype, svalue, dim, n_text, *score_texts, stamp_text, source = fields
        if svalue[:1] == "'" or source[:1] == "'":  # the check is cheaper than the call on 100,000 rows
            svalue, source = _unsafe(svalue), _unsafe(source)
        if fmt not in FORMAT_VERSIONS:
            bad("format_version", f"{_show(fmt)} is not supported (expected '1' or '2')")
        elif versions.setdefault(fmt, row) == row:  # the first row of this version
            first = min(versions, key=lambda v: versions[v])
            if first != fmt:
                bad("format_version", f"'{fmt}' differs from '{first}' on row {versions[first]}; a file holds one version")
            elif fmt == "2" and not with_release:
                bad("format_version", "'2' needs a release_id column")
            elif fmt == "1" and with_release:
                bad("release_id", "is not a column of format version 1")
        if expected is None:
            expected = (qid, qver, row)
            questionnaire = questionnaires.get((qid, qver))
            if questionnaire is not None:
                dimensions = {*questionnaire.dimension_ids, OVERALL}
            elif any(key[0] == qid for key in questionnaires):
                known = ", ".join(sorted(v for i, v in questionnaires if i == qid))
                bad(
                    "questionnaire_version",
                    f"{_show(qid, quote=False)} has no version {_show(qver)} (known: {known})",
                )
            else:
                known = ", ".join(sorted({i for i, _ in questionnaires})) or "none"
                bad("questionnaire_id", f"unknown questionnaire {_show(qid)} (known: {known})")
        elif (qid, qver) != expected[:2]:
            was = f"{_show(expected[0])} {_show(expected[1])} on row {expected[2]}"
            column = "questionnaire_id" if qid != expected[0] else "questionnaire_version"
            bad(
                column,
                f"{_show(qid)} {_show(qver)} differs from {was}; one file holds one questionnaire version",
            )
        if stype not in SEGMENT_TYPES:
            bad("segment_type", f"{_show(stype)} is not one of {', '.join(SEGMENT_TYPES)}")
        elif stype == "all" and svalue:
            bad("segment_value", f"must be empty when segment_type is 'all', found {_show(svalue)}")
        elif stype != "all" and not svalue:
            bad("segment_value", f"must name the {stype} (it is empty only for 'all')")
        if dimensions is not None and dim not in dimensions:
            bad(
                "dimension_id",
                f"{_show(dim)} is not a dimension of {expected[0]} {expected[1]} (nor '{OVERALL}')",
            )
        key = (stype, svalue, dim)
        if key in seen:
            bad("dimension_id", f"duplicates row {seen[key]} ({_show(stype)} {_show(svalue)}, {_show(dim)})")
        seen.setdefault(key, row)
        n = 0
        if not _INT_RE.fullmatch(n_text):
            bad("n_orgs", f"{_show(n_text)} is not a whole number")
        elif (n := int(n_text)) < MIN_ORGS:
            bad("n_orgs", f"{n} is below the anonymity floor of {MIN_ORGS} organisations")
        scores = []
        withheld = fmt == "2" and score_texts[1:] == ["", "", ""]  # quartiles not published
        for column, score_text in zip(SCORE_COLUMNS, score_texts, strict=True):
            if withheld and column in QUARTILE_COLUMNS:
                scores.append(math.nan)
                continue
            if score_text not in score_cache:
                score_cache[score_text] = _read_score(score_text)
            value, problem = score_cache[score_text]
            if problem:
                bad(column, problem)
            scores.append(value)
        p25, median, p75 = scores[1:]
        if p25 > median:  # False whenever one side is NaN, i.e. already reported
            bad("p25", f"{score_texts[1]} is greater than the median {score_texts[2]}")
        if median > p75:
            bad("median", f"{score_texts[2]} is greater than p75 {score_texts[3]}")
        if stamp_text not in stamps:
            stamps[stamp_text] = _parse_stamp(stamp_text)
        if stamps[stamp_text] is None:
            bad("generated_at", f"{_show(stamp_text)} is not an ISO 8601 date-time like 2026-05-01T12:00:00Z")
        if not source:
            bad("source", "is empty; say where the figures come from")
        sources[source] = None
        if not problems.count:  # once the file is rejected the values are never used
            parsed.append((qid, qver, stype, svalue, dim, n, *scores))
    if data_rows == 0:
        problems.add("header: the file has a header but no data rows")
    if problems.count or expected is None:
        return None
    columns = dict(zip(ROW_COLUMNS, zip(*parsed, strict=True), strict=True))
    rows = pd.DataFrame(
        {
            **{c: pd.Series(columns[c], dtype="str") for c in ROW_COLUMNS[:5]},
            "n_orgs": pd.Series(columns["n_orgs"], dtype="int64"),
            **{c: pd.Series(columns[c], dtype="float64") for c in SCORE_COLUMNS},
        }
    )
    named = [r for r in release_ids if r]
    return BenchmarkTable(
        questionnaire_id=expected[0],
        questionnaire_version=expected[1],
        source="; ".join(sources),
        generated_at=max(s for s in stamps.values() if s is not None),
        rows=rows,
        release_id="; ".join(named) or None,
    )


def format_responses_csv(df: pd.DataFrame) -> str:
    """Write raw responses (``RESPONSE_COLUMNS``, one row per answer) as CSV text.

    ``level`` is written empty for "don't know" (NA); ``answered_at`` as ISO 8601 UTC with a "Z"
    suffix (naive times are taken as UTC). Every text cell goes through ``spreadsheet_safe``.
    """
    missing = [c for c in RESPONSE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"responses lack column(s): {', '.join(missing)}")
    stamps = pd.to_datetime(df["answered_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    cells = {c: [_text_cell(v) for v in df[c].tolist()] for c in RESPONSE_COLUMNS[:8]}
    cells["level"] = ["" if _missing(v) else str(int(v)) for v in df["level"].tolist()]
    cells["answered_at"] = ["" if _missing(v) else v for v in stamps.tolist()]
    return _write_csv(RESPONSE_COLUMNS, zip(*(cells[c] for c in RESPONSE_COLUMNS), strict=True))


AUDIT_COLUMNS = ("happened_at", "actor", "action", "subject", "detail")


def audit_csv(df: pd.DataFrame) -> str:
    """The audit log as CSV: times in ISO 8601 UTC, every text cell through ``spreadsheet_safe``
    (an actor or subject typed as "=cmd()" stays text in a spreadsheet)."""
    stamps = [
        "" if _missing(v) else _iso_utc(pd.Timestamp(v).to_pydatetime()) for v in df["happened_at"].tolist()
    ]
    text = {c: [_text_cell(v) for v in df[c].tolist()] for c in AUDIT_COLUMNS[1:]}
    return _write_csv(AUDIT_COLUMNS, zip(stamps, *(text[c] for c in AUDIT_COLUMNS[1:]), strict=True))
