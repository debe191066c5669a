"""Files sent with a help request: at most five, each within the configured size.

Checking and cleaning are `solidarity.core.uploads`; the bytes are sealed under the
request's data key (`solidarity.core.shredding`). This module only holds the help-request
limits and naming.
"""

from __future__ import annotations

from django.conf import settings

from solidarity.core.shredding import open_bytes, seal_bytes
from solidarity.core.uploads import CleanUpload, clean_upload, size_text, sniff_content_type
from solidarity.core.uploads import UploadRefused as AttachmentRefused

__all__ = [
    "MAX_ATTACHMENTS",
    "AttachmentRefused",
    "CleanUpload",
    "clean_attachment",
    "max_attachment_bytes",
    "open_bytes",
    "seal_bytes",
    "size_limit_text",
    "sniff_content_type",
]

MAX_ATTACHMENTS = 5
DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HELPREQUEST_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def size_limit_text() -> str:
    return size_text(max_attachment_bytes())


def clean_attachment(data: bytes, *, position: int) -> CleanUpload:
    return clean_upload(data, limit=max_attachment_bytes(), name=f"attachment-{position}")
