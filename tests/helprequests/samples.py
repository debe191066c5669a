"""Sample submissions and files for the help request tests: distinctive plaintext to hunt for."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pikepdf
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from solidarity.campaigns.services import PublishingConsent
from solidarity.core.money import Money

# Each value is distinctive enough that finding it anywhere means it leaked.
PLAIN = {
    "contact": "Signal +375 29 765-43-21, ask for Aunt Zosia after 8 pm",
    "prisoner_name": "Uladzimir Kvietkouski",
    "situation": "Detained at Akrescina on the morning of 14 March after a search of the flat on Karbysheva street",
    "needs": "A lawyer named Paulina Hrabouskaja and parcels to SIZO-1",
}
AMOUNT = Money(Decimal("87654.32"), "EUR")
AMOUNT_TEXTS = ["8765432", "87654.32", "87654,32"]
GPS_TEXT = b"SpyCam Industries"
# What a caseworker gives when approving: the public pseudonym and the family's consent.
CONSENT = PublishingConsent(scope=("pseudonym", "charges"), given_by="family", given_on=date(2026, 11, 2))
APPROVAL: dict[str, Any] = {"pseudonym": "Ales M.", "consent": CONSENT}


def submission(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**PLAIN, "amount": AMOUNT}
    data.update(overrides)
    return data


def jpeg_with_metadata(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF (camera make, orientation, GPS position), XMP, an ICC profile and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = GPS_TEXT.decode()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (53.0, 54.0, 7.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (27.0, 33.0, 1.0),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(
        out, "JPEG", exif=exif, icc_profile=icc, comment=b"secret comment", xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>"
    )
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret png comment")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret xmp</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp_with_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = GPS_TEXT.decode()
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 10)).save(out, "WEBP", exif=exif, xmp=b"<x:xmpmeta>secret xmp</x:xmpmeta>")
    return out.getvalue()


PDF_AUTHOR, PDF_PRODUCER, PDF_XMP_CREATOR = "Hanna Sciapanava", "ScanSecret Pro 7.1", "Hanna S. at Akrescina"


def pdf_document(body: str = "Receipt", *, metadata: bool = False) -> bytes:
    """A one-page PDF, uncompressed so its text is findable; with metadata: an Author and a
    Producer in the document information and a creator in an XMP stream."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(f"BT 72 720 Td ({body}) Tj ET".encode())
    if metadata:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:creator"] = [PDF_XMP_CREATOR]
        pdf.docinfo["/Author"] = PDF_AUTHOR
        pdf.docinfo["/Producer"] = PDF_PRODUCER
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


PDF = pdf_document()
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
