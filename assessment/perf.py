"""`python -m assessment bench`: Tandem's figures on this machine, printed, never asserted.

Builds a synthetic database in a temporary file and measures: one organisation's results with
its full benchmark panel, the benchmark export and its import, answers written by 50 concurrent
threads, one AppTest run of the results page, peak memory, and the same scoring and benchmark
work done plainly in pandas, so the choice of DuckDB is measured rather than assumed.
"""

from __future__ import annotations

import random
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from assessment import benchmarks, config, exchange, sessions
from assessment.demo import seed_demo
from assessment.questionnaire import Questionnaire
from assessment.rounds import BenchmarkChoice, load_round
from assessment.store import Store
from assessment.views import benchmark_frame


def _times(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def results_panel(store: Store, q: Questionnaire, round_id: str) -> None:
    """What the results page computes: the read model with its tables, plus every segment's
    panel (the page's peer-group picker offers all of them)."""
    source = benchmarks.SYNTHETIC  # the bench's organisations are the synthetic sample
    benchmarks.forget_panels()  # each draw reads its panel, as a first view does
    scored = load_round(store, {q.key: q}, round_id, choice=BenchmarkChoice(source))
    _ = scored.gaps, scored.priorities, scored.benchmark_table, scored.recommendations
    panel = benchmarks.benchmark_panel(
        store, q.key, source, scored.organisation, benchmarks.scores_of(scored.result)
    )
    for comparison in panel.values():
        benchmark_frame(scored.result, comparison.benchmark)


def pandas_panel(frames: dict[str, pd.DataFrame], org_round: str) -> None:
    """The same scoring and 'all' benchmark, written plainly in pandas from the raw tables."""
    answers, people, items = frames["answers"], frames["respondents"], frames["items"]
    a = answers.dropna(subset=["level"]).merge(people, left_on="respondent_id", right_on="id")
    a = a.merge(items, on="question_id")
    a["weighted"] = a["level"] * a["question_weight"]
    per = a.groupby(["round_id", "respondent_id", "side", "dimension_id"]).agg(
        w=("weighted", "sum"), ww=("question_weight", "sum"), answered=("level", "size")
    )
    totals = items.groupby("dimension_id").size()
    per = per.reset_index()
    per = per[per["answered"] >= 0.5 * per["dimension_id"].map(totals)]
    per["score"] = per["w"] / per["ww"]
    sides = per.pivot_table(
        index=["round_id", "dimension_id"], columns="side", values="score", aggfunc="mean"
    )
    org = sides.mean(axis=1).rename("score").reset_index()
    stats = org.groupby("dimension_id")["score"].quantile([0.25, 0.5, 0.75]).unstack()
    mine = org[org["round_id"] == org_round].set_index("dimension_id")["score"]
    peers = org[org["round_id"] != org_round]
    for did, score in mine.items():
        col = peers.loc[peers["dimension_id"] == did, "score"]
        _ = ((col < score).sum() + 0.5 * (col == score).sum()) / len(col)
    _ = stats


def duckdb_panel(store: Store, round_id: str) -> None:
    """The same work in DuckDB from the raw tables, read-only, in one query."""
    store.benchmark_from_raw(round_id)


def run(orgs: int, repeat: int = 20, writers: int = 50) -> dict[str, Any]:
    from assessment.questionnaire import latest, load_all

    q = latest(load_all(config.questionnaire_dir()), config.QUESTIONNAIRE_ID)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.duckdb")
        store = Store(path)
        seed_demo(store, q, orgs)
        answers = store.answer_count()
        round_ids = store.sample_round_ids(200)
        rng = random.Random(1)
        panel = _times(lambda: results_panel(store, q, rng.choice(round_ids)), repeat)

        exported = _times(lambda: exchange.export_benchmarks(store, q.key, synthetic=True), 3)
        csv_bytes = exchange.export_benchmarks(store, q.key, synthetic=True).encode()
        imported = _time_imports(store, q, csv_bytes)

        write = _concurrent_writes(store, q, writers)
        apptest_s = _apptest_results(store, path, write.pop("round_id"))
        peak_app = _peak_mb()  # Tandem's own work; the pandas comparison below adds its frames

        frames = store.raw_tables(q.key)
        target = round_ids[0]
        pandas_s = statistics.median(_times(lambda: pandas_panel(frames, target), 3))
        duck_s = statistics.median(_times(lambda: duckdb_panel(store, target), 3))
        store.close()
    return {
        "orgs": orgs,
        "answers": answers,
        "results_ms_p50": round(1000 * statistics.median(panel), 1),
        "results_ms_p95": round(1000 * _p95(panel), 1),
        "export_s": round(statistics.median(exported), 3),
        "import_s": round(imported, 3),
        **write,
        "apptest_results_s": round(apptest_s, 3),
        "peak_rss_mb": peak_app,
        "peak_rss_with_pandas_mb": _peak_mb(),
        "pandas_s": round(pandas_s, 3),
        "duckdb_s": round(duck_s, 3),
        "pandas_over_duckdb": round(pandas_s / duck_s, 2),
    }


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _time_imports(store: Store, q: Questionnaire, data: bytes) -> float:
    from assessment.formats import parse_benchmark_csv

    started = time.perf_counter()
    table = parse_benchmark_csv(data, {q.key: q})
    store.benchmark_sets.import_benchmark_set(table, "bench round trip")
    return time.perf_counter() - started


def _concurrent_writes(store: Store, q: Questionnaire, writers: int) -> dict[str, Any]:
    """Each writer answers every question once, one save at a time, as a respondent does."""
    org = store.create_organisation("Bench writers", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "Bench", q, kind="consultant")
    people = [sessions.join_round(store, rnd.join_code, side="it", role="Team") for _ in range(writers)]
    questions = [x.id for x in q.questions]
    per_writer = len(questions)
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def work(person_id: str) -> None:
        mine = []
        barrier.wait()
        for n in range(per_writer):
            started = time.perf_counter()
            store.save_answer(person_id, questions[n % len(questions)], 1 + n % 5)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(p.id,)) for p in people]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    stored = store.answer_count(rnd.id)
    sent = writers * per_writer
    return {
        "write_ms_p50": round(1000 * statistics.median(latencies), 2),
        "write_ms_p95": round(1000 * _p95(latencies), 2),
        "writes_per_s": round(sent / elapsed),
        "answers_sent": sent,
        "answers_stored": stored,
        "round_id": rnd.id,
    }


