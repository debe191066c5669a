"""Making and revoking tokens: in the back office behind the second factor, or from the shell."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from solidarity.api.models import ApiToken
from solidarity.api.tokens import create_api_token, hash_secret, revoke_api_token
from solidarity.core.errors import DomainError, NotAllowed
from solidarity.staff.models import AuditEntry
from tests.factories import UserFactory, staff_with_role
from tests.helprequests.conftest import back_office_client

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_a_hash_with_a_visible_prefix() -> None:
    user = staff_with_role("finance")
    created = create_api_token(user=user, name="import script", days=30, actor=user)
    token = ApiToken.objects.get()
    assert created.secret.startswith(token.prefix + "_")
    assert token.token_hash == hash_secret(created.secret)
    assert created.secret not in str(token.__dict__)
    assert token.scopes == ["finance"]
    assert AuditEntry.objects.filter(action="api.token_create", actor=user).exists()


@pytest.mark.parametrize("days", [0, 91])
def test_a_token_lives_between_1_and_90_days(days: int) -> None:
    user = staff_with_role("finance")
    with pytest.raises(DomainError):
        create_api_token(user=user, name="x", days=days, actor=user)


def test_a_token_cannot_hold_a_role_its_user_lacks() -> None:
    user = staff_with_role("editor")
    with pytest.raises(NotAllowed):
        create_api_token(user=user, name="x", days=30, actor=user, scopes=["finance"])


def test_only_an_admin_makes_tokens_for_someone_else() -> None:
    user = staff_with_role("finance")
    other = staff_with_role("finance", username="colleague")
    with pytest.raises(NotAllowed):
        create_api_token(user=user, name="x", days=30, actor=other)
    admin = staff_with_role("admin", username="boss")
    assert create_api_token(user=user, name="x", days=30, actor=admin).token.created_by == admin


def test_non_staff_users_get_no_token() -> None:
    user = UserFactory(is_staff=False)
    with pytest.raises(NotAllowed):
        create_api_token(user=user, name="x", days=30, actor=None)


def test_the_owner_revokes_once_and_others_cannot() -> None:
    user = staff_with_role("finance")
    token = create_api_token(user=user, name="x", days=30, actor=user).token
    with pytest.raises(NotAllowed):
        revoke_api_token(token=token, actor=staff_with_role("finance", username="colleague"))
    assert revoke_api_token(token=token, actor=user).revoked_at is not None
    with pytest.raises(DomainError):
        revoke_api_token(token=token, actor=user)


def test_the_command_prints_the_secret_once_on_stdout() -> None:
    staff_with_role("finance", username="ops")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "ops", "--name", "nightly import", "--days", "7", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(token_hash=hash_secret(secret))
    assert token.prefix in err.getvalue() and secret not in err.getvalue()
    assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=7)


def test_the_command_refuses_an_unknown_user_and_a_long_life() -> None:
    staff_with_role("finance", username="ops")
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        call_command("create_api_token", "ops", "--name", "x", "--days", "365")


def test_the_back_office_shows_a_new_secret_once_and_uncached() -> None:
    user = staff_with_role("finance", username="fin")
    client = back_office_client(user)
    form = client.get("/staff/api/apitoken/add/")
    assert form.status_code == 200 and "finance" in form.content.decode()
    response = client.post("/staff/api/apitoken/add/", {"name": "script", "days": "30", "scopes": ["finance"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    secret = next(w for w in response.content.decode().split('"') if w.startswith(token.prefix + "_"))
    assert token.token_hash == hash_secret(secret)
    listing = client.get("/staff/api/apitoken/").content.decode()
    assert token.prefix in listing and secret not in listing


def test_the_back_office_revokes_with_an_action() -> None:
    user = staff_with_role("finance", username="fin")
    token = create_api_token(user=user, name="x", days=30, actor=user).token
    client = back_office_client(user)
    client.post("/staff/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_without_a_second_factor_no_token_can_be_made() -> None:
    user = staff_with_role("finance", username="fin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)  # password only
    response = client.post("/staff/api/apitoken/add/", {"name": "script", "days": "30", "scopes": ["finance"]})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_staff_see_only_their_own_tokens_and_admins_all() -> None:
    mine = staff_with_role("finance", username="fin")
    theirs = staff_with_role("finance", username="fin2")
    create_api_token(user=mine, name="mine", days=30, actor=mine)
    other = create_api_token(user=theirs, name="theirs", days=30, actor=theirs).token
    assert other.prefix not in back_office_client(mine).get("/staff/api/apitoken/").content.decode()
    admin = staff_with_role("admin", username="boss")
    assert other.prefix in back_office_client(admin).get("/staff/api/apitoken/").content.decode()
