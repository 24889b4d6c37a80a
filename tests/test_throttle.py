"""Guessing limits hold across a client's sessions, and only for that client."""

from __future__ import annotations

import base64
import hashlib
import threading

import pytest
from streamlit.testing.v1 import AppTest

from assessment import auth, throttle
from assessment.throttle import Throttle, client_key, parse_networks, server_networks
from tests.conftest import APP

LOOPBACK = server_networks(None)


def test_failures_from_every_session_of_a_client_add_up():
    """24 sessions of one client share its budget: the 6th failure locks all of them out."""
    t = Throttle()
    barrier = threading.Barrier(24)

    def session() -> None:
        barrier.wait()
        t.fail("password", "203.0.113.9", now=1000.0)

    threads = [threading.Thread(target=session) for _ in range(24)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert t.failures("password", "203.0.113.9", now=1000.0) == 24
    assert t.wait("password", "203.0.113.9", now=1000.0) == throttle.MAX_LOCK_S
    assert t.wait("password", "198.51.100.7", now=1000.0) == 0  # anyone else: straight through


def test_simultaneous_tries_cannot_slip_past_the_count():
    """24 sessions trying at the same instant: only the free tries are checked."""
    t = Throttle()
    barrier = threading.Barrier(24)
    allowed = []

    def session() -> None:
        barrier.wait()
        allowed.append(t.attempt("password", "203.0.113.9", now=50.0) == 0)

    threads = [threading.Thread(target=session) for _ in range(24)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(allowed) == throttle.FREE_FAILURES["password"] + 1  # the free ones, and the one that locks


def test_a_right_join_code_forgets_only_its_own_try():
    t = Throttle()
    for _ in range(3):
        t.attempt("join", "office", now=1.0)
    assert t.attempt("join", "office", now=1.0) == 0
    t.succeeded("join", "office")
    assert t.failures("join", "office", now=1.0) == 3
    t.succeeded("password", "office", forget=True)  # another kind: nothing to forget
    t.succeed("join", "office")
    assert t.failures("join", "office", now=1.0) == 0


def test_a_workshop_typo_locks_nobody_out():
    t = Throttle()
    for _ in range(throttle.FREE_FAILURES["join"]):
        assert t.fail("join", "office", now=5.0) == 0
    assert t.wait("join", "office", now=5.0) == 0


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(throttle, "MAX_CLIENTS", 100)
    t = Throttle()
    for i in range(1000):
        t.fail("join", f"client-{i}", now=1.0)
    assert len(t._clients) == 100
    assert t.failures("join", "client-999", now=1.0) == 1  # the newest are kept


def test_forwarding_headers_are_ignored_unless_the_proxy_is_named():
    none = parse_networks("")
    # Direct visitors forging the header: the address that connected is the key.
    assert client_key("198.51.100.7", ["1.1.1.1"], none, none) == "198.51.100.7"
    # The web server trusted loopback and already put the forged address in `peer`: every such
    # request shares one key, whatever the header says.
    keys = {client_key(f"10.9.{i}.1", [f"10.9.{i}.1"], none, LOOPBACK) for i in range(24)}
    assert len(keys) == 1 and keys.pop().startswith("via:")
    # Loopback without a header is just loopback.
    assert client_key(None, [], none, LOOPBACK) == "127.0.0.1"


def test_a_named_proxy_is_believed():
    proxy = parse_networks("10.0.0.5")
    # make run: the web server trusts the same proxies, so its answer is ours.
    assert client_key("203.0.113.9", ["203.0.113.9"], proxy, proxy) == "203.0.113.9"
    # The server trusts loopback only; the operator names 10.0.0.5 and it connects directly.
    assert client_key("10.0.0.5", ["6.6.6.6, 203.0.113.9"], proxy, LOOPBACK) == "203.0.113.9"
    # A proxy chain: the first address from the right that is not a named proxy.
    chain = parse_networks("10.0.0.0/24")
    assert client_key("10.0.0.5", ["203.0.113.9, 10.0.0.7"], chain, chain) == "10.0.0.5"
    assert client_key("10.0.0.5", ["203.0.113.9, 10.0.0.7"], chain, LOOPBACK) == "203.0.113.9"
    # The operator trusts loopback as the proxy, as the server does by default.
    both = parse_networks("127.0.0.1, ::1")
    assert client_key("203.0.113.9", ["203.0.113.9"], both, LOOPBACK) == "203.0.113.9"


@pytest.mark.parametrize("bad", ["*", "10.0.0.300", "proxy.example"])
def test_trusted_proxy_setting_is_checked(bad):
    with pytest.raises(ValueError):
        parse_networks(bad)


def _old_hash(password: str, n: int = 2**14) -> str:
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=8, p=1, dklen=32)
    return f"scrypt${n}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_old_hashes_verify_and_ask_for_an_upgrade():
    old = _old_hash("an older console password")
    assert auth.verify_password("an older console password", old)
    assert auth.needs_upgrade(old)
    assert not auth.needs_upgrade(auth.hash_password("a brand new password"))
    assert not auth.verify_password("anything at all", "scrypt$4194304$8$1$AAAA$AAAA")  # refused, not run


def _console(db_path):
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("pages/console.py").run()


def _sign_in(at, password):
    at.text_input(key="console_login_password").input(password)
    at.button(key="FormSubmitter:console_login-Sign in").click().run()
    return at


def test_sign_in_upgrades_an_old_hash(db_path, monkeypatch):
    old = _old_hash("an older console password")
    monkeypatch.setenv(auth.ENV_VAR, old)
    at = _sign_in(_console(db_path), "an older console password")
    assert at.title[0].value == "Consultant console"
    from assessment.ui import _open_store

    upgraded = _open_store(db_path).operations.upgraded_console_hash(old)
    assert upgraded is not None and auth.parameters(upgraded) == (auth.N, auth.R, auth.P)
    assert auth.verify_password("an older console password", upgraded)
    # The next sign-in verifies against the upgraded hash, in a new session.
    at = _sign_in(_console(db_path), "an older console password")
    assert at.title[0].value == "Consultant console"
    assert not [e for e in at.error if "not right" in e.value]


def test_wrong_passwords_in_many_sessions_lock_this_client_out(db_path, monkeypatch):
    monkeypatch.setenv(auth.ENV_VAR, auth.hash_password("the right password"))
    monkeypatch.setattr(throttle, "BASE_LOCK_S", 60.0)  # no test may depend on how fast it runs
    for attempt in range(throttle.FREE_FAILURES["password"] + 1):
        at = _sign_in(_console(db_path), f"wrong guess {attempt}")  # a new session every time
        assert "not right" in at.error[0].value
    at = _sign_in(_console(db_path), "the right password")  # refused unchecked while locked out
    assert "Too many wrong passwords" in at.error[0].value
    assert "console_unlocked" not in at.session_state


def test_a_room_opening_one_join_link_counts_only_wrong_codes(db_path, monkeypatch, current):
    """Phones behind one address open the same link at once: a lookup under way is not a failure
    (counting it as one until it succeeded locked rooms out under load); a wrong code is one, and
    while the address is locked out the code is neither looked up nor remembered as wrong."""
    from assessment import ui
    from assessment.store import Store

    seed = Store(db_path)
    org = seed.create_organisation("Room Co", "Retail", "1-249", "Europe")
    code = seed.create_round(org.id, "Workshop", current, kind="consultant").join_code
    seed.close()
    assert code
    monkeypatch.setattr(throttle, "BASE_LOCK_S", 60.0)
    calls: list[tuple[str, str]] = []
    lookup, fail = Store.round_by_join_code, Throttle.fail
    monkeypatch.setattr(Store, "round_by_join_code", lambda s, c: calls.append(("lookup", c)) or lookup(s, c))
    monkeypatch.setattr(Throttle, "fail", lambda s, k, c, now=None: calls.append(("fail", k)) or fail(s, k, c, now))
    ui._throttle.clear()

    def open_link(join: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["join"] = join
        return at.run()

    for _ in range(throttle.FREE_FAILURES["join"] + 5):  # more phones than the free failures
        at = open_link(code)
        assert not at.exception and not at.warning
        assert any("invited to **Room Co**" in i.value for i in at.info)
    assert ("fail", "join") not in calls and calls.count(("lookup", code)) >= throttle.FREE_FAILURES["join"] + 5

    calls.clear()
    for i in range(throttle.FREE_FAILURES["join"] + 1):
        wrong = f"ZZZZ-ZZZZ-ZZZZ-{i:04d}"
        assert "not valid" in open_link(wrong).warning[0].value
    assert calls.count(("fail", "join")) == throttle.FREE_FAILURES["join"] + 1
    calls.clear()
    at = open_link(code)  # this address is now locked out: refused, not looked up, not remembered
    assert "not valid" in at.warning[0].value
    assert ("lookup", code) not in calls and "start_join_lookup" not in at.session_state
    ui._throttle.clear()
