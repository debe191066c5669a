"""Who runs the fund: the foundation's legal identity and how to reach it safely.

One row (pk 1), edited in the back office through `services.update_foundation_profile`. A
field left empty there falls back to the deployment's settings (`SOLIDARITY_FOUNDATION`),
so a site is never without a name: see `selectors.foundation_profile`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FoundationProfile(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    registration = models.CharField(
        _("registration"),
        max_length=300,
        blank=True,
        help_text=_("Legal form, register and number, e.g. “Registered association, VR 12345 B, Berlin”."),
    )
    address = models.TextField(
        _("address or jurisdiction"),
        blank=True,
        help_text=_(
            "A postal address, or only the country whose law the foundation is under if an address would endanger staff."
        ),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    openpgp_fingerprint = models.CharField(_("OpenPGP fingerprint"), max_length=60, blank=True)
    openpgp_key = models.TextField(_("OpenPGP public key"), blank=True, help_text=_("ASCII-armoured."))
    signal = models.CharField(_("Signal"), max_length=100, blank=True, help_text=_("A Signal username or number."))
    secure_drop_url = models.URLField(
        _("secure drop form"),
        blank=True,
        help_text=_("Address of a SecureDrop or Hush Line style form, ideally an onion address."),
    )
    onion_statement = models.TextField(
        _("signed onion statement"),
        blank=True,
        help_text=_("The onion address in a message signed with the OpenPGP key above (gpg --clearsign)."),
    )
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("foundation profile")
        verbose_name_plural = _("foundation profile")

    def __str__(self) -> str:
        return self.legal_name or str(_("Foundation profile"))


EDITABLE_FIELDS = (
    "legal_name",
    "registration",
    "address",
    "email",
    "openpgp_fingerprint",
    "openpgp_key",
    "signal",
    "secure_drop_url",
    "onion_statement",
)
