"""`rounds` and `report`: list the rounds, and write one round's report from the command line."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

from assessment.commands import installed_questionnaires, open_store
from assessment.formats import spreadsheet_safe
from assessment.i18n import LANGUAGES, SOURCE_LANGUAGE
from assessment.report import FORMATS, build_report, file_name
from assessment.rounds import BenchmarkChoice, load_round
from assessment.text import terminal_safe

ROUND_COLUMNS = (
    "round_id",
    "organisation",
    "round",
    "status",
    "respondents_it",
    "respondents_marketing",
    "respondents_other",
)


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command("rounds", "List the rounds as CSV on standard output (respondents per side, counts only).")
    p.add_argument("--include-synthetic", action="store_true", help="also list the synthetic sample's rounds")
    p.set_defaults(func=cmd_rounds)
    p = command("report", "Write one round's report: PDF, single-file HTML, Word, PowerPoint workshop deck, Excel "
        "workbook or raw CSV.")
    p.add_argument("--round", required=True, dest="round_id", help="round id (see the rounds command)")
    p.add_argument("--format", choices=FORMATS, default="pdf", dest="fmt", help="default: pdf")
    p.add_argument("--out", required=True, help="file or directory to write, or - for standard output")
    p.add_argument("--respondent", help="only this respondent's answers (their pseudonymous id)")
    p.add_argument(
        "--benchmark",
        metavar="SOURCE",
        help="compare with: 'peers', 'synthetic' or an imported set's source name (default: as the "
        "results page opens)",
    )
    p.add_argument(
        "--segment",
        metavar="TYPE[:VALUE]",
        default="all",
        help="peer group: all, industry, size or region, the organisation's own value unless "
        "VALUE names another (e.g. industry:Retail); default: all",
    )
    p.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default=SOURCE_LANGUAGE,
        help="the report's language, whatever the respondents answered in; default: en",
    )
    p.set_defaults(func=cmd_report)


def cmd_rounds(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        frame = store.rounds_overview(include_synthetic=args.include_synthetic)
    finally:
        store.close()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(ROUND_COLUMNS)
    for row in frame[list(ROUND_COLUMNS)].itertuples(index=False):
        # Names were typed by people: keep a spreadsheet from running them as formulas.
        # Nor a terminal from obeying control characters in them.
        writer.writerow([terminal_safe(spreadsheet_safe(v)) if isinstance(v, str) else int(v) for v in row])
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    choice = BenchmarkChoice.parse(args.benchmark, args.segment)
    store = open_store(args)
    try:

        def progress(fraction: float, message: str) -> None:
            print(f"\r  {fraction:4.0%} {message:<40}", end="", file=sys.stderr, flush=True)

        progress(0.0, "Reading and scoring the answers")
        scored = load_round(
            store, installed_questionnaires(), args.round_id, respondent_id=args.respondent, choice=choice
        )
        data = build_report(scored, args.fmt, progress=progress, lang=args.lang)
        print(file=sys.stderr)
        name = file_name(scored, args.fmt, args.lang)
    finally:
        store.close()
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    if out.is_dir():
        out = out / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data):,} bytes).", file=sys.stderr)
    return 0
