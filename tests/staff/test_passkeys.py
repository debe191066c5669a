"""Passkeys (django-otp-webauthn) as a second factor: registered only through an invitation this
session opened, or after a second factor; used only as the second step after the password."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential, WebAuthnUserHandle

from solidarity.staff.enrolment import invite_to_enrol, reset_second_factors
from solidarity.staff.models import AuditEntry, EnrolmentInvitation, RecoveryCode
from tests.factories import UserFactory
from tests.staff.second_step import code, password_login, verified_login
from tests.staff.soft_authenticator import SoftPasskey

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = "/staff/passkeys/registration/begin/"
REGISTER_COMPLETE = "/staff/passkeys/registration/complete/"
LOGIN_BEGIN = "/staff/passkeys/authentication/begin/"
LOGIN_COMPLETE = "/staff/passkeys/authentication/complete/"


@pytest.fixture
def passkey() -> SoftPasskey:
    return SoftPasskey(origin=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0])


def post_json(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def written_rows() -> tuple[int, ...]:
    """Everything a registration could write."""
    return (
        WebAuthnCredential.objects.count(),
        WebAuthnUserHandle.objects.count(),
        TOTPDevice.objects.filter(confirmed=True).count(),
        RecoveryCode.objects.count(),
        AuditEntry.objects.count(),
        EnrolmentInvitation.objects.exclude(used_at=None).count(),
    )


def register(client: Client, passkey: SoftPasskey) -> Any:
    begun = post_json(client, REGISTER_BEGIN)
    assert begun.status_code == 200, begun.content
    return post_json(client, REGISTER_COMPLETE, passkey.create(begun.json()))


def open_link(client: Client, link: str, username: str) -> str:
    """Open an enrolment link, log in, land on the enrol page; returns its HTML."""
    response = password_login(client, username, next_path=link)
    while response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    return response.content.decode()


def test_a_password_only_session_without_an_invitation_registers_nothing(client, passkey) -> None:
    UserFactory(username="boris")
    password_login(client, "boris")
    before = written_rows()
    begun = post_json(client, REGISTER_BEGIN)
    assert begun.status_code == 403 and begun.json()["code"] == "enrolment_link_required"
    # Even with a registration state smuggled into the session, 'complete' refuses first.
    session = client.session
    session["otp_webauthn_register_state"] = {"challenge": "AAAA", "require_user_verification": False}
    session.save()
    options = {"rp": {"id": settings.OTP_WEBAUTHN_RP_ID}, "user": {"id": "AQID"}, "challenge": "AAAA"}
    completed = post_json(client, REGISTER_COMPLETE, passkey.create(options))
    assert completed.status_code == 403 and completed.json()["code"] == "enrolment_link_required"
    assert written_rows() == before == (0, 0, 0, 0, 0, 0)
    assert client.get("/staff/").status_code == 302  # still not verified


def test_no_session_and_a_session_of_an_enrolled_account_register_nothing(client, admin_user) -> None:
    assert post_json(client, REGISTER_BEGIN).status_code in (401, 403)
    before = written_rows()
    password_login(client, "root")  # has an authenticator, not yet used in this session
    assert post_json(client, REGISTER_BEGIN).status_code == 403
    assert post_json(client, REGISTER_COMPLETE).status_code == 403
    assert written_rows() == before


def test_an_invitation_for_another_account_or_a_withdrawn_one_does_not_open_registration(client, admin_user) -> None:
    boris = UserFactory(username="boris")
    UserFactory(username="clara")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    open_link(client, link, "boris")  # binds the invitation to boris's session
    invite_to_enrol(user=boris, created_by=admin_user)  # withdraws it
    assert post_json(client, REGISTER_BEGIN).status_code == 403

    other = Client(HTTP_HOST="127.0.0.1")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    password_login(other, "clara", next_path=link)
    assert other.get(link).status_code == 403  # "made for another account": nothing is bound
    assert post_json(other, REGISTER_BEGIN).status_code == 403


def test_a_passkey_enrols_through_the_invitation_once_and_shows_recovery_codes(client, admin_user, passkey) -> None:
    boris = UserFactory(username="boris")
    link = invite_to_enrol(user=boris, created_by=admin_user)
    html = open_link(client, link, "boris")
    assert 'id="otp_webauthn_config" type="application/json"' in html and "Use a passkey instead" in html
    assert "django_otp_webauthn/otp_webauthn_register.js" in html and "js/passkey_enrolment.js" in html

    done = register(client, passkey)
    assert done.status_code == 200, done.content
    codes = done.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert WebAuthnCredential.objects.filter(user=boris, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=boris).exists()  # the unfinished app set-up is gone
    assert RecoveryCode.objects.filter(device__user=boris).count() == 10
    assert EnrolmentInvitation.objects.get(user=boris).used_at is not None
    entry = AuditEntry.objects.get(action="staff.second_factor_enrolled", target_id=str(boris.pk))
    assert entry.summary["kind"] == "passkey"
    assert client.get("/staff/").status_code == 200  # the enrolment verified this session

    # The link is used up: a fresh password-only session cannot register another passkey.
    again = Client(HTTP_HOST="127.0.0.1")
    password_login(again, "boris")
    assert again.get(link).status_code == 410
    before = written_rows()
    assert post_json(again, REGISTER_BEGIN).status_code == 403
    assert written_rows() == before


def test_a_passkey_is_the_second_step_after_the_password(client, admin_user, passkey) -> None:
    boris = UserFactory(username="boris")
    open_link(client, invite_to_enrol(user=boris, created_by=admin_user), "boris")
    assert register(client, passkey).status_code == 200

    browser = Client(HTTP_HOST="127.0.0.1")
    assert post_json(browser, LOGIN_BEGIN).status_code == 403  # never a login on its own
    password_login(browser, "boris")
    page = browser.get("/staff/two-factor/?next=/staff/auth/user/")
    html = page.content.decode()
    assert page.status_code == 200 and "Use your passkey" in html and "otp_webauthn_auth.js" in html
    assert 'name="token"' in html  # the recovery-code form works without JavaScript
    assert browser.get("/staff/").status_code == 302
    options = post_json(browser, "/staff/passkeys/authentication/begin/").json()
    assert [c["id"] for c in options["allowCredentials"]] == [passkey.get(options)["id"]]
    done = post_json(browser, f"{LOGIN_COMPLETE}?next=/staff/auth/user/", passkey.get(options))
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == "/staff/auth/user/"
    assert browser.get("/staff/").status_code == 200  # django_otp verified the session

    # A replayed assertion is refused (its challenge was used up).
    replay = Client(HTTP_HOST="127.0.0.1")
    password_login(replay, "boris")
    assert post_json(replay, LOGIN_COMPLETE, passkey.get(options)).status_code in (400, 403, 422)
    assert replay.get("/staff/").status_code == 302


def test_another_accounts_passkey_does_not_verify_a_session(client, admin_user, passkey) -> None:
    boris = UserFactory(username="boris")
    open_link(client, invite_to_enrol(user=boris, created_by=admin_user), "boris")
    assert register(client, passkey).status_code == 200

    mallory = Client(HTTP_HOST="127.0.0.1")
    password_login(mallory, "root")
    options = post_json(mallory, LOGIN_BEGIN).json()
    refused = post_json(mallory, LOGIN_COMPLETE, passkey.get(options))
    assert refused.status_code == 403 and mallory.get("/staff/").status_code == 302


def test_a_verified_session_adds_a_passkey_and_a_reset_removes_it(client, admin_user, passkey) -> None:
    verified_login(client, "root", TOTPDevice.objects.get(user=admin_user))
    codes_before = RecoveryCode.objects.count()
    done = register(client, passkey)
    assert done.status_code == 200 and done.json()["recovery_codes"] == []
    assert RecoveryCode.objects.count() == codes_before
    assert AuditEntry.objects.filter(action="staff.passkey_added", target_id=str(admin_user.pk)).count() == 1

    boris = UserFactory(username="boris", is_superuser=True)
    TOTPDevice.objects.create(user=boris, name="app", confirmed=True)
    reset_second_factors(user=admin_user, reset_by=boris)
    assert not WebAuthnCredential.objects.filter(user=admin_user).exists()


def test_the_authenticator_code_still_works_for_an_account_with_a_passkey(client, admin_user, passkey) -> None:
    verified_login(client, "root", TOTPDevice.objects.get(user=admin_user))
    assert register(client, passkey).status_code == 200
    other = Client(HTTP_HOST="127.0.0.1")
    password_login(other, "root")
    device = TOTPDevice.objects.get(user=admin_user)
    device.refresh_from_db()
    device.last_t = -1  # a fresh code window for the second login in the same 30 s
    device.save()
    assert other.post("/staff/two-factor/", {"token": code(device)}).status_code == 302
    assert other.get("/staff/").status_code == 200
