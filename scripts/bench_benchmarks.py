"""Time the benchmark work at scale: `.venv/bin/python scripts/bench_benchmarks.py [--orgs N]`.

Seeds N synthetic organisations (default 10,000, about a million answers) into a temporary
DuckDB file, adds one real organisation that has answered everything, then prints:
- the median time of that organisation's full benchmark panel (all 4 segments, every dimension
  and overall, with percentile ranks, after the anonymity pass) over 20 runs;
- the time of a full benchmark export (CSV text) and of importing that export.
Targets (issue 4): panel < 50 ms median, export < 1 s, import < 1 s. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment import benchmarks, config, sessions  # noqa: E402
from assessment.demo import seed_demo  # noqa: E402
from assessment.questionnaire import latest, load_all  # noqa: E402
from assessment.scoring import score_round  # noqa: E402
from assessment.store import Store  # noqa: E402

RUNS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    args = parser.parse_args()
    questionnaires = load_all(config.questionnaire_dir())
    q = latest(questionnaires, config.QUESTIONNAIRE_ID)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        seed_demo(store, q, args.orgs)
        print(f"seeded {args.orgs:,} synthetic organisations in {time.perf_counter() - started:.1f} s")

        me = sessions.start_self_assessment(
            store, q, organisation="Bench Co", industry="Retail", size_band="250-999", region="Europe",
            side="it", role="CIO",
        )  # fmt: skip
        for i, question in enumerate(q.questions):
            store.save_answer(me.id, question.id, 1 + i % 5)
        store.mark_complete(me.id)
        rnd = store.round(me.round_id)
        org = store.organisation(rnd.organisation_id)
        result = score_round(q, store.respondents_of(rnd.id))
        scores = {"overall": result.overall, **{d: sb.value for d, sb in result.dimensions.items()}}

        times, cpu = [], []
        for _ in range(RUNS):
            t0, c0 = time.perf_counter(), time.process_time()
            panel = benchmarks.benchmark_panel(store, q.key, benchmarks.SYNTHETIC, org, scores)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # summed over DuckDB's threads
        shown = {t: (c.benchmark.n_orgs if c.benchmark else c.reason) for t, c in panel.items()}
        print(f"panel (4 segments, {len(q.dimensions)} dimensions + overall, percentile ranks): "
              f"median {statistics.median(times) * 1000:.1f} ms over {RUNS} runs "
              f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}; CPU time median "
              f"{statistics.median(cpu) * 1000:.1f} ms); n per segment {shown}")  # fmt: skip

        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        t0 = time.perf_counter()
        text = benchmarks.export_benchmarks(store, q.key, synthetic=True)
        export_s = time.perf_counter() - t0
        print(f"export: {export_s * 1000:.0f} ms ({len(text.splitlines()) - 1} rows, {len(text):,} bytes)")

        t0 = time.perf_counter()
        set_id = benchmarks.import_benchmarks(store, text.encode(), questionnaires)
        import_s = time.perf_counter() - t0
        print(f"import of that export: {import_s * 1000:.0f} ms (set {set_id})")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
