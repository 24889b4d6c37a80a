"""`catalogs check [--lang LANG]`: are the translations of the app's words complete?

Prints, per language, how many messages are translated, and every missing, extra, untranslated,
fuzzy or placeholder-mismatched message with its file; exits 1 when any language has a problem.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from assessment import catalogs
from assessment.i18n import LANGUAGES
from assessment.text import terminal_safe


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command("catalogs", "Work with the translations of the app's words (gettext catalogs).")
    sub = p.add_subparsers(dest="catalogs_command", required=True)
    check = sub.add_parser(
        "check",
        help="Check that each language's catalog translates every message, placeholders intact.",
        description="Check each language's catalog against the template (exit 1 on any problem).",
    )
    check.add_argument("--lang", choices=catalogs.languages(), help="only this language")
    check.add_argument("--template", type=Path, default=catalogs.TEMPLATE, help="the .pot file (default: the app's)")
    check.add_argument("--locales", type=Path, default=catalogs.LOCALE_DIR, help="the catalogs' directory")
    check.add_argument("--limit", type=int, default=20, help="problems shown per language (default 20; 0: all)")
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    total = len(catalogs.read(args.template))
    found = catalogs.check_all(args.locales, args.template)
    failed = False
    for lang, problems in found.items():
        if args.lang and lang != args.lang:
            continue
        path = catalogs.catalog_path(lang, args.locales)
        if not problems:
            print(f"{LANGUAGES[lang]} ({lang}): complete, {total} messages: {path}")
            continue
        failed = True
        kinds: dict[str, int] = {}
        for p in problems:
            kind = p.what.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        print(f"{LANGUAGES[lang]} ({lang}): {len(problems)} problems of {total} messages ({summary})")
        shown = problems if args.limit == 0 else problems[: args.limit]
        for p in shown:
            print(f"  {terminal_safe(str(p))}")
        if len(shown) < len(problems):
            print(f"  … and {len(problems) - len(shown)} more (--limit 0 shows all)")
    return 1 if failed else 0
