"""The work that waits: counts with links on the back office's first page, only for what the
viewer's role may open, and a short e-mail through a real local SMTP server (aiosmtpd) to
staff who opted in, naming nothing."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client, override_settings

from solidarity.campaigns.models import Campaign
from solidarity.helprequests.services import submit_help_request
from solidarity.payments import reconciliation
from solidarity.staff.models import WorkEmail
from tests.factories import staff_with_role
from tests.helprequests.conftest import back_office_client
from tests.helprequests.samples import PLAIN, submission
from tests.payments.camt_builder import camt

pytestmark = pytest.mark.django_db


def _counts(client: Client) -> dict[str, tuple[int, str]]:
    """The first page's work list: label → (count, link)."""
    html = client.get("/staff/").content.decode()
    block = html.split('id="waiting-work"', 1)[1].split("</table>", 1)[0] if 'id="waiting-work"' in html else ""
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></th><td class="waiting-count">(\d+)</td>', block)
    return {label.strip(): (int(count), url.replace("&amp;", "&")) for url, label, count in rows}


@pytest.fixture
def waiting(db: Any) -> None:
    """A family's new request, and a bank line without a reference (waits for review)."""
    submit_help_request(**submission())
    reconciliation.import_statement(
        data=camt([{"amount": "12.00", "text": "no reference here", "bank_ref": "W-1"}], msg="W"),
        actor=staff_with_role("finance", username="importer"),
    )


def test_each_role_sees_counts_only_for_the_pages_it_may_open(waiting: None) -> None:
    caseworker = back_office_client(staff_with_role("caseworker"))
    seen = _counts(caseworker)
    assert seen["New help requests"][0] == 1
    assert "Statement lines waiting for review" not in seen
    finance = back_office_client(staff_with_role("finance"))
    seen = _counts(finance)
    assert seen["Statement lines waiting for review"][0] == 1
    assert seen["Payouts and voids awaiting a second person"][0] == 0
    assert "New help requests" not in seen
    editor_counts = _counts(back_office_client(staff_with_role("editor")))
    assert set(editor_counts) == {"Campaigns past their deadline, still open"}


@pytest.mark.parametrize("role", ["caseworker", "finance", "reviewer"])
def test_every_link_opens_the_filtered_list(waiting: None, role: str) -> None:
    client = back_office_client(staff_with_role(role))
    links = _counts(client)
    assert links
    for label, (_count, url) in links.items():
        response = client.get(url)
        assert response.status_code == 200, f"{label}: {url} answered {response.status_code}"


def test_a_campaign_past_its_deadline_is_counted(db: Any) -> None:
    from tests.factories import active_campaign

    campaign = active_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(deadline="2020-01-01")
    counts = _counts(back_office_client(staff_with_role("reviewer")))
    assert counts["Campaigns past their deadline, still open"][0] == 1


# ------------------------------------------------------------------------- the e-mail
class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def wait_for(self, count: int, deadline_s: float = 10.0) -> list[Any]:
        end = time.monotonic() + deadline_s
        while len(self.messages) < count:
            assert time.monotonic() < end, f"{len(self.messages)} message(s) arrived, expected {count}"
            time.sleep(0.05)  # polling interval under the deadline above
        return self.messages


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1; the site's SMTP backend points at it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            DEFAULT_FROM_EMAIL="back-office@solidarity.test",
        ):
            yield inbox
    finally:
        controller.stop()


def _opt_in(role: str, username: str) -> Any:
    user = staff_with_role(role, username=username)
    user.email = f"{username}@foundation.test"
    user.save()
    response = back_office_client(user).post("/staff/work-email/", {"wanted": "1"})
    assert response.status_code == 302 and WorkEmail.objects.get(user=user).wanted
    return user


def test_staff_who_opted_in_get_a_notice_that_names_nothing(waiting: None, smtp: Inbox) -> None:
    caseworker = _opt_in("caseworker", "cw")
    _opt_in("editor", "ed")  # nothing waits that an editor may open: no e-mail
    quiet = staff_with_role("finance", username="quiet")  # work waits, but no opt-in
    quiet.email = "quiet@foundation.test"
    quiet.save()
    call_command("notify_waiting_work")
    (message,) = smtp.wait_for(1)
    assert message.rcpt_tos == [caseworker.email]
    mail = message_from_bytes(message.content, policy=policy.default)
    body = mail.get_content()
    assert mail["Subject"] == "Work is waiting in the back office" and "/staff/" in body
    text = f"{mail['Subject']}\n{body}"
    for secret in [*PLAIN.values(), "Kvietkouski", "12.00", "12,00", "87654", "help request", "EUR", "statement"]:
        assert secret not in text
    assert not re.search(r"\d", re.sub(r"https?://\S+", "", body)), "the body gives no count"
    # The SMTP exchange is over when send_mail returns: a second run the same day sends nothing.
    call_command("notify_waiting_work")
    assert len(smtp.messages) == 1


def test_switching_off_stops_the_notice(waiting: None, smtp: Inbox) -> None:
    caseworker = _opt_in("caseworker", "cw")
    back_office_client(caseworker).post("/staff/work-email/", {"wanted": "0"})
    assert not WorkEmail.objects.get(user=caseworker).wanted
    call_command("notify_waiting_work")
    assert smtp.messages == []


def test_opting_in_without_an_address_is_refused_with_a_message(db: Any) -> None:
    client = back_office_client(staff_with_role("finance", username="noaddress"))
    response = client.post("/staff/work-email/", {"wanted": "1"}, follow=True)
    assert "Your account has no e-mail address" in response.content.decode()
    assert not WorkEmail.objects.exists()
