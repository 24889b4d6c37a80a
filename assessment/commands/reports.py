"""`rounds` and `report`: list the rounds, and write one round's report from the command line."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

from assessment import config
from assessment.formats import spreadsheet_safe
from assessment.questionnaire import load_all
from assessment.report import FORMATS, ReportError, build_report
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
    p = command("report", "Write one round's report: PDF, single-file HTML, Excel workbook or raw CSV.")
    p.add_argument("--round", required=True, dest="round_id", help="round id (see the rounds command)")
    p.add_argument("--format", choices=FORMATS, default="pdf", dest="fmt", help="default: pdf")
    p.add_argument("--out", required=True, help="file to write, or - for standard output")
    p.add_argument("--respondent", help="only this respondent's answers (their pseudonymous id)")
    p.set_defaults(func=cmd_report)


def cmd_rounds(args: argparse.Namespace) -> int:
    from assessment.cli import open_store  # the CLI imports this module

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
    from assessment.cli import open_store

    store = open_store(args)
    try:
        rnd = store.round(args.round_id)
        if rnd is None:
            raise ReportError(f"No round {args.round_id}; `python -m assessment rounds` lists them.")
        questionnaires = load_all(config.questionnaire_dir())
        if rnd.questionnaire_key not in questionnaires:
            raise ReportError(
                f"Round {rnd.id} was answered under questionnaire {rnd.questionnaire_id} "
                f"{rnd.questionnaire_version}, which is not in {config.questionnaire_dir()}."
            )

        def progress(fraction: float, message: str) -> None:
            print(f"\r  {fraction:4.0%} {message:<40}", end="", file=sys.stderr, flush=True)

        data = build_report(
            store,
            questionnaires[rnd.questionnaire_key],
            rnd.id,
            args.fmt,
            respondent_id=args.respondent,
            progress=progress,
        )
        print(file=sys.stderr)
    finally:
        store.close()
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"Wrote {out} ({len(data):,} bytes).", file=sys.stderr)
    return 0
