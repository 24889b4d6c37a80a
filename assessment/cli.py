"""`python -m assessment`: operator commands. Every command takes --db PATH."""

from __future__ import annotations

import argparse
import os
import sys
import time

from assessment.commands import benchmark_csv as benchmark_commands
from assessment.commands import catalogs as catalog_commands
from assessment.commands import current_questionnaire, installed_questionnaires, open_store
from assessment.commands import ops as ops_commands
from assessment.commands import questionnaire as questionnaire_commands
from assessment.commands import reports as report_commands
from assessment.commands import users as user_commands
from assessment.questionnaire import QuestionnaireError
from assessment.store import StoreError
from assessment.text import terminal_safe


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from assessment.demo import seed_demo

    store = open_store(args)
    questionnaire = current_questionnaire()
    if args.version:  # benchmarks are per version: an older version may want its own sample
        installed = installed_questionnaires()
        if (questionnaire.id, args.version) not in installed:
            versions = ", ".join(v for i, v in sorted(installed) if i == questionnaire.id)
            raise ValueError(f"no questionnaire version {args.version} is installed (installed: {versions})")
        questionnaire = installed[(questionnaire.id, args.version)]
    if args.if_empty and store.peers.peer_count(questionnaire.key, synthetic=True) > 0:
        print(f"The synthetic sample is already in {store.path}; nothing to do.")
        return 0
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:,} / {total:,} organisations", end="", file=sys.stderr, flush=True)

    made = seed_demo(store, questionnaire, args.orgs, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(f"Created {made:,} synthetic organisations (labelled 'synthetic sample') in "
          f"{time.perf_counter() - started:.1f} s in {store.path}")  # fmt: skip
    return 0


# Each module adds its commands through ``register(command)``, where ``command(name, help)``
# returns a sub-parser that already takes --db.
COMMAND_MODULES: list = [benchmark_commands, report_commands, questionnaire_commands, ops_commands, catalog_commands, user_commands]


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from assessment import auth

    if sys.stdin.isatty():
        password = getpass.getpass("Console password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    print(auth.hash_password(password))
    print(f"Set it as {auth.ENV_VAR} (environment or .streamlit/secrets.toml).", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from assessment import perf

    orgs = 1_000 if args.quick else args.orgs
    print(f"Building a synthetic database of {orgs:,} organisations in a temporary file ...", file=sys.stderr)
    figures = perf.run(orgs, repeat=args.repeat)
    print(json.dumps(figures) if args.json else perf.format_table(figures))
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    import json
    import signal

    from assessment import loadtest

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # unwinds through the load test, which stops its servers

    signal.signal(signal.SIGTERM, stop)
    print(f"Starting a room of {args.users} phones on loopback ...", file=sys.stderr)
    think = (0.0, 0.0) if args.no_pauses else loadtest.THINK
    try:
        figures = loadtest.run(
            args.users, via_proxy=args.via_proxy, seed=args.seed, timeout=args.timeout, think=think
        )
    except KeyboardInterrupt:
        print("Stopped; every server it started has been stopped.", file=sys.stderr)
        return 130
    print(json.dumps(figures) if args.json else loadtest.format_text(figures))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assessment", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="database file (default: TANDEM_DB or data/tandem.duckdb)")
        return p

    p = command("seed-demo", "Create synthetic sample organisations, always labelled as such.")
    p.add_argument("--orgs", type=int, default=40, help="how many organisations (default 40)")
    p.add_argument("--seed", type=int, default=7, help="random seed, for repeatable samples")
    p.add_argument("--if-empty", action="store_true", help="do nothing when a sample is already there")
    p.add_argument("--version", help="questionnaire version to answer (default: the latest installed)")
    p.set_defaults(func=cmd_seed_demo)
    p = sub.add_parser("bench", help="Measure Tandem on this machine and print the figures.")
    p.add_argument("--orgs", type=int, default=10_000, help="synthetic organisations (default 10,000)")
    p.add_argument("--quick", action="store_true", help="1,000 organisations")
    p.add_argument("--repeat", type=int, default=20, help="repetitions of the timed results panel")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("loadtest", help="A workshop room of N phones against a fresh app on loopback.")
    p.add_argument("--users", type=int, default=25, help="simultaneous respondents (default 25, at most 500)")
    p.add_argument("--via-proxy", action="store_true", help="through nginx with deploy/nginx.conf.template")
    p.add_argument("--seed", type=int, default=1, help="random seed for answers and pauses")
    p.add_argument(
        "--timeout", type=float, default=900, help="seconds before unfinished phones count as errors"
    )
    p.add_argument("--no-pauses", action="store_true", help="click without the 0.5-2 s pauses (for tests)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=cmd_loadtest)
    p = sub.add_parser(
        "serve",
        help="Start the app (Streamlit options may follow, e.g. --server.port 8502).",
        description="Start the app; any further options go to Streamlit (e.g. --server.port 8502).",
    )
    p.set_defaults(func=lambda _args: main(["serve"]))
    p = sub.add_parser("hash-password", help="Hash a console password (read from the terminal or stdin).")
    p.set_defaults(func=cmd_hash_password)
    for module in COMMAND_MODULES:
        module.register(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # everything after "serve" belongs to Streamlit, options included
        from assessment import serve

        return serve.main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (StoreError, QuestionnaireError, ValueError) as exc:
        print(f"error: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last word to an operator is a sentence
        # An operator gets one clear line, not a traceback; TANDEM_DEBUG=1 shows it.
        if os.environ.get("TANDEM_DEBUG"):
            raise
        print(
            f"error: {args.command} failed: {type(exc).__name__}: {terminal_safe(str(exc))}. Nothing more was "
            "done; run again "
            "with TANDEM_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1
