"""Profile the real server's reruns: which functions one answer click spends its time in.

    python scripts/profile_rerun.py [--top 25]

Starts the app in a child process whose script runner is wrapped in cProfile (each run's
profile is written to a file), joins a round over the websocket like a phone, answers the
first step's questions, and prints the top functions by cumulative time for the last answer's
rerun, or with --finish the results page drawn after Finish (which includes Streamlit's own work after the script, such as its forced garbage
collection when runner.postScriptGC is on). Loopback only; stops what it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
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
        profile = cProfile.Profile()
        profile.enable()
        try:
            return original(self, rerun_data)
        finally:
            profile.disable()
            profile.dump_stats(os.path.join(out_dir, f"run-{next(counter):03d}.prof"))

    script_runner.ScriptRunner._run_script = profiled
    sys.argv = ["streamlit", *argv]
    cli.main()


async def drive(origin: str, join_code: str, answers: int, finish: bool) -> None:
    import random

    from assessment.loadtest import http
    from assessment.loadtest.session import Session

    browser = http.Browser(origin, http.Fetched())
    await http.open_page(browser, f"/?join={join_code}")
    session = Session(origin, "/", f"join={join_code}")
    await session.open()
    await session.click()
    await session.click(session.press(session.find("start_join")))
    rng = random.Random(3)
    for widget in [w for w in session.widgets.values() if w.kind == "radio"][:answers]:
        took, _ = await session.click(session.choose(widget, rng.randrange(5)))
        print(f"answer click {1000 * took:.0f} ms", file=sys.stderr)
    while finish:  # every step answered, then Finish: the last run is the results page
        for widget in [w for w in session.widgets.values() if w.kind == "radio"]:
            if not session.values[widget.id].HasField("string_value"):
                await session.click(session.choose(widget, rng.randrange(5)))
        if session.find("qn_finish") is not None:
            took, _ = await session.click(session.press(session.find("qn_finish")))
            print(f"finish click {1000 * took:.0f} ms", file=sys.stderr)
            break
        await session.click(session.press(session.find("qn_next")))
    await session.close()
    browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--answers", type=int, default=4, help="answer clicks; the last is shown")
    parser.add_argument(
        "--finish", action="store_true", help="answer everything and show the results page's run"
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
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from scripts.profile_rerun import serve; serve({str(prof_dir)!r}, {argv!r})"
        process = servers.Process([sys.executable, "-c", code], env=env, log=work / "app.log")
        try:
            servers.wait_ready(f"http://127.0.0.1:{port}/_stcore/health", process)
            asyncio.run(drive(f"http://127.0.0.1:{port}", join_code, args.answers, args.finish))
        finally:
            process.stop()
        last = sorted(prof_dir.glob("run-*.prof"))[-1]
        text = io.StringIO()
        stats = pstats.Stats(str(last), stream=text)
        stats.sort_stats("cumulative").print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
        if args.save:
            shutil.copyfile(last, args.save)
        print(f"{last.name} of {len(list(prof_dir.glob('run-*.prof')))} runs")
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
