"""The help request life cycle: new → verifying → approved → finished, or rejected."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from solidarity.campaigns.models import Beneficiary, Campaign, CampaignStatus
from solidarity.campaigns.services import (
    InvalidConsent,
    PublishingConsent,
    add_need,
    archive_campaign,
    close_campaign,
    mark_reported,
    publish_campaign,
    submit_for_review,
)
from solidarity.core.errors import InvalidAmount, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.helprequests import services
from solidarity.helprequests.models import HelpRequest, HelpRequestState
from solidarity.helprequests.services import IncompleteHelpRequest
from solidarity.staff.models import AuditEntry
from tests.factories import staff_with_role
from tests.helprequests.samples import APPROVAL, CONSENT, PLAIN, submission

pytestmark = pytest.mark.django_db
S = HelpRequestState


def test_submitted_request_is_new_with_a_random_reference(help_request) -> None:
    assert help_request.state == S.NEW
    assert len(help_request.reference) == 8 and help_request.reference != str(help_request.pk)
    assert help_request.purge_after is None and help_request.decided_by is None
    assert not AuditEntry.objects.exists()  # the public submission has no staff actor


def test_submission_keeps_every_field_and_the_amount(help_request) -> None:
    content = help_request.open_content()
    assert content.contact == PLAIN["contact"] and content.situation == PLAIN["situation"]
    assert content.prisoner_name == PLAIN["prisoner_name"] and content.needs == PLAIN["needs"]
    assert content.amount == submission()["amount"]


def test_full_workflow_ends_in_a_finished_request(help_request, staff_user) -> None:
    services.start_verification(help_request=help_request, actor=staff_user)
    approved = services.approve_help_request(help_request=help_request, actor=staff_user, **APPROVAL)
    assert approved.state == S.APPROVED and approved.decided_by == staff_user
    campaign = approved.campaign
    assert campaign is not None and campaign.status == CampaignStatus.DRAFT
    assert campaign.title_en == "Help for Ales M." and campaign.story_en == ""
    assert campaign.beneficiary.public_name == "Ales M."
    assert campaign.beneficiary.consent_scope == "pseudonym,charges"
    assert campaign.beneficiary.consent_given_by == "family" and campaign.beneficiary.consent_recorded_by == staff_user
    assert not campaign.needs.exists()
    assert not campaign.slug.isdigit() and str(help_request.pk) != campaign.slug
    add_need(campaign=campaign, category="legal_aid", description="Lawyer", amount=Money("500", "EUR"))
    submit_for_review(campaign=campaign, actor=staff_user)
    publish_campaign(campaign=campaign, actor=staff_user)
    close_campaign(campaign=campaign, actor=staff_user)
    assert services.finish_done_help_requests() == []  # closed is not done: money still goes out
    mark_reported(campaign=campaign, actor=staff_user)
    assert services.finish_done_help_requests() == [help_request.pk]
    help_request.refresh_from_db()
    assert help_request.state == S.FINISHED and help_request.purge_after is not None
    archive_campaign(campaign=campaign, actor=staff_user)


@pytest.mark.parametrize(
    ("pseudonym", "code"),
    [
        ("", "pseudonym_missing"),
        ("   ", "pseudonym_missing"),
        (f"Our {PLAIN['prisoner_name'].upper()}", "pseudonym_is_name"),
        ("x" * 121, "pseudonym_too_long"),
    ],
)
def test_approval_refuses_a_missing_or_real_name_as_pseudonym(help_request, staff_user, pseudonym, code) -> None:
    services.start_verification(help_request=help_request, actor=staff_user)
    with pytest.raises(IncompleteHelpRequest) as refused:
        services.approve_help_request(help_request=help_request, actor=staff_user, pseudonym=pseudonym, consent=CONSENT)
    assert refused.value.code == code
    assert HelpRequest.objects.get().state == S.VERIFYING and not Campaign.objects.exists()


@pytest.mark.parametrize(
    "consent",
    [
        PublishingConsent(scope=("pseudonym", "home_address"), given_by="family", given_on=dt.date(2026, 1, 1)),
        PublishingConsent(scope=("pseudonym",), given_by="", given_on=dt.date(2026, 1, 1)),
        PublishingConsent(scope=("pseudonym",), given_by="family", given_on=dt.date.today() + dt.timedelta(days=2)),
    ],
    ids=["unknown-scope", "no-giver", "future-date"],
)
def test_approval_refuses_an_incomplete_consent(help_request, staff_user, consent) -> None:
    services.start_verification(help_request=help_request, actor=staff_user)
    with pytest.raises(InvalidConsent):
        services.approve_help_request(help_request=help_request, actor=staff_user, pseudonym="Ales M.", consent=consent)
    assert HelpRequest.objects.get().state == S.VERIFYING and not Beneficiary.objects.exists()


@pytest.mark.parametrize("role", ["editor", "reviewer", "finance", "admin"])
def test_only_a_caseworker_works_a_request(help_request, role) -> None:
    with pytest.raises(NotAllowed, match="caseworker"):
        services.start_verification(help_request=help_request, actor=staff_with_role(role))
    caseworker = staff_with_role("caseworker")
    services.start_verification(help_request=help_request, actor=caseworker)
    approved = services.approve_help_request(help_request=help_request, actor=caseworker, **APPROVAL)
    assert approved.state == S.APPROVED and approved.decided_by == caseworker


def test_rejection_keeps_the_reason_encrypted_and_sets_a_purge_date(help_request, staff_user) -> None:
    rejected = services.reject_help_request(help_request=help_request, actor=staff_user, reason="Could not verify")
    assert rejected.state == S.REJECTED and rejected.decided_by == staff_user and rejected.purge_after
    assert rejected.open_content().rejection_reason == "Could not verify"
    assert "Could not verify" not in json.dumps(list(AuditEntry.objects.values("summary")))


def test_every_staff_step_is_audited_without_content(help_request, staff_user) -> None:
    services.start_verification(help_request=help_request, actor=staff_user)
    services.approve_help_request(help_request=help_request, actor=staff_user, **APPROVAL)
    services.finish_help_request(help_request=help_request, actor=staff_user)
    entries = list(AuditEntry.objects.filter(target_type="helprequests.HelpRequest").order_by("id"))
    assert [e.action for e in entries] == ["helprequest.verifying", "helprequest.approved", "helprequest.finished"]
    assert all(e.actor == staff_user and e.target_id == str(help_request.pk) for e in entries)
    dumped = json.dumps([e.summary for e in entries], ensure_ascii=False)
    assert not any(value in dumped for value in PLAIN.values())


@pytest.mark.parametrize(
    ("steps", "move"),
    [
        ([], "approve"),  # verification comes first
        ([], "finish"),
        (["start"], "start"),
        (["reject"], "start"),
        (["reject"], "approve"),
        (["reject"], "reject"),
        (["start", "approve"], "reject"),
        (["start", "approve"], "approve"),
        (["start", "approve", "finish"], "finish"),
        (["start", "approve", "finish"], "start"),
    ],
)
def test_invalid_transitions_are_refused(help_request, staff_user, steps, move) -> None:
    calls = {
        "start": lambda: services.start_verification(help_request=help_request, actor=staff_user),
        "approve": lambda: services.approve_help_request(help_request=help_request, actor=staff_user, **APPROVAL),
        "reject": lambda: services.reject_help_request(help_request=help_request, actor=staff_user, reason="no"),
        "finish": lambda: services.finish_help_request(help_request=help_request, actor=staff_user),
    }
    for step in steps:
        calls[step]()
    before = HelpRequest.objects.get(pk=help_request.pk).state
    audits = AuditEntry.objects.count()
    with pytest.raises(InvalidTransition):
        calls[move]()
    assert HelpRequest.objects.get(pk=help_request.pk).state == before
    assert AuditEntry.objects.count() == audits


def test_refused_approval_creates_no_campaign(help_request, staff_user) -> None:
    from solidarity.campaigns.models import Campaign

    with pytest.raises(InvalidTransition):
        services.approve_help_request(help_request=help_request, actor=staff_user, **APPROVAL)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("field", ["contact", "prisoner_name", "situation", "needs"])
def test_each_text_field_is_required(db, field) -> None:
    with pytest.raises(services.IncompleteHelpRequest):
        services.submit_help_request(**submission(**{field: "   "}))
    assert not HelpRequest.objects.exists()


def test_too_long_text_is_refused(db) -> None:
    with pytest.raises(services.IncompleteHelpRequest):
        services.submit_help_request(**submission(contact="x" * 1001))


def test_a_negative_amount_is_refused(db) -> None:
    with pytest.raises(InvalidAmount):
        services.submit_help_request(**submission(amount=Money("-5", "EUR")))


def test_the_amount_is_optional(db) -> None:
    help_request = services.submit_help_request(**submission(amount=None))
    assert help_request.open_content().amount is None


def test_rejection_needs_a_reason(help_request, staff_user) -> None:
    with pytest.raises(services.IncompleteHelpRequest):
        services.reject_help_request(help_request=help_request, actor=staff_user, reason=" ")
