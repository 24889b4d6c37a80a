"""A respondent's save latency while 6 sessions build PDF reports in a loop (issue 13).

Usage: python scripts/measure_saves_under_reports.py [--seconds 20] [--ungated]

In one process, as in the app: 6 threads build PDF reports of a seeded round, each through the
app's ReportGate (unless --ungated), while one respondent saves an answer every 50 ms. Prints
the save latency p50 / p95 / max and how many reports were built or refused.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from assessment import rounds, workload
from assessment.demo import seed_demo
from assessment.questionnaire import load_questionnaire
from assessment.report import build_report
from assessment.store import Store

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--ungated", action="store_true")
    parser.add_argument("--builders", type=int, default=6)
    parser.add_argument("--inline", action="store_true", help="render in this process (before the pool)")
    args = parser.parse_args()
    q = load_questionnaire(ROOT / "questionnaires" / "cio-cmo-alignment-1.0.0.toml")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "m.duckdb")
        seed_demo(store, q, 40)
        org = store.create_organisation("Measure Co", "Retail", "250-999", "Europe")
        rnd = store.create_round(org.id, "2026 Q4", q)
        person = store.create_respondent(rnd.id, "it", "CIO")
        for question in q.questions:
            store.save_answer(person.id, question.id, 3)
        store.mark_complete(person.id)
        gate = workload.ReportGate()
        stop = threading.Event()
        built, refused = [0], [0]

        def builder(i: int) -> None:
            while not stop.is_set():
                try:
                    scored = rounds.load_round(store, {q.key: q}, rnd.id)
                    if args.ungated:
                        build_report(scored, "pdf")
                    else:
                        with gate.slot(f"tab-{i}", "127.0.0.1" if i % 2 else f"10.0.0.{i}"):
                            if args.inline:
                                build_report(scored, "pdf")
                            else:
                                workload.render(scored, "pdf")
                    built[0] += 1
                except workload.Busy:
                    refused[0] += 1
                    time.sleep(1)

        saver = store.create_respondent(rnd.id, "marketing", "CMO")
        latencies = []
        threads = [threading.Thread(target=builder, args=(i,), daemon=True) for i in range(args.builders)]
        for t in threads:
            t.start()
        time.sleep(2)  # builders under way
        end = time.monotonic() + args.seconds
        n = 0
        while time.monotonic() < end:
            question = q.questions[n % len(q.questions)]
            started = time.perf_counter()
            store.save_answer(saver.id, question.id, 1 + n % 5)
            latencies.append(time.perf_counter() - started)
            n += 1
            time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        store.close()
    latencies.sort()
    print(json.dumps({
        "gated": not args.ungated,
        "rendered": "inline" if args.inline or args.ungated else "worker process",
        "saves": len(latencies),
        "p50_s": round(statistics.median(latencies), 4),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 4),
        "max_s": round(latencies[-1], 4),
        "reports_built": built[0],
        "reports_refused": refused[0],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
