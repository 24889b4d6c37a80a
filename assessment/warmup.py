"""Start-up, once per process: load what every page needs, then freeze the start-up heap.

Python's collector walks every tracked object on a full collection. Tandem's start-up heap
(Streamlit, pandas, Altair and its JSON schema, DuckDB, pyarrow: about 125,000 objects) lives
as long as the process, so walking it again is pure waste: ``gc.freeze()`` moves it out of the
collector's sight, and a full collection then costs a few milliseconds instead of about 60.
Objects made later (sessions, pages) are collected as usual.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_done = False


def warm_and_freeze() -> bool:
    """Import the pages' libraries, draw one throwaway chart (Altair loads its schema on the
    first), collect, freeze. Only the first call does anything; returns whether it did."""
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        import altair as alt
        import pandas as pd

        # report: the results page imports it on first draw (about 90 ms, once per process).
        from assessment import benchmarks, charts, report, views  # noqa: F401 - imported to be frozen

        alt.Chart(pd.DataFrame({"x": [1.0]})).mark_point().encode(x="x:Q").to_dict()
        # Altair validates every part of a chart as it is built, and the whole chart again when
        # Streamlit converts it (under a lock shared by every session). The whole-chart check
        # stays; the per-part one only repeated it (about a third of the results page's time).
        alt.utils.schemapi.disable_debug_mode()
        gc.collect()
        gc.freeze()
        _done = True
        return True
