"""Are the gettext catalogs complete? Each language's ``tandem.po`` against the template.

A catalog is complete when every message of the template (``assessment/locales/tandem.pot``,
re-extracted by ``make messages``) is translated, none is fuzzy, none is left over from older
code, and every placeholder of a message (``{name}``, ``{count}``) survives its translation:
``"{count} rounds"`` translated without ``{count}`` would show a wrong sentence, and one with
``{cuont}`` would fail when shown. Problems name the file and the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from assessment.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
# {name}, {name:spec} or {name!r}; "{{" and "}}" are literal braces, not placeholders.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")


@dataclass(frozen=True)
class Problem:
    file: Path
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.msgid!r}: {self.what}"


def catalog_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog: Catalog) -> dict[str, Message]:
    return {message.id if isinstance(message.id, str) else message.id[0]: message for message in catalog if message.id}


def _forms(message: Message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(source texts, translated texts): one each, or singular and plural and every plural form."""
    ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
    return ids, strings


def check_catalog(po: Path, template: Path = TEMPLATE) -> list[Problem]:
    """Every missing, extra, untranslated, fuzzy or placeholder-mismatched message of ``po``."""
    wanted = _ids(read(template))
    catalog = read(po)
    have = _ids(catalog)
    problems = [Problem(po, msgid, "missing: run `make messages` to add it") for msgid in wanted if msgid not in have]
    if catalog.fuzzy:
        # `pybabel compile` then skips the whole file, exit status 0: the app would show English.
        problems.append(Problem(po, "", "fuzzy: the catalog's header is marked fuzzy, so it is not compiled at all"))
    for msgid, message in have.items():
        if msgid not in wanted:
            problems.append(Problem(po, msgid, "not in the template: no code uses it any more (run `make messages`)"))
            continue
        if message.fuzzy:
            problems.append(Problem(po, msgid, "fuzzy: check the translation and remove the fuzzy flag"))
        ids, strings = _forms(message)
        if not all(s.strip() for s in strings):
            problems.append(Problem(po, msgid, "not translated"))
            continue
        expected = set().union(*(placeholders(i) for i in ids))
        found = [placeholders(s) for s in strings]
        unknown = set().union(*found) - expected
        if unknown:
            problems.append(Problem(po, msgid, f"unknown placeholder(s) {_braced(unknown)} in the translation"))
        # A plural form may leave out the number ("une seule question"), but the translation as a
        # whole must keep every placeholder, and the last (most general) form keeps them all.
        if len(found) == 1 and found[0] != expected or len(found) > 1 and found[-1] != expected:
            lost = expected - (found[-1] if found else set())
            if lost:
                problems.append(Problem(po, msgid, f"placeholder(s) {_braced(lost)} lost in the translation"))
    return problems


def _braced(names: Iterable[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names))


def languages() -> list[str]:
    return [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]


def check_all(locale_dir: Path = LOCALE_DIR, template: Path = TEMPLATE) -> dict[str, list[Problem]]:
    """Problems per language; a language without a catalog file is one problem."""
    out = {}
    for lang in languages():
        po = catalog_path(lang, locale_dir)
        out[lang] = check_catalog(po, template) if po.exists() else [Problem(po, "", "no catalog file")]
    return out
