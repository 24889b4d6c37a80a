"""What a browser fetches when it opens the join link, over plain HTTP/1.1 on loopback.

Chromium loads the page, every script and font the page names (the module preloads), then the
health and host-config checks, and, once the first run has drawn the page, the code chunk of
each kind of widget on it with that chunk's own imports. Six keep-alive connections per
browser, gzip accepted, as Chromium does. This client does the same, so the server (or the
proxy in front of it) serves the same files.

Every phone is simulated by one process on the machine under test, so this client does only the
work it must: a body is decompressed only where it is read (the page, the entry script, the
widget chunks whose imports it follows), and a static file's text, whose name carries its hash,
is decoded once for the whole room. A phone does that work on its own processor; here it would
take the processor the server is being measured on.
"""

from __future__ import annotations

import asyncio
import gzip
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CONNECTIONS = 6  # Chromium's limit per host for HTTP/1.1
_TAG = re.compile(r"<(?:script|link)\b([^>]*)>", re.I)
_URL = re.compile(r'(?:src|href)="\./([^"]+)"')
_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*"\./([^"]+\.js)"')
_FONT = re.compile(r"\./(MaterialSymbols-Rounded\.[A-Za-z0-9_-]+\.woff2)")


class HttpError(RuntimeError):
    pass


@dataclass
class Fetched:
    files: int = 0
    bytes: int = 0  # on the wire (compressed when the server compressed)
    texts: dict[str, str] = field(default_factory=dict)  # decoded bodies of pages and scripts


# The decoded text of each static file, shared by every phone of a run (see the docstring).
_STATIC_TEXTS: dict[str, str] = {}


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise HttpError("connection closed before a response")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


class Browser:
    """One phone's HTTP side: a pool of keep-alive connections to one loopback origin."""

    def __init__(self, origin: str, fetched: Fetched) -> None:
        parts = urlsplit(origin)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError("the load test talks to loopback only")
        self.host, self.port = parts.hostname, parts.port or 80
        self.fetched = fetched
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(CONNECTIONS)

    async def get(self, path: str, *, keep_text: bool = False) -> str | None:
        """Fetch ``path``; its text when ``keep_text`` (also kept in ``fetched.texts``)."""
        async with self._slots:
            # An idle connection the server has since closed (keep-alive timeout) is retried
            # once on a new one, as browsers do.
            for reused in (bool(self._idle), False):
                conn = self._idle.pop() if reused else await asyncio.open_connection(self.host, self.port)
                reader, writer = conn
                try:
                    writer.write(
                        f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n"
                        "User-Agent: tandem-loadtest\r\nConnection: keep-alive\r\n\r\n".encode()
                    )
                    await writer.drain()
                    status, headers, body = await _read_response(reader)
                except (HttpError, ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    if reused:
                        continue
                    raise
                break
            if headers.get("connection", "").lower() == "close":
                writer.close()
            else:
                self._idle.append(conn)
        if status != 200:
            raise HttpError(f"GET {path} answered {status}")
        self.fetched.files += 1
        self.fetched.bytes += len(body)
        if not keep_text:
            return None
        shared = path.startswith("/static/")  # hashed names: the same text for every phone
        text = _STATIC_TEXTS.get(path) if shared else None
        if text is None:
            if headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            text = body.decode("utf-8", "replace")
            if shared:
                _STATIC_TEXTS[path] = text
        self.fetched.texts[path] = text
        return text

    async def get_all(self, paths: list[str], *, keep_text: bool = False) -> None:
        await asyncio.gather(*(self.get(p, keep_text=keep_text) for p in paths))

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


async def open_page(browser: Browser, path_and_query: str) -> tuple[str, set[str]]:
    """The page and everything it names, as Chromium loads them. Returns the entry script's
    path (its text is kept: it names the widget chunks) and the scripts now loaded."""
    html = await browser.get(path_and_query, keep_text=True) or ""
    assets = []
    for attrs in _TAG.findall(html):
        found = _URL.search(attrs)
        if found and "service-desc" not in attrs:  # an API description: browsers do not fetch it
            assets.append("/" + found.group(1))
    scripts = [a for a in assets if a.endswith(".js")]
    entry = next((a for a in scripts if "/index." in a), scripts[0] if scripts else "")
    await asyncio.gather(*(browser.get(a, keep_text=a == entry) for a in assets))
    await browser.get_all(["/_stcore/health", "/_stcore/host-config"])
    font = _FONT.search(browser.fetched.texts.get(entry, ""))
    if font:  # the icon font, which the navigation draws with
        await browser.get("/static/media/" + font.group(1))
    return entry, {a.rsplit("/", 1)[-1] for a in scripts}


async def load_widget_code(browser: Browser, entry: str, element_types: set[str], loaded: set[str]) -> None:
    """The code chunks for the kinds of element the page shows, with their static imports,
    leaving out what this browser already has (``loaded`` is updated)."""
    index = browser.fetched.texts.get(entry, "")
    todo = []
    for kind in element_types:
        camel = "".join(w.capitalize() for w in kind.split("_"))
        found = re.search(rf'"\./({re.escape(camel)}\.[A-Za-z0-9_-]+\.js)"', index)
        if found:
            todo.append(found.group(1))
    while todo:
        wanted = [name for name in dict.fromkeys(todo) if name not in loaded]
        todo = []
        loaded.update(wanted)
        paths = [f"/static/js/{name}" for name in wanted]
        await browser.get_all(paths, keep_text=True)
        for path in paths:
            todo += _IMPORT.findall(browser.fetched.texts.pop(path, ""))
