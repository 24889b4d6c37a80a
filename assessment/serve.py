"""`python -m assessment serve`: start the app with every page routed through app.py.

Streamlit decides once per process whether an app beside a ``pages/`` folder is a legacy
multipage app; until some session has called ``st.navigation`` it runs a deep link such as
``/console`` as ``pages/console.py`` alone: no router, no sign-in rules of the router, and a
sidebar of raw file names. Tandem always routes with ``st.navigation``, so it tells Streamlit
so before the server starts. (Started with plain ``streamlit run app.py``, the first page to
run clears the flag instead, and only that first run is unrouted.)
"""

from __future__ import annotations

import os
import sys

from assessment import config


def main(streamlit_args: list[str]) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    PagesManager.uses_pages_directory = False
    _guard_uploads_from_the_start()
    _admit_script_runs(script_slots())
    _hand_over_sooner()
    # The web server believes X-Forwarded-For only from the proxies the operator names (the
    # throttle applies the same list, see assessment.throttle.client_key).
    os.environ.setdefault("FORWARDED_ALLOW_IPS", os.environ.get("TANDEM_TRUSTED_PROXIES", ""))
    sys.argv = ["streamlit", "run", str(config.ROOT / "app.py"), *streamlit_args]
    return streamlit_cli.main()


def _guard_uploads_from_the_start() -> None:
    """Install the upload guard as soon as Streamlit creates its runtime, before any session:
    app.py installs it on its first run, which leaves the first session's first moments open."""
    from streamlit.runtime import Runtime

    from assessment import uploads

    create = Runtime.__init__

    def create_then_guard(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - Streamlit's signature
        create(self, *args, **kwargs)
        uploads.install()

    Runtime.__init__ = create_then_guard


SCRIPT_SLOTS = 2
SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005


def _hand_over_sooner() -> None:
    """Let a thread that waits for Python's interpreter lock have it after 1 ms instead of 5.
    A results page makes about fifteen database queries, and DuckDB releases the lock during
    each; coming back, the run waited up to the whole interval for a thread busy in Python.
    100 phones through nginx, alternating on the same code (89c7721): 0.27 and 0.28 s p95 over
    all clicks at 1 ms, 0.37 and 0.31 s at 5 ms, with the same server CPU."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def script_slots() -> int:
    """``TANDEM_SCRIPT_SLOTS``: how many script runs may run at once (0: no limit)."""
    value = os.environ.get("TANDEM_SCRIPT_SLOTS", "").strip()
    if not value:
        return SCRIPT_SLOTS
    if not value.isdigit():
        raise SystemExit(f"TANDEM_SCRIPT_SLOTS must be a whole number, 0 for no limit, not {value!r}.")
    return int(value)


def _admit_script_runs(slots: int) -> None:
    """At most ``slots`` script runs at once (every rerun of every session is one); the others
    wait their turn, roughly in the order they came.

    Python runs one thread at a time. Left alone, a room's reruns all run together and share the
    processor: when a room finishes within a few seconds, every results page takes as long as
    all of them together, and the answers saved meanwhile wait behind them all. Taken a few at a
    time, each is done in about its own time plus the wait for the ones ahead of it. Two at a
    time keeps the second core busy while a run waits for the database (one at a time was
    slower, three no better: see the README's Performance section). A run that switches page
    (Join, Finish) keeps its slot for the next page."""
    if slots <= 0:
        return
    import threading

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    gate = threading.BoundedSemaphore(slots)
    run = ScriptRunner._run_script

    def admitted(self, rerun_data):  # noqa: ANN001, ANN202 - Streamlit's signature
        with gate:
            return run(self, rerun_data)

    ScriptRunner._run_script = admitted
