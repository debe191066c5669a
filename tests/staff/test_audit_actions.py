"""The audit log names its actions in the reader's language (staff/audit_actions.py).

Every action code the code can write has a name: the literal ones found in the source, the
status moves of campaigns and help requests, refund and reversal requests, the staff API's
operations and back-office changes of any model. The log's list page shows the names, and
its filter lists them and filters by them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import translation

from solidarity.campaigns.models import CampaignStatus
from solidarity.donations.models import RefundKind
from solidarity.helprequests.models import HelpRequestState
from solidarity.staff.audit_actions import action_name, named_actions
from solidarity.staff.services import record_audit
from tests.staff.test_backoffice_language import russian_admin, visible_text  # noqa: F401  (fixture)

SOURCE = Path(__file__).resolve().parents[2] / "solidarity"


def codes_the_code_writes() -> set[str]:
    codes = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text()
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        codes |= {f"api.{op}" for op in re.findall(r'record_api_use\(\s*request,\s*"([a-z_]+)"', text)}
    codes |= {f"campaign.{status}" for status in CampaignStatus.values}
    codes |= {f"helprequest.{state}" for state in HelpRequestState.values}
    codes |= {f"donation.{kind}_{step}" for kind in RefundKind.values for step in ("request", "approve", "reject")}
    return codes


def test_every_action_the_code_writes_has_a_name() -> None:
    codes = codes_the_code_writes()
    assert len(codes) > 60  # the search found the calls
    assert sorted(codes - set(named_actions())) == []


@pytest.mark.parametrize("language", ["ru", "be"])
def test_every_action_and_every_model_change_is_named_in_the_readers_language(language: str) -> None:
    model_changes = [
        f"{model._meta.label_lower}.{verb}" for model in admin.site._registry for verb in ("add", "delete")
    ]
    untranslated = []
    for code in [*named_actions(), *model_changes]:
        with translation.override("en"):
            english = action_name(code)
        with translation.override(language):
            if action_name(code) in (english, code):
                untranslated.append(code)
    assert untranslated == []


def test_the_log_shows_and_filters_actions_by_name(russian_admin: Client) -> None:  # noqa: F811
    record_audit(actor=None, action="disbursement.record")
    record_audit(actor=None, action="campaign.active")
    record_audit(actor=None, action="campaigns.campaign.change")

    page = visible_text(russian_admin.get("/staff/staff/auditentry/").content.decode())
    for name in ("Выплата записана", "Статус сбора изменён на: Действует", "Изменено: сбор"):
        assert page.count(name) == 2, name  # the row, and the filter's choice
    assert "disbursement.record" not in page and "campaign.active" not in page

    filtered = visible_text(russian_admin.get("/staff/staff/auditentry/?action=disbursement.record").content.decode())
    assert "Статус сбора" not in filtered.split("Фильтр")[0]
    assert "Выплата записана" in filtered
