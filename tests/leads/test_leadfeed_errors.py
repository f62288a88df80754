"""Seed 003's error table, row by row, over real HTTP against the simulated live lead feed, through
the typed client (and raw httpx where the client refuses to send such a request)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from wallboard.providers.leadfeed import (
    FeedAuthError,
    FeedBadRequest,
    FeedCampaignNotFound,
    FeedDialerRejected,
    FeedLead,
    LeadFeedClient,
    UploadOptions,
)
from wallboard.sim.server import SimServer

#: Campaign 31004 of the default simulator has no ready leads: a lead-starved campaign.
STARVED_CAMPAIGN = "31004"

GOOD = FeedLead(leadPhone="+1 (212) 555-0142", firstName="Jane")


async def _push_with(sim: SimServer, key: str, campaign: str = STARVED_CAMPAIGN) -> None:
    async with LeadFeedClient(SecretStr(key), base_url=sim.base_url) as client:
        await client.push(campaign, GOOD)


async def test_success_lands_in_the_ringcx_campaign(
    sim: SimServer, feed: LeadFeedClient, leads_in: Callable[[SimServer, str], int]
) -> None:
    before = leads_in(sim, STARVED_CAMPAIGN)
    answer = await feed.push(STARVED_CAMPAIGN, GOOD, UploadOptions(dialPriority="IMMEDIATE"))
    assert not answer.failed
    assert (answer.leadsSupplied, answer.leadsAccepted, answer.leadsInserted) == (1, 1, 1)
    assert answer.processingStatus == "DEFAULT_NOT_A_FAILURE"
    assert leads_in(sim, STARVED_CAMPAIGN) == before + 1


def test_missing_key_is_401(sim: SimServer) -> None:
    body = {"campaignId": STARVED_CAMPAIGN, "lead": {"leadPhone": "2125550142"}}
    answer = httpx.post(f"{sim.base_url}/live-feed/ringcx", json=body, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["success"] is False


@pytest.mark.parametrize(
    ("kind", "status"), [("invalid", 401), ("inactive", 401), ("not_universal", 403)]
)
async def test_refused_keys(
    sim: SimServer, feed_keys: dict[str, str], kind: str, status: int
) -> None:
    key = feed_keys.get(kind, "oiq_not_a_key_of_this_feed_0000")
    with pytest.raises(FeedAuthError) as caught:
        await _push_with(sim, key)
    assert caught.value.status == status
    assert key not in str(caught.value)


async def test_unnormalisable_phone_is_400_with_reason(feed: LeadFeedClient) -> None:
    with pytest.raises(FeedBadRequest) as caught:
        await feed.push(STARVED_CAMPAIGN, FeedLead(leadPhone="555-01"))
    assert caught.value.status == 400
    assert "10-digit" in caught.value.message
    assert caught.value.row_level


def test_body_failing_validation_is_400(sim: SimServer, feed_keys: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {feed_keys['ringcx']}"}
    body = {"campaignId": 31004, "lead": {}, "options": {"dialPriority": "SOON"}}
    answer = httpx.post(f"{sim.base_url}/live-feed/ringcx", json=body, headers=headers)
    assert answer.status_code == 400
    paths = {issue["path"] for issue in answer.json()["issues"]}
    assert paths == {"campaignId", "lead.leadPhone", "options.dialPriority"}


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("no_dialer", "no dialer configured"),
        ("unsupported_dialer", "five9"),
        ("ringcx_missing_token", "permanentToken"),
        ("newbridge_missing_token", "apiAuthToken"),
    ],
)
async def test_company_dialer_problems_are_400(
    sim: SimServer, feed_keys: dict[str, str], kind: str, words: str
) -> None:
    with pytest.raises(FeedBadRequest) as caught:
        await _push_with(sim, feed_keys[kind], "7001" if "newbridge" in kind else STARVED_CAMPAIGN)
    assert caught.value.status == 400
    assert words in caught.value.message


@pytest.mark.parametrize("campaign", ["99999", "not-a-campaign"])
async def test_unknown_campaign_is_404(feed: LeadFeedClient, campaign: str) -> None:
    with pytest.raises(FeedCampaignNotFound) as caught:
        await feed.push(campaign, GOOD)
    assert caught.value.status == 404


async def test_campaign_of_another_dialer_is_404(sim: SimServer, feed_keys: dict[str, str]) -> None:
    with pytest.raises(FeedCampaignNotFound):
        await _push_with(sim, feed_keys["newbridge"], STARVED_CAMPAIGN)


async def test_dialer_refusing_the_lead_is_502_with_its_details(
    sim: SimServer, feed: LeadFeedClient, leads_in: Callable[[SimServer, str], int]
) -> None:
    before = leads_in(sim, STARVED_CAMPAIGN)
    with pytest.raises(FeedDialerRejected) as caught:
        await feed.push(STARVED_CAMPAIGN, FeedLead(leadPhone="055-123-4567"))
    dialer = caught.value.dialer
    assert caught.value.status == 502
    assert dialer is not None and dialer.leadsAccepted == 0
    assert dialer.processingStatus == "NO_LEADS_PASSED_VALIDATION"
    assert "10-digit" in caught.value.message
    assert leads_in(sim, STARVED_CAMPAIGN) == before


async def test_dialer_http_failure_is_502(sim: SimServer, feed_keys: dict[str, str]) -> None:
    with pytest.raises(FeedDialerRejected) as caught:
        await _push_with(sim, feed_keys["ringcx_revoked_token"])
    assert caught.value.dialer is not None
    assert caught.value.dialer.errorCode == "authentication.failure"
    assert "Full authentication" in caught.value.message


async def test_200_with_leads_accepted_zero_is_a_failure(
    sim: SimServer, feed_keys: dict[str, str], newbridge_ready: Callable[[SimServer, str], int]
) -> None:
    """NewBridge answers counts as strings, so the feed's `=== 0` test lets a refusal through."""
    async with LeadFeedClient(SecretStr(feed_keys["newbridge"]), base_url=sim.base_url) as client:
        refused = await client.push("7002", FeedLead(leadPhone="0551234567"))
        accepted = await client.push("7002", GOOD)
    assert refused.failed and refused.leadsAccepted == 0
    assert "NO_LEADS_PASSED_VALIDATION" in refused.reason()
    assert not accepted.failed and accepted.leadsInserted == 1
    assert newbridge_ready(sim, "7002") == 1


async def test_200_with_failure_status_is_a_failure(
    sim: SimServer, feed: LeadFeedClient, sim_post: Callable[..., None]
) -> None:
    patch = {"processingStatus": "GENERAL_FAILURE", "message": "list locked"}
    sim_post(sim, "/_sim/leadfeed/dialer", json={"patch": patch})
    answer = await feed.push(STARVED_CAMPAIGN, GOOD)
    assert answer.leadsAccepted == 1
    assert answer.failed
    assert "GENERAL_FAILURE" in answer.reason()
