"""`publish-benchmark`, `export-benchmarks` and `import-benchmarks`: benchmark releases and the
benchmark CSV in and out of a database."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from assessment import config, exchange, formats, releases
from assessment.commands import current_questionnaire, open_store
from assessment.questionnaire import load_all
from assessment.store.benchmark_sets import DuplicateBenchmarkSetError
from assessment.text import terminal_safe


def register(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "publish-benchmark",
        "Publish a benchmark release from the approved pool (the disclosure rule decides which peer "
        "groups it holds), or say why one cannot be published now.",
    )
    p.add_argument("--by", metavar="NAME", help="who publishes it (recorded; default 'console')")
    p.add_argument("--dry-run", action="store_true", help="say what a release would hold, publish nothing")
    p.set_defaults(func=cmd_publish_benchmark)

    p = command(
        "export-benchmarks",
        "Write the benchmark CSV (format 2): the latest published release of real organisations, with "
        "its release id and date. No names or ids.",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    p.add_argument(
        "--synthetic", action="store_true", help="export the synthetic sample instead (labelled as such)"
    )
    p.set_defaults(func=cmd_export_benchmarks)

    p = command(
        "import-benchmarks",
        "Import a benchmark CSV as a named set to compare with. A bad file is rejected whole, with "
        "every problem listed by row and column, and nothing is written.",
    )
    p.add_argument("file", metavar="FILE", help="the benchmark CSV to import")
    p.add_argument(
        "--source", required=True, metavar="TEXT", help="who published the figures, shown with them"
    )
    p.set_defaults(func=cmd_import_benchmarks)


def cmd_publish_benchmark(args: argparse.Namespace) -> int:
    store = open_store(args)
    questionnaire = current_questionnaire()
    try:
        plan = releases.plan_release(store, questionnaire)
        for line in releases.plan_summary(plan):
            print(line, file=sys.stderr if plan.refusal else sys.stdout)
        if plan.refusal:
            return 1
        if args.dry_run:
            print("Dry run: nothing was published.")
            return 0
        made = releases.publish_release(store, questionnaire, args.by)
    finally:
        store.close()
    print(f"Published {made.label}: {made.n_orgs} organisations ({questionnaire.id} {questionnaire.version}).")
    return 0


def cmd_export_benchmarks(args: argparse.Namespace) -> int:
    store = open_store(args)
    questionnaire = current_questionnaire()
    try:
        text = exchange.export_benchmarks(store, questionnaire.key, synthetic=args.synthetic)
    except exchange.NotEnoughPeersError as exc:
        print(f"error: {exc}. Nothing was written.", file=sys.stderr)
        return 1
    _write_whole(Path(args.out), text)
    rows = text.count("\n") - 1
    print(f"Wrote {rows} rows ({questionnaire.id} {questionnaire.version}) to {args.out}")
    return 0


def _write_whole(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_import_benchmarks(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as handle:  # never more than the limit (and a byte) in memory
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(exchange.MAX_IMPORT_BYTES + 1) if size <= exchange.MAX_IMPORT_BYTES else b""
    except OSError as exc:
        print(
            f"error: cannot read {args.file}: {exc.strerror or exc}. Nothing was imported.", file=sys.stderr
        )
        return 1
    if size > exchange.MAX_IMPORT_BYTES or len(data) > exchange.MAX_IMPORT_BYTES:
        problem = exchange.TOO_LARGE.format(size=max(size, len(data)), limit=exchange.MAX_IMPORT_BYTES)
        print(f"error: {args.file} was rejected, nothing was imported: {problem}", file=sys.stderr)
        return 1
    store = open_store(args)
    questionnaires = load_all(config.questionnaire_dir())
    try:
        set_id = exchange.import_benchmarks(store, data, questionnaires, args.source)
    except formats.BenchmarkImportError as exc:
        print(f"error: {args.file} was rejected, nothing was imported ({len(exc.problems)} problem(s)):",
              file=sys.stderr)  # fmt: skip
        for problem in exc.problems:
            print(f"  - {terminal_safe(problem)}", file=sys.stderr)
        return 1
    except DuplicateBenchmarkSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    found = store.benchmark_sets.benchmark_set(set_id)
    assert found is not None
    print(f"Imported set {set_id}: '{terminal_safe(found.source)}', {found.rows} rows, generated "
          f"{found.generated_at:%Y-%m-%d}, questionnaire {found.questionnaire_id} {found.questionnaire_version}")  # fmt: skip
    return 0
