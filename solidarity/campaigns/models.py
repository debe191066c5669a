"""Beneficiaries, their detention timeline, campaigns, needs and updates.

Text that readers see (titles, story, bio, need descriptions, updates) is translated
with django-modeltranslation: see translation.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidarity.core.money import Money
from solidarity.core.shredding import open_text


class BeneficiaryStatus(models.TextChoices):
    PRE_TRIAL = "pre_trial", _("In pre-trial detention")
    SENTENCED = "sentenced", _("Sentenced, serving a term")
    RELEASED = "released", _("Released")
    IN_EXILE = "in_exile", _("In exile")
    AT_RISK = "at_risk", _("At risk of prosecution")


class ConsentScope(models.TextChoices):
    """What the family agreed may be published about the person (the pseudonym always)."""

    PSEUDONYM = "pseudonym", _("The pseudonym")
    CHARGES = "charges", _("The charges")
    TIMELINE = "timeline", _("The detention timeline")
    STORY = "story", _("The story of what happened")
    PHOTO = "photo", _("A photo")
    CITY = "city", _("The city or region")


class ConsentGiver(models.TextChoices):
    """Who gave the consent: a relation, never a name."""

    PERSON = "person", _("The person in detention")
    FAMILY = "family", _("A family member")
    LAWYER = "lawyer", _("Their lawyer")
    REPRESENTATIVE = "representative", _("Another representative")


class Beneficiary(models.Model):
    # Sealed under the beneficiary's data key (solidarity.core.shredding), replaced on every change.
    SHREDDED_FIELDS = {"data_key": ("private_contact_sealed", "payout_details_sealed")}

    public_name = models.CharField(_("public name or pseudonym"), max_length=120)
    bio = models.TextField(_("public bio"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=BeneficiaryStatus.choices)
    charges = models.CharField(
        _("charges"), max_length=300, blank=True, help_text=_('e.g. "Article 342 of the Criminal Code"')
    )
    # Never public, sealed under a data key of their own: how staff reach the family, and
    # where payouts go (account, lawyer's details). Set through
    # campaigns.services.set_private_details, which replaces the key on every change.
    private_contact_sealed = models.TextField(blank=True, editable=False, verbose_name=_("private contact sealed"))
    payout_details_sealed = models.TextField(blank=True, editable=False, verbose_name=_("payout details sealed"))
    data_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("data key"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # What the family agreed to publish, recorded when a caseworker approved their request
    # (campaigns.services.record_consent): comma-separated ConsentScope values, who, when.
    consent_scope = models.CharField(_("consent to publish"), max_length=200, blank=True, editable=False, db_default="")
    consent_given_by = models.CharField(
        _("consent given by"), max_length=16, choices=ConsentGiver.choices, blank=True, editable=False, db_default=""
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True, editable=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["public_name"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def private_contact(self) -> str:
        return open_text(self.data_key, self.private_contact_sealed) if self.data_key_id else ""

    @property
    def payout_details(self) -> str:
        return open_text(self.data_key, self.payout_details_sealed) if self.data_key_id else ""

    @property
    def consent_scope_labels(self) -> list[str]:
        return [str(ConsentScope(v).label) for v in self.consent_scope.split(",") if v in ConsentScope.values]


class CaseNote(models.Model):
    """A caseworker's note, sealed; the concrete notes say under which data key."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sealed_text = models.TextField(editable=False)

    class Meta:
        abstract = True
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class BeneficiaryNote(CaseNote):
    """A note on a beneficiary, sealed under a data key of its own, read by caseworkers only."""

    SHREDDED_FIELDS = {"data_key": ("sealed_text",)}

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="case_notes")
    data_key = models.ForeignKey(
        "core.DataKey", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(CaseNote.Meta):
        pass

    @property
    def text(self) -> str:
        return open_text(self.data_key, self.sealed_text)


class TimelineEventKind(models.TextChoices):
    DETAINED = "detained", _("Detained")
    SEARCHED = "searched", _("Home searched")
    FINED = "fined", _("Fined")
    ADMIN_ARREST = "admin_arrest", _("Administrative arrest")
    CHARGED = "charged", _("Criminal case opened")
    TRANSFERRED = "transferred", _("Transferred")
    TRIAL = "trial", _("Trial")
    SENTENCED = "sentenced", _("Sentenced")
    RELEASED = "released", _("Released")
    OTHER = "other", _("Other")


class TimelineEvent(models.Model):
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("beneficiary")
    )
    date = models.DateField(_("date"))
    date_is_approximate = models.BooleanField(_("only the month is known"), default=False)
    kind = models.CharField(_("kind"), max_length=16, choices=TimelineEventKind.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    REPORTED = "reported", _("Reported")
    ARCHIVED = "archived", _("Archived")


# States in which the collection is over but the page stays public.
FINISHED_STATUSES = (CampaignStatus.CLOSED, CampaignStatus.REPORTED, CampaignStatus.ARCHIVED)
PUBLIC_STATUSES = (CampaignStatus.ACTIVE, *FINISHED_STATUSES)


class SurplusRule(models.TextChoices):
    SAME_BENEFICIARY = "same_beneficiary", _("Kept for the same family's later needs")
    GENERAL_FUND = "general_fund", _("Moved to the foundation's general fund for other prisoners")
    REFUND_ON_REQUEST = "refund_on_request", _("Refunded to donors who ask within 30 days")


def story_fields() -> list[str]:
    """The story's column in each language (django-modeltranslation's story_en, story_ru, …)."""
    return [f"story_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]


class Campaign(models.Model):
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("story"))
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("beneficiary")
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    close_when_goal_reached = models.BooleanField(_("close when the goal is reached"), default=False)
    surplus_rule = models.CharField(
        _("surplus funds"), max_length=24, choices=SurplusRule.choices, default=SurplusRule.SAME_BENEFICIARY
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    status_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("status changed at"))
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    # Set only when the story's text changes in any language (save() below); the public page shows it.
    story_updated_at = models.DateTimeField(_("story last updated"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Notes when the story's text changed (in any language), and only then."""
        if self.pk is not None:
            fields = story_fields()
            before = type(self).objects.filter(pk=self.pk).values(*fields).first()
            if before is not None and any((before[f] or "") != (getattr(self, f) or "") for f in fields):
                self.story_updated_at = timezone.now()
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "story_updated_at"}
        super().save(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def goal(self) -> Money:
        """Sum of the itemized needs (a monthly need counts one month)."""
        total = Money.zero(self.currency)
        for need in self.needs.all():
            total = total + need.money
        return total


class CampaignTransition(models.Model):
    """Who moved a campaign from one state to another, and when."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("campaign")
    )
    from_status = models.CharField(max_length=16, choices=CampaignStatus.choices, verbose_name=_("from status"))
    to_status = models.CharField(max_length=16, choices=CampaignStatus.choices, verbose_name=_("to status"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("campaign transition")
        verbose_name_plural = _("campaign transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"


class NeedCategory(models.TextChoices):
    LEGAL_AID = "legal_aid", _("Legal aid")
    LOAN_REPAYMENT = "loan_repayment", _("Loan repayment")
    PRISON_TRANSFERS = "prison_transfers", _("Transfers to the detention centre")
    FAMILY_SUPPORT = "family_support", _("Family support")
    MEDICAL = "medical", _("Medical")
    OTHER = "other", _("Other")


class NeedRecurrence(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")


class Need(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="needs", verbose_name=_("campaign"))
    category = models.CharField(_("category"), max_length=24, choices=NeedCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    amount_minor = models.BigIntegerField(_("amount in minor units"))
    currency = models.CharField(_("currency"), max_length=3)
    recurrence = models.CharField(
        _("recurrence"), max_length=8, choices=NeedRecurrence.choices, default=NeedRecurrence.ONE_OFF
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # A monthly need: `amount` each month from `first_month` for `months` months (empty: until
    # further notice), due on `due_day` of each month. What is paid comes from the ledger
    # (disbursements.selectors.monthly_schedule), never from a counter here.
    months = models.PositiveSmallIntegerField(
        _("for how many months"), null=True, blank=True, help_text=_("Monthly needs only. Empty: until further notice.")
    )
    first_month = models.DateField(
        _("first month"), null=True, blank=True, help_text=_("Monthly needs only: any day of the first month.")
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"),
        default=1,
        db_default=1,
        help_text=_("Monthly needs only: the day of the month the payment is due (1–28)."),
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="need_amount_positive"),
            models.CheckConstraint(condition=models.Q(due_day__gte=1, due_day__lte=28), name="need_due_day_in_month"),
            models.CheckConstraint(
                condition=models.Q(months__isnull=True) | models.Q(months__gt=0), name="need_months_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.money})"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def is_monthly(self) -> bool:
        return self.recurrence == NeedRecurrence.MONTHLY

    def month(self, index: int) -> dt.date:
        """The first day of the schedule's month `index` (0: the first month).

        A monthly need without a first month (recorded before there was one) starts in the
        month its campaign was published, or created.
        """
        start = self.first_month or (self.campaign.published_at or self.campaign.created_at).date()
        total = start.year * 12 + start.month - 1 + index
        return dt.date(total // 12, total % 12 + 1, 1)

    def due_on(self, index: int) -> dt.date:
        """The day the payment for the schedule's month `index` is due."""
        return self.month(index).replace(day=self.due_day)


class UpdateKind(models.TextChoices):
    NEWS = "news", _("News")
    LETTER = "letter", _("Letter")
    REPORT = "report", _("Report")


class Update(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates", verbose_name=_("campaign"))
    published_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=UpdateKind.choices, default=UpdateKind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a reviewer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# A campaign in these states is public: an editor's change to its story or needs waits for a reviewer.
REVIEWED_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED)


class CampaignChangeProposal(models.Model):
    """An editor's change to what the public reads (story, needs, so the goal) of a public
    campaign, kept until a reviewer other than the editor accepts or rejects it
    (campaigns.proposals).

    `story` maps each changed story column ("story_ru") to {"before", "after"}; `needs` lists
    the need rows as proposed: {"id" (None for a new one), "category", "description",
    "amount" (a decimal string in the campaign's currency), "recurrence", "position",
    "delete"}, with "before" holding the row's values when it already exists.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="change_proposals", verbose_name=_("campaign")
    )
    story = models.JSONField(_("story"), default=dict, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}: {self.campaign}"
