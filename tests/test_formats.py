"""Benchmark and raw responses CSV: round trips, every rejection, injection safety, fuzzing, speed."""

from __future__ import annotations

import csv
import io
import math
import time
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.formats import (
    BENCHMARK_COLUMNS,
    BENCHMARK_COLUMNS_V1,
    MAX_PROBLEMS,
    RESPONSE_COLUMNS,
    ROW_COLUMNS,
    BenchmarkImportError,
    format_benchmark_csv,
    format_responses_csv,
    parse_benchmark_csv,
    spreadsheet_safe,
)
from assessment.questionnaire import parse_questionnaire

SEED = "004_a69fc6c933fa0db2.txt"
STAMP = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _questionnaire_dict() -> dict:
    def question(dim: str, k: int) -> dict:
        return {
            "id": f"{dim}-{k}",
            "text": f"How does {dim} work ({k})?",
            "levels": [f"{dim} level {i}" for i in range(1, 6)],
            "sources": [SEED],
        }

    return {
        "id": "test-alignment",
        "version": "1.0.0",
        "title": "Test",
        "description": "A tiny questionnaire for format tests.",
        "levels": [{"value": i, "name": f"Level {i}", "summary": f"Summary {i}"} for i in range(1, 6)],
        "dimensions": [
            {
                "id": dim,
                "title": dim.title(),
                "description": f"About {dim}.",
                "questions": [question(dim, k) for k in (1, 2, 3)],
            }
            for dim in ("strategy", "budget")
        ],
    }


Q = parse_questionnaire(_questionnaire_dict())
QUESTIONNAIRES = {Q.key: Q}


def _rows() -> pd.DataFrame:
    segments = [("all", None), ("industry", 'Retail, "big" box'), ("size", "=1+1"), ("region", "Europe")]
    out = []
    for s, (stype, svalue) in enumerate(segments):
        for d, dim in enumerate(("strategy", "budget", "overall")):
            base = 1.5 + 0.3 * s + 0.2 * d
            out.append(
                (
                    "test-alignment",
                    "1.0.0",
                    stype,
                    svalue,
                    dim,
                    5 + s + d,
                    base + 0.123456,
                    base,
                    base + 0.25,
                    base + 0.5,
                )
            )
    return pd.DataFrame(out, columns=list(ROW_COLUMNS))


