"""Measure join-code guessing against a running Tandem (issue 13).

Usage: python scripts/probe_throttle.py http://127.0.0.1:8501 [--sessions 24] [--seconds 60]
       [--forge] [--victim CODE] [--password]

Opens N Streamlit sessions over the websocket, as browsers would, each pressing "Join" with a
wrong code as fast as the app answers. Counts the codes the app actually checked ("does not
match") and those it refused unchecked ("Too many"). --forge sends a different X-Forwarded-For
from every session. --victim CODE: one more session, from another address (127.0.0.2), joins with
the right code halfway through; prints how long that took and whether it was refused.
--password: the same with wrong console passwords (and --victim PASSWORD for the right one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

WRONG = "ABCD-EFGH-JKMN-PQRS"


class Session:
    def __init__(self, base: str, code: str, forwarded: str | None, local: str | None = None) -> None:
        self.url = base.replace("http", "ws", 1) + "/_stcore/stream"
        self.local = local
        self.query = f"join={code}"
        self.headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        self.button_id: str | None = None
        self.password_id: str | None = None
        self.page_hash = ""
        self.password = ""

    async def __aenter__(self) -> Session:
        extra = {"local_addr": (self.local, 0)} if self.local else {}
        self.ws = await websockets.connect(self.url, additional_headers=self.headers, max_size=None, **extra)
        await self.run()  # the first run draws the page: find the Join button's id
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def run(self, press: bool = False) -> list[str]:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = self.page_hash
        if press and self.password_id:
            typed = msg.rerun_script.widget_states.widgets.add()
            typed.id = self.password_id
            typed.string_value = self.password
        if press and self.button_id:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = self.button_id
            state.trigger_value = True
        await self.ws.send(msg.SerializeToString())
        alerts: list[str] = []
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), 120))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "button" and element.button.label in ("Join", "Sign in"):
                    self.button_id = element.button.id
                elif which == "text_input" and element.text_input.label == "Console password":
                    self.password_id = element.text_input.id
                elif which == "alert":
                    alerts.append(element.alert.body)
            elif kind == "script_finished":
                return alerts
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}

    async def open_console(self, password: str) -> None:
        self.query, self.password = "", password
        self.page_hash = self.pages["console"]
        await self.run()


async def attacker(base: str, i: int, forge: bool, end: float, counts: dict, password: bool) -> None:
    async with Session(base, WRONG, f"10.66.{i // 250}.{i % 250 + 1}" if forge else None) as s:
        if password:
            await s.open_console(f"wrong guess number {i}")
        while time.monotonic() < end:
            text = " ".join(await s.run(press=True))
            if "does not match" in text or "not right" in text:
                counts["checked"] += 1
            elif "Too many" in text:
                counts["refused"] += 1
            else:
                counts["other"] += 1


async def victim(base: str, code: str, delay: float, password: bool) -> dict:
    """Another client (another loopback address, as another machine would be)."""
    await asyncio.sleep(delay)
    async with Session(base, code, None, local="127.0.0.2") as s:
        if password:
            await s.open_console(code)
        started = time.monotonic()
        text = " ".join(await s.run(press=True))
        took = time.monotonic() - started
    wrong = "does not match" in text or "not right" in text
    return {"seconds": round(took, 2), "refused": "Too many" in text, "wrong": wrong}


async def main_async(args: argparse.Namespace) -> dict:
    counts = {"checked": 0, "refused": 0, "other": 0}
    start = time.monotonic()
    end = start + args.seconds
    tasks = [attacker(args.base, i, args.forge, end, counts, args.password) for i in range(args.sessions)]
    result: dict = {}
    if args.victim:
        tasks.append(victim(args.base, args.victim, args.seconds / 2, args.password))
    outcomes = await asyncio.gather(*tasks)
    if args.victim:
        result["victim"] = outcomes[-1]
    elapsed = time.monotonic() - start
    result.update({
        "guessing": "console password" if args.password else "join code",
        "sessions": args.sessions,
        "forged_header": args.forge,
        "seconds": round(elapsed, 1),
        "checked": counts["checked"],
        "checked_per_s": round(counts["checked"] / elapsed, 3),
        "refused_unchecked": counts["refused"],
        "other": counts["other"],
    })  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--forge", action="store_true")
    parser.add_argument("--victim", metavar="CODE")
    parser.add_argument("--password", action="store_true", help="guess the console password instead")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
