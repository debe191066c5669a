"""Retention: rejected and finished requests are deleted after the retention period."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from solidarity.campaigns.models import Campaign
from solidarity.core.crypto import fernet
from solidarity.core.models import DataKey
from solidarity.core.shredding import Shredded, open_text
from solidarity.helprequests import services
from solidarity.helprequests.content import open_content
from solidarity.helprequests.models import HelpRequest, HelpRequestAttachment, HelpRequestNote, HelpRequestState
from solidarity.staff.models import AuditEntry
from tests.helprequests.samples import APPROVAL, PDF, PLAIN, jpeg_with_metadata, submission

pytestmark = pytest.mark.django_db


def _new() -> HelpRequest:
    return services.submit_help_request(**submission(attachments=[PDF, jpeg_with_metadata()]))


def _rejected(actor) -> HelpRequest:
    return services.reject_help_request(help_request=_new(), actor=actor, reason="Could not verify Kvietkouski")


def _finished(actor) -> HelpRequest:
    help_request = _new()
    services.start_verification(help_request=help_request, actor=actor)
    services.approve_help_request(help_request=help_request, actor=actor, **APPROVAL)
    return services.finish_help_request(help_request=help_request, actor=actor)


def _approved(actor) -> HelpRequest:
    help_request = _new()
    services.start_verification(help_request=help_request, actor=actor)
    return services.approve_help_request(help_request=help_request, actor=actor, **APPROVAL)


def test_purge_deletes_expired_rejected_and_finished_requests_and_keeps_the_rest(staff_user) -> None:
    rejected, finished = _rejected(staff_user), _finished(staff_user)
    new, approved = _new(), _approved(staff_user)
    verifying = services.start_verification(help_request=_new(), actor=staff_user)
    result = services.purge_expired_help_requests(now=timezone.now() + timedelta(days=91))
    assert result.ids == sorted([rejected.pk, finished.pk]) and result.attachments == 4
    assert set(HelpRequest.objects.values_list("pk", flat=True)) == {new.pk, approved.pk, verifying.pk}
    assert HelpRequestAttachment.objects.filter(help_request__in=[rejected.pk, finished.pk]).count() == 0
    assert HelpRequestAttachment.objects.count() == 6
    assert Campaign.objects.filter(pk=finished.campaign_id).exists()  # the campaign is public record


def test_purge_keeps_requests_within_the_retention_period(staff_user) -> None:
    _rejected(staff_user)
    _finished(staff_user)
    assert services.purge_expired_help_requests(now=timezone.now() + timedelta(days=89)).ids == []
    assert HelpRequest.objects.count() == 2


@override_settings(HELPREQUEST_RETENTION_DAYS=7)
def test_the_retention_period_comes_from_the_settings(staff_user) -> None:
    rejected = _rejected(staff_user)
    assert rejected.purge_after == (timezone.now() + timedelta(days=7)).date()
    assert services.purge_expired_help_requests(now=timezone.now() + timedelta(days=8)).ids == [rejected.pk]


def test_purge_audit_and_log_name_only_counts_and_ids(staff_user, caplog) -> None:
    rejected = _rejected(staff_user)
    with caplog.at_level(logging.INFO, logger="solidarity.helprequests"):
        services.purge_expired_help_requests(now=timezone.now() + timedelta(days=91))
    entry = AuditEntry.objects.get(action="helprequest.purge")
    assert entry.actor is None
    assert entry.summary == {"count": 1, "attachments": 2, "ids": str(rejected.pk)}
    written = caplog.text + json.dumps(list(AuditEntry.objects.values("summary")), ensure_ascii=False)
    assert str(rejected.pk) in caplog.text
    for secret in [*PLAIN.values(), "Kvietkouski", "Could not verify", rejected.reference]:
        assert secret not in written


def test_a_purge_with_nothing_to_do_writes_no_audit_entry(db) -> None:
    assert services.purge_expired_help_requests().ids == []
    assert not AuditEntry.objects.filter(action="helprequest.purge").exists()


def test_purged_ciphertext_is_gone_from_the_table(staff_user) -> None:
    rejected = _rejected(staff_user)
    token = rejected.sealed_content
    services.purge_expired_help_requests(now=timezone.now() + timedelta(days=91))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_content FROM helprequests_helprequest")
        assert token not in repr(cursor.fetchall())


def test_the_daily_command_finishes_done_requests_and_purges_expired_ones(staff_user) -> None:
    approved = _approved(staff_user)
    Campaign.objects.filter(pk=approved.campaign_id).update(status="archived")
    old = _rejected(staff_user)
    HelpRequest.objects.filter(pk=old.pk).update(purge_after=timezone.localdate() - timedelta(days=1))
    out = io.StringIO()
    call_command("purge_help_requests", stdout=out)
    text = out.getvalue()
    assert f"finished 1 help request(s): ids [{approved.pk}]" in text
    assert f"purged 1 help request(s) and 2 attachment(s) past 90 days of retention: ids [{old.pk}]" in text
    assert HelpRequest.objects.get(pk=approved.pk).state == HelpRequestState.FINISHED
    assert not HelpRequest.objects.filter(pk=old.pk).exists()
    assert not any(secret in text for secret in PLAIN.values())


def test_an_approved_request_whose_campaign_was_deleted_is_finished(staff_user) -> None:
    approved = _approved(staff_user)
    Campaign.objects.filter(pk=approved.campaign_id).delete()
    assert services.finish_done_help_requests() == [approved.pk]


def test_the_purge_destroys_the_data_key_so_no_old_copy_opens(staff_user) -> None:
    rejected = _rejected(staff_user)
    key = rejected.data_key
    token, attachment = rejected.sealed_content, rejected.attachments.first()
    assert key is not None and attachment is not None
    services.purge_expired_help_requests(now=timezone.now() + timedelta(days=91))
    assert not DataKey.objects.filter(pk=key.pk).exists()
    # An old row version, a WAL segment or a backup still holds the tokens: they no longer open.
    with pytest.raises(Shredded):
        open_content(None, token)
    with pytest.raises(InvalidToken):
        fernet().decrypt(attachment.sealed_bytes.encode())


def test_the_purge_erases_a_requests_case_notes_with_its_key(staff_user) -> None:
    rejected = _rejected(staff_user)
    note = services.add_request_note(help_request=rejected, text="Sister says Kvietkouski moved", actor=staff_user)
    sealed, key_id = note.sealed_text, rejected.data_key_id
    services.purge_expired_help_requests(now=timezone.now() + timedelta(days=365))
    assert not HelpRequestNote.objects.exists() and not DataKey.objects.filter(pk=key_id).exists()
    with pytest.raises(Shredded):
        open_text(None, sealed)
