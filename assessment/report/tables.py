"""The report's tables as rows of text (header first), for formats that lay out tables themselves.

The Word report takes these; the PDF and HTML still build the same rows inline (moving them
here is a follow-up that touches both)."""

from __future__ import annotations

import pandas as pd

from assessment.numbers import NO_VALUE, fmt_number
from assessment.rounds import ScoredRound

Rows = list[tuple[str, ...]]


def benchmark_rows(d: ScoredRound) -> Rows:
    """Score against the published figures: the mean, the middle half where quartiles are
    published (groups of 10 or more), and the band the score falls in, never a rank."""
    rows: Rows = [("Dimension", "Score", "Peer mean", "Middle half (p25–p75)", "Where you stand", "n")]
    for r in d.benchmark_table.to_dict("records"):
        middle = f"{fmt_number(r['p25'])} – {fmt_number(r['p75'])}" if pd.notna(r["p25"]) else NO_VALUE
        band = r["band"] if isinstance(r["band"], str) else NO_VALUE
        rows.append((r["dimension"], fmt_number(r["score"]), fmt_number(r["mean"]), middle, band, str(r["n"])))
    return rows


def disagreement_rows(d: ScoredRound) -> Rows:
    rows: Rows = [("#", "Question", "Dimension", "IT", "Marketing", "Gap")]
    for i, r in enumerate(d.top_disagreements.itertuples(), start=1):
        flag = " !" if r.flagged else ""
        rows.append((str(i), r.question, r.dimension, f"{r.it:.2f}", f"{r.marketing:.2f}", f"{r.gap:+.2f}{flag}"))
    return rows


def priority_rows(d: ScoredRound) -> Rows:
    rows: Rows = [("Rank", "Dimension", "Score", "Importance", "Priority")]
    for r in d.priorities.itertuples():
        rows.append((str(r.rank), r.dimension, f"{r.score:.2f}", f"{r.importance:.1f}", f"{r.priority:.2f}"))
    return rows


def reference_rows(d: ScoredRound) -> Rows:
    own = d.respondent_id is not None
    rows: Rows = [("Published figure", "Population", "Your answer" if own else "IT mean", "Marketing mean", "Source")]
    sources = {ref.statement: ref.source for ref in d.questionnaire.references}
    for r in d.references.to_dict("records"):
        mine = str(r["your answer"]) if own else fmt_number(r["IT mean"])
        source = sources.get(r["published figure"], r["source"])
        rows.append((r["published figure"], r["population"], mine, fmt_number(r["marketing mean"]), source))
    return rows
