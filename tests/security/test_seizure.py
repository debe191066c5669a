"""The seizure test: after complete donation flows, a copy of everything an adversary could
take from the server — the database dump, the logs, the media folder — must not contain
any identifier the donors did not choose to make public.

Flows: a one-off and a monthly card gift (names and emails typed into the processor's hosted
page), a bank transfer imported from a statement (payer name and IBAN), private messages
for the family, receipt codes and monthly-gift links shown to donors, a distinctive client
address, user agent and referrer on every request.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection

from solidarity.donations.models import Donation
from solidarity.ledger.verification import verify_ledger
from solidarity.payments import reconciliation
from tests.payments.camt_builder import camt
from tests.public_forms import FormClient
from tests.stripe_fake.fixtures import django_client_handler

SECRET = "whsec_seizure"
ADDRESS, AGENT, REFERRER = "203.0.113.77", "SeizureTestBrowser/9.9", "https://referrer.example/leaky-page"
CARDHOLDERS = [("Ivan Sidorenko", "ivan.sidorenko@mail.example"), ("Olga Kuznetsova", "olga.k@mail.example")]
PAYER_NAME, PAYER_IBAN = "Siarhei Transferov", "LT601010012345678901"
PRIVATE_MESSAGES = ["Mama, we are with you", "Only for Sergei: hold on"]


@pytest.fixture
def captured_logs(tmp_path):
    """Every log record of every logger, at every level, written to a file as a server would."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [
        logging.getLogger(name) for name in ("django", "django.request", "django.server", "stripe", "solidarity")
    ]
    for lg in loggers:
        lg.addHandler(handler)
    yield path
    for lg in loggers:
        lg.removeHandler(handler)
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def dump_database() -> str:
    """pg_dump on PostgreSQL; the SQLite database's full SQL dump otherwise."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        command = [
            "pg_dump",
            "--no-owner",
            "-h",
            str(params.get("host") or "127.0.0.1"),
            "-p",
            str(params.get("port") or 5432),
            "-U",
            str(params.get("user") or "postgres"),
            str(params["dbname"]),
        ]
        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout
    raw = connection.connection
    return "\n".join(raw.iterdump())


@pytest.mark.django_db(transaction=True)
def test_a_seized_server_reveals_no_donor(stripe_fake, settings, tmp_path, captured_logs, campaign, staff_user) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STRIPE_SECRET_KEY = stripe_fake.api_key
    settings.STRIPE_API_BASE = stripe_fake.url
    settings.STRIPE_WEBHOOK_SECRETS = [SECRET]
    settings.SOLIDARITY_PUBLIC_URL = "http://127.0.0.1"
    cache.clear()
    client = FormClient(
        HTTP_HOST="127.0.0.1",
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
        HTTP_REFERER=REFERRER,
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )
    stripe_fake.set_auto_deliver(False)
    stripe_fake.add_webhook_endpoint(handler=django_client_handler(client), secret=SECRET)
    shown: list[str] = []  # receipt codes and links the donors saw

    # Card, one-off and monthly, with a private message each.
    for (name, email), recurrence, private in zip(CARDHOLDERS, ["one_off", "monthly"], PRIVATE_MESSAGES, strict=True):
        response = client.post(
            f"/en/campaigns/{campaign.slug}/donate/",
            {
                "other_amount": "30",
                "currency": "EUR",
                "recurrence": recurrence,
                "channel": "card",
                "private_message": private,
            },
        )
        assert response.status_code == 303
        outcome = stripe_fake.pay(response["Location"].rstrip("/").split("/")[-1], name=name, email=email)
        stripe_fake.deliver_pending()
        thanks = urlsplit(outcome.redirect)
        html = client.get(f"{thanks.path}?{thanks.query}").content.decode()
        shown += re.findall(r'id="receipt-code">([^<]+)<', html)
        shown += re.findall(r'id="manage-link" href="/en/monthly/([^/"]+)/', html)

    # Bank transfer, matched from a statement that names the payer.
    html = client.post(
        f"/en/campaigns/{campaign.slug}/donate/",
        {
            "other_amount": "45",
            "currency": "EUR",
            "recurrence": "one_off",
            "channel": "bank_transfer",
            "public_name": "A friend",
        },
    ).content.decode()
    shown += re.findall(r'id="receipt-code">([^<]+)<', html)
    reference = re.search(r'id="bank-reference">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    reconciliation.import_statement(
        data=camt(
            [{"amount": "45.00", "text": f"Donation {reference}", "payer": PAYER_NAME, "payer_iban": PAYER_IBAN}]
        ),
        actor=staff_user,
    )
    for code in shown[:2]:
        client.post("/en/receipts/", {"code": code})

    assert Donation.objects.filter(status="paid").count() == 3
    assert verify_ledger().ok
    assert len(shown) == 4  # two card receipts, one monthly-gift link, one bank receipt

    evidence = {
        "database dump": dump_database(),
        "logs": captured_logs.read_text(errors="replace"),
        "media": "".join(
            p.read_bytes().decode(errors="replace") for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()
        )
        if Path(settings.MEDIA_ROOT).exists()
        else "",
    }
    assert "A friend" in evidence["database dump"]  # what the donor chose to show is there
    secrets = [ADDRESS, AGENT, REFERRER, "referrer.example", PAYER_NAME, PAYER_IBAN, *PRIVATE_MESSAGES]
    for name, email in CARDHOLDERS:
        secrets += [name, email, name.split()[1]]
    for value in shown:
        secrets += [value, value.replace("-", "")]
    for where, text in evidence.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} found in the {where}"
