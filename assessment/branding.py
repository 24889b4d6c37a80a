"""A consultancy's branding on every deliverable: name, logo, primary colour, report footer.

An administrator sets it once in the console; the store keeps it; every report format and the
workshop deck read it through ``ScoredRound.branding``. Without it, reports use Tandem's neutral
style (``NEUTRAL``). Everything a person supplies is validated here, before it is stored.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

MAX_LOGO_BYTES = 1_000_000  # 1 MB
MAX_LOGO_PIXELS = 2000  # per side
MAX_NAME = 80
MAX_FOOTER = 200
NEUTRAL_COLOUR = "#005E92"  # Tandem's accent: the charts' IT blue, darkened to read as text
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BrandingError(ValueError):
    """A branding value was refused; the message says what to change."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    kind: str  # "png" or "jpeg"
    width: int  # pixels
    height: int

    @property
    def media_type(self) -> str:
        return LOGO_TYPES[self.kind]


@dataclass(frozen=True)
class Branding:
    """What a deliverable carries of the consultancy. ``custom`` is False for Tandem's own style."""

    name: str = "Tandem"
    colour: str = NEUTRAL_COLOUR  # "#RRGGBB"
    footer: str = ""
    logo: Logo | None = None
    custom: bool = False

    @property
    def rgb(self) -> tuple[int, int, int]:
        return hex_to_rgb(self.colour)

    @property
    def ink(self) -> str:
        """The primary colour as text on white: darkened until it reads at 4.5:1 (WCAG AA), so a
        pale brand colour still gives legible headings."""
        return rgb_to_hex(readable_on_white(self.rgb))

    @property
    def ink_rgb(self) -> tuple[int, int, int]:
        return hex_to_rgb(self.ink)

    @property
    def on_colour(self) -> str:
        """Black or white, whichever reads better on a fill of the primary colour."""
        white, black = contrast(self.rgb, (255, 255, 255)), contrast(self.rgb, (0, 0, 0))
        return "#FFFFFF" if white >= black else "#000000"

    @property
    def prepared_by(self) -> str:
        return f"Prepared by {self.name}" if self.custom else "Prepared with Tandem"

    def footer_line(self, *parts: str) -> str:
        """The footer every format prints: the consultancy's footer text, else the given parts."""
        return self.footer or " · ".join(p for p in parts if p)


NEUTRAL = Branding()


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(rgb: tuple[int, int, int], ratio: float = 4.5) -> tuple[int, int, int]:
    out = rgb
    while contrast(out, (255, 255, 255)) < ratio:
        out = tuple(max(0, int(c * 0.9)) for c in out)  # type: ignore[assignment]
    return out


def clean_colour(value: str) -> str:
    """"#RRGGBB" (the "#" may be left out); anything else is refused."""
    found = _HEX.fullmatch((value or "").strip())
    if not found:
        raise BrandingError(f"The primary colour must look like #1A2B3C (six hexadecimal digits), not {value!r}.")
    return "#" + found.group(1).upper()


def clean_text(value: str, field: str, limit: int, *, required: bool) -> str:
    text = " ".join(_CONTROL.sub(" ", value or "").split())  # one line: names and footers wrap nowhere
    if required and not text:
        raise BrandingError(f"{field} cannot be empty.")
    if len(text) > limit:
        raise BrandingError(f"{field} is {len(text)} characters long; the limit is {limit}.")
    return text


def read_logo(data: bytes) -> Logo:
    """A PNG or JPEG of at most 1 MB and 2000 pixels a side, decoded in full to be sure it is one."""
    if not data:
        raise BrandingError("The logo file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingError(
            f"The logo is {len(data) / 1e6:.1f} MB; the limit is {MAX_LOGO_BYTES / 1e6:.0f} MB. Save a smaller PNG or JPEG."
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    else:
        raise BrandingError("The logo must be a PNG or JPEG image.")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != kind.upper():
                raise BrandingError("The logo's content does not match its type: save it again as PNG or JPEG.")
            if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                raise BrandingError(
                    f"The logo is {width} × {height} pixels; the limit is {MAX_LOGO_PIXELS} a side."
                )
            image.load()  # decode it all: a truncated or corrupt file fails here, not in a report
    except BrandingError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for a bad image
        raise BrandingError(f"The logo cannot be read as an image ({exc.__class__.__name__}).") from exc
    return Logo(data, kind, width, height)


def make_branding(name: str, colour: str, footer: str, logo: bytes | None) -> Branding:
    """Validated branding from what an administrator typed and uploaded."""
    return Branding(
        name=clean_text(name, "Consultancy name", MAX_NAME, required=True),
        colour=clean_colour(colour),
        footer=clean_text(footer, "Report footer", MAX_FOOTER, required=False),
        logo=read_logo(logo) if logo else None,
        custom=True,
    )
