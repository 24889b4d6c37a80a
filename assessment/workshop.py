"""The consultant's workshop figures: targets, progress since the baseline, rounds over time,
and two rounds side by side. Pure functions over scored Results."""

from __future__ import annotations

import pandas as pd

from assessment.scoring import Result
from assessment.store import Round

CHANGE_HIGHLIGHT = 0.5  # a change of half a level or more is worth pointing at


def target_table(current: Result, targets: dict[str, float], baseline: Result | None = None) -> pd.DataFrame:
    """Per dimension: score, target, the gap still to close, % of target reached
    (1 - gap / target) and, from the second round on, progress to date
    ((current - baseline) / (target - baseline))."""
    q = current.questionnaire
    rows = []
    for d in q.dimensions:
        score = current.dimensions[d.id].value
        target = targets.get(d.id)
        base = baseline.dimensions[d.id].value if baseline is not None else None
        gap = max(target - score, 0.0) if score is not None and target is not None else None
        progress = None
        if None not in (score, target, base) and target != base:
            progress = (score - base) / (target - base)
        rows.append(
            {
                "dimension_id": d.id,
                "dimension": d.title,
                "baseline": None if base is None else round(base, 2),
                "score": None if score is None else round(score, 2),
                "target": target,
                "gap to target": None if gap is None else round(gap, 2),
                "% of target": None if gap is None else round(100 * (1 - gap / target), 1),
                "progress to date %": None if progress is None else round(100 * progress, 1),
            }
        )
    return pd.DataFrame(rows)


def percent_to_target(table: pd.DataFrame) -> float | None:
    """1 - sum of gaps / sum of targets, over dimensions with both a score and a target."""
    both = table.dropna(subset=["gap to target", "target"])
    if both.empty or both["target"].sum() == 0:
        return None
    return round(100 * (1 - both["gap to target"].sum() / both["target"].sum()), 1)


def trend_frame(rounds: list[tuple[Round, Result]]) -> pd.DataFrame:
    """Dimension and overall scores per round, oldest first (the trend chart's input)."""
    rows = []
    for order, (rnd, result) in enumerate(rounds, start=1):
        q = result.questionnaire
        for d in q.dimensions:
            score = result.dimensions[d.id].value
            if score is not None:
                rows.append(
                    {"round": rnd.name, "round_order": order, "dimension": d.title, "score": round(score, 2)}
                )
    return pd.DataFrame(rows, columns=["round", "round_order", "dimension", "score"])


def compare_rounds(earlier: Result, later: Result) -> pd.DataFrame:
    """Question by question: both rounds' side-balanced means and the change, largest first."""
    q = later.questionnaire
    rows = []
    for question in q.questions:
        before = earlier.questions.get(question.id)
        after = later.questions.get(question.id)
        a = before.value if before is not None else None
        b = after.value if after is not None else None
        change = None if a is None or b is None else b - a
        rows.append(
            {
                "question_id": question.id,
                "dimension": q.dimension(question.dimension_id).title,
                "question": question.text,
                "earlier": None if a is None else round(a, 2),
                "later": None if b is None else round(b, 2),
                "change": None if change is None else round(change, 2),
                "highlight": change is not None and abs(change) >= CHANGE_HIGHLIGHT,
            }
        )
    frame = pd.DataFrame(rows)
    order = frame["change"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)
