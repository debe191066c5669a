"""Public JSON shapes. Money is always {"amount": "1125.00", "currency": "EUR", "minor": 112500}:
the amount a decimal string (never a float), the minor units an exact integer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal, cast

from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import AfterValidator, Field

from solidarity.campaigns.funds import CampaignTotals
from solidarity.campaigns.models import Campaign, Need, NeedCategory, NeedRecurrence, Update
from solidarity.campaigns.selectors import CampaignCard
from solidarity.core.errors import InvalidAmount
from solidarity.core.money import Money
from solidarity.core.text_input import clean_public_text, has_nul
from solidarity.transparency.receipts import ReceiptStatus

AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
AMOUNT_IN_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
MAX_ROW_ID = 2**62  # larger ids cannot exist, and SQLite cannot even compare them
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def _refuse_nul(value: str) -> str:
    if has_nul(value):
        # PostgreSQL text cannot hold it, and nothing a person reads should: refused, not stripped.
        raise ValueError(_("must not contain NUL characters (\\u0000)"))
    return value


def _cleaned(value: str) -> str:
    return clean_public_text(value)


def _cleaned_not_empty(value: str) -> str:
    cleaned = clean_public_text(value)
    if value and not cleaned:
        raise ValueError(_("must not be empty once control and direction characters are removed"))
    return cleaned


# Every string a client sends in a body: a NUL anywhere is a 422 naming the field.
Text = Annotated[str, AfterValidator(_refuse_nul)]
# Free text that people read (names, messages, notes, descriptions): also loses control and
# bidi characters (solidarity/core/text_input.py); the required form cannot become empty.
PublicText = Annotated[str, AfterValidator(_refuse_nul), AfterValidator(_cleaned)]
RequiredPublicText = Annotated[str, AfterValidator(_refuse_nul), AfterValidator(_cleaned_not_empty)]

# Only these states are public: drafts and campaigns in review never appear.
CampaignStatusName = Literal["active", "closed", "reported", "archived"]


class MoneyOut(Schema):
    amount: str = Field(pattern=AMOUNT_PATTERN, description="Decimal string in major units.", examples=["1125.00"])
    currency: str = Field(pattern=CURRENCY_PATTERN, examples=["EUR"])
    minor: int = Field(description="The same amount in minor units (cents).", examples=[112500])

    @staticmethod
    def of(money: Money) -> MoneyOut:
        return MoneyOut(amount=str(money.amount), currency=money.currency, minor=money.minor)


class MoneyIn(Schema):
    amount: Text = Field(pattern=AMOUNT_IN_PATTERN, description="Decimal string, never a number.", examples=["25.00"])
    currency: Text = Field(pattern=CURRENCY_PATTERN, examples=["EUR"])

    def to_money(self) -> Money:
        try:
            return Money(Decimal(self.amount), self.currency)
        except InvalidOperation as exc:  # the pattern makes this unreachable; kept for safety
            raise InvalidAmount(f"Not an amount: {self.amount!r}.") from exc


class TotalsOut(Schema):
    collected: MoneyOut
    donations: int = Field(description="Donations counted (not reversed).")
    balance: MoneyOut = Field(description="What the campaign's fund holds now.")
    spent: MoneyOut = Field(description="Collected minus balance: paid out against needs.")

    @staticmethod
    def of(totals: CampaignTotals) -> TotalsOut:
        return TotalsOut(
            collected=MoneyOut.of(totals.collected),
            donations=totals.donations,
            balance=MoneyOut.of(totals.balance),
            spent=MoneyOut.of(totals.spent),
        )


class BeneficiaryOut(Schema):
    public_name: str
    status: str


class CampaignSummaryOut(Schema):
    slug: str
    title: str
    status: CampaignStatusName
    finished: bool = Field(description="True once the collection is over (closed, reported, archived).")
    currency: str
    beneficiary: BeneficiaryOut
    categories: list[NeedCategory]
    goal: MoneyOut
    collected: MoneyOut
    donations: int
    percent: int = Field(description="Collected as a whole percentage of the goal; may exceed 100.")
    deadline: dt.date | None
    published_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def of(card: CampaignCard) -> CampaignSummaryOut:
        c = card.campaign
        return CampaignSummaryOut(
            slug=c.slug,
            title=c.title,
            status=cast(CampaignStatusName, c.status),
            finished=c.is_finished,
            currency=c.currency,
            beneficiary=BeneficiaryOut(public_name=c.beneficiary.public_name, status=c.beneficiary.status),
            categories=sorted({NeedCategory(n.category) for n in c.needs.all()}),
            goal=MoneyOut.of(card.goal),
            collected=MoneyOut.of(card.totals.collected),
            donations=card.totals.donations,
            percent=card.percent,
            deadline=c.deadline,
            published_at=c.published_at,
            closed_at=c.closed_at,
        )


class CampaignPageOut(Schema):
    items: list[CampaignSummaryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class NeedOut(Schema):
    category: NeedCategory
    description: str
    amount: MoneyOut
    recurrence: NeedRecurrence

    @staticmethod
    def of(need: Need) -> NeedOut:
        return NeedOut(
            category=NeedCategory(need.category),
            description=need.description,
            amount=MoneyOut.of(need.money),
            recurrence=NeedRecurrence(need.recurrence),
        )


class TimelineEventOut(Schema):
    date: dt.date
    date_is_approximate: bool
    kind: str
    place: str
    description: str


class UpdateOut(Schema):
    published_on: dt.date
    kind: str
    title: str
    body: str

    @staticmethod
    def of(update: Update) -> UpdateOut:
        return UpdateOut(published_on=update.published_on, kind=update.kind, title=update.title, body=update.body)


class BeneficiaryDetailOut(BeneficiaryOut):
    charges: str
    bio: str
    timeline: list[TimelineEventOut]


class CampaignDetailOut(Schema):
    slug: str
    title: str
    story: str
    status: CampaignStatusName
    finished: bool
    currency: str
    surplus_rule: str
    deadline: dt.date | None
    published_at: dt.datetime | None
    closed_at: dt.datetime | None
    beneficiary: BeneficiaryDetailOut
    needs: list[NeedOut]
    goal: MoneyOut
    totals: TotalsOut
    updates: list[UpdateOut]

    @staticmethod
    def of(campaign: Campaign, totals: CampaignTotals) -> CampaignDetailOut:
        b = campaign.beneficiary
        timeline = [
            TimelineEventOut(
                date=e.date,
                date_is_approximate=e.date_is_approximate,
                kind=e.kind,
                place=e.place,
                description=e.description,
            )
            for e in b.timeline.all()
        ]
        return CampaignDetailOut(
            slug=campaign.slug,
            title=campaign.title,
            story=campaign.story,
            status=cast(CampaignStatusName, campaign.status),
            finished=campaign.is_finished,
            currency=campaign.currency,
            surplus_rule=campaign.surplus_rule,
            deadline=campaign.deadline,
            published_at=campaign.published_at,
            closed_at=campaign.closed_at,
            beneficiary=BeneficiaryDetailOut(
                public_name=b.public_name, status=b.status, charges=b.charges, bio=b.bio, timeline=timeline
            ),
            needs=[NeedOut.of(n) for n in campaign.needs.all()],
            goal=MoneyOut.of(campaign.goal),
            totals=TotalsOut.of(totals),
            updates=[UpdateOut.of(u) for u in campaign.updates.all()],
        )


class ReceiptCheckIn(Schema):
    code: Text = Field(min_length=1, max_length=64, description="The receipt code, e.g. K7QF-2M3A-…")


class CampaignRefOut(Schema):
    slug: str
    title: str


class ReceiptCheckOut(Schema):
    """What a receipt code proves, and nothing about who gave."""

    found: bool
    counted: bool = Field(description="True when the donation is paid and counted in the campaign's totals.")
    status: str | None
    campaign: CampaignRefOut | None
    amount: MoneyOut | None
    day: dt.date | None

    @staticmethod
    def of(result: ReceiptStatus) -> ReceiptCheckOut:
        campaign = result.campaign
        return ReceiptCheckOut(
            found=result.found,
            counted=result.counted,
            status=result.status or None,
            campaign=CampaignRefOut(slug=campaign.slug, title=campaign.title) if campaign else None,
            amount=MoneyOut.of(result.amount) if result.amount else None,
            day=result.day,
        )
