"""Load the demo data: the seed campaign and a few active ones, through the real services.

Idempotent: a campaign that exists already is left alone, so `make demo` can run again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.models import Beneficiary, Campaign, TimelineEvent, Update
from solidarity.core.money import Money
from solidarity.demo import seed_story as seed
from solidarity.demo.foundation import ensure_demo_foundation
from solidarity.donations.services import record_staff_donation

SEED_SLUG = "sergei-sakovets"
DEMO_STAFF_USERNAME = "admin"

# Fictional active campaigns so that lists and filters have something to show.
OTHER_CAMPAIGNS: list[dict[str, Any]] = [
    {
        "slug": "legal-defence-ihar-m",
        "currency": "EUR",
        "title_en": "Legal defence for blogger Ihar M.",
        "title_ru": "Защита в суде для блогера Игоря М.",
        "story_en": "Ihar ran a local news channel. He has been charged over his posts and faces up to six years. "
        "His lawyer needs to be paid for the trial and the appeal, and his family sends him parcels every month.",
        "story_ru": "Игорь вёл местный новостной канал. Ему предъявили обвинение из-за публикаций, грозит до шести лет. "
        "Нужно оплатить адвоката на суде и в апелляции, а семья каждый месяц отправляет ему передачи.",
        "beneficiary": (
            ("Ihar M.", "Игорь М.", "Ігар М."),
            "pre_trial",
            (
                "Article 361-4 of the Criminal Code",
                "Статья 361-4 Уголовного кодекса",
                "Артыкул 361-4 Крымінальнага кодэкса",
            ),
        ),
        "needs": [
            ("legal_aid", "1500", "Lawyer for the trial and the appeal", "Адвокат на суде и в апелляции", "one_off"),
            (
                "prison_transfers",
                "120",
                "Monthly parcels to the detention centre",
                "Ежемесячные передачи в СИЗО",
                "monthly",
            ),
        ],
        "donations": [("2026-10-02", "200"), ("2026-10-05", "50"), ("2026-10-20", "300"), ("2026-11-03", "75")],
    },
    {
        "slug": "medical-care-tatsiana-r",
        "currency": "USD",
        "title_en": "Medical care for Tatsiana R. after her release",
        "title_ru": "Лечение для Татьяны Р. после освобождения",
        "story_en": "Tatsiana was released after two years in a penal colony, where her health was ruined. "
        "She needs an operation and rehabilitation; her daughter is at school and they live on one small salary.",
        "story_ru": "Татьяну освободили после двух лет в колонии, где она подорвала здоровье. "
        "Ей нужны операция и реабилитация; дочь ходит в школу, семья живёт на одну небольшую зарплату.",
        "beneficiary": (
            ("Tatsiana R.", "Татьяна Р.", "Таццяна Р."),
            "released",
            ("Article 342 of the Criminal Code", "Статья 342 Уголовного кодекса", "Артыкул 342 Крымінальнага кодэкса"),
        ),
        "needs": [
            ("medical", "2000", "Operation and rehabilitation", "Операция и реабилитация", "one_off"),
            ("family_support", "600", "Family support for three months", "Поддержка семьи на три месяца", "one_off"),
        ],
        "donations": [("2026-09-12", "500"), ("2026-09-30", "250"), ("2026-10-15", "1000")],
    },
    {
        "slug": "children-of-andrei-l-in-exile",
        "currency": "PLN",
        "title_en": "Rent and school for the children of Andrei L. in exile",
        "title_ru": "Аренда и школа для детей Андрея Л. в эмиграции",
        "story_en": "Andrei is serving a sentence; his wife and two children had to leave the country and now live in Białystok. "
        "They need help with rent and school costs until she can work again.",
        "story_ru": "Андрей отбывает срок; его жене и двум детям пришлось уехать из страны, сейчас они живут в Белостоке. "
        "Им нужна помощь с арендой и школой, пока она не сможет снова работать.",
        "beneficiary": (
            ("Andrei L.", "Андрей Л.", "Андрэй Л."),
            "sentenced",
            ("Article 293 of the Criminal Code", "Статья 293 Уголовного кодекса", "Артыкул 293 Крымінальнага кодэкса"),
        ),
        "needs": [
            ("family_support", "4000", "Rent for four months", "Аренда на четыре месяца", "one_off"),
            ("other", "1200", "School books and clothes", "Учебники и одежда для школы", "one_off"),
        ],
        "donations": [("2026-11-01", "800"), ("2026-11-10", "450"), ("2026-11-20", "1500")],
    },
]


def ensure_demo_totp(user: Any) -> str:
    """A confirmed TOTP device for the demo account; returns its secret in base32."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
    return base64.b32encode(device.bin_key).decode()


