"""One way to write a number for people: scores, gaps and percentages, with a dash for none."""

from __future__ import annotations

import math

NO_VALUE = "—"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def fmt_number(value: object, spec: str = ".2f") -> str:
    """``value`` in ``spec`` ("2.87"), or a dash when there is none (None or NaN)."""
    return NO_VALUE if _missing(value) else format(float(value), spec)  # type: ignore[arg-type]


def fmt_score(value: object) -> str:
    return fmt_number(value, ".2f")


def fmt_gap(value: object) -> str:
    """A signed change or gap: "+1.25", "−0.50"."""
    return NO_VALUE if _missing(value) else format(float(value), "+.2f").replace("-", "−")  # type: ignore[arg-type]


def fmt_percent(value: object, digits: int = 0) -> str:
    return NO_VALUE if _missing(value) else f"{float(value):.{digits}f} %"  # type: ignore[arg-type]
