"""On a public campaign, an editor's change to the story or needs waits for a reviewer who
is not its author; the reviewer sees a diff, accepts (the public page changes, the story's
date moves) or rejects (nothing changes). Drafts change at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from solidarity.campaigns import proposals
from solidarity.campaigns.models import Campaign, CampaignChangeProposal, Need, ProposalStatus
from solidarity.core.errors import NotAllowed
from solidarity.staff.models import AuditEntry
from tests.factories import CampaignFactory, active_campaign, staff_with_role
from tests.staff.role_clients import verified_client
from tests.staff.test_audit_of_staff_changes import form_of

pytestmark = pytest.mark.django_db


def edit_story_and_need(client: Client, campaign: Campaign) -> None:
    path = f"/staff/campaigns/campaign/{campaign.pk}/change/"
    data = form_of(client, path)
    data["story_en"] = "Detained in May; the trial is in July."
    data["needs-0-amount"] = "1200"
    data["title_en"] = "A lawyer for the trial"
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_editors_change_to_a_live_campaign_waits_for_a_reviewer_who_accepts_it() -> None:
    campaign = active_campaign(story_en="Detained in May.")
    need = campaign.needs.get()
    edit_story_and_need(verified_client("editor"), campaign)

    campaign.refresh_from_db()
    need.refresh_from_db()
    assert campaign.story_en == "Detained in May." and need.amount_minor == 100000  # the public page is unchanged
    assert campaign.title_en == "A lawyer for the trial"  # the rest of the page saved
    assert campaign.story_updated_at is None
    proposal = CampaignChangeProposal.objects.get(campaign=campaign)
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.story["story_en"] == {
        "before": "Detained in May.",
        "after": "Detained in May; the trial is in July.",
    }
    [row] = proposal.needs
    assert row["id"] == need.pk and row["amount"] == "1200" and row["before"]["amount"] == "1000.00"

    reviewer = verified_client("reviewer")
    diff = reviewer.get(f"/staff/campaigns/campaignchangeproposal/{proposal.pk}/change/").content.decode()
    assert "<del>Detained in May.</del>" in diff and "<ins>Detained in May; the trial is in July.</ins>" in diff
    reviewer.post(
        "/staff/campaigns/campaignchangeproposal/", {"action": "accept_selected", "_selected_action": [proposal.pk]}
    )
    proposal.refresh_from_db()
    campaign.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert campaign.story_en == "Detained in May; the trial is in July." and campaign.story_updated_at is not None
    assert Need.objects.get(pk=need.pk).amount_minor == 120000
    assert AuditEntry.objects.filter(action="campaign.accept_change", target_id=str(campaign.pk)).exists()


def test_a_rejected_change_changes_nothing() -> None:
    campaign = active_campaign(story_en="Detained in May.")
    edit_story_and_need(verified_client("editor"), campaign)
    proposal = CampaignChangeProposal.objects.get(campaign=campaign)
    verified_client("reviewer").post(
        "/staff/campaigns/campaignchangeproposal/", {"action": "reject_selected", "_selected_action": [proposal.pk]}
    )
    proposal.refresh_from_db()
    campaign.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert campaign.story_en == "Detained in May." and campaign.needs.get().amount_minor == 100000


def test_the_author_of_a_change_cannot_accept_it_even_as_a_reviewer() -> None:
    campaign = active_campaign(story_en="Detained in May.")
    author = staff_with_role("editor", "author")
    proposal = proposals.propose_change(
        campaign=campaign,
        actor=author,
        story={"story_en": {"before": "Detained in May.", "after": "Released."}},
        needs=[],
    )
    author.groups.add(Group.objects.get(name="reviewer"))
    with pytest.raises(NotAllowed):
        proposals.accept_change(proposal=proposal, actor=author)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert Campaign.objects.get(pk=campaign.pk).story_en == "Detained in May."


def test_a_draft_changes_at_once() -> None:
    campaign = CampaignFactory(story_en="Draft story.")
    Need.objects.create(
        campaign=campaign, category="legal_aid", description="Lawyer", amount_minor=100000, currency=campaign.currency
    )
    edit_story_and_need(verified_client("editor"), campaign)
    campaign.refresh_from_db()
    assert campaign.story_en == "Detained in May; the trial is in July."
    assert campaign.needs.get().amount_minor == 120000
    assert not CampaignChangeProposal.objects.exists()
