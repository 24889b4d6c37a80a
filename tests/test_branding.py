"""Branding: validated once, kept in the store, neutral when unset."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assessment import branding
from assessment.branding import NEUTRAL, BrandingError, contrast, hex_to_rgb


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 100), colour=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def test_unset_branding_is_tandems_neutral_style(store):
    assert store.branding.current() == NEUTRAL
    assert not NEUTRAL.custom and NEUTRAL.logo is None and NEUTRAL.name == "Tandem"


def test_branding_is_stored_and_read_back_with_its_logo(store):
    logo = image_bytes()
    saved = store.branding.save("  Northwind Advisory ", "7b2d8e", "Northwind · Confidential", logo)
    again = store.branding.current()
    assert again == saved
    assert again.custom and again.name == "Northwind Advisory" and again.colour == "#7B2D8E"
    assert again.footer == "Northwind · Confidential"
    assert again.logo is not None and again.logo.data == logo
    assert (again.logo.kind, again.logo.width, again.logo.height) == ("png", 300, 100)


def test_editing_keeps_the_logo_unless_told_to_drop_it(store):
    store.branding.save("Northwind", "#123456", "", image_bytes("JPEG"))
    store.branding.save("Northwind Advisory", "#123456", "new footer")
    kept = store.branding.current()
    assert kept.name == "Northwind Advisory" and kept.logo is not None and kept.logo.kind == "jpeg"
    store.branding.save("Northwind Advisory", "#123456", "new footer", keep_logo=False)
    assert store.branding.current().logo is None
    store.branding.clear()
    assert store.branding.current() == NEUTRAL


@pytest.mark.parametrize("colour", ["#12345", "#1234567", "red", "#GGGGGG", "", "rgb(1,2,3)"])
def test_a_colour_that_is_not_rrggbb_is_refused_and_nothing_stored(store, colour):
    with pytest.raises(BrandingError, match="#1A2B3C"):
        store.branding.save("Northwind", colour, "")
    assert store.branding.current() == NEUTRAL


def test_logos_are_checked_for_type_size_and_pixels(store):
    gif = image_bytes("GIF")
    with pytest.raises(BrandingError, match="PNG or JPEG"):
        store.branding.save("N", "#000000", "", gif)
    with pytest.raises(BrandingError, match="2000"):
        store.branding.save("N", "#000000", "", image_bytes(size=(2001, 10)))
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * branding.MAX_LOGO_BYTES
    with pytest.raises(BrandingError, match="limit is 1 MB"):
        store.branding.save("N", "#000000", "", big)
    with pytest.raises(BrandingError, match="cannot be read"):
        store.branding.save("N", "#000000", "", image_bytes()[:60])  # a truncated PNG
    with pytest.raises(BrandingError, match="cannot be read"):  # a PNG signature on JPEG content
        store.branding.save("N", "#000000", "", b"\x89PNG\r\n\x1a\n" + image_bytes("JPEG"))
    assert store.branding.current() == NEUTRAL


def test_names_and_footers_are_one_line_and_bounded(store):
    with pytest.raises(BrandingError, match="cannot be empty"):
        store.branding.save("   ", "#000000", "")
    with pytest.raises(BrandingError, match="limit is 200"):
        store.branding.save("N", "#000000", "x" * 201)
    saved = store.branding.save("North\nwind\x00 Co", "#000000", "line one\r\nline two")
    assert saved.name == "North wind Co" and saved.footer == "line one line two"


@pytest.mark.parametrize("colour", ["#FFFF00", "#7FDBFF", "#FFFFFF", "#005E92", "#000000"])
def test_heading_ink_reads_on_white_whatever_the_brand_colour(colour):
    brand = branding.make_branding("N", colour, "", None)
    assert contrast(hex_to_rgb(brand.ink), (255, 255, 255)) >= 4.5
    if contrast(hex_to_rgb(colour), (255, 255, 255)) >= 4.5:
        assert brand.ink == colour  # a dark enough colour is used as it is
    fill_text = hex_to_rgb(brand.on_colour)
    assert contrast(fill_text, hex_to_rgb(colour)) >= 4.5
