"""From a family's request to a draft campaign, no word the family wrote leaves the
encrypted request: every field is filled with a marker, a caseworker works the request in
the back office to a campaign and writes case notes, and then every column of every table
is searched for the markers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from solidarity.campaigns.models import Beneficiary
from solidarity.core.money import Money
from solidarity.helprequests.models import HelpRequest, HelpRequestState
from solidarity.helprequests.services import submit_help_request
from tests.factories import staff_with_role
from tests.helprequests.conftest import back_office_client
from tests.helprequests.samples import pdf_document

pytestmark = pytest.mark.django_db

MARKERS = {
    "contact": "zqmarker contact Telegram @zq_mother_777",
    "prisoner_name": "zqmarker name Aliaksandr Kuzmich Vasilevich",
    "situation": "zqmarker situation detained at the Kurapaty rally",
    "needs": "zqmarker needs lawyer Zmicier Sloika",
}
NOTE_MARKERS = ("zqmarker request note", "zqmarker beneficiary note")
AMOUNT = Money(Decimal("13579.24"), "EUR")


def _columns_containing(needle: str) -> list[str]:
    """Every table.column whose text (cast from whatever type it has) contains `needle`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted_table} WHERE CAST({quoted_column} AS TEXT) LIKE %s",  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def test_no_word_of_the_request_reaches_any_column_after_approval_and_notes() -> None:
    request = submit_help_request(**MARKERS, amount=AMOUNT, attachments=[pdf_document("zqmarker attachment")])
    caseworker = back_office_client(staff_with_role("caseworker"))
    listing = "/staff/helprequests/helprequest/"
    detail = caseworker.get(f"{listing}{request.pk}/change/").content.decode()
    assert MARKERS["prisoner_name"] in detail  # the caseworker reads it…
    caseworker.post(listing, {"action": "start_verification", "_selected_action": [request.pk]})
    caseworker.post(f"{listing}{request.pk}/notes/add/", {"text": NOTE_MARKERS[0]})
    caseworker.post(
        listing,
        {
            "action": "approve_selected",
            "_selected_action": [request.pk],
            "apply": "1",
            "pseudonym": "Sasha V.",
            "beneficiary_status": "pre_trial",
            "consent_scope": ["pseudonym", "charges", "story"],
            "consent_given_by": "family",
            "consent_given_on": "2026-11-02",
        },
    )
    assert HelpRequest.objects.get().state == HelpRequestState.APPROVED
    beneficiary = Beneficiary.objects.get()
    caseworker.post(f"/staff/campaigns/beneficiary/{beneficiary.pk}/notes/add/", {"text": NOTE_MARKERS[1]})
    assert beneficiary.case_notes.get().text == NOTE_MARKERS[1]
    campaign = HelpRequest.objects.get().campaign
    assert campaign is not None and campaign.title_en == "Help for Sasha V." and beneficiary.public_name == "Sasha V."
    # …and nothing of it is anywhere but in ciphertext: not in the campaign, beneficiary, need,
    # audit, session or any other column; a marker's distinctive word is searched too.
    needles = [*MARKERS.values(), *NOTE_MARKERS, "zqmarker", "Kuzmich", "Vasilevich", "zq_mother_777", "1357924"]
    leaks = {needle: _columns_containing(needle) for needle in needles}
    assert not any(leaks.values()), leaks
    assert _columns_containing("Sasha V."), "the search finds what is stored in plain"
