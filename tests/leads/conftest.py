"""Fixtures for the lead-push tests: the feed's demo keys, a feed client, campaign counts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from wallboard.providers.leadfeed import LeadFeedClient
from wallboard.sim.leadfeed import demo_feed_keys
from wallboard.sim.server import SimServer


@pytest.fixture
def feed_keys(sim: SimServer) -> dict[str, str]:
    return demo_feed_keys(sim.settings.seed)


@pytest.fixture
async def feed(sim: SimServer, feed_keys: dict[str, str]) -> AsyncIterator[LeadFeedClient]:
    """A feed client with the RingCX company's universal key."""
    async with LeadFeedClient(SecretStr(feed_keys["ringcx"]), base_url=sim.base_url) as client:
        yield client


@pytest.fixture
def leads_in() -> Callable[[SimServer, str], int]:
    """`leads_in(sim, campaign)`: the campaign's leads not yet finished (ready + pending +
    other + active), read over HTTP from the real-time data as the wallboard reads it."""

    def count(sim: SimServer, campaign: str) -> int:
        url = f"{sim.base_url}/voice/api/v1/admin/accounts/{sim.settings.sub_account_id}"
        headers = {"X-Auth-Token": sim.credentials.api_token()}
        rows = httpx.get(url + "/realTimeData/outbound", headers=headers, timeout=10).json()
        row = next(r for r in rows if str(r["campaignId"]) == campaign)
        return int(row["ready"] + row["pending"] + row["other"] + row["active"])

    return count


@pytest.fixture
def newbridge_ready() -> Callable[[SimServer, str], int]:
    def ready(sim: SimServer, campaign: str) -> int:
        counts = httpx.get(f"{sim.base_url}/_sim/leadfeed", timeout=10).json()["newbridge"]
        return int(next(c["ready"] for c in counts if c["campaignId"] == campaign))

    return ready


@pytest.fixture
def sim_post() -> Callable[..., None]:
    """`sim_post(sim, "/_sim/leadfeed/dialer", json=...)`: steer the simulator (sync helper)."""

    def post(sim: SimServer, path: str, **kwargs: Any) -> None:
        httpx.post(f"{sim.base_url}{path}", timeout=10, **kwargs).raise_for_status()

    return post