def _valid_text() -> str:
    return format_benchmark_csv(_rows(), source='Tandem test, "synthetic"', generated_at=STAMP)


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _untable(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return buffer.getvalue().encode("utf-8")


def _with_cell(row: int, column: str, value: str) -> bytes:
    table = _table(_valid_text())
    table[row][BENCHMARK_COLUMNS.index(column)] = value
    return _untable(table)


def _problems(data: bytes) -> list[str]:
    with pytest.raises(BenchmarkImportError) as info:
        parse_benchmark_csv(data, QUESTIONNAIRES)
    assert all(p in str(info.value) for p in info.value.problems)
    return info.value.problems


def _parse_or_reject(data: bytes) -> None:
    try:
        parse_benchmark_csv(data, QUESTIONNAIRES)
    except BenchmarkImportError as exc:
        assert "unexpected error" not in str(exc), str(exc)


# --- benchmark CSV: writing and round trip -------------------------------------------------------


def test_format_writes_brief_header_order_and_utc_z() -> None:
    text = _valid_text()
    assert text.startswith(",".join(BENCHMARK_COLUMNS) + "\n")
    assert "\r" not in text and not text.startswith("\ufeff")
    table = _table(text)
    assert [r[3] for r in table[1:]] == ["all"] * 3 + ["industry"] * 3 + ["size"] * 3 + ["region"] * 3
    assert [r[5] for r in table[1:4]] == ["budget", "strategy", "overall"]
    assert {r[11] for r in table[1:]} == {"2026-05-01T12:00:00Z"}
    assert table[1][7] == "1.8235"  # budget: 1.823456 rounded to 4 decimals


def test_round_trip_gives_same_numbers_and_text() -> None:
    rows = _rows()
    table = parse_benchmark_csv(_valid_text().encode(), QUESTIONNAIRES)
    assert (table.questionnaire_id, table.questionnaire_version) == ("test-alignment", "1.0.0")
    assert table.source == 'Tandem test, "synthetic"'
    assert table.generated_at == STAMP
    assert list(table.rows.columns) == list(ROW_COLUMNS)
    assert table.rows["n_orgs"].dtype == "int64"
    key = ["segment_type", "segment_value", "dimension_id"]
    rows["segment_value"] = rows["segment_value"].fillna("")
    merged = rows.merge(table.rows, on=key, suffixes=("", "_read"), validate="one_to_one")
    assert len(merged) == len(rows)
    assert (merged["n_orgs"] == merged["n_orgs_read"]).all()
    for column in ("mean", "p25", "median", "p75"):
        assert (merged[column].round(4) - merged[f"{column}_read"]).abs().max() < 1e-9
    # spreadsheet_safe on the way out, undone on the way in
    assert "'=1+1" in _valid_text()
    assert set(table.rows["segment_value"]) == {"", 'Retail, "big" box', "=1+1", "Europe"}


def test_generated_at_is_written_in_utc() -> None:
    paris = datetime(2026, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert "2026-05-01T12:00:00Z" in format_benchmark_csv(_rows(), source="s", generated_at=paris)
    naive = datetime(2026, 5, 1, 12, 0, 0, 999)
    assert "2026-05-01T12:00:00Z" in format_benchmark_csv(_rows(), source="s", generated_at=naive)


@pytest.mark.parametrize("n", [4, 0, -1])
def test_format_refuses_segments_below_anonymity_floor(n: int) -> None:
    rows = _rows()
    rows.loc[3, "n_orgs"] = n
    with pytest.raises(ValueError, match="anonymity"):
        format_benchmark_csv(rows, source="s", generated_at=STAMP)


def test_format_refuses_no_rows_and_no_source() -> None:
    with pytest.raises(ValueError, match="no benchmark rows"):
        format_benchmark_csv(_rows().head(0), source="s", generated_at=STAMP)
    with pytest.raises(ValueError, match="source"):
        format_benchmark_csv(_rows(), source=" ", generated_at=STAMP)


@pytest.mark.parametrize(
    ("column", "value"),
    [("mean", 5.2), ("p25", float("nan")), ("median", float("inf")), ("segment_type", "x"), ("n_orgs", None)],
)
def test_format_refuses_what_import_would_reject(column: str, value: object) -> None:
    rows = _rows()
    rows[column] = rows[column].astype(object)
    rows.loc[0, column] = value
    with pytest.raises(ValueError):
        format_benchmark_csv(rows, source="s", generated_at=STAMP)


# --- benchmark CSV: accepted variations ----------------------------------------------------------


def test_bom_crlf_quoted_fields_and_padded_header_accepted() -> None:
    table = _table(_valid_text())
    table[0] = [f" {name}" for name in table[0]]  # "a, b, c" as the BRIEF spells the header
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(table)
    data = "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    parsed = parse_benchmark_csv(data, QUESTIONNAIRES)
    plain = parse_benchmark_csv(_valid_text().encode(), QUESTIONNAIRES)
    pd.testing.assert_frame_equal(parsed.rows, plain.rows)


def test_reordered_columns_and_trailing_blank_rows_accepted() -> None:
    table = _table(_valid_text())
    order = list(reversed(range(len(BENCHMARK_COLUMNS))))
    table = [[r[i] for i in order] for r in table] + [[""] * 13, []]
    parsed = parse_benchmark_csv(_untable(table), QUESTIONNAIRES)
    assert len(parsed.rows) == 12


def test_blank_lines_above_header_accepted() -> None:
    assert len(parse_benchmark_csv(b"\n\r\n" + _valid_text().encode(), QUESTIONNAIRES).rows) == 12


def test_several_sources_are_joined_and_latest_date_kept() -> None:
    table = _table(_valid_text())
    table[2][12], table[2][11] = "Other study", "2026-06-01T00:00:00+02:00"
    parsed = parse_benchmark_csv(_untable(table), QUESTIONNAIRES)
    assert parsed.source == 'Tandem test, "synthetic"; Other study'
    assert parsed.generated_at == datetime(2026, 5, 31, 22, 0, tzinfo=UTC)


# --- benchmark CSV: every rejection names row and column ----------------------------------------


def _drop_column(name: str) -> bytes:
    i = BENCHMARK_COLUMNS.index(name)
    return _untable([r[:i] + r[i + 1 :] for r in _table(_valid_text())])


def _add_column(name: str) -> bytes:
    return _untable([r + [name if j == 0 else "x"] for j, r in enumerate(_table(_valid_text()))])


def _every_row(column: str, value: str) -> bytes:
    table = _table(_valid_text())
    for r in table[1:]:
        r[BENCHMARK_COLUMNS.index(column)] = value
    return _untable(table)


REJECTIONS = {
    "renamed column": (
        _valid_text().replace(",mean,", ",average,", 1).encode(),
        ["header: missing column(s): mean", "header: unexpected column(s): average"],
    ),
    "missing column": (_drop_column("p75"), ["header: missing column(s): p75"]),
    "extra column": (_add_column("notes"), ["header: unexpected column(s): notes"]),
    "semicolons": (
        _valid_text().replace(",", ";").encode(),
        ["header: looks semicolon-separated, expected commas"],
    ),
    "unknown questionnaire": (
        _every_row("questionnaire_id", "nope"),
        ["row 1, column questionnaire_id: unknown questionnaire 'nope'"],
    ),
    "unknown version": (
        _every_row("questionnaire_version", "9.9.9"),
        ["row 1, column questionnaire_version: test-alignment has no version '9.9.9' (known: 1.0.0)"],
    ),
    "mixed questionnaire": (
        _with_cell(3, "questionnaire_version", "2.0.0"),
        ["row 3, column questionnaire_version"],
    ),
    "unknown dimension": (_with_cell(2, "dimension_id", "vibes"), ["row 2, column dimension_id: 'vibes'"]),
    "format version": (_with_cell(1, "format_version", "3"), ["row 1, column format_version: '3' is not supported"]),
    "mixed versions": (
        _with_cell(2, "format_version", "1"),
        ["row 2, column format_version: '1' differs from '2' on row 1"],
    ),
    "half the quartiles": (_with_cell(2, "median", ""), ["row 2, column median: '' is not a number"]),
    "segment type": (_with_cell(4, "segment_type", "country"), ["row 4, column segment_type: 'country'"]),
    "value for all": (
        _with_cell(1, "segment_value", "Retail"),
        ["row 1, column segment_value: must be empty"],
    ),
    "no value": (_with_cell(5, "segment_value", ""), ["row 5, column segment_value: must name the industry"]),
    "score out of range": (_with_cell(3, "p25", "5.4"), ["row 3, column p25: 5.4 is outside [1, 5]"]),
    "score below range": (_with_cell(1, "mean", "0.5"), ["row 1, column mean: 0.5 is outside [1, 5]"]),
    "p25 above median": (_with_cell(2, "p25", "4.9"), ["row 2, column p25: 4.9 is greater than the median"]),
    "median above p75": (_with_cell(2, "median", "4.99"), ["row 2, column median: 4.99 is greater than p75"]),
    "n below floor": (_with_cell(4, "n_orgs", "4"), ["row 4, column n_orgs: 4 is below the anonymity floor"]),
    "negative n": (_with_cell(2, "n_orgs", "-3"), ["row 2, column n_orgs: -3 is below the anonymity floor"]),
    "fractional n": (_with_cell(2, "n_orgs", "5.5"), ["row 2, column n_orgs: '5.5' is not a whole number"]),
    "NaN": (_with_cell(1, "mean", "NaN"), ["row 1, column mean: 'NaN' is not a finite number"]),
    "inf": (_with_cell(2, "p75", "inf"), ["row 2, column p75: 'inf' is not a finite number"]),
    "overflowing float": (
        _with_cell(2, "median", "1e999"),
        ["row 2, column median: 1e999 is not a finite number"],
    ),
    "text score": (_with_cell(2, "mean", "high"), ["row 2, column mean: 'high' is not a number"]),
    "duplicate row": (
        _untable(_table(_valid_text()) + [_table(_valid_text())[1]]),
        ["row 13, column dimension_id: duplicates row 1"],
    ),
    "bad date": (_with_cell(2, "generated_at", "yesterday"), ["row 2, column generated_at: 'yesterday'"]),
    "date out of range": (
        _with_cell(2, "generated_at", "0001-01-01T00:00:00+01:00"),
        ["row 2, column generated_at"],
    ),
    "empty source": (_with_cell(6, "source", ""), ["row 6, column source: is empty"]),
    "short row": (
        _untable(_table(_valid_text())[:2] + [_table(_valid_text())[2][:12]]),
        ["row 2: expected 14 fields"],
    ),
    "empty file": (b"", ["header: the file is empty"]),
    "header only": (
        _valid_text().splitlines()[0].encode(),
        ["header: the file has a header but no data rows"],
    ),
    "latin-1": (
        _valid_text().replace("Europe", "Europé").encode("latin-1"),
        ["file: not UTF-8 text (byte 0xe9 on line"],
    ),
    "utf-16": (_valid_text().encode("utf-16"), ["file: looks UTF-16 encoded, expected UTF-8"]),
}


def _as_version_1(text: str) -> bytes:
    """The same file as Tandem wrote it before releases: format 1, no release_id column."""
    table = [row[:-1] for row in _table(text)]
    for row in table[1:]:
        row[0] = "1"
    return _untable(table)


def test_version_1_files_still_import_and_version_2_adds_the_release() -> None:
    text = format_benchmark_csv(_rows(), source="Tandem test", generated_at=STAMP, release_id=7)
    header = _table(text)[0]
    assert header[:13] == list(BENCHMARK_COLUMNS_V1) and header[13:] == ["release_id"]
    assert {row[0] for row in _table(text)[1:]} == {"2"} and {row[-1] for row in _table(text)[1:]} == {"7"}
    v2 = parse_benchmark_csv(text.encode(), QUESTIONNAIRES)
    v1 = parse_benchmark_csv(_as_version_1(text), QUESTIONNAIRES)
    assert v2.release_id == "7" and v1.release_id is None
    pd.testing.assert_frame_equal(v1.rows, v2.rows)
    v1_table = _table(_as_version_1(text).decode())
    with_release_column = _untable([[*v1_table[0], "release_id"]] + [[*row, "7"] for row in v1_table[1:]])
    assert "release_id: is not a column of format version 1" in " ".join(_problems(with_release_column))


def test_version_2_leaves_quartiles_empty_where_they_are_not_published() -> None:
    rows = _rows()
    small = rows["n_orgs"] < 7
    rows.loc[small, ["p25", "median", "p75"]] = float("nan")
    text = format_benchmark_csv(rows, source="Tandem test", generated_at=STAMP, release_id=1)
    for row in _table(text)[1:]:
        empty = [row[BENCHMARK_COLUMNS.index(c)] == "" for c in ("p25", "median", "p75")]
        assert empty == [int(row[BENCHMARK_COLUMNS.index("n_orgs")]) < 7] * 3
    parsed = parse_benchmark_csv(text.encode(), QUESTIONNAIRES).rows
    assert parsed.loc[parsed["n_orgs"] < 7, ["p25", "median", "p75"]].isna().all().all()
    assert parsed.loc[parsed["n_orgs"] >= 7, ["p25", "median", "p75"]].notna().all().all()
    # A version 1 file must still carry every quartile.
    assert "is not a number" in " ".join(_problems(_as_version_1(text)))


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_rejection_names_row_and_column(case: str) -> None:
    data, expected = REJECTIONS[case]
    problems = _problems(data)
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)


def test_long_cell_is_cut_short_in_message() -> None:
    (problem,) = _problems(_with_cell(1, "segment_type", "x" * 10_000))
    assert problem.startswith("row 1, column segment_type: 'xxx") and len(problem) < 120


def test_parse_wants_bytes() -> None:
    with pytest.raises(TypeError):
        parse_benchmark_csv(_valid_text(), QUESTIONNAIRES)  # type: ignore[arg-type]


def test_all_problems_listed_then_capped() -> None:
    table = _table(_valid_text())
    table[1][7], table[2][6], table[3][11] = "9", "2", "soon"
    problems = _problems(_untable(table))
    assert [p.split(":")[0] for p in problems] == [
        "row 1, column mean",
        "row 2, column n_orgs",
        "row 3, column generated_at",
    ]
    many = _untable(_table(_valid_text()) * 20)  # 19 repeated headers and 228 duplicate rows
    problems = _problems(many)
    assert len(problems) == MAX_PROBLEMS + 1 and problems[-1].startswith("... and ")


# --- spreadsheet safety and raw responses --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+31 20 123", "'+31 20 123"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Acme = good", "Acme = good"),
        ("", ""),
        ("'=already", "'=already"),
        ("Zürich 🚀", "Zürich 🚀"),
    ],
)
def test_spreadsheet_safe(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


def _responses() -> pd.DataFrame:
    names = ['=HYPERLINK("http://x")', "Acme, Inc.", 'The "Best" Co', "Line\none\r\ntwo", "Café 🚀"]
    return pd.DataFrame(
        {
            "questionnaire_id": "test-alignment",
            "questionnaire_version": "1.0.0",
            "organisation": names,
            "round": ["2026 Q4", "+1", "-", "@r", "2027 Q1"],
            "respondent": ["r-1a", "r-2b", "r-3c", "r-4d", "r-5e"],
            "side": ["it", "marketing", "other", "it", "marketing"],
            "question_id": ["strategy-1", "strategy-2", "budget-1", "budget-2", "budget-3"],
            "dimension_id": ["strategy", "strategy", "budget", "budget", "budget"],
            "level": pd.array([3, None, 5, 1, None], dtype="Int64"),
            "answered_at": pd.to_datetime(
                [
                    "2026-05-01 14:00",
                    "2026-05-01 14:05",
                    "2026-05-02 09:00",
                    "2026-05-02 09:01",
                    "2026-05-03 10:00",
                ]
            ).tz_localize("Europe/Paris"),
        }
    )


def test_responses_csv_round_trip_and_injection() -> None:
    text = format_responses_csv(_responses())
    table = _table(text)
    assert table[0] == list(RESPONSE_COLUMNS)
    body = [dict(zip(RESPONSE_COLUMNS, r, strict=True)) for r in table[1:]]
    assert [r["organisation"] for r in body] == [
        '\'=HYPERLINK("http://x")',
        "Acme, Inc.",
        'The "Best" Co',
        "Line\none\ntwo",
        "Café 🚀",
    ]
    assert [r["round"] for r in body] == ["2026 Q4", "'+1", "'-", "'@r", "2027 Q1"]
    assert [r["level"] for r in body] == ["3", "", "5", "1", ""]
    assert body[0]["answered_at"] == "2026-05-01T12:00:00Z"
    assert all(len(r) == len(RESPONSE_COLUMNS) for r in table)
    again = _table(format_responses_csv(_responses()[::-1].reset_index(drop=True)))
    assert again[1:] == table[1:][::-1]


def test_responses_naive_times_are_utc() -> None:
    df = _responses()
    df["answered_at"] = df["answered_at"].dt.tz_localize(None)
    assert _table(format_responses_csv(df))[1][9] == "2026-05-01T14:00:00Z"


# --- robustness and speed ------------------------------------------------------------------------

SMALL_VALID = format_benchmark_csv(_rows().head(3), source="fuzz", generated_at=STAMP)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_only_ever_raise_import_error(data: bytes) -> None:
    _parse_or_reject(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 30), st.text(max_size=12)), max_size=5))
