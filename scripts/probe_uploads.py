"""Measure what an anonymous visitor can upload to a running Tandem (issue 13).

Usage: python scripts/probe_uploads.py http://127.0.0.1:8501 [--files 10] [--mb 49] [--pid PID]

Opens a Streamlit session over the websocket as a browser would (never signing in), then PUTs
files to Streamlit's upload endpoint for that session. Prints each HTTP status and, with --pid,
the server's resident memory before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid

import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def session_id(base: str) -> tuple[str, object]:
    ws = await websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream", max_size=None)
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    await ws.send(msg.SerializeToString())
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 30))
        if fwd.WhichOneof("type") == "new_session":
            return fwd.new_session.initialize.session_id, ws


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--mb", type=float, default=49)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    http = requests.Session()
    # Streamlit's XSRF check compares the header with the cookie, both sent by the client: any
    # script can make a matching pair (it only stops other web sites' pages from uploading).
    xsrf = generate_xsrf_token_string()
    http.cookies.set("_streamlit_xsrf", xsrf)

    async def run() -> dict:
        sid, ws = await session_id(args.base)
        before = rss_mb(args.pid) if args.pid else None
        statuses = []
        payload = b"x" * int(args.mb * 2**20)
        for _ in range(args.files):
            url = f"{args.base}/_stcore/upload_file/{sid}/{uuid.uuid4()}"
            response = await asyncio.to_thread(
                http.put, url, files={"file": ("b.csv", payload, "text/csv")},
                headers={"X-Xsrftoken": xsrf}, timeout=120,
            )  # fmt: skip
            statuses.append(response.status_code)
        after = rss_mb(args.pid) if args.pid else None
        await ws.close()
        return {"session": sid[:8], "statuses": statuses, "rss_before_mb": before, "rss_after_mb": after}

    print(json.dumps(asyncio.run(run())))


if __name__ == "__main__":
    main()
