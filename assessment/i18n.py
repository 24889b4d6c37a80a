"""Words a person reads, in their language: gettext catalogs under ``assessment/locales``.

English is the source language: the strings in the code are the English text. Everything that
shows text calls ``_()`` (or ``ngettext``) at the moment it builds the text, and the language is
the one in force for the current piece of work: a page run sets it once at the top
(``use(lang)``), a report build wraps itself in ``using(lang)``. Module-level constants mark their
strings with ``N_()`` (extracted, not translated) and translate them where they are shown.

Catalogs are ``.po`` files kept in git; the ``.mo`` files gettext reads are compiled by the
install step (``make catalogs``, part of ``make run`` and ``make test``), never committed.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "tandem"
LOCALE_DIR = Path(__file__).parent / "locales"
LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español"}
SOURCE_LANGUAGE = "en"

# A ContextVar, not a global: each Streamlit session runs its script in its own thread, and the
# report worker builds several reports in one process; neither may see another's language.
_language: ContextVar[str] = ContextVar("tandem_language", default=SOURCE_LANGUAGE)


class CatalogMissingError(RuntimeError):
    """A language's compiled catalog is absent: the install step has not run."""


def supported(lang: str | None) -> str | None:
    """``lang`` as one of ``LANGUAGES`` ("fr-CA" → "fr"), or None when it is not one."""
    if not lang:
        return None
    code = str(lang).replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else None


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    except FileNotFoundError as exc:
        raise CatalogMissingError(
            f"The {LANGUAGES[lang]} catalog is not compiled ({LOCALE_DIR}/{lang}/LC_MESSAGES/"
            f"{DOMAIN}.mo is missing): run `make catalogs`."
        ) from exc


def use(lang: str) -> None:
    """Make ``lang`` the language of the rest of this piece of work (a page run)."""
    _language.set(supported(lang) or SOURCE_LANGUAGE)


def current() -> str:
    return _language.get()


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Build something (a report, a file) in ``lang``, then restore the caller's language."""
    token = _language.set(supported(lang) or SOURCE_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def _(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate it later with ``_()`` where it is shown."""
    return message
