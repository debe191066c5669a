"""What a seized database holds: ciphertext, a random reference, states and dates."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from solidarity.core.crypto import DecryptionFailed
from solidarity.core.shredding import new_data_key
from solidarity.helprequests.content import PAD_BLOCK, HelpRequestContent, open_content, seal_content
from solidarity.helprequests.models import HelpRequest, HelpRequestAttachment
from solidarity.helprequests.services import reject_help_request, submit_help_request
from tests.helprequests.samples import AMOUNT_TEXTS, PLAIN, jpeg_with_metadata, submission

pytestmark = pytest.mark.django_db
SECRETS = [*PLAIN.values(), *AMOUNT_TEXTS, "Kvietkouski", "Zosia", "Akrescina"]


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))  # noqa: S608 - constant table name
        return repr(cursor.fetchall())


@pytest.fixture
def stored(db) -> HelpRequest:
    return submit_help_request(**submission(attachments=[jpeg_with_metadata()]))


def test_values_hold_no_plaintext(stored) -> None:
    raw = repr(list(HelpRequest.objects.values())) + repr(list(HelpRequestAttachment.objects.values()))
    for secret in SECRETS:
        assert secret not in raw


def test_raw_sql_rows_hold_no_plaintext(stored, staff_user) -> None:
    reject_help_request(help_request=stored, actor=staff_user, reason="Reason naming Kvietkouski")
    raw = _raw_rows(HelpRequest._meta.db_table) + _raw_rows(HelpRequestAttachment._meta.db_table)
    for secret in SECRETS:
        assert secret not in raw
    assert "Reason naming" not in raw


def test_a_database_dump_holds_no_plaintext(stored) -> None:
    out = io.StringIO()
    call_command("dumpdata", "helprequests", stdout=out)
    dump = out.getvalue()
    assert '"sealed_content"' in dump
    for secret in SECRETS:
        assert secret not in dump and json.dumps(secret)[1:-1] not in dump


def test_the_dump_is_useless_without_the_keys(stored) -> None:
    attachment = stored.attachments.get()
    with override_settings(SOLIDARITY_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(DecryptionFailed):
            stored.open_content()
        with pytest.raises(DecryptionFailed):
            attachment.open_bytes()
    assert stored.open_content().prisoner_name == PLAIN["prisoner_name"]


def test_content_survives_key_rotation(db) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(SOLIDARITY_ENCRYPTION_KEYS=[old]):
        stored = submit_help_request(**submission())
    with override_settings(SOLIDARITY_ENCRYPTION_KEYS=[new, old]):
        assert stored.open_content().contact == PLAIN["contact"]


def test_ciphertext_length_hides_the_exact_length_of_the_text(db) -> None:
    key = new_data_key()
    short = seal_content(key, HelpRequestContent(contact="a", prisoner_name="b", situation="c", needs="d"))
    longer = seal_content(key, HelpRequestContent(contact="a", prisoner_name="b", situation="c" * 300, needs="d"))
    assert len(short) == len(longer)
    much_longer = seal_content(
        key, HelpRequestContent(contact="a", prisoner_name="b", situation="c" * PAD_BLOCK, needs="d")
    )
    assert len(much_longer) > len(short)


def test_a_tampered_blob_is_refused(stored) -> None:
    token = stored.sealed_content
    with pytest.raises(DecryptionFailed):
        open_content(stored.data_key, token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8))
