"""Attachments: accepted by content only, bounded in size and number, images cleaned."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.test import override_settings
from PIL import Image

from solidarity.helprequests.attachments import AttachmentRefused, clean_attachment, sniff_content_type
from solidarity.helprequests.models import HelpRequest
from solidarity.helprequests.services import submit_help_request
from tests.helprequests.samples import (
    EXE,
    GPS_TEXT,
    HTML,
    PDF,
    PDF_AUTHOR,
    PDF_PRODUCER,
    PDF_XMP_CREATOR,
    jpeg_with_metadata,
    pdf_document,
    png_with_text,
    submission,
    webp_with_exif,
)

pytestmark = pytest.mark.django_db


def _stored_file(data: bytes) -> tuple[str, str, bytes]:
    attachment = submit_help_request(**submission(attachments=[data])).attachments.get()
    assert data not in attachment.sealed_bytes.encode()
    return attachment.name, attachment.content_type, attachment.open_bytes()


def test_jpeg_exif_gps_xmp_icc_and_comment_are_stripped() -> None:
    original = jpeg_with_metadata()
    assert Image.open(io.BytesIO(original)).getexif()  # the sample does carry metadata
    name, content_type, data = _stored_file(original)
    assert (name, content_type) == ("attachment-1.jpg", "image/jpeg")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    assert GPS_TEXT not in data and b"Exif" not in data and b"secret" not in data


def test_orientation_is_applied_before_the_exif_goes() -> None:
    _, _, data = _stored_file(jpeg_with_metadata(size=(64, 48)))
    assert Image.open(io.BytesIO(data)).size == (48, 64)  # the sample says "rotate 90°"


def test_png_text_chunks_are_stripped_and_transparency_kept() -> None:
    name, content_type, data = _stored_file(png_with_text())
    image = Image.open(io.BytesIO(data))
    assert (name, content_type, image.mode) == ("attachment-1.png", "image/png", "RGBA")
    assert b"secret" not in data and not {"Comment", "XML:com.adobe.xmp"} & set(image.info)


def test_webp_metadata_is_stripped() -> None:
    name, content_type, data = _stored_file(webp_with_exif())
    assert (name, content_type) == ("attachment-1.webp", "image/webp")
    assert GPS_TEXT not in data and b"secret" not in data and b"EXIF" not in data


def test_a_pdf_keeps_its_pages_and_text() -> None:
    name, content_type, data = _stored_file(pdf_document("Court ruling, page one"))
    assert (name, content_type) == ("attachment-1.pdf", "application/pdf")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        assert b"Court ruling, page one" in pdf.pages[0].Contents.read_bytes()


def test_pdf_author_producer_and_xmp_are_stripped() -> None:
    original = pdf_document(metadata=True)
    for value in (PDF_AUTHOR, PDF_PRODUCER, PDF_XMP_CREATOR):
        assert value.encode() in original
    _name, _type, data = _stored_file(original)
    for value in (PDF_AUTHOR, PDF_PRODUCER, PDF_XMP_CREATOR):
        assert value.encode() not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert not any("/Metadata" in obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary))


def test_a_pdf_that_does_not_parse_is_refused() -> None:
    with pytest.raises(AttachmentRefused):
        clean_attachment(b"%PDF-1.4 only a header, no document", position=1)


def test_the_type_comes_from_the_content_not_the_name() -> None:
    # The service never sees the uploaded name; a PDF sent as "photo.jpg" is stored as a PDF.
    assert sniff_content_type(PDF) == "application/pdf"
    assert clean_attachment(PDF, position=3).name == "attachment-3.pdf"


@pytest.mark.parametrize("data", [HTML, EXE, b"GIF89a" + b"\x00" * 20, b"just some text", b"\x00PK\x03\x04"])
def test_anything_but_pdf_jpeg_png_webp_is_refused(data) -> None:
    with pytest.raises(AttachmentRefused):
        submit_help_request(**submission(attachments=[data]))
    assert not HelpRequest.objects.exists()


def test_html_behind_jpeg_magic_bytes_is_refused() -> None:
    with pytest.raises(AttachmentRefused):
        clean_attachment(b"\xff\xd8\xff" + HTML, position=1)


def test_a_png_pretending_to_be_a_jpeg_is_refused() -> None:
    with pytest.raises(AttachmentRefused):
        clean_attachment(b"\xff\xd8\xff" + png_with_text(), position=1)


@override_settings(HELPREQUEST_MAX_ATTACHMENT_BYTES=1000)
def test_files_above_the_size_limit_are_refused() -> None:
    with pytest.raises(AttachmentRefused) as refused:
        submit_help_request(**submission(attachments=[PDF + b"%" * 1000]))
    assert refused.value.code == "attachment_too_large"
    assert submit_help_request(**submission(attachments=[PDF])).attachments.count() == 1


def test_the_default_size_limit_is_five_megabytes() -> None:
    with pytest.raises(AttachmentRefused) as refused:
        clean_attachment(PDF + b"%" * (5 * 1024 * 1024), position=1)
    assert refused.value.message == "Each file can be at most 5 MB."
    assert clean_attachment(PDF + b"%" * (5 * 1024 * 1024 - len(PDF)), position=1)


def test_at_most_five_files() -> None:
    assert submit_help_request(**submission(attachments=[PDF] * 5)).attachments.count() == 5
    with pytest.raises(AttachmentRefused):
        submit_help_request(**submission(attachments=[PDF] * 6))
    assert HelpRequest.objects.count() == 1


def test_attachments_are_named_neutrally_in_order() -> None:
    help_request = submit_help_request(**submission(attachments=[PDF, jpeg_with_metadata(), png_with_text()]))
    assert list(help_request.attachments.values_list("name", flat=True)) == [
        "attachment-1.pdf",
        "attachment-2.jpg",
        "attachment-3.png",
    ]


def test_a_huge_image_is_refused_before_decoding(monkeypatch) -> None:
    monkeypatch.setattr("solidarity.core.uploads.MAX_IMAGE_PIXELS", 100)
    with pytest.raises(AttachmentRefused):
        clean_attachment(jpeg_with_metadata(), position=1)
