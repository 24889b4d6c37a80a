"""Limiting guesses of join codes and the console password, per client, across its sessions.

One ``Throttle`` per process holds every client's recent failures, so opening more browser tabs
(sessions) does not buy more guesses. Nobody is made to sleep: after a client's free failures,
each further failure locks that client out for twice as long as the one before (1 s, 2 s, 4 s
... at most ``MAX_LOCK_S``), and while it is locked out its attempts are refused at once without
being checked. Another client's failures never lock anyone else out, so a correct code or
password from anyone else goes straight through.

A "client" is the address that connected, or, when that address is a proxy the operator named
in ``TANDEM_TRUSTED_PROXIES``, the address that proxy says it forwarded for (see
``client_key``). Forwarding headers from anyone else are ignored: a fresh ``X-Forwarded-For``
per session buys nothing.

Failures are kept in memory for ``WINDOW_S``. A restart forgets them, which gives a client at
most one more set of free failures per restart; visitors cannot restart the app, so this is
documented rather than stored.
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from assessment.i18n import ngettext

WINDOW_S = 15 * 60
FREE_FAILURES = {"join": 10, "password": 5}  # a workshop's typos never lock anyone out
BASE_LOCK_S = 1.0
MAX_LOCK_S = 60.0
MAX_CLIENTS = 50_000  # memory bound: the oldest entries go first beyond this


def lock_for(kind: str, failures: int) -> float:
    """Seconds a client is locked out after its ``failures``-th recent failure."""
    over = failures - FREE_FAILURES.get(kind, 5)
    if over <= 0:
        return 0.0
    return min(BASE_LOCK_S * 2 ** (over - 1), MAX_LOCK_S)


@dataclass
class _Client:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


@dataclass
class Throttle:
    """Thread-safe, in memory, one per process."""

    window_s: float = WINDOW_S
    _clients: dict[tuple[str, str], _Client] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, kind: str, client: str, now: float | None = None) -> float:
        """Seconds before this client may try again (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._clients.get((kind, client))
            return max(entry.locked_until - now, 0.0) if entry else 0.0

    def failures(self, kind: str, client: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._clients.get((kind, client))
            return len([t for t in entry.failures if now - t < self.window_s]) if entry else 0

    def fail(self, kind: str, client: str, now: float | None = None) -> float:
        """Record a failure; returns how long this client is now locked out."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._clients.pop((kind, client), None) or _Client()
            entry.failures = [t for t in entry.failures if now - t < self.window_s] + [now]
            lock = lock_for(kind, len(entry.failures))
            entry.locked_until = max(entry.locked_until, now + lock)
            self._clients[(kind, client)] = entry  # re-inserted: the dict stays oldest-first
            while len(self._clients) > MAX_CLIENTS:
                del self._clients[next(iter(self._clients))]
            return lock

    def attempt(self, kind: str, client: str, now: float | None = None) -> float:
        """Start a try: returns 0 and counts the try as failed until ``succeeded`` says
        otherwise, or returns the seconds this client must still wait (the try is refused and
        not counted). Checking and counting are one step, so tries from many sessions at once
        cannot all slip through before the first failure is counted."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._clients.get((kind, client))
            if entry is not None and entry.locked_until > now:
                return entry.locked_until - now
        self.fail(kind, client, now)
        return 0.0

    def succeeded(self, kind: str, client: str, *, forget: bool = False) -> None:
        """A try started with ``attempt`` was right: it no longer counts as a failure. With
        ``forget`` (the console password: whoever knows it needs no guesses) every failure of
        the client is forgotten; a join code forgets only its own try, so a code someone was
        given cannot reset a guesser's count."""
        with self._lock:
            entry = self._clients.get((kind, client))
            if entry is None:
                return
            if forget or len(entry.failures) <= 1:
                del self._clients[(kind, client)]
                return
            entry.failures.pop()
            entry.locked_until = entry.failures[-1] + lock_for(kind, len(entry.failures))

    def succeed(self, kind: str, client: str) -> None:
        """Forget every failure of a client."""
        self.succeeded(kind, client, forget=True)


# which client ------------------------------------------------------------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.1,::1"  # what the web server (uvicorn) trusts unless FORWARDED_ALLOW_IPS says otherwise


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """``"10.0.0.5, 192.168.0.0/24, ::1"`` as networks; raises ValueError naming a bad entry."""
    out = []
    for item in (text or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "*":
            raise ValueError("'*' would trust every address's forwarding header; name the proxies instead")
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"{item!r} is not an IP address or network") from exc
    return tuple(out)


def _is_in(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _hops(forwarded_for: Iterable[str]) -> list[str]:
    return [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]


def _pick(hops: list[str], trusted: Iterable[Network]) -> str:
    """The first address from the right that is not a trusted proxy (as uvicorn does)."""
    trusted = tuple(trusted)
    for hop in reversed(hops):
        if not _is_in(hop, trusted):
            return hop
    return hops[0]


def server_networks(text: str | None) -> tuple[Network, ...]:
    """uvicorn's FORWARDED_ALLOW_IPS as networks ("*" is everything; unparsable entries such
    as unix sockets are left out)."""
    out: list[Network] = []
    for item in (LOOPBACK if text is None else text).split(","):
        item = item.strip()
        if item == "*":
            out += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        elif item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                continue
    return tuple(out)


def _within(inner: tuple[Network, ...], outer: tuple[Network, ...]) -> bool:
    return all(any(n.version == o.version and n.subnet_of(o) for o in outer) for n in inner)


def client_key(
    peer: str | None,
    forwarded_for: Iterable[str],
    trusted: tuple[Network, ...],
    server_trusted: tuple[Network, ...],
) -> str:
    """The throttle's key for one request.

    ``peer`` is the address the web server reports. The server (uvicorn) has already replaced
    the real peer with a forwarded address when the real peer was one of ``server_trusted``
    (its FORWARDED_ALLOW_IPS, loopback by default). ``trusted`` is the operator's own list,
    TANDEM_TRUSTED_PROXIES. When the two agree (``make run`` makes them agree) the server's
    answer is ours. When they do not, a forwarded address the operator did not vouch for is
    never used: every such request shares one key, so forging the header gains nothing."""
    peer = peer if isinstance(peer, str) and peer else "127.0.0.1"  # None: a loopback visitor
    hops = _hops(v for v in forwarded_for if isinstance(v, str))
    if not hops or set(server_trusted) == set(trusted):
        return peer
    if peer == _pick(hops, server_trusted):  # the server may have put a forwarded address here
        if _within(server_trusted, trusted):  # whichever proxy it was, the operator trusts it
            return _pick(hops, trusted)
        return "via:" + ",".join(sorted(str(n) for n in server_trusted))
    if _is_in(peer, trusted):  # a proxy the operator named, which the server did not trust
        return _pick(hops, trusted)
    return peer


def operator_trusted() -> tuple[Network, ...]:
    """TANDEM_TRUSTED_PROXIES: the proxies whose X-Forwarded-For is believed (default: none)."""
    return parse_networks(os.environ.get("TANDEM_TRUSTED_PROXIES"))


def server_trusted() -> tuple[Network, ...]:
    """What the web server itself trusts (uvicorn's FORWARDED_ALLOW_IPS, loopback by default)."""
    return server_networks(os.environ.get("FORWARDED_ALLOW_IPS"))


def describe_wait(seconds: float) -> str:
    n = math.ceil(seconds)
    return ngettext("{n} second", "{n} seconds", n).format(n=n)
