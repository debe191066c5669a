"""Every staff change made in the back office is in the audit log, with before and after
values and without secrets (passwords, keys, encrypted contents)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from solidarity.campaigns.models import Beneficiary
from solidarity.staff.models import AuditEntry
from tests.factories import BeneficiaryFactory, CampaignFactory, NeedFactory, UserFactory
from tests.staff.role_clients import verified_client


class _Form(HTMLParser):
    """The values a browser would send for the page's main form (#…_form)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def form_of(client: Client, path: str) -> dict[str, Any]:
    parser = _Form()
    parser.feed(client.get(path).content.decode())
    data = {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}
    return {k: (v[0] if len(v) == 1 else v) if isinstance(v, list) else v for k, v in data.items() if v != []}


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


@pytest.fixture
def editor(db: None) -> Client:
    return verified_client("editor")


@pytest.fixture
def office(db: None) -> Client:
    return verified_client("admin")


def test_a_story_and_a_need_changed_in_the_back_office_are_logged_with_before_and_after(editor: Client) -> None:
    campaign = CampaignFactory(story_en="The first story.")
    need = NeedFactory(campaign=campaign, amount_minor=45000, currency=campaign.currency)
    path = f"/staff/campaigns/campaign/{campaign.pk}/change/"
    data = form_of(editor, path)
    data["story_en"] = "The story, corrected."
    data["needs-0-amount"] = "500"
    response = editor.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [story] = entries("campaigns.campaign.change")
    assert story.summary["changes"]["story_en"] == {"before": "The first story.", "after": "The story, corrected."}
    [amount] = entries("campaigns.need.change")
    assert amount.target_id == str(need.pk)
    assert amount.summary["changes"]["amount"]["before"] in ("450", "450.00", "450.000")
    assert amount.summary["changes"]["amount"]["after"] in ("500", "500.00", "500.000")


def test_a_beneficiarys_private_details_are_logged_as_changed_without_their_contents(editor: Client) -> None:
    beneficiary = BeneficiaryFactory()
    path = f"/staff/campaigns/beneficiary/{beneficiary.pk}/change/"
    data = form_of(editor, path)
    data["private_contact"] = "+375 29 555 12 34, the mother"
    data["charges_en"] = "Article 342"
    assert editor.post(path, data).status_code == 302
    [entry] = entries("campaigns.beneficiary.change")
    assert entry.summary["changes"]["private_contact"] == {"changed": True}
    assert entry.summary["changes"]["charges_en"]["after"] == "Article 342"
    assert "555" not in json.dumps(entry.summary)
    assert Beneficiary.objects.get(pk=beneficiary.pk).private_contact.startswith("+375")


def test_roles_and_passwords_changed_in_the_back_office_are_logged_without_secrets(office: Client) -> None:
    member = UserFactory(username="member", is_staff=True)
    reviewer = Group.objects.get(name="reviewer")
    path = f"/staff/auth/user/{member.pk}/change/"
    data = form_of(office, path)
    data["groups"] = [str(reviewer.pk)]
    assert office.post(path, data).status_code == 302
    [roles] = entries("auth.user.change")
    assert roles.summary["changes"]["groups"] == {"before": [], "after": [str(reviewer.pk)]}

    new_password = "a new and long passphrase 42"
    response = office.post(
        f"/staff/auth/user/{member.pk}/password/", {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    password = entries("auth.user.change")[-1]
    assert password.summary["changes"] == {"password": {"changed": True}}
    member.refresh_from_db()
    logged = json.dumps([e.summary for e in AuditEntry.objects.all()])
    assert new_password not in logged and member.password not in logged and "pbkdf2" not in logged

    group_path = f"/staff/auth/group/{reviewer.pk}/change/"
    data = form_of(office, group_path)
    data["name"] = "reviewer"
    data["permissions"] = data["permissions"][:-1]
    assert office.post(group_path, data).status_code == 302
    [group] = entries("auth.group.change")
    assert len(group.summary["changes"]["permissions"]["before"]) == len(data["permissions"]) + 1
