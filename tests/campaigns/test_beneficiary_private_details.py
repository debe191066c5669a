"""Staff type a beneficiary's private contact in the back office; it is stored under a data key."""

from __future__ import annotations

import pytest
from django.db import connection

from solidarity.campaigns.models import Beneficiary
from solidarity.core.models import DataKey
from tests.factories import staff_with_role
from tests.helprequests.conftest import back_office_client

pytestmark = pytest.mark.django_db


def test_the_back_office_stores_the_contact_sealed_and_rekeys_it_on_change() -> None:
    editor = staff_with_role("editor")
    client = back_office_client(editor)
    form = {
        "public_name": "Maryja",
        "public_name_en": "Maryja",
        "status": "pre_trial",
        "private_contact": "Sister: +375 29 111 22 33",
        "payout_details": "",
        "timeline-TOTAL_FORMS": "0",
        "timeline-INITIAL_FORMS": "0",
    }
    response = client.post("/staff/campaigns/beneficiary/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    beneficiary = Beneficiary.objects.get()
    assert beneficiary.private_contact == "Sister: +375 29 111 22 33"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM campaigns_beneficiary")
        assert "111 22 33" not in str(cursor.fetchall())
    first_key = beneficiary.data_key_id
    response = client.post(
        f"/staff/campaigns/beneficiary/{beneficiary.pk}/change/", {**form, "private_contact": "Sister moved abroad"}
    )
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.private_contact == "Sister moved abroad"
    assert not DataKey.objects.filter(pk=first_key).exists()
