"""Text alternatives for the charts: a one-sentence summary (the chart's accessible name) and
the figures as a small table, shown beside every chart so nobody needs to see it to read it."""

from __future__ import annotations

import pandas as pd

from assessment.i18n import _
from assessment.numbers import fmt_gap, fmt_number


def _pairs(frame: pd.DataFrame, label: str, value: str, fmt=fmt_number) -> str:  # noqa: ANN001
    return "; ".join(f"{row[label]} {fmt(row[value])}" for _i, row in frame.iterrows() if pd.notna(row[value]))


def benchmark_summary(table: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The score against the peers per dimension (the median, or the mean where a small group
    publishes no quartiles), with the band the score falls in."""
    cells = table[["dimension", "score", "mean", "p25", "median", "p75", "band", "n"]].copy()
    scored = cells[cells["score"].notna()]
    def against(r) -> str:  # noqa: ANN001 - a row of ``scored``
        if pd.notna(r.median):
            text = _("{dimension} {score} against a median of {peer}").format(
                dimension=r.dimension, score=fmt_number(r.score), peer=fmt_number(r.median)
            )
        else:
            text = _("{dimension} {score} against a mean of {peer}").format(
                dimension=r.dimension, score=fmt_number(r.score), peer=fmt_number(r.mean)
            )
        return f"{text} ({r.band})" if isinstance(r.band, str) else text

    summary = _("Score against the peers, per dimension (1 to 5): {values}.").format(
        values="; ".join(against(r) for r in scored.itertuples())
    )
    if scored.empty:
        summary = _("Peer distribution per dimension (1 to 5): mean {values}.").format(
            values=_pairs(cells, "dimension", "mean")
        )
    return summary, cells.rename(columns={"p25": "peer p25", "median": "peer median", "p75": "peer p75"})


def gap_summary(gaps: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    summary = _("Gap per dimension, marketing mean minus IT mean, in levels: {values}.").format(
        values=_pairs(gaps, "dimension", "gap", fmt_gap)
    )
    return summary, gaps[["dimension", "it", "marketing", "gap", "flagged"]]


def priority_summary(priorities: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    ranked = priorities.sort_values("rank", kind="stable")
    # "2=" marks priorities within 0.1 of each other: equal, not ranked.
    labels = ranked["rank_label"] if "rank_label" in ranked else ranked["rank"].astype(str)
    def line(label: str, r) -> str:  # noqa: ANN001 - a row of ``ranked``
        figures = {"rank": label, "dimension": r.dimension, "priority": fmt_number(r.priority),
                   "score": fmt_number(r.score), "importance": fmt_number(r.importance, ".1f")}  # fmt: skip
        if getattr(r, "kind", "") == "reconcile":
            return _(
                "{rank}. {dimension} (reconcile first: the sides are a level or more apart) {priority} "
                "(score {score}, importance {importance})"
            ).format(**figures)
        return _("{rank}. {dimension} {priority} (score {score}, importance {importance})").format(**figures)

    summary = _("Priority per dimension, highest first: {values}.").format(
        values="; ".join(line(label, r) for label, r in zip(labels, ranked.itertuples(), strict=True))
    )
    return summary, ranked[["rank", "dimension", "score", "importance", "priority"]]


def heatmap_summary(question_gaps: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    table = question_gaps[["question", "it", "marketing", "gap"]]
    apart = int((table["gap"].abs() >= 1).sum())
    summary = _(
        "Mean answer per question for IT and for marketing, {n} questions; {apart} of them a full level or "
        "more apart."
    ).format(n=len(table), apart=apart)
    return summary, table


def spread_summary(spread: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """Each respondent's dimension score, summarised per dimension and side (anonymous)."""
    table = (
        spread.groupby(["dimension", "side"], sort=False)["score"]
        .agg(respondents="count", lowest="min", median="median", highest="max")
        .reset_index()
    )
    summary = _(
        "Each respondent's score per dimension, by side, anonymous: the table gives how many answered "
        "and their lowest, median and highest score."
    )
    return summary, table


def trend_summary(trend: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    table = trend.pivot_table(index=["round_order", "round"], columns="panel", values="value", aggfunc="first")
    table = table.reset_index().drop(columns="round_order")
    table.columns.name = None
    summary = _("Scores over {n} rounds, per panel; the table gives each round's values.").format(n=len(table))
    return summary, table
