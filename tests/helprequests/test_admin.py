"""The back office: metadata in the list, content only for those allowed, actions via services."""

from __future__ import annotations

import pytest

from solidarity.campaigns.models import Beneficiary, BeneficiaryNote, Campaign
from solidarity.helprequests.models import HelpRequest, HelpRequestNote, HelpRequestState
from solidarity.helprequests.services import submit_help_request
from solidarity.staff.models import AuditEntry
from tests.factories import staff_with_role
from tests.helprequests.conftest import back_office_client
from tests.helprequests.samples import PLAIN, jpeg_with_metadata, submission

pytestmark = pytest.mark.django_db
LIST = "/staff/helprequests/helprequest/"
APPROVE_FORM = {
    "apply": "1",
    "pseudonym": "Ales M.",
    "beneficiary_status": "pre_trial",
    "consent_scope": ["pseudonym", "charges"],
    "consent_given_by": "family",
    "consent_given_on": "2026-11-02",
}


@pytest.fixture
def with_file(db) -> HelpRequest:
    return submit_help_request(**submission(attachments=[jpeg_with_metadata()]))


def _detail(help_request: HelpRequest) -> str:
    return f"{LIST}{help_request.pk}/change/"


def _beneficiary(beneficiary: Beneficiary) -> str:
    return f"/staff/campaigns/beneficiary/{beneficiary.pk}/change/"


def _download(help_request: HelpRequest) -> str:
    return f"{LIST}{help_request.pk}/attachments/{help_request.attachments.get().pk}/"


def _act(client, action: str, *requests: HelpRequest, **extra: str):
    return client.post(LIST, {"action": action, "_selected_action": [r.pk for r in requests], **extra})


def test_the_list_shows_references_and_states_but_no_content(help_request, staff_user) -> None:
    response = back_office_client(staff_user).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert help_request.display_reference in html and "New" in html
    assert not any(value in html for value in PLAIN.values())


def test_search_finds_a_reference_as_the_family_reads_it(help_request, staff_user) -> None:
    term = help_request.display_reference.lower().replace("-", " ")
    html = back_office_client(staff_user).get(LIST, {"q": term}).content.decode()
    assert help_request.display_reference in html and "0 help requests" not in html


def test_superusers_see_the_decrypted_content_and_the_view_is_audited(help_request, staff_user) -> None:
    response = back_office_client(staff_user).get(_detail(help_request))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert PLAIN["prisoner_name"] in html and PLAIN["contact"] in html and "87,654.32" in html
    entry = AuditEntry.objects.get(action="helprequest.view_content")
    assert entry.actor == staff_user and entry.target_id == str(help_request.pk)


def test_the_caseworker_role_unlocks_the_content(help_request) -> None:
    caseworker = staff_with_role("caseworker")
    html = back_office_client(caseworker).get(_detail(help_request)).content.decode()
    assert PLAIN["situation"] in html


@pytest.mark.parametrize("role", ["editor", "reviewer", "finance", "admin"])
def test_no_other_role_opens_a_help_request(help_request, role: str) -> None:
    client = back_office_client(staff_with_role(role))
    for path in (LIST, _detail(help_request)):
        response = client.get(path)
        assert response.status_code == 403
        assert not any(value in response.content.decode() for value in PLAIN.values())
    assert not AuditEntry.objects.filter(action="helprequest.view_content").exists()


def test_the_detail_page_cannot_be_saved(help_request, staff_user) -> None:
    assert back_office_client(staff_user).post(_detail(help_request), {}).status_code == 403


def test_actions_run_the_workflow(help_request, staff_user) -> None:
    client = back_office_client(staff_user)
    _act(client, "start_verification", help_request)
    assert HelpRequest.objects.get().state == HelpRequestState.VERIFYING
    form = _act(client, "approve_selected", help_request)
    assert form.status_code == 200 and 'name="pseudonym"' in form.content.decode()
    _act(client, "approve_selected", help_request, **APPROVE_FORM)
    approved = HelpRequest.objects.get()
    assert approved.state == HelpRequestState.APPROVED and approved.campaign is not None
    assert approved.decided_by == staff_user
    _act(client, "finish", help_request)
    assert HelpRequest.objects.get().state == HelpRequestState.FINISHED


