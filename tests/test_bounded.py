"""Bounded work: uploads only for a signed-in consultant and small, imports in bounded memory,
report builds rationed and run in a small pool."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from assessment import auth, exchange, formats, workload
from assessment.demo import seed_demo
from assessment.store import Store
from tests.conftest import ROOT

CONSOLE_PASSWORD = "bounded work password"


# report builds ------------------------------------------------------------------------------


def test_report_builds_are_rationed_per_session_and_per_client():
    gate = workload.ReportGate(per_session=2, per_client=3, queue_s=5)
    for _ in range(2):
        with gate.slot("tab-1", "203.0.113.9"):
            pass
    with pytest.raises(workload.Busy, match="from this browser tab"), gate.slot("tab-1", "203.0.113.9"):
        pass
    with gate.slot("tab-2", "203.0.113.9"):  # a new tab of the same client: one more
        pass
    with pytest.raises(workload.Busy, match="from your network"), gate.slot("tab-3", "203.0.113.9"):
        pass
    with gate.slot("tab-4", "198.51.100.7"):  # anyone else is not held back
        pass


def test_no_more_builds_run_at_once_than_there_are_slots():
    gate = workload.ReportGate(2, per_session=100, per_client=100, queue_s=60)
    running, most = 0, 0
    lock = threading.Lock()

    def build(i: int) -> None:
        nonlocal running, most
        with gate.slot(f"tab-{i}", "client"):
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.02)
            with lock:
                running -= 1

    threads = [threading.Thread(target=build, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 2


def test_a_build_that_cannot_get_a_slot_is_refused_not_queued_forever():
    gate = workload.ReportGate(1, queue_s=0.05)
    with gate.slot("tab-1", "a"):
        with pytest.raises(workload.Busy, match="busy preparing other reports"), gate.slot("tab-2", "b"):
            pass


# benchmark import size ----------------------------------------------------------------------


def test_the_upload_limit_fits_a_benchmark_csv(real):
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] * 2**20 == exchange.MAX_IMPORT_BYTES
    store = Store(None)
    seed_demo(store, real, 60)
    full = exchange.export_benchmarks(store, real.key, synthetic=True).encode()
    store.close()
    assert len(full) * 20 < exchange.MAX_IMPORT_BYTES  # a full set, with room to spare


def test_an_oversized_import_is_refused_before_it_is_parsed(store, real, monkeypatch):
    parsed = []
    monkeypatch.setattr(formats, "parse_benchmark_csv", lambda *a: parsed.append(a))
    with pytest.raises(formats.BenchmarkImportError, match="more than a benchmark CSV can be"):
        exchange.import_benchmarks(store, b"x" * (exchange.MAX_IMPORT_BYTES + 1), {real.key: real}, "Big")
    assert parsed == [] and store.benchmark_sets.benchmark_row_count() == 0


def test_importing_a_200_mb_file_stays_in_bounded_memory(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: no disk used, but 200 MB to read
    code = (
        "import resource, sys; from assessment.cli import main; "
        "rc = main(['import-benchmarks', sys.argv[1], '--source', 'Big', '--db', sys.argv[2]]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024); sys.exit(rc)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(big), str(tmp_path / "x.duckdb")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "more than a benchmark CSV can be" in out.stderr and "Traceback" not in out.stderr
    peak_mb = int(out.stdout.strip().splitlines()[-1])
    small = tmp_path / "small.csv"
    small.write_bytes(b"not a benchmark\n")
    base = subprocess.run(
        [sys.executable, "-c", code, str(small), str(tmp_path / "y.duckdb")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    base_mb = int(base.stdout.strip().splitlines()[-1])
    print(f"peak memory importing a 200 MB file: {peak_mb} MB; a 16-byte file: {base_mb} MB")
    assert peak_mb - base_mb < 20  # the file itself is never read


# uploads on a running server ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory(prefix="tandem-bounded-") as tmp:
        db = str(Path(tmp) / "tandem.duckdb")
        store = Store(db)
        from assessment.questionnaire import load_questionnaire
        from tests.conftest import REAL

        real = load_questionnaire(REAL)
        seed_demo(store, real, 12)
        csv_path = Path(tmp) / "bench.csv"
        csv_path.write_text(exchange.export_benchmarks(store, real.key, synthetic=True))
        store.close()
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "assessment", "serve", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType",
             "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "TANDEM_DB": db, auth.ENV_VAR: auth.hash_password(CONSOLE_PASSWORD)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.read().strip() == b"ok":
                            break
                except OSError:
                    time.sleep(0.25)
            yield url, proc.pid, csv_path
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def test_an_anonymous_session_cannot_upload(server):
    url, pid, _ = server
    out = subprocess.run(
        [sys.executable, "scripts/probe_uploads.py", url, "--files", "3", "--mb", "0.5", "--pid", str(pid)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["statuses"] == [400, 400, 400]  # refused before the body is read


def test_a_signed_in_consultant_uploads_a_benchmark_csv(server):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    url, _, csv_path = server
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name="Consultant sign-in").click()
        page.get_by_label("Password", exact=True).fill(CONSOLE_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Consultant console").wait_for()
        sidebar.get_by_role("link", name="Benchmarks").click()
        page.get_by_role("heading", name="Import a benchmark set").wait_for()
        page.locator("input[type=file]").set_input_files(str(csv_path))
        page.get_by_text("bench.csv").wait_for()
        page.get_by_label("Source (who published these figures)").fill("Uploaded in a test")
        page.get_by_role("button", name="Import", exact=True).click()
        done = page.get_by_test_id("stAlert").filter(has_text="Imported")
        done.wait_for()
        text = done.inner_text()
        browser.close()
    assert "Uploaded in a test" in text


def test_reports_rendered_in_the_worker_are_the_reports(real):
    """The worker process renders the same report as the app would (the PDF's text)."""
    import io

    import pypdf

    from assessment import report, rounds

    store = Store(None)
    seed_demo(store, real, 12)
    org = store.create_organisation("Worker Co", "Retail", "250-999", "Europe")
    rnd = store.create_round(org.id, "2026 Q4", real)
    person = store.create_respondent(rnd.id, "it", "CIO")
    for question in real.questions:
        store.save_answer(person.id, question.id, 4)
    scored = rounds.load_round(store, {real.key: real}, rnd.id)

    def text(pdf: bytes) -> str:
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        return " ".join(" ".join(p.extract_text() for p in pages).split()[:200])

    in_worker = workload.render(scored, "pdf")
    assert scored.store is store  # the page's own round keeps its store
    assert text(in_worker) == text(report.build_report(scored, "pdf"))
    assert workload.render(scored, "xlsx").startswith(b"PK")
    assert workload.render(scored, "csv").startswith(b"questionnaire_id")
    store.close()
