"""One way to write a number or a date for people: scores, gaps, percentages and dates, with a
dash for none, in the language of the current piece of work (``i18n.current()``).

English keeps the figures it always had ("2.88", "+1.25", "42 %", "2026-11-26", "26 November
2026"); French, German and Spanish write them as their readers do ("2,88", "+1,25", "42 %",
"26 nov. 2026") with Babel's symbols and date patterns. The digits are rounded once, the same
way in every language, so a figure never reads differently in two languages.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from assessment import i18n

NO_VALUE = "—"
MINUS = "−"  # U+2212: a proper minus sign, in every language


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


@cache
def _symbols(lang: str) -> tuple[str, str, str]:
    """(decimal, group, percent pattern) of ``lang``."""
    return (
        babel_numbers.get_decimal_symbol(lang),
        babel_numbers.get_group_symbol(lang),
        Locale.parse(lang).percent_formats[None].pattern,
    )


def localise(text: str, lang: str | None = None) -> str:
    """Digits written by Python ("1,234.50") in ``lang``'s symbols ("1 234,50")."""
    lang = lang or i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return text
    decimal, group, _ = _symbols(lang)
    return text.translate({ord("."): "\0", ord(","): group}).replace("\0", decimal)


def fmt_number(value: object, spec: str = ".2f") -> str:
    """``value`` in ``spec`` ("2.87", "2,87"), or a dash when there is none (None or NaN)."""
    if _missing(value):
        return NO_VALUE
    return localise(format(float(value), spec))  # type: ignore[arg-type]


def fmt_score(value: object) -> str:
    return fmt_number(value, ".2f")


def fmt_gap(value: object, digits: int = 2) -> str:
    """A signed change or gap: "+1.25", "−0.50" ("+1,25", "−0,50")."""
    return fmt_number(value, f"+.{digits}f").replace("-", MINUS)


def fmt_percent(value: object, digits: int = 0) -> str:
    """A percentage given as a number of hundredths: 42 → "42 %" (English, as before), "42 %"."""
    if _missing(value):
        return NO_VALUE
    number = fmt_number(value, f".{digits}f")
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{number} %"
    pattern = _symbols(lang)[2].split(";")[0]
    return re.sub(r"[#,0.]+", lambda _: number, pattern, count=1)


def fmt_count(value: int) -> str:
    """A whole number with the language's grouping: "1,234", "1 234", "1.234"."""
    return localise(f"{int(value):,}")


def fmt_date(value: date | datetime, style: str = "long") -> str:
    """A date as people read it. ``style``: "long" (26 November 2026 · 26 novembre 2026) or
    "short" (2026-11-26 in English, as the reports always wrote it · 26 nov. 2026)."""
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return value.strftime("%d %B %Y" if style == "long" else "%Y-%m-%d")
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, "long" if style == "long" else "medium", locale=lang)
