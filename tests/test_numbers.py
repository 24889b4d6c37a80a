"""Numbers, percentages and dates follow the language of the piece of work (Babel)."""

from datetime import UTC, date, datetime

import pytest

from assessment import i18n
from assessment.numbers import NO_VALUE, fmt_count, fmt_date, fmt_gap, fmt_number, fmt_percent, fmt_score


def test_english_keeps_the_figures_it_always_had():
    with i18n.using("en"):
        assert fmt_score(2.875) == "2.88"
        assert fmt_gap(1.25) == "+1.25"
        assert fmt_gap(-0.5) == "−0.50"
        assert fmt_number(3.0, ".1f") == "3.0"
        assert fmt_percent(42.4) == "42 %"
        assert fmt_count(12345) == "12,345"
        assert fmt_date(date(2026, 11, 26), "short") == "2026-11-26"
        assert fmt_date(datetime(2026, 11, 26, 9, tzinfo=UTC)) == "26 November 2026"


@pytest.mark.parametrize("lang", ["fr", "de", "es"])
def test_a_decimal_comma_in_french_german_and_spanish(lang):
    with i18n.using(lang):
        assert fmt_score(2.875) == "2,88"
        assert fmt_gap(1.25) == "+1,25"
        assert fmt_gap(-0.5) == "−0,50"  # a proper minus sign, not a hyphen
        assert fmt_number(3.0, ".1f") == "3,0"
        assert fmt_percent(42.4) == "42\u00a0%"
        assert fmt_score(None) == NO_VALUE and fmt_percent(float("nan")) == NO_VALUE


def test_grouping_and_dates_per_language():
    day = date(2026, 11, 26)
    with i18n.using("de"):
        assert fmt_count(12345) == "12.345"
        assert fmt_date(day) == "26. November 2026"
        assert fmt_date(day, "short") == "26.11.2026"
    with i18n.using("fr"):
        assert fmt_count(12345) == "12\u202f345"
        assert fmt_date(day) == "26 novembre 2026"
    with i18n.using("es"):
        assert fmt_date(day) == "26 de noviembre de 2026"


def test_the_language_is_restored_after_a_piece_of_work():
    with i18n.using("fr"):
        assert fmt_score(1.5) == "1,50"
    assert fmt_score(1.5) == "1.50"
