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


def _keyword(func: ast.expr) -> str | None:
    """``_``, ``N_`` or ``ngettext`` called by name, or through the module (``i18n._``)."""
    if isinstance(func, ast.Name):
        name = func.id
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "i18n":
        name = func.attr
    else:
        return None
    return name if name in KEYWORDS else None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """Babel's extraction-method interface: (line, function, message or (singular, plural), comments)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        name = _keyword(node.func) if isinstance(node, ast.Call) else None
        if name is None:
            continue
        args = [_literal(a) for a in node.args[: KEYWORDS[name]]]
        if not args or args[0] is None:
            continue  # a variable: its value was marked with N_ where it was written
        yield node.lineno, name, args[0] if len(args) == 1 else tuple(args), []
