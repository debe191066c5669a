"""The seizure test at the level of the disk: after personal data is written and some of it
erased, the raw database files — PostgreSQL's table files and WAL, or the SQLite file —
hold none of it in plain, erased or live. An UPDATE that blanks a column would leave the old
row version in the table file and the WAL; crypto-shredding means the plaintext never
reached either (solidarity/core/shredding.py).

Each personal value carries a unique random marker, so data of other tests (and, on a
shared server, of other databases in pg_wal) cannot produce a false hit. A value the donor
chose to make public carries a marker too and must be found: that proves the scan reads
what the adversary would read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from django.db import connection
from django.utils import timezone

from solidarity.core.crypto import fernet
from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.core.shredding import Shredded, open_text
from solidarity.donations.intents import create_donation_intent, unseal_once
from solidarity.helprequests import services as helprequests
from solidarity.helprequests.models import HelpRequest
from solidarity.payments import reconciliation
from solidarity.payments.models import BankLine, ImportedStatement
from tests.helprequests.samples import PDF
from tests.payments.camt_builder import camt


def marker(label: str) -> str:
    return f"{label}-{secrets.token_hex(8)}"


def random_iban() -> str:
    """A valid Lithuanian IBAN with random digits (ISO 13616 check digits)."""
    bban = "".join(str(secrets.randbelow(10)) for _ in range(16))
    check = 98 - int(bban + "212900") % 97  # "LT" = 21 29, then "00"
    return f"LT{check:02d}{bban}"


@dataclass
class Scan:
    files: int = 0
    bytes: int = 0
    hits: dict[str, list[str]] | None = None


def scan(files: Iterator[tuple[str, bytes]], needles: list[str]) -> Scan:
    pattern = re.compile(b"|".join(re.escape(n.encode()) for n in needles))
    result = Scan(hits={})
    for name, data in files:
        result.files += 1
        result.bytes += len(data)
        for found in set(pattern.findall(data)):
            result.hits.setdefault(found.decode(), []).append(name)  # type: ignore[union-attr]
    return result


def postgres_files() -> Iterator[tuple[str, bytes]]:
    """Every file of this database's directory and of pg_wal, after a CHECKPOINT.

    Read from the disk when the data directory is readable here; otherwise (a server in a
    container) through the superuser's pg_read_binary_file, the same bytes.
    """
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # every dirty page is written to the table files
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        oid = cursor.fetchone()[0]
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    relative = [f"base/{oid}", "pg_wal"]
    if all(os.access(data_directory / root, os.R_OK | os.X_OK) for root in relative):
        for root in relative:
            for path in sorted((data_directory / root).rglob("*")):
                if not path.is_file():
                    continue
                try:
                    yield str(path), path.read_bytes()
                except (FileNotFoundError, PermissionError):
                    continue  # a WAL segment recycled while we read
        return
    if not superuser:
        pytest.skip("the data directory is neither readable here nor through a superuser connection")
    yield from files_through_sql(relative)


def files_through_sql(relative: list[str]) -> Iterator[tuple[str, bytes]]:
    with connection.cursor() as cursor:
        for root in relative:
            cursor.execute(
                "SELECT %s || '/' || name FROM pg_ls_dir(%s) AS name"
                " WHERE NOT coalesce((pg_stat_file(%s || '/' || name, true)).isdir, true) ORDER BY name",
                [root, root, root],
            )
            for (path,) in cursor.fetchall():
                # Whole files (a WAL segment is 16 MB); None when one was recycled meanwhile.
                cursor.execute("SELECT pg_read_binary_file(%s::text, 0, 1000000000, true)", [path])
                data = cursor.fetchone()[0]
                if data is not None:
                    yield path, bytes(data)


def sqlite_files(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        # The test database lives in memory: copy it page by page (freed pages included),
        # as the file on a server would be.
        import sqlite3

        image = tmp_path / "seized.sqlite3"
        target = sqlite3.connect(image)
        connection.connection.backup(target)
        target.close()
        yield str(image), image.read_bytes()
        return
    for path in (Path(name), Path(f"{name}-wal")):
        if path.exists():
            yield str(path), path.read_bytes()


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_files_hold_no_personal_data(campaign, staff_user, settings, tmp_path) -> None:
    settings.SOLIDARITY_BANK_LINE_RETENTION_DAYS = 60
    public = marker("PublicName")
    payers = {state: (marker(f"Payer{state}"), random_iban(), marker(f"Text{state}")) for state in ("M", "I", "R", "W")}
    messages = [marker("PrivateMessage"), marker("PrivateMessage")]
    requests = [marker("HelpContact"), marker("HelpContact")]
    pdf_texts = [marker("PdfBody"), marker("PdfBody")]

    # Bank transfers: one matched by its reference, one dismissed, one past retention, one waiting.
    transfer = create_donation_intent(
        campaign=campaign, amount=Money(Decimal(45), "EUR"), channel="bank_transfer", public_name=public
    ).donation
    amounts = {"M": "45.00", "I": "300.00", "R": "17.00", "W": "18.00"}
    for state, (name, iban, text) in payers.items():
        reference = f" {transfer.bank_reference}" if state == "M" else ""
        reconciliation.import_statement(
            data=camt(
                [{"amount": amounts[state], "payer": name, "payer_iban": iban, "text": f"{text}{reference}"}],
                msg=f"S-{state}",
            ),
            actor=staff_user,
        )
    lines = {state: BankLine.objects.get(amount_minor=int(Decimal(amounts[state]) * 100)) for state in payers}
    assert lines["M"].state == "matched" and lines["W"].payer_name == payers["W"][0]
    tokens = {state: (line.data_key_id, line.payer_sealed) for state, line in lines.items()}
    reconciliation.ignore_line(line=lines["I"], actor=staff_user, note="a grant")
    ImportedStatement.objects.filter(pk=lines["R"].statement_id).update(
        imported_at=timezone.now() - dt.timedelta(days=61)
    )
    assert reconciliation.erase_stale_payer_details() == 1

    # Private messages (one card gift whose receipt code was then shown once) and help requests.
    card = create_donation_intent(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="card", private_message=messages[0]
    )
    create_donation_intent(
        campaign=campaign, amount=Money(Decimal(12), "EUR"), channel="bank_transfer", private_message=messages[1]
    )
    unseal_once(card.donation)
    stored = [
        helprequests.submit_help_request(
            contact=contact,
            prisoner_name=marker("Prisoner"),
            situation="Detained",
            needs="A lawyer",
            attachments=[PDF.replace(b"%%EOF", f"% {pdf}\n%%EOF".encode())],
        )
        for contact, pdf in zip(requests, pdf_texts, strict=True)
    ]
    purged_key = stored[0].data_key_id
    helprequests.reject_help_request(help_request=stored[0], actor=staff_user, reason="not verifiable")
    HelpRequest.objects.filter(pk=stored[0].pk).update(purge_after=timezone.localdate() - dt.timedelta(days=1))
    assert helprequests.purge_expired_help_requests().ids == [stored[0].pk]

    # Erased records: their data key is gone from the live database, and what survives of
    # their ciphertext does not open with the field keys.
    assert tokens["M"] == (None, "")  # matched during the import: its key was destroyed at once
    for state in ("I", "R"):
        key_id, token = tokens[state]
        assert token and not DataKey.objects.filter(pk=key_id).exists()
        assert BankLine.objects.get(pk=lines[state].pk).payer_name == ""
        with pytest.raises(Shredded):
            open_text(None, token)
        with pytest.raises(InvalidToken):
            fernet().decrypt(token.encode())
    assert not DataKey.objects.filter(pk=purged_key).exists()
    assert BankLine.objects.get(pk=lines["W"].pk).payer_name == payers["W"][0]  # live and readable

    secret_values = [v for values in payers.values() for v in values] + messages + requests + pdf_texts
    secret_values += [card.receipt_code, card.receipt_code.replace("-", "")]
    files = postgres_files() if connection.vendor == "postgresql" else sqlite_files(tmp_path)
    result = scan(files, [*secret_values, public])
    print(f"seizure scan on {connection.vendor}: {result.files} files, {result.bytes} bytes, hits {result.hits}")
    assert result.hits is not None and public in result.hits, "the scan must find what the donor made public"
    leaked = {value: where for value, where in result.hits.items() if value != public}
    assert leaked == {}, f"plaintext found on disk: {leaked}"
