"""Profile the real server's reruns: which functions a Next click (which saves a questionnaire
step) or the results page after Finish spends its time in.

    python scripts/profile_rerun.py [--finish] [--cpu] [--steps 2] [--top 25] [--save FILE] [--callers PATTERN]
    python scripts/profile_rerun.py --finish --plain [--phones 5]

Starts the app in a child process whose script runner is wrapped in cProfile (each run's
profile is written to a file), joins a round over the websocket like a phone, picks answers for
--steps steps and saves each with Next (answers inside a step's form travel with its button, as
in a browser), and prints the top functions by cumulative time for the last Next click's rerun,
or with --finish the results page drawn after Finish.
--cpu times by the script thread's CPU instead of the wall clock (steadier on a busy machine).
--plain runs the app without the profiler and prints, per Next and per Finish click, the
script thread's CPU and the server process's CPU (from /proc), over --phones phones one after
another, each with its own answers. Loopback only; stops what it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(out_dir: str, argv: list[str]) -> None:
    """The child: Streamlit with every script run profiled into out_dir/run-NNN.prof."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # as `python -m assessment serve` starts the app

    original = script_runner.ScriptRunner._run_script
    counter = iter(range(1, 100_000))

    def profiled(self, rerun_data):  # type: ignore[no-untyped-def]
        # --cpu: this thread's CPU time (steadier on a shared machine; leaves out waits and
        # DuckDB's own threads), otherwise wall-clock time.
        profile = cProfile.Profile(time.thread_time) if os.environ.get("PROFILE_CPU") else cProfile.Profile()
        profile.enable()
        try:
            return original(self, rerun_data)
        finally:
            profile.disable()
            profile.dump_stats(os.path.join(out_dir, f"run-{next(counter):03d}.prof"))

    script_runner.ScriptRunner._run_script = profiled
    sys.argv = ["streamlit", *argv]
    cli.main()


