"""Text alternatives of the charts: the summary names every figure the chart draws."""

from __future__ import annotations

import pandas as pd
import pytest

from assessment import chart_text
from assessment.demo import seed_demo
from assessment.numbers import fmt_gap
from assessment.store import Store
from tests.test_report import gather_report, make_round


def test_summaries_name_each_dimension_and_its_figure(plain_round):
    data = plain_round
    summary, table = chart_text.gap_summary(data.gaps)
    for r in data.gaps.itertuples():
        assert f"{r.dimension} {fmt_gap(r.gap)}" in summary
    assert list(table["dimension"]) == list(data.gaps["dimension"])
    summary, table = chart_text.benchmark_summary(data.benchmark_table)
    first = data.benchmark_table.iloc[1]
    assert f"{first['dimension']} {first['score']:.2f} against a median of {first['median']:.2f}" in summary
    assert f"({first['band']})" in summary  # where the score stands, read from the published figures
    assert "peer median" in table.columns
    summary, table = chart_text.priority_summary(data.priorities)
    frame = data.priorities
    positions = [summary.index(f"{label}. {dim}") for label, dim in zip(frame["rank_label"], frame["dimension"], strict=True)]
    assert positions == sorted(positions) and list(table["rank"]) == sorted(table["rank"])
    summary, _ = chart_text.heatmap_summary(data.question_gaps)
    apart = int((data.question_gaps["gap"].abs() >= 1).sum())
    assert f"{len(data.question_gaps)} questions; {apart} of them a full level or more apart" in summary


def test_peer_only_benchmark_summary_names_the_means(store, real):
    seed_demo(store, real, 6)
    org = store.create_organisation("Nobody Co", "Retail", "1-249", "Europe")
    rnd = store.create_round(org.id, "Empty", real)
    summary, _ = chart_text.benchmark_summary(gather_report(store, real, rnd.id).benchmark_table)
    assert summary.startswith("Peer distribution per dimension (1 to 5): mean Overall")


def test_spread_and_trend_tables_summarise_their_long_data():
    spread = pd.DataFrame({"dimension": ["A", "A", "A"], "side": ["IT", "IT", "Marketing"], "score": [2.0, 4.0, 3.0]})
    _, table = chart_text.spread_summary(spread)
    it = table[(table["dimension"] == "A") & (table["side"] == "IT")].iloc[0]
    assert (it["respondents"], it["lowest"], it["median"], it["highest"]) == (2, 2.0, 3.0, 4.0)
    trend = pd.DataFrame({"round": ["Q1", "Q2"], "round_order": [0, 1], "panel": ["Overall", "Overall"],
                          "kind": ["score", "score"], "value": [2.5, 3.0]})  # fmt: skip
    summary, table = chart_text.trend_summary(trend)
    assert "2 rounds" in summary and table["Overall"].tolist() == [2.5, 3.0]


@pytest.fixture(scope="module")
def plain_round(real):
    store = Store(None)
    seed_demo(store, real, 20)
    _, rnd, _ = make_round(store, real)
    yield gather_report(store, real, rnd.id)
    store.close()
