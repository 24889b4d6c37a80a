"""A consultant stays signed in across browser reloads for a bounded time.

Streamlit keeps no state across a reload, so after a correct password the browser receives a
cookie holding the account's e-mail, an expiry time and an HMAC of both. The HMAC key is
derived from the account's password hash (the bootstrap administrator's: the configured hash),
which only the server knows: a new password ends that account's sessions at once, and a
disabled account's cookie is refused (assessment.accounts.resume_session). The token carries
nothing secret; it only proves "this account signed in until T".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

COOKIE = "tandem_console"
LIFETIME_S = 8 * 3600  # a working day; then the password is asked again


def _key(stored_hash: str) -> bytes:
    return hashlib.sha256(b"tandem console session\x00" + stored_hash.encode()).digest()


def _encode(email: str) -> str:
    return base64.urlsafe_b64encode(email.encode()).decode().rstrip("=")


def _mac(stored_hash: str, email: str, expires: str) -> str:
    return hmac.new(_key(stored_hash), f"{email}\n{expires}".encode(), hashlib.sha256).hexdigest()


def issue(stored_hash: str, email: str, now: float | None = None, lifetime: int = LIFETIME_S) -> str:
    expires = str(int((now if now is not None else time.time()) + lifetime))
    return f"{_encode(email)}.{expires}.{_mac(stored_hash, email, expires)}"


def claimed_email(token: str | None) -> str | None:
    """The e-mail a token names (not yet checked: see ``valid``)."""
    if not token or token.count(".") != 2 or len(token) > 1024:
        return None
    encoded = token.split(".")[0]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def valid(token: str | None, stored_hash: str, now: float | None = None) -> bool:
    """True for an unexpired token signed with this key for the e-mail it names; anything
    else (another account's key, an edited e-mail or expiry) is refused."""
    email = claimed_email(token)
    if email is None:
        return False
    _, expires, mac = token.split(".")
    if not expires.isdigit():
        return False
    fresh = int(expires) > (now if now is not None else time.time())
    return hmac.compare_digest(mac, _mac(stored_hash, email, expires)) and fresh


def set_cookie_script(token: str, lifetime: int = LIFETIME_S) -> str:
    """The script that stores the token in the browser (Streamlit cannot set cookies itself)."""
    safe = token if all(c.isalnum() or c in ".-_" for c in token) else ""
    return (
        f"<script>document.cookie = '{COOKIE}={safe}; Max-Age={lifetime}; Path=/; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def clear_cookie_script() -> str:
    return f"<script>document.cookie = '{COOKIE}=; Max-Age=0; Path=/; SameSite=Strict';</script>"