def _apptest_results(store: Store, path: str, round_id: str) -> float:
    """Server-side time of one results-page run for a finished respondent."""
    person = store.respondents_of(round_id)[0]
    store.mark_complete(person.id)
    return time_results_page(path, store.respondent(person.id).token)


def time_results_page(db_path: str, token: str) -> float:
    """Seconds of one warm AppTest run of the results page (for ``python -m assessment bench``)."""
    import os

    from streamlit.testing.v1 import AppTest

    previous = os.environ.get("TANDEM_DB")
    os.environ["TANDEM_DB"] = db_path
    try:
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
        at.query_params["r"] = token  # ui.PARAM: the personal link
        at.run()
        at.switch_page("pages/results.py").run()  # warm: caches and imports
        started = time.perf_counter()
        at.run()
        return time.perf_counter() - started
    finally:
        if previous is None:
            os.environ.pop("TANDEM_DB", None)
        else:
            os.environ["TANDEM_DB"] = previous


def format_table(figures: dict[str, Any]) -> str:
    rows = [
        ("organisations", f"{figures['orgs']:,}"),
        ("answers", f"{figures['answers']:,}"),
        ("results + full benchmark panel, median", f"{figures['results_ms_p50']} ms"),
        ("results + full benchmark panel, p95", f"{figures['results_ms_p95']} ms"),
        ("benchmark export", f"{figures['export_s']} s"),
        ("benchmark import", f"{figures['import_s']} s"),
        ("answer write latency p50 / p95 (50 threads)", f"{figures['write_ms_p50']} / {figures['write_ms_p95']} ms"),
        ("answers written per second", f"{figures['writes_per_s']:,}"),
        ("answers sent / stored", f"{figures['answers_sent']:,} / {figures['answers_stored']:,}"),
        ("results page, one AppTest run", f"{figures['apptest_results_s']} s"),
        ("peak resident memory (before / with the pandas run)",
         f"{figures['peak_rss_mb']} / {figures['peak_rss_with_pandas_mb']} MB"),
        ("score all rounds from raw + rank one: pandas / DuckDB",
         f"{figures['pandas_s']} s / {figures['duckdb_s']} s = {figures['pandas_over_duckdb']}x"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
