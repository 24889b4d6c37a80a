"""The consultant console's password, stored only as an scrypt hash.

hashlib.scrypt is in the standard library and memory-hard; the stored form carries its own
parameters and salt (``scrypt$n$r$p$salt$hash``, base64) so they can be raised later without
invalidating existing hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

ENV_VAR = "TANDEM_ADMIN_PASSWORD_HASH"
N, R, P = 2**14, 8, 1
MIN_LENGTH = 10
HOW_TO = (
    "Set a console password: run `python -m assessment hash-password`, then put the printed hash "
    f'in the environment variable {ENV_VAR}, or as {ENV_VAR} = "..." in .streamlit/secrets.toml, '
    "and restart Tandem."
)


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"Use at least {MIN_LENGTH} characters.")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed stored hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r), p=int(p),
            dklen=len(expected),
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def looks_like_hash(value: str | None) -> bool:
    return bool(value) and value.strip().startswith("scrypt$") and value.count("$") == 5


def configured_hash(secrets_value: str | None = None) -> str | None:
    """The operator's hash: the environment variable wins over Streamlit secrets."""
    value = os.environ.get(ENV_VAR) or secrets_value
    return value.strip() if looks_like_hash(value) else None
