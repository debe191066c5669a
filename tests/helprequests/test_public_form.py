"""The public form at /<lang>/help/: no JavaScript, protected by a form token (no cookie), never cached."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client, override_settings
from PIL import Image

from solidarity.helprequests.models import HelpRequest
from tests.helprequests.samples import HTML, PDF, PLAIN, jpeg_with_metadata
from tests.public_forms import form_token_from

pytestmark = pytest.mark.django_db
URL = "/en/help/"


def _form(client: Client, **overrides: Any) -> dict[str, Any]:
    page = client.get(URL).content.decode()
    data: dict[str, Any] = {**PLAIN, "amount": "1500", "currency": "EUR", "website": ""}
    data["form_token"] = form_token_from(page)
    data.update(overrides)
    return data


def test_get_renders_a_labelled_form_with_a_honeypot(public_client) -> None:
    response = public_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script" not in html and 'enctype="multipart/form-data"' in html
    assert 'name="website"' in html and 'class="hp"' in html
    controls = re.findall(r'<(?:input|textarea|select)\b[^>]*\bid="([^"]+)"', html)
    assert {"id_prisoner_name", "id_situation", "id_needs", "id_amount", "id_contact", "id_attachments"} <= set(
        controls
    )
    for control in controls:
        assert f'<label for="{control}">' in html, control


def test_get_sets_no_cookie_and_is_not_cached(public_client) -> None:
    response = public_client.get(URL)
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_get_post_confirmation(public_client) -> None:
    response = public_client.post(URL, _form(public_client))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies and not public_client.cookies
    reference = re.search(r'id="help-reference">([0-9A-Z]{4}-[0-9A-Z]{4})<', html).group(1)  # type: ignore[union-attr]
    stored = HelpRequest.objects.get()
    assert stored.display_reference == reference and reference.replace("-", "") != str(stored.pk)
    assert "What happens next" in html and "90 days" in html
    content = stored.open_content()
    assert content.contact == PLAIN["contact"] and str(content.amount) == "1500.00 EUR"
    assert not any(value in html for value in PLAIN.values())  # the page does not echo the request


def test_post_without_the_form_token_is_refused_with_a_clear_page(public_client) -> None:
    data = _form(public_client)
    del data["form_token"]
    response = Client(HTTP_HOST="127.0.0.1").post(URL, data)
    assert response.status_code == 400 and "Please send the form again" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_sending_the_same_request_again_sends_nothing_more(public_client) -> None:
    data = _form(public_client)
    assert public_client.post(URL, data).status_code == 200
    again = public_client.post(URL, data)  # a reload of the confirmation page
    assert again.status_code == 303 and again["Location"] == "/en/help/sent/"
    page = public_client.get(again["Location"]).content.decode()
    assert "already sent" in page and 'id="help-reference"' not in page
    assert HelpRequest.objects.count() == 1


def test_honeypot_submissions_are_refused(public_client) -> None:
    response = public_client.post(URL, _form(public_client, website="http://spam.example"))
    assert response.status_code == 400
    assert "This form could not be sent" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_errors_are_tied_to_their_fields(public_client) -> None:
    response = public_client.post(URL, _form(public_client, contact="", amount="lots"))
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html
    assert re.search(
        r'<textarea name="contact"[^>]*aria-describedby="help-contact err-contact"[^>]*aria-invalid="true"', html
    )
    assert 'id="err-contact"' in html
    assert re.search(r'<input type="text" name="amount"[^>]*aria-describedby="help-amount err-amount"', html)
    assert 'id="err-amount"' in html
    assert not HelpRequest.objects.exists()


def test_a_photo_is_uploaded_cleaned_and_renamed(public_client) -> None:
    upload = SimpleUploadedFile("passport-Kvietkouski.jpg", jpeg_with_metadata(), content_type="image/jpeg")
    response = public_client.post(URL, _form(public_client, attachments=[upload]))
    assert response.status_code == 200
    attachment = HelpRequest.objects.get().attachments.get()
    assert attachment.name == "attachment-1.jpg" and "Kvietkouski" not in repr(attachment.__dict__)
    assert not Image.open(io.BytesIO(attachment.open_bytes())).getexif()


def test_a_pdf_named_jpg_is_stored_as_a_pdf(public_client) -> None:
    upload = SimpleUploadedFile("photo.jpg", PDF, content_type="image/jpeg")
    assert public_client.post(URL, _form(public_client, attachments=[upload])).status_code == 200
    attachment = HelpRequest.objects.get().attachments.get()
    assert (attachment.name, attachment.content_type) == ("attachment-1.pdf", "application/pdf")


def test_an_html_file_is_refused_with_an_error_on_the_field(public_client) -> None:
    upload = SimpleUploadedFile("photo.jpg", HTML, content_type="image/jpeg")
    response = public_client.post(URL, _form(public_client, attachments=[upload]))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="err-attachments"' in html and "Only PDF documents and JPEG, PNG or WebP images" in html
    assert not HelpRequest.objects.exists()


@override_settings(HELPREQUEST_MAX_ATTACHMENT_BYTES=2000)
def test_a_file_above_the_limit_is_refused_by_the_form(public_client) -> None:
    upload = SimpleUploadedFile("scan.pdf", PDF + b"%" * 5000, content_type="application/pdf")
    response = public_client.post(URL, _form(public_client, attachments=[upload]))
    html = response.content.decode()
    assert response.status_code == 400 and "Each file can be at most 1 KB." in html
    assert 'id="err-attachments"' in html
    assert not HelpRequest.objects.exists()


def test_more_than_five_files_are_refused(public_client) -> None:
    uploads = [SimpleUploadedFile(f"f{i}.pdf", PDF, content_type="application/pdf") for i in range(6)]
    response = public_client.post(URL, _form(public_client, attachments=uploads))
    assert response.status_code == 400 and "at most 5 files" in response.content.decode()
    assert not HelpRequest.objects.exists()


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=100)
def test_uploads_never_spill_to_a_temporary_file(public_client, monkeypatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a help request file was written to disk")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)
    upload = SimpleUploadedFile("scan.pdf", PDF + b"%" * 20000, content_type="application/pdf")
    assert public_client.post(URL, _form(public_client, attachments=[upload])).status_code == 200
    stored = HelpRequest.objects.get().attachments.get().open_bytes()
    assert stored.startswith(b"%PDF-") and b"%" * 100 not in stored  # rewritten, the padding dropped


def test_the_form_speaks_russian_under_ru(public_client) -> None:
    response = public_client.get("/ru/help/")
    assert response.status_code == 200 and 'lang="ru"' in response.content.decode()
