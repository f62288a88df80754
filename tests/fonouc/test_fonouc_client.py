"""The FonoUC client against the simulated tenant: sign-in, paging and every lead action."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from pydantic import SecretStr

from wallboard.budget import BudgetRegistry
from wallboard.providers.fonouc.client import FonoucClient, NewLead, fonouc_families
from wallboard.providers.fonouc.errors import AuthenticationError, InvalidRequest
from wallboard.providers.fonouc.wire import CampaignStatus
from wallboard.sim.fonouc.server import FonoucSimServer


async def _first_campaign(client: FonoucClient) -> CampaignStatus:
    batch = await client.campaigns_status()
    assert batch.records and not batch.warnings
    return batch.records[0]


async def _campaign_with_new_leads(client: FonoucClient, more_than: int = 0) -> CampaignStatus:
    """The first campaign with `new` leads and more than `more_than` leads in all. Not simply
    the first: whether a given campaign has run out of leads (and awaits a new list) at the
    fixture's instant depends on the dialers' pacing, which these tests are not about."""
    batch = await client.campaigns_status()
    return next(
        c
        for c in batch.records
        if c.leads_by_status.get("new", 0) > 0 and (c.total_leads or 0) > more_than
    )


def _new_or_retry(campaign: CampaignStatus) -> int:
    return campaign.leads_by_status.get("new", 0) + campaign.leads_by_status.get("retry", 0)


async def _campaign(client: FonoucClient, campaign_id: str) -> CampaignStatus:
    batch = await client.campaigns_status()
    return next(c for c in batch.records if c.campaign_id == campaign_id)


async def test_login_takes_the_account_id_from_the_answer(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient
) -> None:
    campaign = await _first_campaign(fonouc_client)
    assert fonouc_client.session.account_id == fonouc_sim.fonouc_credentials.account_id
    assert fonouc_client.session.logins == 1
    assert campaign.name in {c["campaignName"] for c in fonouc_sim.center.campaigns()}


async def test_an_expired_token_is_refreshed_not_logged_in_again(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient, access_ttl: float
) -> None:
    await fonouc_client.queues_status()
    fonouc_sim.clock.advance(access_ttl + 1)
    batch = await fonouc_client.queues_status()
    assert batch.records
    assert fonouc_client.session.refreshes == 1
    assert fonouc_client.session.logins == 1
    assert fonouc_sim.fonouc_tokens.refreshes == 1


async def test_a_refused_refresh_falls_back_to_the_password(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient, access_ttl: float
) -> None:
    await fonouc_client.queues_status()
    fonouc_sim.fonouc_tokens.revoke_refresh_tokens()
    fonouc_sim.clock.advance(access_ttl + 1)
    batch = await fonouc_client.queues_status()
    assert batch.records
    assert fonouc_client.session.logins == 2
    assert fonouc_client.session.refreshes == 0


async def test_a_wrong_password_is_an_authentication_error_without_the_password(
    fonouc_sim: FonoucSimServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = fonouc_sim.fonouc_account_config().model_copy(
        update={"password": SecretStr("wrong-pw-123")}
    )
    client = FonoucClient(config, budgets_registry=BudgetRegistry(fonouc_families()))
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(AuthenticationError) as raised:
            await client.campaigns_status()
    finally:
        await client.aclose()
    assert "check username, password and domain" in str(raised.value)
    assert "wrong-pw-123" not in str(raised.value)
    assert "wrong-pw-123" not in caplog.text


async def test_paging_walks_more_leads_than_one_page(fonouc_client: FonoucClient) -> None:
    campaign = await _campaign_with_new_leads(fonouc_client, more_than=120)
    assert campaign.total_leads is not None
    first = await fonouc_client.leads(campaign.campaign_id, page_size=50)
    assert len(first.records) == 50 and first.next_start_key is not None
    second = await fonouc_client.leads(
        campaign.campaign_id, page_size=50, next_start_key=first.next_start_key
    )
    assert {lead.id for lead in first.records}.isdisjoint({lead.id for lead in second.records})
    everything = await fonouc_client.all_leads(campaign.campaign_id, page_size=500)
    assert everything.pages == -(-campaign.total_leads // 500)
    assert everything.next_start_key is None
    assert len({lead.id for lead in everything.records}) == campaign.total_leads
    by_status: dict[str, int] = {}
    for lead in everything.records:
        by_status[lead.status] = by_status.get(lead.status, 0) + 1
    assert by_status == campaign.leads_by_status


async def test_adding_a_lead_lists_it_counts_it_and_feeds_the_dialer(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient
) -> None:
    campaign = await _campaign_with_new_leads(fonouc_client)
    model_id = next(
        c["campaignId"] for c in fonouc_sim.center.campaigns() if c["campaignName"] == campaign.name
    )
    lead = NewLead(number="+12025550143", first_name="Piper", last_name="Huffman", priority=4)
    lead_id = await fonouc_client.add_lead(campaign.campaign_id, lead)
    after = await _campaign(fonouc_client, campaign.campaign_id)
    listing = await fonouc_client.all_leads(campaign.campaign_id, page_size=1000)
    assert lead_id is not None
    assert after.total_leads == (campaign.total_leads or 0) + 1
    # The lead is `new`; retries that came due meanwhile move from `retry` to `new` when the
    # push wakes the dialer, so only the two together grow by exactly one.
    assert _new_or_retry(after) == _new_or_retry(campaign) + 1
    added = next(item for item in listing.records if item.id == lead_id)
    assert (added.number, added.first_name, added.status) == ("+12025550143", "Piper", "new")
    with fonouc_sim.center.read() as model:  # the same model's dialer has it
        assert model.campaigns[model_id].leads.phones.get("2025550143") == 1


async def test_setting_a_status_moves_the_lead_and_the_counts(fonouc_client: FonoucClient) -> None:
    campaign = await _campaign_with_new_leads(fonouc_client)
    page = await fonouc_client.all_leads(campaign.campaign_id, page_size=1000)
    target = next(lead for lead in page.records if lead.status == "new")
    await fonouc_client.set_lead_status(target.id, "cancelled")
    after = await _campaign(fonouc_client, campaign.campaign_id)
    relisted = await fonouc_client.all_leads(campaign.campaign_id, page_size=1000)
    assert next(lead for lead in relisted.records if lead.id == target.id).status == "cancelled"
    assert after.leads_by_status["cancelled"] == 1
    assert after.leads_by_status["new"] == campaign.leads_by_status["new"] - 1
    assert after.total_leads == campaign.total_leads
    with pytest.raises(InvalidRequest, match="status must be one of"):
        await fonouc_client.set_lead_status(target.id, "bogus")


async def test_deleting_a_lead_removes_it_once(fonouc_client: FonoucClient) -> None:
    campaign = await _first_campaign(fonouc_client)
    first = await fonouc_client.leads(campaign.campaign_id, page_size=10)
    target = first.records[3]
    await fonouc_client.delete_lead(target.id)
    after = await _campaign(fonouc_client, campaign.campaign_id)
    again = await fonouc_client.leads(campaign.campaign_id, page_size=10)
    assert after.total_leads == (campaign.total_leads or 0) - 1
    assert after.leads_by_status[target.status] == campaign.leads_by_status[target.status] - 1
    assert target.id not in {lead.id for lead in again.records}
    with pytest.raises(InvalidRequest, match="no lead"):
        await fonouc_client.delete_lead(target.id)


async def test_voicemail_disposition_shows_in_the_activity(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient
) -> None:
    end = fonouc_sim.clock.now()
    start = end - timedelta(minutes=5)
    records = (await fonouc_client.activity(start, end, page_size=3)).records
    assert records
    cdr_id = records[0].uuid()
    assert cdr_id is not None
    await fonouc_client.set_voicemail(cdr_id)
    again = (await fonouc_client.activity(start, end, page_size=3)).records
    marked = next(r for r in again if r.uuid() == cdr_id)
    assert getattr(marked, "disposition", None) == "voicemail"
    with pytest.raises(InvalidRequest, match="no outbound call"):
        await fonouc_client.set_voicemail("not-a-call")


async def test_activity_pages_continue_after_the_last_record(
    fonouc_sim: FonoucSimServer, fonouc_client: FonoucClient
) -> None:
    end = fonouc_sim.clock.now()
    start = end - timedelta(minutes=10)
    first = (await fonouc_client.activity(start, end, page_size=4)).records
    second = await fonouc_client.activity(start, end, page_size=4, start_key=first[-1].uuid())
    both = (await fonouc_client.activity(start, end, page_size=8)).records
    assert [r.uuid() for r in (*first, *second.records)] == [r.uuid() for r in both]


async def test_unsafe_path_values_are_refused_before_sending(fonouc_client: FonoucClient) -> None:
    with pytest.raises(InvalidRequest, match="lead id"):
        await fonouc_client.delete_lead("../campaigns/x")
    with pytest.raises(InvalidRequest, match="status"):
        await fonouc_client.set_lead_status("abc", "new?x=1")
    assert fonouc_client.session.logins == 0  # nothing was sent, not even a login
