"""Secrets handed to people: join codes and personal resume tokens.

Join codes are read aloud and typed, so they use Crockford's base-32 alphabet (no I, L, O, U)
and forgive dashes, spaces, case and the look-alike letters. 16 symbols carry 80 bits.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_SYMBOLS = 16  # 16 x 5 bits = 80 bits of entropy
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new_join_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(JOIN_CODE_SYMBOLS))
    return "-".join(raw[i : i + 4] for i in range(0, JOIN_CODE_SYMBOLS, 4))


def normalise_join_code(text: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a code at all."""
    raw = text.strip().upper().translate(_LOOKALIKES)
    if len(raw) != JOIN_CODE_SYMBOLS or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, JOIN_CODE_SYMBOLS, 4))


def new_resume_token() -> str:
    """A personal link's secret: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


def new_id(prefix: str, nbytes: int = 6) -> str:
    """Record ids are random, not sequential, so they reveal nothing about other records."""
    return f"{prefix}-{secrets.token_hex(nbytes)}"
