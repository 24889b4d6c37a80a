"""The consultant console's password, stored only as an scrypt hash.

hashlib.scrypt is in the standard library and memory-hard; the stored form carries its own
parameters and salt (``scrypt$n$r$p$salt$hash``, base64) so they can be raised later without
invalidating existing hashes. New hashes use N = 2^17, r = 8 (OWASP's minimum for scrypt):
about 0.3 s and 128 MiB per check, so at most ``CONCURRENT_CHECKS`` run at once in a process.
Hashes made with weaker parameters still verify; ``needs_upgrade`` says when to re-hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading

from assessment.i18n import N_, _

ENV_VAR = "TANDEM_ADMIN_PASSWORD_HASH"
N, R, P = 2**17, 8, 1
MAX_N = 2**20  # a stored hash asking for more is refused rather than run
CONCURRENT_CHECKS = 2
_checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)
MIN_LENGTH = 10
HOW_TO = N_(
    "Add an account: `python -m assessment users add EMAIL --role admin --password-stdin`; or set "
    "the bootstrap administrator's password: run `python -m assessment hash-password`, then put the "
    'printed hash in the environment variable {variable}, or as {variable} = "..." in '
    ".streamlit/secrets.toml, and restart Tandem. Sign-in through your identity provider is set up "
    "under [auth] in .streamlit/secrets.toml (see the README)."
)


def how_to() -> str:
    """How an operator makes the console usable, in the language in force."""
    return _(HOW_TO).format(variable=ENV_VAR)


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P, check_length: bool = True) -> str:
    if check_length and len(password) < MIN_LENGTH:
        raise ValueError(_("Use at least {count} characters.").format(count=MIN_LENGTH))
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, r, p, 32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed stored hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        if int(n) > MAX_N or int(r) * int(p) > 64:
            return False
        actual = _scrypt(
            password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected)
        )
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    with _checks:  # bounded: each check holds 128 * n * r bytes
        return hashlib.scrypt(
            password.encode(), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=130 * n * r * p + 2**20
        )


def parameters(stored: str) -> tuple[int, int, int] | None:
    try:
        scheme, n, r, p, _, _ = stored.strip().split("$")
        return (int(n), int(r), int(p)) if scheme == "scrypt" else None
    except ValueError:
        return None


def needs_upgrade(stored: str) -> bool:
    """A hash made with weaker parameters than today's, to be replaced at the next sign-in."""
    found = parameters(stored)
    return found is not None and (found[0] < N or found[1] < R)


def looks_like_hash(value: str | None) -> bool:
    return bool(value) and value.strip().startswith("scrypt$") and value.count("$") == 5


def configured_hash(secrets_value: str | None = None) -> str | None:
    """The operator's hash: the environment variable wins over Streamlit secrets."""
    value = os.environ.get(ENV_VAR) or secrets_value
    return value.strip() if looks_like_hash(value) else None
