"""What every part of questionnaire validation shares: the problem collector and the id patterns."""

from __future__ import annotations

import re
from typing import Any

CHOICE_OPTIONS = 5

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTION_ID_RE = re.compile(r"^[a-z][a-z0-9_]*-\d+$")
SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
URL_RE = re.compile(r"^https?://[^\s\"'<>]+$")


class Checker:
    """Collects every problem instead of stopping at the first, so one edit fixes them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def table(self, value: Any, where: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(where, f"expected a table, found {type(value).__name__}")
            return False
        for key in sorted(set(value) - required - optional):
            allowed = ", ".join(sorted(required | optional))
            self.fail(f"{where}.{key}" if where else key, f"unknown key (allowed: {allowed})")
        for key in sorted(required - set(value)):
            self.fail(f"{where}.{key}" if where else key, "missing required key")
        return True

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "expected non-empty text")
            return ""
        return value.strip()

    def weight(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"weight must be a number, found {value!r}")
            return 1.0
        if not 0 < value <= 10:
            self.fail(where, f"weight must be greater than 0 and at most 10, found {value}")
            return 1.0
        return float(value)

    def list_of(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail(where, "expected a non-empty list")
            return []
        return value

    def one_of(self, value: Any, where: str, allowed: tuple[str, ...], default: str) -> str:
        if value not in allowed:
            listed = ", ".join(f"'{a}'" for a in allowed)
            self.fail(where, f"expected one of {listed}, found {value!r}")
            return default
        return value

    def texts(self, value: Any, where: str, count: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) != count:
            found = len(value) if isinstance(value, list) else type(value).__name__
            self.fail(where, f"expected {count} {what}, found {found}")
            return ("",) * count
        return tuple(self.text(t, f"{where}[{i}]") for i, t in enumerate(value))
