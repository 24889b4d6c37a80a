"""Progress of an organisation: targets, the change since the previous round, rounds over time
and two rounds side by side. Pure functions over scored Results.

Rounds answered under different questionnaire versions compare only where the newer version
declares a dimension or question equivalent (``questionnaire.correspondence``); elsewhere the
change is "not comparable" and left empty, never computed from unrelated questions."""

from __future__ import annotations

import pandas as pd

from assessment.questionnaire import Correspondence, correspondence
from assessment.scoring import Result
from assessment.store import Round

CHANGE_HIGHLIGHT = 0.5  # a change of half a level or more is worth pointing at


def _older_ids(earlier: Result, later: Result, corr: Correspondence | None) -> tuple[dict, dict]:
    """newer id -> older id, for dimensions and questions that compare."""
    corr = corr or correspondence(earlier.questionnaire, later.questionnaire)
    return {n: o for o, n in corr.dimensions.items()}, {n: o for o, n in corr.questions.items()}


def default_target(score: float | None) -> float:
    """The target a consultant starts from: the next whole level up, or level 3 without a score."""
    if score is None:
        return 3.0
    return min(5.0, float(int(score) + 1))


def target_table(
    current: Result,
    targets: dict[str, float],
    baseline: Result | None = None,
    corr: Correspondence | None = None,
) -> pd.DataFrame:
    """Per dimension: score, target, the gap still to close, % of target reached
    (1 - gap / target) and, when there is a previous round, the progress since then
    ((current - previous) / (target - previous))."""
    q = current.questionnaire
    older = _older_ids(baseline, current, corr)[0] if baseline is not None else {}
    rows = []
    for d in q.dimensions:
        score = current.dimensions[d.id].value
        target = targets.get(d.id)
        before = baseline.dimensions.get(older.get(d.id, "")) if baseline is not None else None
        base = before.value if before is not None else None
        gap = max(target - score, 0.0) if score is not None and target is not None else None
        progress = None
        if None not in (score, target, base) and target != base:
            progress = (score - base) / (target - base)
        rows.append(
            {
                "dimension_id": d.id,
                "dimension": d.title,
                "previous round": None if base is None else round(base, 2),
                "score": None if score is None else round(score, 2),
                "target": target,
                "gap to target": None if gap is None else round(gap, 2),
                "% of target": None if gap is None else round(100 * (1 - gap / target), 1),
                "progress since previous %": None if progress is None else round(100 * progress, 1),
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
    """Per round, oldest first: the overall score (kind "overall"), the alignment index
    ("alignment") and every dimension's score ("dimension"): the over-time chart's long format."""
    latest = rounds[-1][1].questionnaire if rounds else None
    rows = []
    for order, (rnd, result) in enumerate(rounds, start=1):
        base = {"round": rnd.name, "round_order": order}
        # A dimension declared equivalent in a later version shares that version's panel.
        newer = correspondence(result.questionnaire, latest).dimensions if latest is not None else {}
        titles = {old: latest.dimension(new).title for old, new in newer.items()} if latest else {}
        if result.overall is not None:
            rows.append(base | {"panel": "Overall", "kind": "overall", "value": round(result.overall, 2)})
        if result.alignment_index is not None:
            rows.append(
                base | {"panel": "Alignment index", "kind": "alignment", "value": round(result.alignment_index, 1)}
            )
        for d in result.questionnaire.dimensions:
            score = result.dimensions[d.id].value
            if score is not None:
                panel = titles.get(d.id, d.title)
                rows.append(base | {"panel": panel, "kind": "dimension", "value": round(score, 2)})
    return pd.DataFrame(rows, columns=["round", "round_order", "panel", "kind", "value"])


CHANGE_COLUMNS = ["dimension_id", "dimension", "previous", "current", "change"]


def empty_change() -> pd.DataFrame:
    return pd.DataFrame(columns=CHANGE_COLUMNS)


def dimension_change(earlier: Result, later: Result, corr: Correspondence | None = None) -> pd.DataFrame:
    """Overall and each dimension both rounds scored: previous, current and the signed change
    (the overall score compares only within one version)."""
    older = _older_ids(earlier, later, corr)[0]
    same = earlier.questionnaire.key == later.questionnaire.key
    rows = []
    pairs = [("overall", "Overall", earlier.overall if same else None, later.overall)]
    for d in later.questionnaire.dimensions:
        before = earlier.dimensions.get(older.get(d.id, ""))
        pairs.append((d.id, d.title, before.value if before else None, later.dimensions[d.id].value))
    for did, title, a, b in pairs:
        rows.append(
            {
                "dimension_id": did,
                "dimension": title,
                "previous": None if a is None else round(a, 2),
                "current": None if b is None else round(b, 2),
                "change": None if a is None or b is None else round(b - a, 2),
            }
        )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def compare_rounds(earlier: Result, later: Result, corr: Correspondence | None = None) -> pd.DataFrame:
    """Question by question: both rounds' side-balanced means and the change, largest first."""
    q = later.questionnaire
    older = _older_ids(earlier, later, corr)[1]
    rows = []
    for question in q.scored_questions:
        before = earlier.questions.get(older.get(question.id, ""))
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
