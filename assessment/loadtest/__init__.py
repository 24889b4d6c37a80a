"""`python -m assessment loadtest`: a workshop room of N phones against a real Tandem server.

Each simulated phone opens the join link and loads the page's files as Chromium does, opens
Streamlit's websocket, picks its side (half the room IT, half marketing), joins the round
with the join code, answers every question at a
compressed human pace (one change every 0.5-2 s), moves through the steps and finishes. The
same N then run against a minimal Streamlit app with the same shape (the floor). Both servers
run on a temporary database, on loopback ports, and are stopped at the end.

A click's time is its round trip: from sending the widget change to the end of the server's
rerun (a run that switches page counts until the new page is drawn). Opening the link counts
from the first request to a drawn page with its widget code loaded.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessment import config

MAX_USERS = 500
THINK = (0.5, 2.0)  # seconds between one change and the next
KINDS = ("open", "side", "join", "answer", "next", "finish")
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"


@dataclass
class Tally:
    """What one room of phones saw."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)
    answers_sent: int = 0
    picked: int = 0  # answers picked inside a form: no round trip of their own
    finished: int = 0
    files: int = 0
    bytes: int = 0


async def _phone(
    origin: str,
    join_code: str,
    rng: random.Random,
    tally: Tally,
    start: asyncio.Event,
    think: tuple[float, float],
) -> None:
    from assessment.loadtest import http
    from assessment.loadtest.session import Session

    await start.wait()
    fetched = http.Fetched()
    browser = http.Browser(origin, fetched)
    session = Session(origin, "/", f"join={join_code}")
    try:
        began = time.perf_counter()
        entry, loaded = await http.open_page(browser, f"/?join={join_code}")
        await session.open()
        _, run = await session.click()
        await http.load_widget_code(browser, entry, run.element_types, loaded)
        tally.times["open"].append(time.perf_counter() - began)
        tally.errors += run.errors

        async def click(kind: str, change: Any) -> Any:
            await asyncio.sleep(rng.uniform(*think))
            took, run = await session.click(change)
            tally.times[kind].append(took)
            tally.errors.extend(run.errors)
            await http.load_widget_code(browser, entry, run.element_types, loaded)
            return run

        side = session.find("start_side")
        if side is not None and rng.random() < 0.5:  # a room is half IT, half marketing
            await click("side", session.choose(side, 1))
        join = session.find("start_join")
        if join is None:
            raise RuntimeError("no Join button on the join link's page")
        await click("join", session.press(join))
        for _ in range(100):  # steps; a questionnaire has far fewer
            picked = 0  # answers held by the browser in the step's form, sent with its button
            for widget in list(session.widgets.values()):
                if (
                    widget.kind == "radio"
                    and widget.key.startswith("qn_")
                    and not session.values[widget.id].HasField("string_value")
                ):
                    change = session.choose(widget, rng.randrange(len(widget.proto.options)))
                    if widget.proto.form_id:
                        await asyncio.sleep(rng.uniform(*think))
                        session.pick(change)
                        tally.picked += 1
                        picked += 1
                    else:
                        await click("answer", change)
                        tally.answers_sent += 1
            finish, forward = session.find("qn_finish"), session.find("qn_next")
            if finish is not None:
                await click("finish", session.press(finish))
                tally.answers_sent += picked
                tally.finished += 1
                break
            if forward is None:
                raise RuntimeError("neither Next nor Finish on the page")
            await click("next", session.press(forward))
            tally.answers_sent += picked
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        tally.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        tally.files += fetched.files
        tally.bytes += fetched.bytes
        await session.close()
        browser.close()


async def _room(
    origin: str,
    join_code: str,
    users: int,
    seed: int,
    tally: Tally,
    timeout: float,
    think: tuple[float, float],
) -> None:
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(_phone(origin, join_code, random.Random(seed + i), tally, start, think))
        for i in range(users)
    ]
    start.set()  # everyone opens the link at the same moment
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        tally.errors += [f"not finished within {timeout:.0f} s"] * len(pending)


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "count": len(values),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * p95, 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


