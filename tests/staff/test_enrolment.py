"""A second factor only through an invitation: the link AND the password, once, before it expires."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.staff.enrolment import invite_to_enrol, reset_second_factors
from solidarity.staff.models import AuditEntry, EnrolmentInvitation, RecoveryCode, RecoveryCodeDevice
from tests.factories import UserFactory
from tests.staff.second_step import ENROLMENT_PATH, code, password_login, verified_login

pytestmark = pytest.mark.django_db


def written_rows() -> tuple[int, int, int, int]:
    """Everything an enrolment could write: devices, recovery codes, audit entries, used invitations."""
    return (
        TOTPDevice.objects.count(),
        RecoveryCode.objects.count(),
        AuditEntry.objects.count(),
        EnrolmentInvitation.objects.exclude(used_at=None).count(),
    )


def enrol_through(client: Client, link: str, username: str) -> list[str]:
    """What a new staff member does: open the link, log in, scan, type the first code. Returns the
    recovery codes the last page shows."""
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"].startswith("/staff/login/")
    response = password_login(client, username, next_path=link)
    while response.status_code == 302:
        response = client.get(response["Location"])
    html = response.content.decode()
    assert "Set up your second factor" in html and "<figure>" in html and 'id="totp-secret"' in html
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post(link, {"token": code(device)})
    assert done.status_code == 200 and "Your recovery codes" in done.content.decode()
    return list(done.context["codes"])


def test_an_invitation_link_enrols_exactly_once(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    codes = enrol_through(client, link, "boris")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=boris, confirmed=True).count() == 1
    assert client.get("/staff/").status_code == 200  # the enrolment verified this session
    actions = list(AuditEntry.objects.filter(target_id=str(boris.pk)).values_list("action", flat=True))
    assert {"staff.enrolment_invited", "staff.enrolment_started", "staff.second_factor_enrolled"} <= set(actions)

    client.logout()
    again = Client(HTTP_HOST="127.0.0.1")
    password_login(again, "boris")
    before = written_rows()
    refused = again.get(link)
    assert refused.status_code == 410 and "already been used" in refused.content.decode()
    assert written_rows() == before


def test_an_expired_link_is_refused_and_nothing_is_written(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    EnrolmentInvitation.objects.filter(user=boris).update(expires_at=timezone.now() - timedelta(seconds=1))
    password_login(client, "boris")
    before = written_rows()
    for response in (client.get(link), client.post(link, {"token": "123456"})):
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert "<figure>" not in response.content.decode()
    assert written_rows() == before
    assert not TOTPDevice.objects.filter(user=boris).exists()


def test_an_unknown_link_is_refused(client) -> None:
    UserFactory(username="boris")
    password_login(client, "boris")
    response = client.get("/staff/enrol/not-a-token-we-made/")
    assert response.status_code == 410 and "not valid" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_the_link_without_the_password_login_does_nothing(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    before = written_rows()
    for response in (client.get(link), client.post(link, {"token": "123456"})):
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    wrong_password = password_login(client, "boris", password="not his password", next_path=link)
    assert wrong_password.status_code == 200
    assert client.get(link).status_code == 302
    assert written_rows() == before
    assert not TOTPDevice.objects.filter(user=boris).exists()


def test_the_link_opens_nothing_for_another_account(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    UserFactory(username="mallory")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    password_login(client, "mallory")
    before = written_rows()
    response = client.get(link)
    assert response.status_code == 403 and "made for another account" in response.content.decode()
    assert written_rows() == before


def test_the_invite_staff_command_prints_a_link_the_first_admin_enrols_with(client) -> None:
    UserFactory(username="first", is_superuser=True)
    out = io.StringIO()
    call_command("invite_staff", "first", stdout=out)
    found = ENROLMENT_PATH.search(out.getvalue())
    assert found is not None, out.getvalue()
    enrol_through(client, found.group(0), "first")
    assert client.get("/staff/").status_code == 200
    entry = AuditEntry.objects.get(action="staff.enrolment_invited")
    assert entry.actor is None  # the command: whoever holds the server


def test_recovery_codes_are_stored_only_as_hashes(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    codes = enrol_through(client, invite_to_enrol(user=boris, created_by=admin_user), "boris")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RecoveryCode._meta.db_table}")  # noqa: S608 (our own table name)
        stored = repr(cursor.fetchall())
        cursor.execute(f"SELECT * FROM {RecoveryCodeDevice._meta.db_table}")  # noqa: S608
        stored += repr(cursor.fetchall())
    assert RecoveryCode.objects.filter(device__user=boris).count() == 10
    for recovery_code in codes:
        assert recovery_code not in stored and recovery_code.replace("-", "") not in stored


def test_each_recovery_code_works_once_and_its_use_is_audited(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    codes = enrol_through(client, invite_to_enrol(user=boris, created_by=admin_user), "boris")
    client.logout()
    password_login(client, "boris")
    used = client.post("/staff/two-factor/?next=/staff/", {"token": codes[0].upper()})
    assert used.status_code == 302 and used["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    entry = AuditEntry.objects.get(action="staff.recovery_code_used")
    assert entry.actor == boris and entry.summary["codes_left"] == 9

    client.logout()
    password_login(client, "boris")
    again = client.post("/staff/two-factor/", {"token": codes[0]})
    assert again.status_code == 200 and "not valid" in again.content.decode()
    assert client.get("/staff/").status_code == 302
    RecoveryCodeDevice.objects.filter(user=boris).update(throttling_failure_count=0)
    other = client.post("/staff/two-factor/", {"token": codes[1]})
    assert other.status_code == 302
    assert AuditEntry.objects.filter(action="staff.recovery_code_used").count() == 2


def test_an_admin_sends_an_enrolment_link_from_the_users_page(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    verified_login(client, "root", TOTPDevice.objects.get(user=admin_user))
    response = client.post("/staff/auth/user/", {"action": "send_enrolment_link", "_selected_action": [str(boris.pk)]})
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    found = ENROLMENT_PATH.search(html)
    assert found is not None
    token = found.group(0).rstrip("/").rsplit("/", 1)[-1]
    invitation = EnrolmentInvitation.objects.get(user=boris)
    assert invitation.created_by == admin_user and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    client.logout()
    enrol_through(Client(HTTP_HOST="127.0.0.1"), found.group(0), "boris")


def test_an_admin_reset_removes_the_devices_and_issues_a_new_link(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    old_link = invite_to_enrol(user=boris, created_by=admin_user)
    enrol_through(Client(HTTP_HOST="127.0.0.1"), old_link, "boris")
    stale_link = invite_to_enrol(user=boris, created_by=admin_user)
    verified_login(client, "root", TOTPDevice.objects.get(user=admin_user))
    response = client.post("/staff/auth/user/", {"action": "reset_second_factors", "_selected_action": [str(boris.pk)]})
    found = ENROLMENT_PATH.search(response.content.decode())
    assert found is not None and found.group(0) not in (old_link, stale_link)
    assert not TOTPDevice.objects.filter(user=boris).exists()
    assert not RecoveryCodeDevice.objects.filter(user=boris).exists()
    assert AuditEntry.objects.filter(action="staff.second_factors_reset", actor=admin_user).count() == 1

    boris_client = Client(HTTP_HOST="127.0.0.1")
    password_login(boris_client, "boris")
    assert "replaced by a newer one" in boris_client.get(stale_link).content.decode()
    boris_client.logout()
    enrol_through(boris_client, found.group(0), "boris")
    assert TOTPDevice.objects.filter(user=boris, confirmed=True).count() == 1


def test_staff_without_the_admin_role_cannot_send_links(client) -> None:
    from solidarity.core.errors import NotAllowed

    editor = UserFactory(username="editor")
    with pytest.raises(NotAllowed):
        invite_to_enrol(user=UserFactory(username="boris"), created_by=editor)
    assert not EnrolmentInvitation.objects.exists()


def test_invite_staff_reset_lets_the_only_admin_who_lost_the_device_enrol_again(client) -> None:
    only_admin = UserFactory(username="first", is_superuser=True)
    lost = TOTPDevice.objects.create(user=only_admin, name="lost phone", confirmed=True)
    out = io.StringIO()
    call_command("invite_staff", "first", "--reset", stdout=out)
    found = ENROLMENT_PATH.search(out.getvalue())
    assert found is not None
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    enrol_through(client, found.group(0), "first")
    assert client.get("/staff/").status_code == 200


def test_invite_staff_refuses_an_unknown_account() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No account named"):
        call_command("invite_staff", "nobody", stdout=io.StringIO())
    assert not EnrolmentInvitation.objects.exists()


def test_a_link_for_an_account_with_a_device_asks_for_that_device_first(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    phone = TOTPDevice.objects.create(user=boris, name="phone", confirmed=True)
    link = invite_to_enrol(user=boris, created_by=admin_user)
    password_login(client, "boris", next_path=link)
    before = written_rows()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith("/staff/two-factor/")
    assert written_rows() == before
    verified = client.post(response["Location"], {"token": code(phone)})
    assert verified.status_code == 302 and verified["Location"] == link
    assert "Set up your second factor" in client.get(link).content.decode()


def test_a_wrong_first_code_keeps_the_link_and_confirms_nothing(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    password_login(client, "boris", next_path=link)
    client.get(link)
    device = TOTPDevice.objects.get(user=boris)
    wrong = client.post(link, {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=boris, confirmed=True).exists()
    assert EnrolmentInvitation.objects.get(user=boris).used_at is None
    assert client.get("/staff/").status_code == 302


def test_a_reset_ends_the_verification_of_sessions_opened_with_the_removed_device(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    enrol_through(client, invite_to_enrol(user=boris, created_by=admin_user), "boris")
    assert client.get("/staff/").status_code == 200
    reset_second_factors(user=boris, reset_by=admin_user)
    assert client.get("/staff/").status_code == 302