def ensure_demo_staff() -> tuple[Any, str]:
    """Create or reset the demo staff account; return it with a fresh random password."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=DEMO_STAFF_USERNAME, defaults={"email": ""})
    password = secrets.token_urlsafe(12)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    return user, password


def _load_seed_campaign(actor: Any) -> Campaign:
    beneficiary = Beneficiary.objects.create(
        public_name=seed.NAME_EN,
        public_name_en=seed.NAME_EN,
        public_name_ru=seed.NAME_RU,
        public_name_be=seed.NAME_BE,
        status="pre_trial",
        bio_en=seed.BIO_EN,
        bio_ru=seed.BIO_RU,
        bio_be=seed.BIO_BE,
        charges_en=seed.CHARGES_EN,
        charges_ru=seed.CHARGES_RU,
        charges_be=seed.CHARGES_BE,
    )
    for day, approximate, kind, place_en, place_ru, place_be, text_en, text_ru, text_be in seed.TIMELINE:
        TimelineEvent.objects.create(
            beneficiary=beneficiary,
            date=dt.date.fromisoformat(day),
            date_is_approximate=approximate,
            kind=kind,
            place_en=place_en,
            place_ru=place_ru,
            place_be=place_be,
            description_en=text_en,
            description_ru=text_ru,
            description_be=text_be,
        )
    campaign = Campaign.objects.create(
        slug=SEED_SLUG,
        beneficiary=beneficiary,
        currency="EUR",
        title_en=seed.TITLE_EN,
        title_ru=seed.TITLE_RU,
        title_be=seed.TITLE_BE,
        story_en=seed.STORY_EN,
        story_ru=seed.STORY_RU,
        story_be=seed.STORY_BE,
    )
    for category, eur, text_en, text_ru, text_be in seed.NEEDS:
        campaign_services.add_need(
            campaign=campaign,
            category=category,
            description=text_en,
            amount=Money(Decimal(eur), "EUR"),
            actor=actor,
            description_en=text_en,
            description_ru=text_ru,
            description_be=text_be,
        )
    campaign_services.submit_for_review(campaign=campaign, actor=actor)
    campaign_services.publish_campaign(campaign=campaign, actor=actor)
    for day, eur, channel, name, message in seed.DONATIONS:
        record_staff_donation(
            campaign=campaign,
            amount=Money(Decimal(eur), "EUR"),
            channel=channel,
            actor=actor,
            received_on=dt.date.fromisoformat(day),
            public_name=name,
            message=message,
        )
    campaign_services.close_campaign(campaign=campaign, actor=actor, note="goal reached")
    campaign.refresh_from_db()
    _pay_seed_needs(campaign, actor)
    campaign_services.mark_reported(campaign=campaign, actor=actor)
    Update.objects.create(
        campaign=campaign,
        published_on=dt.date(2022, 3, 20),
        kind="news",
        **{f"title_{lang}": title for lang, (title, _body) in seed.CLOSING_UPDATE.items()},
        **{f"body_{lang}": body for lang, (_title, body) in seed.CLOSING_UPDATE.items()},
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        published_at=dt.datetime(2022, 3, 1, 9, 0, tzinfo=dt.UTC),
        closed_at=dt.datetime(2022, 3, 20, 18, 0, tzinfo=dt.UTC),
    )
    return campaign


def _pay_seed_needs(campaign: Campaign, actor: Any) -> None:
    """The seed campaign's payouts, the larger ones approved by a second (demo) treasurer."""
    from django.contrib.auth.models import Group

    from solidarity.disbursements.services import approve_disbursement, record_disbursement
    from solidarity.staff.roles import ensure_role_groups

    ensure_role_groups()
    treasurer, _ = get_user_model().objects.get_or_create(username="treasurer", defaults={"is_staff": True})
    treasurer.set_unusable_password()
    treasurer.save()
    treasurer.groups.add(Group.objects.get(name="finance"))
    needs = {n.category: n for n in campaign.needs.all()}
    for day, category, payee, eur, text_en, text_ru, text_be in seed.DISBURSEMENTS:
        payout = record_disbursement(
            need=needs[category],
            payee_category=payee,
            amount=Money(Decimal(eur), "EUR"),
            paid_on=dt.date.fromisoformat(day),
            public_description=text_en,
            actor=actor,
        )
        # The payout was described in English; the Russian and Belarusian texts are translations.
        type(payout).objects.filter(pk=payout.pk).update(public_description_ru=text_ru, public_description_be=text_be)
        payout.refresh_from_db()
        if payout.status == "awaiting":
            approve_disbursement(disbursement=payout, actor=treasurer)