def _drive(
    origin: str,
    join_code: str,
    users: int,
    seed: int,
    timeout: float,
    server: Any,
    think: tuple[float, float],
) -> dict[str, Any]:
    """Warm the server with one page load, then send the room; server CPU counts the room only."""
    from assessment.loadtest import http
    from assessment.loadtest.session import Session

    async def warm() -> None:
        browser = http.Browser(origin, http.Fetched())
        await http.open_page(browser, "/")
        session = Session(origin, "/", "")
        await session.open()
        await session.click()
        await session.close()
        browser.close()

    asyncio.run(warm())
    tally = Tally()
    cpu_before, began = server.cpu_seconds(), time.perf_counter()
    asyncio.run(_room(origin, join_code, users, seed, tally, timeout, think))
    wall = time.perf_counter() - began
    cpu = server.cpu_seconds() - cpu_before
    clicks = sum(len(v) for k, v in tally.times.items() if k != "open")
    return {
        "clicks": {
            **{kind: _summary(values) for kind, values in tally.times.items()},
            "all": _summary([t for kind, values in tally.times.items() if kind != "open" for t in values]),
        },
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:5],
        "sessions_finished": tally.finished,
        "answers_sent": tally.answers_sent,
        "answers_picked_in_form": tally.picked,
        "server_cpu_s": round(cpu, 2),
        "server_cpu_ms_per_click": round(1000 * cpu / clicks, 1) if clicks else None,
        "peak_rss_mb": round(server.peak_rss_mb(), 1),
        "wall_s": round(wall, 1),
        "files_per_phone": round(tally.files / users, 1),
        "kb_per_phone": round(tally.bytes / users / 1024, 1),
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(
    users: int,
    *,
    via_proxy: bool = False,
    seed: int = 1,
    timeout: float = 900.0,
    floor: bool = True,
    think: tuple[float, float] = THINK,
) -> dict[str, Any]:
    """Run the room against Tandem (and the floor app) and return every figure as a dict."""
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"--users must be from 1 to {MAX_USERS}")
    from assessment.loadtest import servers

    figures: dict[str, Any] = {
        "users": users,
        "via_proxy": via_proxy,
        "think_s": list(think),
        "cpus": os.cpu_count(),
        "load_before": _load(),
    }
    with tempfile.TemporaryDirectory(prefix="tandem-loadtest-") as tmp:
        work = Path(tmp)
        db_path = str(work / "tandem.duckdb")
        join_code, round_id = _prepare_database(db_path)
        targets = [("tandem", config.ROOT / "app.py", db_path)]
        if floor:
            targets.append(("floor", FLOOR_APP, None))
        for name, script, db in targets:
            started: list[servers.Process] = []
            try:
                app_port = servers.free_port()
                app = servers.start_app(script, app_port, work, db, name)
                started.append(app)
                port = app_port
                if via_proxy:
                    proxy, port = servers.start_nginx(app_port, work / name)
                    started.append(proxy)
                result = _drive(f"http://127.0.0.1:{port}", join_code, users, seed, timeout, app, think)
                if via_proxy:
                    result["proxy_cpu_s"] = round(proxy.cpu_seconds(), 2)
            finally:
                for process in reversed(started):
                    process.stop()
            figures[name] = result
        figures["tandem"].update(_check_database(db_path, round_id))
    figures["load_after"] = _load()
    figures["loadtest_cpu_s"] = round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)
    return figures


def _prepare_database(db_path: str) -> tuple[str, str]:
    """A database as `make run` leaves it (the labelled synthetic sample) with one open
    workshop round."""
    from assessment.cli import current_questionnaire
    from assessment.demo import seed_demo
    from assessment.store import Store

    store = Store(db_path)
    try:
        questionnaire = current_questionnaire()
        seed_demo(store, questionnaire, 40, seed=7)
        org = store.create_organisation("Load test Ltd", "Retail", "250-999", "Europe")
        rnd = store.create_round(org.id, "Workshop", questionnaire, kind="consultant")
        return rnd.join_code or "", rnd.id
    finally:
        store.close()


def _check_database(db_path: str, round_id: str) -> dict[str, Any]:
    """After the app has stopped: what was stored, and whether the round's stored scores equal
    a fresh recompute."""
    from assessment.cli import current_questionnaire
    from assessment.scoring import score_round
    from assessment.store import Store

    store = Store(db_path)
    try:
        questionnaire = current_questionnaire()
        expected = score_round(questionnaire, store.respondents_of(round_id, completed_only=True))
        stored = store.round_scores(round_id)
        want = {d: expected.dimensions[d].value for d in questionnaire.dimension_ids}
        want["overall"] = expected.overall
        current = all(
            (stored.get(k) is None) if v is None else abs((stored.get(k) or -99) - v) < 1e-9
            for k, v in want.items()
        )
        finished = sum(1 for _ in store.respondents_of(round_id, completed_only=True))
        return {
            "answers_stored": store.answer_count(round_id),
            "respondents_finished_stored": finished,
            "scores_current": current,
        }
    finally:
        store.close()


def format_text(figures: dict[str, Any]) -> str:
    """The figures as a table a person reads."""
    lines = [
        f"{figures['users']} phones{' through nginx' if figures['via_proxy'] else ''} on {figures['cpus']} cores;"
        f" load average before {figures['load_before']}, after {figures['load_after']}",
    ]
    for name in ("tandem", "floor"):
        result = figures.get(name)
        if result is None:
            continue
        lines.append("")
        lines.append(
            f"{name}: {result['wall_s']} s, {result['errors']} errors, {result['sessions_finished']} finished"
        )
        lines.append(f"  {'click':<8}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for kind, s in result["clicks"].items():
            if s["count"]:
                lines.append(f"  {kind:<8}{s['count']:>7}{s['p50_ms']:>10}{s['p95_ms']:>10}{s['max_ms']:>10}")
        lines.append(
            f"  server CPU {result['server_cpu_s']} s ({result['server_cpu_ms_per_click']} ms a click),"
            f" peak memory {result['peak_rss_mb']} MB;"
            f" {result['files_per_phone']} files, {result['kb_per_phone']} kB per phone"
        )
        if result.get("answers_picked_in_form"):
            lines.append(
                f"  {result['answers_picked_in_form']} answers picked inside a step's form: no round trip"
                " of their own; each step's answers travel with its Next or Finish click"
            )
        if "answers_stored" in result:
            lines.append(
                f"  answers sent / stored {result['answers_sent']} / {result['answers_stored']};"
                f" stored scores current: {result['scores_current']}"
            )
        if "proxy_cpu_s" in result:
            lines.append(f"  nginx CPU {result['proxy_cpu_s']} s")
        for sample in result["error_samples"]:
            lines.append(f"  error: {sample}")
    return "\n".join(lines)
