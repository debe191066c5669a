"""Help requests and their attachments: only ciphertext and non-identifying metadata.

A row holds its random reference, its state and dates, and `sealed_content`: one Fernet
token over a JSON document with everything the family typed (see content.py), under the
request's own data key; its attachments are sealed under the same key, so destroying it
(the retention purge) leaves nothing readable in any copy of the database. One blob
instead of one encrypted column per field means one place to encrypt, rotate and audit,
and no column whose name or length hints at what is inside.

The requested amount also lives inside the blob. It is only useful to the staff member
who reads the request (and then decrypts it anyway); nothing aggregates it, and an
amount next to a date can single out a family once the campaign is public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Campaign, CaseNote
from solidarity.core.shredding import open_bytes, open_text
from solidarity.helprequests.content import HelpRequestContent, open_content


class HelpRequestState(models.TextChoices):
    NEW = "new", _("New")
    VERIFYING = "verifying", _("Being verified")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FINISHED = "finished", _("Finished")


# States after which the request waits only for its purge date.
CLOSED_STATES = (HelpRequestState.REJECTED, HelpRequestState.FINISHED)


class HelpRequest(models.Model):
    # Sealed under the request's data key (solidarity.core.shredding).
    SHREDDED_FIELDS = {"data_key": ("sealed_content",)}

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=12, choices=HelpRequestState.choices, default=HelpRequestState.NEW, db_index=True
    )
    sealed_content = models.TextField(editable=False, verbose_name=_("sealed content"))
    data_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("data key"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.OneToOneField(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_request",
    )
    purge_after = models.DateField(_("deleted after"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.display_reference

    @property
    def display_reference(self) -> str:
        """The reference as the family saw it: two groups of four, easy to read aloud."""
        return f"{self.reference[:4]}-{self.reference[4:]}"

    def open_content(self) -> HelpRequestContent:
        """Everything the family typed, decrypted (DecryptionFailed without the keys)."""
        return open_content(self.data_key, self.sealed_content)


class HelpRequestAttachment(models.Model):
    """A file sent with a request: its cleaned bytes, encrypted. The uploaded name is never kept."""

    # Sealed under the request's data key.
    SHREDDED_FIELDS = {"help_request__data_key": ("sealed_bytes",)}

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("help request")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    name = models.CharField(_("file name"), max_length=32)
    content_type = models.CharField(_("detected type"), max_length=32)
    sealed_bytes = models.TextField(editable=False, verbose_name=_("sealed bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["help_request", "position"], name="helprequest_attachment_position_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def open_bytes(self) -> bytes:
        """The cleaned file, decrypted (DecryptionFailed without the keys)."""
        return open_bytes(self.help_request.data_key, self.sealed_bytes)


class HelpRequestNote(CaseNote):
    """A caseworker's note on a request: sealed under the request's data key, so the purge
    that destroys the request's key erases the notes too."""

    SHREDDED_FIELDS = {"help_request__data_key": ("sealed_text",)}

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="case_notes")

    class Meta(CaseNote.Meta):
        pass

    @property
    def text(self) -> str:
        return open_text(self.help_request.data_key, self.sealed_text)
