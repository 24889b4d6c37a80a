"""A consultant stays signed in across browser reloads for a bounded time.

Streamlit keeps no state across a reload, so after a correct password the browser receives a
cookie holding an expiry time and an HMAC of it. The HMAC key is derived from the configured
password hash, which only the server knows: changing the password ends every session at once.
The token carries no identity and nothing secret; it only proves "signed in until T".
"""

from __future__ import annotations

import hashlib
import hmac
import time

COOKIE = "tandem_console"
LIFETIME_S = 8 * 3600  # a working day; then the password is asked again


def _key(stored_hash: str) -> bytes:
    return hashlib.sha256(b"tandem console session\x00" + stored_hash.encode()).digest()


def issue(stored_hash: str, now: float | None = None, lifetime: int = LIFETIME_S) -> str:
    expires = int((now if now is not None else time.time()) + lifetime)
    mac = hmac.new(_key(stored_hash), str(expires).encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{mac}"


def valid(token: str | None, stored_hash: str, now: float | None = None) -> bool:
    """True for an unexpired token signed with this password hash; anything else is refused."""
    if not token or token.count(".") != 1:
        return False
    expires, mac = token.split(".")
    if not expires.isdigit():
        return False
    expected = hmac.new(_key(stored_hash), expires.encode(), hashlib.sha256).hexdigest()
    fresh = int(expires) > (now if now is not None else time.time())
    return hmac.compare_digest(mac, expected) and fresh


def set_cookie_script(token: str, lifetime: int = LIFETIME_S) -> str:
    """The script that stores the token in the browser (Streamlit cannot set cookies itself)."""
    safe = token if all(c.isalnum() or c == "." for c in token) else ""
    return (
        f"<script>document.cookie = '{COOKIE}={safe}; Max-Age={lifetime}; Path=/; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def clear_cookie_script() -> str:
    return f"<script>document.cookie = '{COOKIE}=; Max-Age=0; Path=/; SameSite=Strict';</script>"
