"""Who may upload: only sessions that show a signed-in consultant the benchmark uploader.

Streamlit's upload endpoint accepts files for any live session, signed in or not, and keeps them
in memory for the session's life (10 uploads of 49 MB from a session that never signed in added
492 MB). The endpoint asks the runtime whether the session is active before it reads the body;
``install`` makes that answer "no" for every session not ``allow``-ed, so such uploads are
refused (HTTP 400) before a byte of them is read, and as a second guard a file that got through
anyway is not kept.

This module reaches into Streamlit's runtime (not its page API) and imports nothing heavy, so
``app.py`` installs it first thing, before the first session's script has done anything else.
"""

from __future__ import annotations

import threading

_ALLOWED: set[str] = set()
_lock = threading.Lock()
_installed = False


def allow(session_id: str) -> None:
    with _lock:
        _ALLOWED.add(session_id)


def allowed(session_id: str) -> bool:
    with _lock:
        return session_id in _ALLOWED


def install() -> bool:
    """Guard the running server's upload endpoint (once per process; False outside a server)."""
    global _installed
    from streamlit.runtime import Runtime

    with _lock:
        if _installed or not Runtime.exists():
            return _installed
        runtime = Runtime.instance()
        active = runtime.is_active_session
        runtime.is_active_session = lambda session_id: allowed(session_id) and active(session_id)
        manager = runtime.uploaded_file_mgr
        add_file = manager.add_file

        def add_allowed(session_id, file, *args, **kwargs):  # noqa: ANN001, ANN202 - Streamlit's signature
            if allowed(session_id):
                add_file(session_id, file, *args, **kwargs)

        manager.add_file = add_allowed
        _installed = True
        return True
