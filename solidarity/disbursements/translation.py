"""Fields translated per language by django-modeltranslation (docs/translations.md)."""

from modeltranslation.translator import TranslationOptions, register

from solidarity.disbursements.models import Disbursement


@register(Disbursement)
class DisbursementTranslation(TranslationOptions):
    # What the public reads about a payout ("Lawyer's fee for the trial, …").
    fields = ("public_description",)
