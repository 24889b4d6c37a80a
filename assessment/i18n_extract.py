"""Find the words to translate by reading the code's syntax tree (``make messages`` uses it).

Babel's own Python extractor reads tokens, and on Python 3.11 an f-string is one token: a
``_("Board brief")`` inside ``f"<h1>{_e(_('Board brief'))}</h1>"`` was never extracted, so
it stayed English in every language while the catalogs looked complete. The syntax tree sees
every call, f-strings included.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

# The gettext functions of assessment.i18n and the positions of their message arguments.
KEYWORDS = {"_": 1, "N_": 1, "ngettext": 2}


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """Babel's extraction-method interface: (line, function, message or (singular, plural), comments)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS):
            continue
        args = [_literal(a) for a in node.args[: KEYWORDS[node.func.id]]]
        if not args or args[0] is None:
            continue  # a variable: its value was marked with N_ where it was written
        yield node.lineno, node.func.id, args[0] if len(args) == 1 else tuple(args), []
