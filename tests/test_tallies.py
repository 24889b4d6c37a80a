"""Choice questions counted per option and side; published figures beside the organisation's own share."""

from __future__ import annotations

import pytest

from assessment.scoring import Respondent
from assessment.tallies import compare_figure, compare_figures, tally_choice, tally_choices


def _people():
    return [
        Respondent("cio", "it", {"strategy-4": 1, "strategy-1": 2}, {}, "CIO"),
        Respondent("it2", "it", {"strategy-4": 5, "strategy-1": 4}, {}, "IT leadership"),
        Respondent("cmo", "marketing", {"strategy-4": 2, "strategy-1": 1}, {}, "CMO"),
        Respondent("mk2", "marketing", {"strategy-4": None, "strategy-1": None}, {}, "Marketing leadership"),
        # A team member is not asked strategy-4 (leaders only): a stored answer is ignored.
        Respondent("tm", "marketing", {"strategy-4": 2, "strategy-1": 3}, {}, "Marketing team member"),
        Respondent("ceo", "other", {"strategy-4": 4}, {}, "CEO"),
    ]


def test_choice_counts_per_option_and_side(tiny2):
    t = tally_choice(tiny2.question("strategy-4"), _people())
    assert t.options[0] == "The CIO"
    assert t.counts == {"it": (1, 0, 0, 0, 1), "marketing": (0, 1, 0, 0, 0), "other": (0, 0, 0, 1, 0)}
    assert t.dont_know == {"it": 0, "marketing": 1, "other": 0}
    assert t.answered("marketing") == 1
    rows = t.rows()
    assert len(rows) == 15
    assert {"option": "The CMO", "value": 2, "side": "marketing", "count": 1} in rows


def test_tally_choices_covers_every_choice_question(tiny2):
    assert list(tally_choices(tiny2, _people())) == ["strategy-4"]


def test_tally_refuses_a_scale_question(tiny2):
    with pytest.raises(ValueError, match="strategy-1 is a scale question"):
        tally_choice(tiny2.question("strategy-1"), [])


def test_share_at_or_below_beside_the_published_percent(tiny2):
    figure = tiny2.references[0]  # 58 %, share_at_or_below:2 on strategy-1
    c = compare_figure(tiny2, figure, _people())
    assert c.comparable and c.figure.percent == 58
    assert (c.by_side["it"].matching, c.by_side["it"].answered) == (1, 2)  # levels 2 and 4
    assert (c.by_side["marketing"].matching, c.by_side["marketing"].answered) == (
        1,
        2,
    )  # 1 and 3; a don't know
    assert c.by_side["other"].percent is None  # nobody answered
    assert c.everyone.percent == pytest.approx(50.0)


def test_share_option(tiny2):
    c = compare_figure(tiny2, tiny2.references[1], _people())  # share_option:2 on strategy-4
    assert (c.everyone.matching, c.everyone.answered) == (1, 4)  # the team member's 2 is not counted
    assert c.by_side["marketing"].percent == 100.0


def test_every_comparable_figure(tiny2, real):
    assert [c.figure.id for c in compare_figures(tiny2, _people())] == ["agenda-it", "agenda-cmo-leads"]
    assert compare_figures(real, []) == []  # 1.0.0's figures say nothing about how to compare
