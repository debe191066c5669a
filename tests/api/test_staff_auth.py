"""Staff tokens: 401 without a live token, 403 outside its roles, every use audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from solidarity.api.models import ApiToken
from solidarity.api.tokens import hash_secret, revoke_api_token
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token

pytestmark = pytest.mark.django_db
QUEUE = "/api/v1/staff/bank-lines"


def token_row(secret: str) -> ApiToken:
    return ApiToken.objects.get(token_hash=hash_secret(secret))


def test_no_token_is_401_with_a_bearer_challenge(api: Client) -> None:
    response = api.get(QUEUE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(api: Client, finance) -> None:
    response = api.get(QUEUE, headers={"Authorization": f"Bearer {finance.secret}x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_invalid"


def test_an_expired_token_is_401(api: Client, finance) -> None:
    ApiToken.objects.filter(pk=token_row(finance.secret).pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api.get(QUEUE, headers=finance.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_revoked_token_is_401(api: Client, finance) -> None:
    revoke_api_token(token=token_row(finance.secret), actor=finance.user)
    response = api.get(QUEUE, headers=finance.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_a_token_of_a_deactivated_user_is_401(api: Client, finance) -> None:
    finance.user.is_active = False
    finance.user.save()
    assert api.get(QUEUE, headers=finance.headers).status_code == 401


def test_a_token_of_the_wrong_role_is_403(api: Client, editor) -> None:
    response = api.get(QUEUE, headers=editor.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_allowed"
    denied = AuditEntry.objects.get(action="api.denied")
    assert denied.actor == editor.user


def test_a_token_narrowed_to_fewer_roles_cannot_use_the_others(api: Client, db) -> None:
    staff = staff_token("admin", username="both", scopes=["admin"])
    staff.user.groups.add(Group.objects.get(name="finance"))
    response = api.get(QUEUE, headers=staff.headers)
    assert response.status_code == 403
    assert "token" in response.json()["error"]["message"]


def test_a_role_taken_away_stops_the_token_although_its_scope_still_names_it(api: Client, finance) -> None:
    finance.user.groups.clear()
    assert api.get(QUEUE, headers=finance.headers).status_code == 403


def test_reads_of_staff_data_are_audited_and_the_day_of_use_noted(api: Client, finance) -> None:
    assert api.get(QUEUE, headers=finance.headers).status_code == 200
    entry = AuditEntry.objects.get(action="api.list_review_queue")
    assert entry.actor == finance.user
    assert entry.summary["token"] == token_row(finance.secret).prefix
    assert token_row(finance.secret).last_used_at == timezone.localdate()


def test_a_session_cookie_is_not_a_credential_for_the_staff_api(api: Client, finance) -> None:
    api.force_login(finance.user)
    assert api.get(QUEUE).status_code == 401
