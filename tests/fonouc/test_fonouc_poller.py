"""FonoUC data through the same `Poller` and `Store` as RingCX, into a `View`."""

from __future__ import annotations

import logging

import pytest

from wallboard.budget import BudgetRegistry
from wallboard.config import WallboardConfig
from wallboard.domain import Capability
from wallboard.poller import Poller
from wallboard.providers.fonouc.client import fonouc_families
from wallboard.providers.fonouc.provider import FonoucProvider
from wallboard.runtime import open_runtime
from wallboard.sim.fonouc.server import FonoucSimServer
from wallboard.store import Store


def _provider(sim: FonoucSimServer) -> FonoucProvider:
    return FonoucProvider(
        "tenant", sim.fonouc_account_config(), budgets=BudgetRegistry(fonouc_families())
    )


async def test_campaigns_queues_and_agents_reach_the_view(fonouc_sim: FonoucSimServer) -> None:
    provider = _provider(fonouc_sim)
    store = Store()
    try:
        view = await Poller(provider, store, now=fonouc_sim.clock.now).poll_once()
    finally:
        await provider.aclose()
        store.close()
    assert len(view.campaigns) == len(fonouc_sim.center.campaigns())
    # Pacing from leads by status (some campaign may be out of leads at this instant).
    assert any(c.record.ready > 0 and c.record.complete > 0 for c in view.campaigns.values())
    assert len(view.queues) == len(fonouc_sim.center.gates()) + len(fonouc_sim.center.campaigns())
    logged_in = {a["agentId"] for a in fonouc_sim.center.agent_stats()}
    assert len(view.agents) == len(logged_in)
    assert {a.record.state for a in view.agents.values()} <= {
        "AVAILABLE",
        "ON_CALL",
        "WRAP_UP",
        "AWAY",
    }
    assert view.sources["ivr"].capability == Capability.NOT_PROVIDED.value
    assert view.sources["calls"].capability == Capability.NOT_PROVIDED.value
    assert not view.sources["ivr"].stale
    assert all(view.sources[s].ok for s in ("campaigns", "queues", "agents"))


async def test_one_queue_request_serves_queues_and_agents(fonouc_sim: FonoucSimServer) -> None:
    provider = _provider(fonouc_sim)
    store = Store()
    try:
        await Poller(provider, store, now=fonouc_sim.clock.now).poll_once()
        used = provider.client.budget_state()["fonouc"].used_in_window
    finally:
        await provider.aclose()
        store.close()
    assert used == 2  # campaign status + one queue status


async def test_secrets_never_reach_the_logs(
    fonouc_sim: FonoucSimServer, access_ttl: float, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = _provider(fonouc_sim)
    store = Store()
    try:
        poller = Poller(provider, store, now=fonouc_sim.clock.now)
        await poller.poll_once()
        fonouc_sim.clock.advance(access_ttl + 1)  # forces a refresh
        view = await poller.poll_once()
    finally:
        await provider.aclose()
        store.close()
    assert provider.client.session.refreshes == 1
    assert view.sources["campaigns"].ok
    secrets = [fonouc_sim.fonouc_credentials.password]
    secrets += list(fonouc_sim.fonouc_tokens._access)  # every token the tenant issued
    assert len(secrets) == 3
    text = caplog.text + repr(provider.client) + repr(provider.client.session)
    assert "refused; renewing" in caplog.text  # the renewal was logged ...
    for secret in secrets:
        assert secret not in text  # ... without a token or the password


async def test_the_demo_runtime_can_run_a_fonouc_tenant() -> None:
    config = WallboardConfig()
    async with open_runtime(
        config, demo=True, demo_platform="fonouc", keep_history=False
    ) as runtime:
        view = await runtime.poller.poll_once()
        assert runtime.account.platform == "fonouc"
    assert view.campaigns and view.queues
    assert view.sources["ivr"].capability == Capability.NOT_PROVIDED.value
