"""Fields translated per language (en, ru, be) by django-modeltranslation (docs/translations.md)."""

from modeltranslation.translator import TranslationOptions, register

from solidarity.campaigns.models import Beneficiary, Campaign, Need, TimelineEvent, Update


@register(Beneficiary)
class BeneficiaryTranslation(TranslationOptions):
    # The public name too: "Sergei Sakovets" is "Сергей Саковец" in Russian, "Сяргей Сакавец" in Belarusian.
    fields = ("public_name", "bio", "charges")


@register(TimelineEvent)
class TimelineEventTranslation(TranslationOptions):
    fields = ("place", "description")


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "story")
    required_languages = ("en",)


@register(Need)
class NeedTranslation(TranslationOptions):
    fields = ("description",)


@register(Update)
class UpdateTranslation(TranslationOptions):
    fields = ("title", "body")
