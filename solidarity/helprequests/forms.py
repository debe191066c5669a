"""The public help request form and the back office's rejection form.

The public form checks what it can without touching the files' content (how many, how
big); the service decides the type by content and cleans images.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from solidarity.campaigns.models import BeneficiaryStatus, ConsentGiver, ConsentScope
from solidarity.campaigns.services import PublishingConsent
from solidarity.core.amount_input import parse_amount
from solidarity.core.errors import DomainError
from solidarity.core.text_input import clean_public_text
from solidarity.helprequests.attachments import MAX_ATTACHMENTS, max_attachment_bytes, size_limit_text
from solidarity.helprequests.services import FIELD_LIMITS

# What a family types freely, cleaned of control and direction characters (core.text_input).
FREE_TEXT = ("prisoner_name", "situation", "needs", "contact")
MULTILINE = ("situation", "needs", "contact")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _text(label: Any, name: str, help_text: Any = "", rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=FIELD_LIMITS[name], help_text=help_text, widget=widget)


def _attachments_help() -> str:
    return ngettext(
        "Up to %(count)d file: PDF, JPEG, PNG or WebP. We remove location and camera data from photos.",
        "Up to %(count)d files: PDF, JPEG, PNG or WebP. We remove location and camera data from photos.",
        MAX_ATTACHMENTS,
    ) % {"count": MAX_ATTACHMENTS}


class HelpRequestForm(forms.Form):
    prisoner_name = _text(
        _("Name of the person in detention"),
        "prisoner_name",
        _("As in the court documents. It is not published unless you agree."),
    )
    situation = _text(
        _("What happened"),
        "situation",
        _("When and where they were detained, the charges, where they are held now."),
        rows=6,
    )
    needs = _text(
        _("What help is needed"),
        "needs",
        _("For example a lawyer, parcels to the prison, paying off a loan, support for the children."),
        rows=4,
    )
    amount = forms.CharField(
        label=_("Amount needed (optional)"),
        required=False,
        max_length=20,
        help_text=_("An estimate is fine. Leave empty if you do not know."),
    )
    currency = forms.ChoiceField(label=_("Currency"))
    contact = _text(
        _("How can we reach you safely?"),
        "contact",
        _(
            "For example a Signal number, a Telegram username or an email address. Tell us which channel is safe "
            "and when; do not give one that the authorities may be reading."
        ),
        rows=3,
    )
    attachments = MultipleFileField(
        label=_("Documents or photos (optional)"),
        required=False,
        # Built per request: `ngettext_lazy(...) % {...}` is evaluated at import, in English.
        help_text=lazy(_attachments_help, str)(),
    )
    # Honeypot: hidden from people by the stylesheet; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)
        codes = list(getattr(settings, "SOLIDARITY_DONOR_CURRENCIES", ["EUR"]))
        currency.choices = [(c, c) for c in codes]
        currency.initial = codes[0]

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Please send at most %(count)d files."), code="too_many", params={"count": MAX_ATTACHMENTS}
            )
        limit = max_attachment_bytes()
        if any((f.size or 0) > limit for f in files):
            raise forms.ValidationError(
                _("Each file can be at most %(size)s."), code="too_large", params={"size": size_limit_text()}
            )
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."), code="honeypot")
        raw = (data.get("amount") or "").strip()
        data["money"] = None
        if raw and data.get("currency"):
            try:
                # Read as the page's language writes numbers (solidarity/core/amount_input.py).
                data["money"] = parse_amount(raw, data["currency"])
            except DomainError as exc:
                self.add_error("amount", exc.message)
        for name in FREE_TEXT:
            if isinstance(data.get(name), str):
                data[name] = clean_public_text(data[name], multiline=name in MULTILINE)
                if not data[name] and self.fields[name].required:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return data


class RejectForm(forms.Form):
    """Back office: the reason for a rejection, kept encrypted with the request."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted with the request and deleted with it. Not written to the audit log."),
    )


class ApproveForm(forms.Form):
    """Back office: what the campaign may say about the person, and the family's consent."""

    pseudonym = forms.CharField(
        label=_("Public pseudonym"),
        max_length=120,
        help_text=_(
            "The only name the campaign, the beneficiary and the public will see. Never the real name "
            "unless the family asked for it."
        ),
    )
    beneficiary_status = forms.ChoiceField(label=_("Situation"), choices=BeneficiaryStatus.choices)
    consent_scope = forms.MultipleChoiceField(
        label=_("The family agreed to publish"),
        choices=ConsentScope.choices,
        initial=[ConsentScope.PSEUDONYM],
        widget=forms.CheckboxSelectMultiple,
    )
    consent_given_by = forms.ChoiceField(label=_("Consent given by"), choices=ConsentGiver.choices)
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("YYYY-MM-DD")
    )

    def consent(self) -> PublishingConsent:
        data = self.cleaned_data
        return PublishingConsent(
            scope=tuple(data["consent_scope"]), given_by=data["consent_given_by"], given_on=data["consent_given_on"]
        )
