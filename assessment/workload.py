"""Bounded work for visitors: report builds are rationed per session and per client, and run
in a small pool, so that respondents' saves stay fast while reports are built.

A PDF takes about a second of CPU (charts drawn to images, then laid out). Six sessions
building PDFs in a loop pushed a respondent's save from 0.13 s to 1.19 s (p95) on two cores.
Here at most ``SLOTS`` builds run at once in the process; a build waits up to ``QUEUE_S`` for a
slot and is then refused with a message, and each session and each client may start only so
many builds in ``WINDOW_S``. The rendering itself (charts to images, layout) runs in one worker
process (``render``), so it does not hold the app's interpreter lock while respondents save;
the app only reads and scores the round, which is fast.
"""

from __future__ import annotations

import copy
import math
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

SLOTS = 1
QUEUE_S = 20.0
WINDOW_S = 10 * 60
PER_SESSION = 12
PER_CLIENT = 30
MAX_KEYS = 50_000


class Busy(RuntimeError):
    """A build was refused; the message says why and when to try again."""


class ReportGate:
    def __init__(
        self,
        slots: int = SLOTS,
        *,
        per_session: int = PER_SESSION,
        per_client: int = PER_CLIENT,
        window_s: float = WINDOW_S,
        queue_s: float = QUEUE_S,
    ) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._limits = {"session": per_session, "client": per_client}
        self._window_s = window_s
        self._queue_s = queue_s
        self._starts: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _admit(self, session: str, client: str, now: float) -> None:
        with self._lock:
            for kind, key in (("session", session), ("client", client)):
                starts = self._starts.setdefault((kind, key), deque())
                while starts and now - starts[0] >= self._window_s:
                    starts.popleft()
                if len(starts) >= self._limits[kind]:
                    minutes = math.ceil((self._window_s - (now - starts[0])) / 60)
                    who = "this browser tab" if kind == "session" else "your network"
                    raise Busy(
                        f"{len(starts)} reports were prepared from {who} in the last "
                        f"{self._window_s / 60:g} minutes, the most Tandem prepares. Try again in "
                        f"{minutes} minute{'s' if minutes != 1 else ''}; reports already downloaded stay valid."
                    )
            for kind, key in (("session", session), ("client", client)):
                self._starts[(kind, key)].append(now)
            while len(self._starts) > MAX_KEYS:
                del self._starts[next(iter(self._starts))]

    @contextmanager
    def slot(self, session: str, client: str) -> Iterator[None]:
        """Admit one build for ``session`` from ``client`` and hold a slot while it runs."""
        self._admit(session, client, time.monotonic())
        if not self._slots.acquire(timeout=self._queue_s):
            raise Busy("Tandem is busy preparing other reports. Please try again in a minute.")
        try:
            yield
        finally:
            self._slots.release()


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _render_here(data: Any, fmt: str, lang: str | None = None) -> bytes:
    from assessment.report import build_report

    return build_report(data, fmt, lang=lang)


def portable(data: Any) -> Any:
    """The scored round without its store (a database connection cannot cross to another
    process): what the report reads from the store lazily is read here first."""
    if getattr(data, "store", None) is None:
        return data
    # Cached on the object, so the copy carries them.
    data.responses  # noqa: B018
    data.branding  # noqa: B018
    twin = copy.copy(data)
    object.__setattr__(twin, "store", None)
    return twin


def render(data: Any, fmt: str, *, lang: str | None = None, timeout_s: float = 300) -> bytes:
    """Render a scored round (``rounds.ScoredRound``) as a report in ``lang`` in the worker
    process. A worker that died is replaced, and the render tried once more in this process.

    The language crosses to the worker as an argument: the caller's language (a ContextVar) does
    not. None: the caller's language now, ``i18n.current()``; a download button's builder runs
    after the page's run, so the page passes its language explicitly."""
    global _pool
    from assessment import i18n

    lang = lang or i18n.current()
    if fmt == "csv":  # no charts, no layout: quicker here than the trip to the worker
        return _render_here(data, fmt, lang)
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the app process has threads (DuckDB, the writer, the server).
            _pool = ProcessPoolExecutor(max_workers=SLOTS, mp_context=multiprocessing.get_context("spawn"))
        pool = _pool
    try:
        return pool.submit(_render_here, portable(data), fmt, lang).result(timeout=timeout_s)
    except BrokenProcessPool:
        with _pool_lock:
            _pool = None
        return _render_here(data, fmt, lang)