def test_an_invalid_action_is_reported_not_applied(help_request, staff_user) -> None:
    response = _act(back_office_client(staff_user), "approve_selected", help_request, **APPROVE_FORM)
    assert response.status_code == 200 and "cannot become approved" in response.content.decode()
    assert HelpRequest.objects.get().state == HelpRequestState.NEW and not Campaign.objects.exists()


def test_approval_shows_the_consent_on_the_beneficiary_page(help_request) -> None:
    caseworker = staff_with_role("caseworker")
    client = back_office_client(caseworker)
    _act(client, "start_verification", help_request)
    _act(client, "approve_selected", help_request, **APPROVE_FORM)
    beneficiary = Beneficiary.objects.get()
    assert beneficiary.public_name == "Ales M." and beneficiary.consent_recorded_by == caseworker
    html = back_office_client(staff_with_role("editor")).get(_beneficiary(beneficiary)).content.decode()
    assert "The pseudonym, The charges" in html and "A family member" in html and caseworker.username in html


def test_case_notes_are_sealed_and_read_by_caseworkers_only(help_request) -> None:
    caseworker = staff_with_role("caseworker")
    client = back_office_client(caseworker)
    note = "Called the mother, she confirms the trial date"
    added = client.post(f"{LIST}{help_request.pk}/notes/add/", {"text": note})
    assert added.status_code == 302
    assert note in client.get(_detail(help_request)).content.decode()
    assert note not in repr(list(HelpRequestNote.objects.values())) + repr(list(AuditEntry.objects.values()))
    _act(client, "start_verification", help_request)
    _act(client, "approve_selected", help_request, **APPROVE_FORM)
    beneficiary = Beneficiary.objects.get()
    assert client.post(f"/staff/campaigns/beneficiary/{beneficiary.pk}/notes/add/", {"text": note}).status_code == 302
    assert note in client.get(_beneficiary(beneficiary)).content.decode()
    assert note not in repr(list(BeneficiaryNote.objects.values()))
    editor = back_office_client(staff_with_role("editor"))
    page = editor.get(_beneficiary(beneficiary))
    assert page.status_code == 200 and note not in page.content.decode()
    assert editor.post(f"/staff/campaigns/beneficiary/{beneficiary.pk}/notes/add/", {"text": "x"}).status_code == 403
    assert BeneficiaryNote.objects.count() == 1


def test_an_empty_note_is_refused_with_a_message(help_request) -> None:
    client = back_office_client(staff_with_role("caseworker"))
    response = client.post(f"{LIST}{help_request.pk}/notes/add/", {"text": "   "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not HelpRequestNote.objects.exists()


def test_another_role_cannot_work_a_request(help_request) -> None:
    response = _act(back_office_client(staff_with_role("finance")), "start_verification", help_request)
    assert response.status_code == 403 and HelpRequest.objects.get().state == HelpRequestState.NEW


def test_rejection_asks_for_a_reason_first(help_request, staff_user) -> None:
    client = back_office_client(staff_user)
    page = _act(client, "reject_selected", help_request)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert HelpRequest.objects.get().state == HelpRequestState.NEW
    _act(client, "reject_selected", help_request, apply="1", reason="Duplicate of an earlier request")
    rejected = HelpRequest.objects.get()
    assert rejected.state == HelpRequestState.REJECTED and rejected.purge_after is not None
    assert "Duplicate" not in repr(list(AuditEntry.objects.values()))


def test_attachments_download_decrypted_as_attachments_never_cached(with_file, staff_user) -> None:
    response = back_office_client(staff_user).get(_download(with_file))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="attachment-1.jpg"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"\xff\xd8\xff") and b"Exif" not in response.content
    assert AuditEntry.objects.filter(action="helprequest.download_attachment").count() == 1


def test_attachments_are_for_caseworkers_only(with_file) -> None:
    assert back_office_client(staff_with_role("editor")).get(_download(with_file)).status_code == 403
    assert back_office_client(staff_with_role("caseworker")).get(_download(with_file)).status_code == 200


def test_anonymous_visitors_get_no_attachment(with_file, client) -> None:
    response = client.get(_download(with_file))
    assert response.status_code == 302 and b"\xff\xd8" not in response.content


def test_requests_cannot_be_added_or_deleted_by_hand(help_request, staff_user) -> None:
    client = back_office_client(staff_user)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}{help_request.pk}/delete/").status_code == 403
