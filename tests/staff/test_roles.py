"""Roles are enforced in the services, whatever calls them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.campaigns import services as campaign_services
from solidarity.core.errors import NotAllowed
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction
from solidarity.payments import reconciliation
from solidarity.payments.channels import set_channel
from solidarity.payments.models import ImportedStatement
from solidarity.staff.models import AuditEntry
from tests.factories import CampaignFactory, staff_with_role
from tests.payments.camt_builder import camt

pytestmark = pytest.mark.django_db


def test_editor_cannot_record_a_donation(campaign) -> None:
    editor = staff_with_role("editor")
    with pytest.raises(NotAllowed, match="finance"):
        record_staff_donation(campaign=campaign, amount=Money(Decimal(5), "EUR"), channel="cash", actor=editor)
    assert not Transaction.objects.exists()


def test_editor_cannot_import_a_statement() -> None:
    editor = staff_with_role("editor")
    with pytest.raises(NotAllowed):
        reconciliation.import_statement(data=camt([{"amount": "5.00"}]), actor=editor)
    assert not ImportedStatement.objects.exists()


def test_editor_cannot_publish_but_reviewer_can() -> None:
    editor, reviewer = staff_with_role("editor"), staff_with_role("reviewer")
    campaign = CampaignFactory()
    campaign_services.add_need(
        campaign=campaign, category="medical", description="x", amount=Money(Decimal(5), "EUR"), actor=editor
    )
    campaign_services.submit_for_review(campaign=campaign, actor=editor)
    with pytest.raises(NotAllowed, match="reviewer"):
        campaign_services.publish_campaign(campaign=campaign, actor=editor)
    assert campaign_services.publish_campaign(campaign=campaign, actor=reviewer).status == "active"


def test_finance_cannot_switch_channels_but_admin_can() -> None:
    with pytest.raises(NotAllowed):
        set_channel(channel="card", enabled=False, actor=staff_with_role("finance"))
    set_channel(channel="card", enabled=False, actor=staff_with_role("admin"))


def test_finance_records_and_the_audit_row_is_written_with_it(campaign) -> None:
    finance = staff_with_role("finance")
    record_staff_donation(campaign=campaign, amount=Money(Decimal(5), "EUR"), channel="cash", actor=finance)
    assert AuditEntry.objects.filter(actor=finance, action="donation.record").count() == 1


def test_audit_row_is_rolled_back_with_a_failed_action(campaign) -> None:
    reviewer = staff_with_role("reviewer")
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave no audit row
        campaign_services.submit_for_review(campaign=CampaignFactory(), actor=reviewer)
    assert not AuditEntry.objects.filter(actor=reviewer).exists()


def test_inactive_or_non_staff_users_hold_no_role(campaign) -> None:
    finance = staff_with_role("finance")
    finance.is_active = False
    finance.save()
    with pytest.raises(NotAllowed):
        record_staff_donation(campaign=campaign, amount=Money(Decimal(5), "EUR"), channel="cash", actor=finance)
