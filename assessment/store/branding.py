"""The consultancy's branding: one row, set by an administrator in the console."""

from __future__ import annotations

from assessment.branding import NEUTRAL, Branding, make_branding, read_logo
from assessment.store.database import Database, utcnow


class BrandingQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def current(self) -> Branding:
        """The stored branding, or Tandem's neutral style when none is set."""
        rows = self.db.execute("SELECT name, colour, footer, logo FROM branding WHERE id = 1")
        if not rows:
            return NEUTRAL
        name, colour, footer, logo = rows[0]
        # Validated when stored; read again so a logo is never handed out unchecked.
        return Branding(name, colour, footer, read_logo(bytes(logo)) if logo else None, custom=True)

    def save(
        self, name: str, colour: str, footer: str, logo: bytes | None = None, *, keep_logo: bool = True
    ) -> Branding:
        """Validate and store; ``logo=None`` keeps the stored logo unless ``keep_logo`` is False.
        Raises ``BrandingError`` (nothing stored) when a value is refused."""
        if logo is None and keep_logo:
            current = self.current()
            logo = current.logo.data if current.logo else None
        branding = make_branding(name, colour, footer, logo)
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM branding WHERE id = 1")
            cur.execute(
                "INSERT INTO branding VALUES (1, ?, ?, ?, ?, ?, ?)",
                [
                    branding.name,
                    branding.colour,
                    branding.footer,
                    branding.logo.data if branding.logo else None,
                    branding.logo.kind if branding.logo else None,
                    utcnow(),
                ],
            )
        return branding

    def clear(self) -> None:
        """Back to Tandem's neutral style."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM branding WHERE id = 1")
