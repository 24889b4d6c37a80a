"""Text people typed, made inert wherever Tandem shows it: pages, reports, the terminal.

``md_escape`` is for Markdown (every Streamlit text element that takes Markdown). Streamlit never
renders raw HTML from Markdown unless told to (Tandem never tells it to), but Markdown itself
would turn ``**Acme**`` bold or ``[x](y)`` into a link, Streamlit's own ``:red[...]`` and
``:material/...:`` directives would be interpreted, and GitHub-flavoured Markdown turns a bare
``https://…``, ``www.…`` or ``name@host`` into a live link even when every punctuation mark is
backslash-escaped (measured in Chromium). So every punctuation mark is escaped, and an invisible
WORD JOINER (U+2060) goes where a link would start: between ``www`` and its dot, before a
scheme's colon (``https:``, ``mailto:``) and before ``@``. No link pattern accepts it; numbers
such as 4.60 and labels such as "Industry: Retail" are left as they are.
Line breaks, tabs, other control characters and bidirectional overrides become one space, so a
name cannot start a code block or a new paragraph, or reverse the text after it.

``one_line`` is the same clean-up without Markdown, for plain-text places (PDF, chart labels).
``terminal_safe`` is for command output: control characters are shown as ``\\xNN`` and never
reach the operator's terminal.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^@%])")
# Where a link can start: "www.", a scheme's colon ("https:", "mailto:", "xmpp:"), an e-mail's "@".
_LINK_BREAK = re.compile(r"(?i)(?<=www)(\.)|(?<=[a-z])(:)(?=\S)|(@)")
JOINER = "\u2060"
# C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidirectional embeddings,
# overrides and isolates, and BOM: none belongs in a name.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_BREAKS = re.compile(f"[{_CONTROLS}]+")


def one_line(text: str) -> str:
    """Every run of control characters (line breaks included) becomes one space."""
    return _BREAKS.sub(" ", text or "")


def md_escape(text: str) -> str:
    """``text`` for Markdown: shown exactly as typed, on one line, never a link or markup."""
    return _SPECIAL.sub(r"\\\1", _LINK_BREAK.sub(lambda m: JOINER + m.group(0), one_line(text)))


def terminal_safe(text: str) -> str:
    """``text`` for a terminal: control characters shown as ``\\xNN`` (``\\u2028`` and the like
    for the wider ones), so names can neither move the cursor nor hide what follows."""
    return _BREAKS.sub(lambda m: "".join(_visible(c) for c in m.group(0)), text or "")


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
