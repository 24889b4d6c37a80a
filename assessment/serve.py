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
