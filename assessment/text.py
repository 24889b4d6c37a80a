"""User-typed text shown inside Markdown: escaped so it reads exactly as typed.

Streamlit never renders raw HTML from Markdown unless told to (Tandem never tells it to), but
Markdown itself would still turn ``**Acme**`` bold or ``[x](y)`` into a link, and Streamlit's
own ``:red[...]`` and ``:material/...:`` directives would be interpreted. Backslash-escaping
every punctuation mark Markdown or Streamlit gives meaning to prevents all of it.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^])")


def md_escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text).replace("\n", " ")
