"""Text alternatives for the charts: a one-sentence summary (the chart's accessible name) and
the figures as a small table, shown beside every chart so nobody needs to see it to read it."""

from __future__ import annotations

import pandas as pd

from assessment.numbers import fmt_gap, fmt_number


def _pairs(frame: pd.DataFrame, label: str, value: str, fmt=fmt_number) -> str:  # noqa: ANN001
    return "; ".join(f"{row[label]} {fmt(row[value])}" for _, row in frame.iterrows() if pd.notna(row[value]))


def benchmark_summary(table: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The score and the peer median per dimension, with the middle half and percentile rank."""
    cells = table[["dimension", "score", "p25", "median", "p75", "percentile", "n"]].copy()
    scored = cells[cells["score"].notna()]
    summary = "Score against the peer median, per dimension (1 to 5): " + "; ".join(
        f"{r.dimension} {fmt_number(r.score)} against {fmt_number(r.median)}" for r in scored.itertuples()
    )
    if scored.empty:
        summary = "Peer distribution per dimension (1 to 5): median " + _pairs(cells, "dimension", "median")
    return summary + ".", cells.rename(columns={"p25": "peer p25", "median": "peer median", "p75": "peer p75"})


def gap_summary(gaps: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    summary = "Gap per dimension, marketing mean minus IT mean, in levels: " + _pairs(gaps, "dimension", "gap", fmt_gap)
    return summary + ".", gaps[["dimension", "it", "marketing", "gap", "flagged"]]


def priority_summary(priorities: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    ranked = priorities.sort_values("rank")
    summary = "Priority per dimension, importance × (5 − score), highest first: " + "; ".join(
        f"{r.rank}. {r.dimension} {r.priority:.2f} (score {r.score:.2f}, importance {r.importance:.1f})"
        for r in ranked.itertuples()
    )
    return summary + ".", ranked[["rank", "dimension", "score", "importance", "priority"]]


def heatmap_summary(question_gaps: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    table = question_gaps[["question", "it", "marketing", "gap"]]
    apart = int((table["gap"].abs() >= 1).sum())
    summary = (
        f"Mean answer per question for IT and for marketing, {len(table)} questions; "
        f"{apart} of them a full level or more apart."
    )
    return summary, table


def spread_summary(spread: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """Each respondent's dimension score, summarised per dimension and side (anonymous)."""
    table = (
        spread.groupby(["dimension", "side"], sort=False)["score"]
        .agg(respondents="count", lowest="min", median="median", highest="max")
        .reset_index()
    )
    summary = (
        "Each respondent's score per dimension, by side, anonymous: the table gives how many answered "
        "and their lowest, median and highest score."
    )
    return summary, table


def trend_summary(trend: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    table = trend.pivot_table(index=["round_order", "round"], columns="panel", values="value", aggfunc="first")
    table = table.reset_index().drop(columns="round_order")
    table.columns.name = None
    summary = f"Scores over {len(table)} rounds, per panel; the table gives each round's values."
    return summary, table