def serve_plain(out_dir: str, argv: list[str]) -> None:
    """The child, unprofiled, started as ``python -m assessment serve`` starts the app; each
    script run's CPU time on its own thread is appended to out_dir/runs.txt."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    original = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):  # type: ignore[no-untyped-def]
        start = time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            with open(os.path.join(out_dir, "runs.txt"), "a") as out:
                out.write(f"{time.thread_time() - start:.6f}\n")

    script_runner.ScriptRunner._run_script = timed
    sys.argv = ["streamlit", *argv]
    cli.main()


async def _answer_step(session, rng) -> None:  # noqa: ANN001
    """Pick an answer for every unanswered question of the step: inside the step's form the
    browser keeps them until a button is pressed; a radio outside a form is a click of its own."""
    for widget in [w for w in session.widgets.values() if w.kind == "radio" and w.key.startswith("qn_")]:
        if not session.values[widget.id].HasField("string_value"):
            change = session.choose(widget, rng.randrange(5))
            if widget.proto.form_id:
                session.pick(change)
            else:
                await session.click(change)


async def drive(
    origin: str, join_code: str, steps: int, finish: bool, seed: int = 3, cpu=None, runs=None
) -> dict:  # noqa: ANN001
    """One phone; returns the click times and, with ``cpu`` (the server's CPU seconds so far),
    the server CPU each Next click (which saves a step) and each Finish click cost."""
    import random

    from assessment.loadtest import http
    from assessment.loadtest.session import Session

    cpu = cpu or (lambda: 0.0)
    runs = runs or (lambda: 0)
    out: dict[str, list] = {"next": [], "next_cpu": [], "next_runs": [], "finish": [], "finish_cpu": []}
    browser = http.Browser(origin, http.Fetched())
    await http.open_page(browser, f"/?join={join_code}")
    session = Session(origin, "/", f"join={join_code}")
    before, out["open_runs"] = cpu(), [runs()]
    await session.open()
    await session.click()
    out["open_cpu"] = [cpu() - before]  # the page's runs and the websocket, without its static files
    out["open_runs"].append(runs())
    before, out["join_runs"] = cpu(), [runs()]
    await session.click(session.press(session.find("start_join")))
    out["join_cpu"] = [cpu() - before]  # the join, and the questionnaire's first step drawn
    out["join_runs"].append(runs())
    rng = random.Random(seed)
    for step in range(100):  # a questionnaire has far fewer steps
        await _answer_step(session, rng)
        if session.find("qn_finish") is not None:
            if not finish:
                break
            before = cpu()
            out["finish_run"] = runs()
            took, _ = await session.click(session.press(session.find("qn_finish")))
            out["finish"].append(took)
            out["finish_cpu"].append(cpu() - before)
            print(
                f"finish click {1000 * took:.0f} ms, server CPU {1000 * out['finish_cpu'][-1]:.0f} ms",
                file=sys.stderr,
            )
            break
        if step >= steps and not finish:
            break
        before = cpu()
        out["next_runs"].append(runs())
        took, _ = await session.click(session.press(session.find("qn_next")))
        out["next_cpu"].append(cpu() - before)
        out["next"].append(took)
        print(f"next click {1000 * took:.0f} ms", file=sys.stderr)
    await session.close()
    browser.close()
    return out


class Bystander:
    """One session left open for the whole run, as in a room where someone is always connected:
    Streamlit drops its compiled scripts when the last session leaves, and the phones here come
    one after another, so without it every phone would pay for compiling app.py and its page."""

    def __init__(self, origin: str) -> None:
        import threading

        self.origin = origin
        self.ready, self.leave = threading.Event(), None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._stay()), daemon=True)

    async def _stay(self) -> None:
        from assessment.loadtest.session import Session

        session = Session(self.origin, "/", "")
        await session.open()
        await session.click()
        self.leave = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        self.ready.set()
        await self.leave.wait()
        await session.close()

    def __enter__(self) -> Bystander:
        self.thread.start()
        self.ready.wait(60)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.leave is not None:
            self.loop.call_soon_threadsafe(self.leave.set)
        self.thread.join(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--steps", type=int, default=2, help="steps answered and saved with Next; the last is shown")
    parser.add_argument(
        "--finish", action="store_true", help="answer everything and show the results page's run"
    )
    parser.add_argument(
        "--cpu", action="store_true", help="time by the script thread's CPU time instead of the wall clock"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no profiler: print each Finish click's time and the server's CPU for it (with --finish)",
    )
    parser.add_argument(
        "--phones", type=int, default=1, help="phones, one after another (each with its own answers)"
    )
    parser.add_argument(
        "--open", action="store_true", help="show the last phone's runs on opening the join link, summed"
    )
    parser.add_argument("--save", metavar="FILE", help="also keep the shown run's profile (pstats file)")
    parser.add_argument(
        "--callers", metavar="PATTERN", help="also print who called the functions matching PATTERN"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from assessment import loadtest
    from assessment.loadtest import servers

    with tempfile.TemporaryDirectory(prefix="tandem-profile-") as tmp:
        work = Path(tmp)
        db_path = str(work / "tandem.duckdb")
        join_code, _ = loadtest._prepare_database(db_path)
        prof_dir = work / "prof"
        prof_dir.mkdir()
        port = servers.free_port()
        argv = [
            "run", str(ROOT / "app.py"), "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        env = dict(os.environ, TANDEM_DB=db_path)
        if args.cpu:
            env["PROFILE_CPU"] = "1"
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from scripts.profile_rerun import serve; serve({str(prof_dir)!r}, {argv!r})"
        if args.plain:
            code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from scripts.profile_rerun import serve_plain; serve_plain({str(prof_dir)!r}, {argv!r})"
        process = servers.Process([sys.executable, "-c", code], env=env, log=work / "app.log")
        try:
            servers.wait_ready(f"http://127.0.0.1:{port}/_stcore/health", process)
            with Bystander(f"http://127.0.0.1:{port}"):
                clicks = [
                    asyncio.run(
                        drive(
                            f"http://127.0.0.1:{port}",
                            join_code,
                            args.steps,
                            args.finish,
                            3 + n,
                            process.cpu_seconds,
                            lambda: (
                                len((prof_dir / "runs.txt").read_text().split())
                                if (prof_dir / "runs.txt").exists()
                                else len(list(prof_dir.glob("run-*.prof")))
                            ),
                        )
                    )
                    for n in range(args.phones)
                ]
        finally:
            process.stop()
        if args.plain:
            finish = sorted(c for one in clicks for c in one["finish_cpu"])
            runs = [float(x) for x in (prof_dir / "runs.txt").read_text().split()]
            script = sorted(
                runs[one["finish_run"]] for one in clicks if one.get("finish_run", len(runs)) < len(runs)
            )
            next_runs = sorted(runs[i] for one in clicks for i in one["next_runs"] if i < len(runs))
            next_cpu = [c for one in clicks for c in one["next_cpu"]]
            if next_runs:
                print(f"Next click (saves a step): script thread CPU median {1000 * statistics.median(next_runs):.1f} ms; "
                      f"server CPU {1000 * sum(next_cpu) / len(next_cpu):.1f} ms a click "
                      f"(mean of {len(next_cpu)})")  # fmt: skip
            opened = [sum(runs[one["open_runs"][0] : one["open_runs"][1]]) for one in clicks]
            open_cpu = [c for one in clicks for c in one["open_cpu"]]
            print(f"Open (the join link's runs, static files aside): script thread CPU median "
                  f"{1000 * statistics.median(opened):.1f} ms; server CPU median {1000 * statistics.median(open_cpu):.0f} ms, "
                  f"all {[round(1000 * c) for c in sorted(open_cpu)]} "
                  "(/proc, 10 ms resolution)")  # fmt: skip
            joined = [sum(runs[one["join_runs"][0] : one["join_runs"][1]]) for one in clicks]
            join_cpu = [c for one in clicks for c in one["join_cpu"]]
            print(f"Join (the join and the questionnaire's first step): script thread CPU median "
                  f"{1000 * statistics.median(joined):.1f} ms; server CPU median {1000 * statistics.median(join_cpu):.0f} ms, "
                  f"all {[round(1000 * c) for c in sorted(join_cpu)]} (/proc, 10 ms resolution)")  # fmt: skip
            if script:
                print(f"Finish, the script run's own thread CPU (ms): median {1000 * statistics.median(script):.0f}, "
                      f"all {[round(1000 * c) for c in script]}")  # fmt: skip
            if finish:
                print(f"Finish, server CPU per click (ms): median {1000 * statistics.median(finish):.0f}, "
                      f"all {[round(1000 * c) for c in finish]} (/proc, 10 ms resolution)")  # fmt: skip
            return 0
        profiles = sorted(prof_dir.glob("run-*.prof"))
        last = profiles[-1]
        shown = [last]
        if args.open:
            first, after = clicks[-1]["open_runs"]
            shown = profiles[first:after] if after > first else shown
        text = io.StringIO()
        stats = pstats.Stats(*map(str, shown), stream=text)
        stats.sort_stats("cumulative").print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
        if args.save:
            shutil.copyfile(last, args.save)
        print(f"{', '.join(p.name for p in shown)} of {len(profiles)} runs")
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
