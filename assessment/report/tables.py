"""The report's tables as rows of text (header first), for formats that lay out tables themselves.

The Word report takes these; the PDF and HTML still build the same rows inline (moving them
here is a follow-up that touches both)."""

from __future__ import annotations

import pandas as pd

from assessment.i18n import _
from assessment.numbers import NO_VALUE, fmt_number
from assessment.report.wording import gap_cell
from assessment.rounds import ScoredRound

Rows = list[tuple[str, ...]]


def benchmark_rows(d: ScoredRound) -> Rows:
    """Score against the published figures: the mean, the middle half where quartiles are
    published (groups of 10 or more), and the band the score falls in, never a rank."""
    rows: Rows = [(_("Dimension"), _("Score"), _("Peer mean"), _("Middle half (p25–p75)"), _("Where you stand"), "n")]
    for r in d.benchmark_table.to_dict("records"):
        middle = f"{fmt_number(r['p25'])} – {fmt_number(r['p75'])}" if pd.notna(r["p25"]) else NO_VALUE
        band = r["band"] if isinstance(r["band"], str) else NO_VALUE
        rows.append((r["dimension"], fmt_number(r["score"]), fmt_number(r["mean"]), middle, band, str(r["n"])))
    return rows


def disagreement_rows(d: ScoredRound) -> Rows:
    rows: Rows = [("#", _("Question"), _("Dimension"), _("IT"), _("Marketing"), _("Gap"))]
    for i, r in enumerate(d.top_disagreements.itertuples(), start=1):
        rows.append((str(i), r.question, r.dimension, fmt_number(r.it), fmt_number(r.marketing), gap_cell(r.gap, r.flagged)))
    return rows


def priority_rows(d: ScoredRound) -> Rows:
    rows: Rows = [(_("Rank"), _("Dimension"), _("Score"), _("Importance"), _("Priority"))]
    for r in d.priorities.itertuples():
        rows.append((str(r.rank), r.dimension, fmt_number(r.score), fmt_number(r.importance, ".1f"), fmt_number(r.priority)))
    return rows


def reference_rows(d: ScoredRound) -> Rows:
    """Each published figure beside the comparable share of the organisation's own answers
    (per side, for a figure about one side), and who published it, when and among whom."""
    own = d.respondent_id is not None
    header = (_("Published figure"), _("Group surveyed"), _("Your answer") if own else _("Your organisation"), _("Source"))
    rows: Rows = [header]
    for r in d.references.to_dict("records"):
        if own:
            mine = str(r["your answer"])
        elif "comparable share: everyone" in r and isinstance(r["comparable share: everyone"], str):
            mine = _("IT {it}; marketing {marketing}; everyone {everyone}").format(
                it=r["comparable share: IT"], marketing=r["comparable share: marketing"],
                everyone=r["comparable share: everyone"],
            )  # fmt: skip
        else:
            mine = NO_VALUE
        rows.append((r["published figure"], r["group surveyed"], mine, r["source"]))
    return rows