def test_text_mutations_only_ever_raise_import_error(edits: list[tuple[int, int, str]]) -> None:
    text = SMALL_VALID
    for position, cut, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + cut :]
    _parse_or_reject(text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3), st.integers(0, len(BENCHMARK_COLUMNS) - 1), st.text(max_size=30))
def test_cell_mutations_only_ever_raise_import_error(row: int, column: int, value: str) -> None:
    table = _table(SMALL_VALID)
    table[row][column] = value
    _parse_or_reject(_untable(table))


def test_hundred_thousand_rows_parse_quickly() -> None:
    segments = 100_000 // 3 + 1
    rows = pd.DataFrame(
        {
            "questionnaire_id": "test-alignment",
            "questionnaire_version": "1.0.0",
            "segment_type": "industry",
            "segment_value": [f"industry {i:06d}" for i in range(segments) for _ in range(3)],
            "dimension_id": ["strategy", "budget", "overall"] * segments,
            "n_orgs": 7,
            "mean": 3.1,
            "p25": 2.5,
            "median": 3.0,
            "p75": 3.75,
        }
    )
    data = format_benchmark_csv(rows, source="big", generated_at=STAMP).encode()
    start = time.process_time()  # CPU time: other processes on a busy CI box do not count
    table = parse_benchmark_csv(data, QUESTIONNAIRES)
    elapsed = time.process_time() - start
    assert len(table.rows) == len(rows) > 100_000
    assert math.isclose(table.rows["p75"].sum(), 3.75 * len(rows))
    assert elapsed < 5, f"parsing {len(rows)} rows took {elapsed:.2f}s"  # typically well under 1 s
