"""The bench command runs end to end and reports every figure the README promises (no timing
is asserted: figures are printed, not tested)."""

from __future__ import annotations

import json

from assessment import perf
from assessment.cli import main

KEYS = {
    "orgs", "answers", "results_ms_p50", "results_ms_p95", "export_s", "import_s", "write_ms_p50",
    "write_ms_p95", "writes_per_s", "answers_sent", "answers_stored", "apptest_results_s", "peak_rss_mb",
    "pandas_over_duckdb",
}  # fmt: skip


def test_bench_json_has_every_figure(capsys, monkeypatch):
    small = _small_run()
    monkeypatch.setattr(perf, "run", lambda orgs, repeat: small)
    assert main(["bench", "--quick", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert KEYS <= set(figures)


def _small_run():
    return perf.run(40, repeat=2, writers=8)


def test_small_bench_counts_every_write(current):
    figures = _small_run()
    assert figures["orgs"] == 40
    assert figures["answers"] > 40 * len(current.scored_questions)
    assert figures["answers_sent"] == figures["answers_stored"] == 8 * len(current.questions)
    assert figures["pandas_over_duckdb"] > 0
    assert "results + full benchmark panel" in perf.format_table(figures)