def _load_other_campaign(spec: dict[str, Any], actor: Any) -> Campaign:
    names, status, charges = spec["beneficiary"]
    # Names and charges in every language; title, story and needs have no Belarusian text
    # yet, so the Belarusian page shows the Russian one marked lang="ru" (docs/translations.md).
    beneficiary = Beneficiary.objects.create(
        public_name=names[0],
        status=status,
        **{f"public_name_{lang}": name for lang, name in zip(("en", "ru", "be"), names, strict=True)},
        **{f"charges_{lang}": text for lang, text in zip(("en", "ru", "be"), charges, strict=True)},
    )
    campaign = Campaign.objects.create(
        slug=spec["slug"],
        beneficiary=beneficiary,
        currency=spec["currency"],
        title_en=spec["title_en"],
        title_ru=spec["title_ru"],
        story_en=spec["story_en"],
        story_ru=spec["story_ru"],
    )
    for category, amount, text_en, text_ru, recurrence in spec["needs"]:
        campaign_services.add_need(
            campaign=campaign,
            category=category,
            description=text_en,
            amount=Money(Decimal(amount), spec["currency"]),
            recurrence=recurrence,
            actor=actor,
            description_en=text_en,
            description_ru=text_ru,
        )
    campaign_services.submit_for_review(campaign=campaign, actor=actor)
    campaign_services.publish_campaign(campaign=campaign, actor=actor)
    for day, amount in spec["donations"]:
        record_staff_donation(
            campaign=campaign,
            amount=Money(Decimal(amount), spec["currency"]),
            channel="bank_transfer",
            actor=actor,
            received_on=dt.date.fromisoformat(day),
        )
    return campaign


# Illustrative euro rates for the demo only (source "DEMO"), so that gifts in USD and PLN
# work out of the box; a real site imports the ECB's rates daily with `import_rates`.
DEMO_RATES = {"USD": "1.0800", "PLN": "4.2500", "GBP": "0.8400", "CHF": "0.9400"}


def ensure_demo_rates(days: int = 7) -> int:
    """Demo exchange rates for the last `days` days (source "DEMO"); returns how many were added."""
    from solidarity.rates.models import ExchangeRate

    today = dt.date.today()
    added = 0
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        for currency, rate in DEMO_RATES.items():
            _, created = ExchangeRate.objects.get_or_create(
                day=day, currency=currency, source="DEMO", defaults={"per_euro": rate}
            )
            added += int(created)
    return added


def load_demo() -> tuple[list[str], str]:
    """Load whatever demo campaigns are missing. Returns (slugs created, demo staff password)."""
    actor, password = ensure_demo_staff()
    created = []
    with transaction.atomic():
        ensure_demo_rates()
        ensure_demo_foundation(actor)  # who runs the fund: /<lang>/contact/ (issue 16.7)
        if not Campaign.objects.filter(slug=SEED_SLUG).exists():
            created.append(_load_seed_campaign(actor).slug)
        for spec in OTHER_CAMPAIGNS:
            if not Campaign.objects.filter(slug=spec["slug"]).exists():
                created.append(_load_other_campaign(spec, actor).slug)
    return created, password
