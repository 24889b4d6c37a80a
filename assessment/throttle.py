"""Slowing down guessing: each recent failure from the same client doubles the wait."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

WINDOW_S = 15 * 60
BASE_DELAY_S = 0.5
MAX_DELAY_S = 8.0


def delay_for(failures: int) -> float:
    """0 s before the first failure, then 0.5, 1, 2, 4, 8, 8 ... seconds."""
    if failures <= 0:
        return 0.0
    return min(BASE_DELAY_S * 2 ** (failures - 1), MAX_DELAY_S)


@dataclass
class Throttle:
    """Failures per (kind, client) within a sliding window; thread-safe, in memory."""

    window_s: float = WINDOW_S
    _failures: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def failures(self, kind: str, client: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get((kind, client), []) if now - t < self.window_s]
            self._failures[(kind, client)] = recent
            return len(recent)

    def delay(self, kind: str, client: str, now: float | None = None) -> float:
        return delay_for(self.failures(kind, client, now))

    def fail(self, kind: str, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures.setdefault((kind, client), []).append(now)

    def succeed(self, kind: str, client: str) -> None:
        with self._lock:
            self._failures.pop((kind, client), None)
