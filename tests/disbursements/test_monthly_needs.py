"""Monthly needs are kept: "paid through <month>" from the ledger, advanced by payouts, moved
back by reversals; the back office lists what is due and overdue; the public page is honest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.forms import NeedAdminForm
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.disbursements import services
from solidarity.disbursements.selectors import monthly_needs_due, needs_progress
from solidarity.donations.services import record_staff_donation
from tests.factories import BeneficiaryFactory, CampaignFactory, active_campaign, staff_with_role
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db


JAN = dt.date(2027, 1, 1)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def with_monthly(months: int | None = 3, first_month: dt.date = JAN, due_day: int = 5, title: str = "Loan"):
    campaign = active_campaign(
        title_en=f"Help with the {title}", beneficiary=BeneficiaryFactory(public_name_en="Olga S.")
    )
    need = campaign_services.add_need(
        campaign=campaign,
        category="loan_repayment",
        description=f"{title} repayment",
        amount=eur("220"),
        recurrence="monthly",
        months=months,
        first_month=first_month,
        due_day=due_day,
    )
    record_staff_donation(campaign=campaign, amount=eur("2000"), channel="cash", actor=staff_with_role("finance", "d"))
    return campaign, need


def pay(need, amount: str = "220", day: dt.date = JAN):
    return services.record_disbursement(
        need=need,
        payee_category="creditor_bank",
        amount=eur(amount),
        paid_on=day,
        public_description="Loan instalment",
        actor=staff_with_role("finance", "fin-a"),
    )


def schedule_of(campaign, need):
    return next(row for row in needs_progress(campaign) if row.need.pk == need.pk)


def test_payouts_advance_the_month_paid_through_and_a_reversal_moves_it_back() -> None:
    campaign, need = with_monthly(months=3)
    row = schedule_of(campaign, need)
    assert row.schedule.paid_through is None and row.schedule.next_due_on == dt.date(2027, 1, 5)
    assert row.state == "monthly"  # not "paid" before the months are
    first = pay(need)
    row = schedule_of(campaign, need)
    assert row.schedule.paid_through == JAN and row.schedule.next_due_on == dt.date(2027, 2, 5)
    assert row.state == "monthly"
    pay(need, "220", dt.date(2027, 2, 3))
    services.reverse_disbursement(disbursement=first, actor=staff_with_role("finance", "fin-a"), reason="returned")
    assert schedule_of(campaign, need).schedule.paid_through == JAN
    pay(need, "290")  # two more months would be 440: one whole month is covered, 70 towards the next
    row = schedule_of(campaign, need)
    assert row.schedule.paid_through == dt.date(2027, 2, 1) and row.schedule.months_paid == 2
    pay(need, "150")
    row = schedule_of(campaign, need)
    assert row.schedule.complete and row.state == "paid" and row.schedule.paid_through == dt.date(2027, 3, 1)


def test_a_need_until_further_notice_is_never_complete() -> None:
    campaign, need = with_monthly(months=None)
    pay(need, "220")
    pay(need, "220")
    row = schedule_of(campaign, need)
    assert not row.schedule.complete and row.schedule.paid_through == dt.date(2027, 2, 1)
    assert row.schedule.next_month == dt.date(2027, 3, 1)


def test_the_due_list_shows_overdue_and_soon_due_needs_and_nothing_else() -> None:
    _, behind = with_monthly(months=None, title="Loan")
    pay(behind)  # January paid; February 5 and March 5 have passed by March 10
    _, soon = with_monthly(months=12, first_month=dt.date(2027, 3, 1), due_day=13, title="Rent")
    _, later = with_monthly(months=12, first_month=dt.date(2027, 3, 1), due_day=28, title="School")
    _, done = with_monthly(months=1, title="Fine")
    pay(done)
    draft = CampaignFactory(title_en="Draft campaign")
    campaign_services.add_need(
        campaign=draft, category="other", description="Draft", amount=eur("10"), recurrence="monthly", first_month=JAN
    )
    today = dt.date(2027, 3, 10)
    week = monthly_needs_due(7, today=today)
    assert [d.need.pk for d in week] == [behind.pk, soon.pk]
    assert week[0].overdue and week[0].months_behind == 2 and week[0].schedule.next_due_on == dt.date(2027, 2, 5)
    assert not week[1].overdue and week[1].schedule.next_due_on == dt.date(2027, 3, 13)
    assert [d.need.pk for d in monthly_needs_due(30, today=today)] == [behind.pk, soon.pk, later.pk]


@pytest.mark.parametrize(
    ("recurrence", "months", "first_month", "due_day"),
    [("monthly", 3, JAN, 29), ("monthly", 3, JAN, 0), ("monthly", 0, JAN, 5), ("one_off", 3, None, 1)],
)
def test_a_schedule_that_does_not_fit_is_refused(recurrence, months, first_month, due_day) -> None:
    campaign = CampaignFactory()
    with pytest.raises(DomainError):
        campaign_services.add_need(
            campaign=campaign,
            category="other",
            description="x",
            amount=eur("10"),
            recurrence=recurrence,
            months=months,
            first_month=first_month,
            due_day=due_day,
        )
    assert not campaign.needs.exists()
    form = NeedAdminForm(
        data={
            "category": "other",
            "description_en": "x",
            "description": "x",
            "amount": "10",
            "currency": "EUR",
            "recurrence": recurrence,
            "months": months,
            "first_month": first_month.isoformat() if first_month else "",
            "due_day": due_day,
            "position": 0,
        },
        instance=campaign.needs.model(campaign=campaign),
    )
    assert not form.is_valid()


def test_the_back_office_lists_an_overdue_monthly_need_with_a_link_to_pay_it() -> None:
    campaign, need = with_monthly(months=None, first_month=dt.date(2026, 1, 1))
    page = verified_client("finance").get(reverse("admin:disbursements_disbursement_monthly"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Loan repayment" in html and "Olga S." in html and "months behind" in html
    assert f"{reverse('admin:disbursements_disbursement_record_for', args=[campaign.pk])}?need={need.pk}" in html
    form = verified_client("finance").get(
        reverse("admin:disbursements_disbursement_record_for", args=[campaign.pk]), {"need": need.pk}
    )
    assert f'<option value="{need.pk}" selected>' in form.content.decode()


def test_the_campaign_page_says_how_much_a_month_and_through_which_month_it_is_paid() -> None:
    campaign, need = with_monthly(months=None)
    pay(need)
    html = Client().get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "€220 a month" in html and "paid through January 2027" in html and "until further notice" in html
    html_ru = Client().get(f"/ru/campaigns/{campaign.slug}/").content.decode()
    assert "в месяц" in html_ru and "оплачено по" in html_ru
