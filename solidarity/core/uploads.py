"""Uploaded files, accepted by content, cleaned, then encrypted.

The type is decided by the file's first bytes, never by its name or the browser's claim:
only PDF, JPEG, PNG and WebP pass; HTML, executables and everything else are refused.
Images are decoded and re-encoded from their pixels alone, so no EXIF (GPS position,
camera serial, time), XMP, ICC profile or comment survives; the orientation is applied
to the pixels first so photos still show upright. PDFs are rewritten with pikepdf (qpdf)
without their document information (Author, Creator, Producer, dates, title), any XMP
metadata stream (the document's or an object's) and application private data
(/PieceInfo), and with fresh file identifiers; a PDF that does not parse is refused.
They are only ever downloaded from the back office.

Encrypted bytes are stored in the database as ASCII Fernet tokens: deleting the row
deletes the file, inside the same transaction, with no plain copy or name on disk, and
`solidarity.core.crypto.reencrypt_text` rotates them like any other encrypted field.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from cryptography.fernet import InvalidToken
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from solidarity.core.crypto import DecryptionFailed, fernet
from solidarity.core.errors import DomainError

# Well above any phone photo, well below what would exhaust memory while decoding.
MAX_IMAGE_PIXELS = 50_000_000

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class UploadRefused(DomainError):
    code = "attachment_refused"


@dataclass(frozen=True, slots=True)
class CleanUpload:
    name: str
    content_type: str
    data: bytes


def size_text(limit: int) -> str:
    """A byte limit for people: "5 MB", or "2 KB" for small limits."""
    if limit >= 1024 * 1024:
        return _("%(number)s MB") % {"number": f"{limit / (1024 * 1024):.1f}".removesuffix(".0")}
    return _("%(number)s KB") % {"number": max(1, limit // 1024)}


def sniff_content_type(data: bytes) -> str | None:
    """The type by magic bytes, or None for anything not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def _reencode_image(data: bytes, content_type: str) -> bytes:
    expected = PILLOW_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise UploadRefused(_("This file is damaged or is not the image it claims to be."))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRefused(_("This image is too large. Please send a smaller photo or a scan."))
            upright = ImageOps.exif_transpose(image)
            keeps_alpha = expected != "JPEG" and (
                upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            )
            mode = "RGBA" if keeps_alpha else ("L" if upright.mode in ("1", "L") else "RGB")
            pixels = upright.convert(mode)
            # A fresh image from the raw pixels carries no info dict, hence no metadata at all.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRefused(_("This file is damaged or is not the image it claims to be.")) from exc
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 90} if expected in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(out, format=expected, **options)
    return out.getvalue()


# Keys that carry who made a PDF, with what and when, in any dictionary or stream.
PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def _strip_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/ID" in pdf.trailer:
                del pdf.trailer["/ID"]  # the original identifiers can link the file to its maker's copy
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    for key in PDF_METADATA_KEYS:
                        if key in obj:
                            del obj[key]
            out = io.BytesIO()
            # Only objects still reachable are written: the removed XMP streams are left behind.
            pdf.save(out, deterministic_id=True)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError) as exc:
        raise UploadRefused(_("This file is damaged or is not the PDF it claims to be.")) from exc
    return out.getvalue()


def clean_upload(data: bytes, *, limit: int, name: str) -> CleanUpload:
    """Check size and type by content, strip image metadata; raise UploadRefused otherwise.

    The stored name is `name` plus the extension of the detected type: never the uploader's.
    """
    if not data:
        raise UploadRefused(_("One of the files is empty."))
    if len(data) > limit:
        raise UploadRefused(
            _("Each file can be at most %(size)s.") % {"size": size_text(limit)}, code="attachment_too_large"
        )
    content_type = sniff_content_type(data)
    if content_type is None:
        raise UploadRefused(_("Only PDF documents and JPEG, PNG or WebP images can be sent."), code="attachment_type")
    cleaned = _strip_pdf(data) if content_type == PDF else _reencode_image(data, content_type)
    return CleanUpload(name=f"{name}.{EXTENSIONS[content_type]}", content_type=content_type, data=cleaned)


def seal_bytes(data: bytes) -> str:
    """Encrypt file bytes with the field keys; the token is ASCII, stored as text."""
    return fernet().encrypt(data).decode()


def open_bytes(token: str) -> bytes:
    try:
        return fernet().decrypt(token.encode())
    except InvalidToken as exc:
        raise DecryptionFailed("Cannot decrypt: none of the configured keys fits.") from exc
