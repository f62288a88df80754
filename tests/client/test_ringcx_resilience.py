"""Rate limits, faults and the action reserve, against the simulator over loopback.

Bounds are asserted on request counts in the simulator's RequestLog, never on elapsed time.
The only real waiting is what a Retry-After of one second (or the first backoff step) demands.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import anyio
import pytest

from wallboard.budget import BudgetRegistry
from wallboard.budget import RateLimited as BudgetRateLimited
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.providers.ringcx.errors import (
    MalformedResponse,
    PlatformUnavailable,
    RateLimited,
)
from wallboard.providers.ringcx.record_memo import RecordMemo
from wallboard.providers.ringcx.wire import AgentStats
from wallboard.sim.server import SimServer

OUTBOUND = "/realTimeData/outbound"
MakeClient = Callable[..., RingCxClient]


@pytest.fixture
async def make_client(sim: SimServer) -> AsyncIterator[MakeClient]:
    """Clients signed in with the API token (no exchange budget spent), sharing one registry."""
    registry = BudgetRegistry()
    clients: list[RingCxClient] = []

    def make(*, auth: str = "api_token", **options: Any) -> RingCxClient:
        options.setdefault("budgets", registry)
        options.setdefault("retry_backoff", 0.01)
        client = RingCxClient(sim.account_config(auth=auth), **options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def count(sim: SimServer, path: str, status: int | str | None = None) -> int:
    return sim.requests.count(path_contains=path, status=status)


def some_uii(sim: SimServer) -> str:
    return str(sim.center.active_calls()[0]["uii"])


# --- 429 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [1, "date+1", None], ids=["seconds", "http-date", "none"])
async def test_a_read_waits_out_a_429_then_succeeds(
    sim: SimServer, make_client: MakeClient, retry_after: object
) -> None:
    client = make_client()
    sim.faults.add("rate_limit", family="realtime", retry_after=retry_after, count=1)
    batch = await client.outbound_stats()
    assert batch.records
    assert count(sim, OUTBOUND, 429) == 1 and count(sim, OUTBOUND, 200) == 1
    state = client.budget_state()["realtime"]
    assert state.consecutive_429s == 0  # the success reset the backoff


async def test_a_429_storm_is_met_with_one_probe_per_retry_after(
    sim: SimServer, make_client: MakeClient
) -> None:
    """Three pollers through a 2.5 s storm of 429s with Retry-After 1.

    Bound: before the first 429 comes back each poller may have one request out (3); after it,
    the family backs off for Retry-After and then lets exactly one probe through, so at most one
    request per second of storm, plus one probe that lands at its very end:
    3 + ceil(2.5 / 1) + 1 = 7. Without the shared budget it would be hundreds."""
    client = make_client()
    storm_seconds, pollers = 2.5, 3
    sim.faults.add("rate_limit", family="realtime", retry_after=1, seconds=storm_seconds)

    async def poll() -> None:
        while True:
            try:
                await client.outbound_stats()
                return
            except RateLimited:
                continue

    with anyio.fail_after(20):
        async with anyio.create_task_group() as group:
            for _ in range(pollers):
                group.start_soon(poll)
    bound = pollers + math.ceil(storm_seconds / 1) + 1
    assert 1 <= count(sim, OUTBOUND, 429) <= bound
    assert count(sim, OUTBOUND, 200) == pollers


async def test_an_action_on_429_fails_at_once_with_the_retry_time(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()
    uii = some_uii(sim)
    sim.faults.add("rate_limit", family="realtime", retry_after=20, count=1)
    with pytest.raises(RateLimited) as caught:
        await client.hangup_call(uii)
    assert caught.value.retry_after == pytest.approx(20, abs=0.5)
    assert count(sim, "/hangupCall") == 1
    assert client.budget_state()["realtime"].backing_off_until is not None


# --- the reserve -------------------------------------------------------------------------------


async def test_a_hangup_goes_out_at_once_while_the_poll_share_is_exhausted(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()
    uii = some_uii(sim)
    state = client.budget_state()["realtime"]
    for _ in range(state.limit - state.reserve):  # the poller's whole share: 110 of 120
        await client.outbound_stats()
    state = client.budget_state()["realtime"]
    assert state.poll_remaining == 0 and state.remaining == state.reserve

    # A poll now has to wait a minute for its slot...
    budget = client._budgets.budget(client._account_key, "realtime")
    with pytest.raises(BudgetRateLimited):
        await budget.acquire("poll", wait=False)
    blocked_poll_done = anyio.Event()

    async def blocked_poll() -> None:
        await client.outbound_stats()
        blocked_poll_done.set()

    async with anyio.create_task_group() as group:
        group.start_soon(blocked_poll)
        await anyio.wait_all_tasks_blocked()
        # ...while the hangup takes a reserved slot without waiting: actions never wait for
        # the budget (they would raise RateLimited instead), so success proves it went at once.
        assert await client.hangup_call(uii) is True
        assert not blocked_poll_done.is_set()
        group.cancel_scope.cancel()
    assert sim.center.inspect_call(uii) is None or not sim.center.inspect_call(uii)["active"]
    assert count(sim, "/hangupCall", 200) == 1
    assert sim.requests.count(status=429) == 0


# --- faults ------------------------------------------------------------------------------------


async def test_reads_are_retried_on_5xx_and_cut_connections(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()
    sim.faults.add("server_error", family="realtime", status=503, count=2)
    assert (await client.outbound_stats()).records
    assert count(sim, OUTBOUND, 503) == 2 and count(sim, OUTBOUND, 200) == 1
    sim.faults.add("drop", family="realtime", count=1)
    assert (await client.ivr_stats()).records is not None
    assert count(sim, "/realTimeData/ivr", "dropped") == 1
    assert count(sim, "/realTimeData/ivr", 200) == 1


async def test_a_read_gives_up_after_its_attempts(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client()
    sim.faults.add("outage", family="realtime")
    with pytest.raises(PlatformUnavailable):
        await client.outbound_stats()
    assert count(sim, OUTBOUND) == 3


async def test_a_read_that_times_out_is_retried(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client(timeout=0.3)
    sim.faults.add("slow", family="realtime", delay=1.0, count=1)
    assert (await client.agent_stats()).records
    # The slow answer is logged when the server finishes it, after the client has moved on.
    with anyio.fail_after(10):
        while count(sim, "/realTimeData/agent", 200) < 2:  # noqa: ASYNC110 - polls another thread
            await anyio.sleep(0.05)
    assert count(sim, "/realTimeData/agent") == 2  # one slow answer given up on, one retry


@pytest.mark.parametrize("fault", [{"kind": "server_error", "status": 503}, {"kind": "drop"}])
async def test_control_actions_are_never_retried(
    sim: SimServer, make_client: MakeClient, fault: dict[str, Any]
) -> None:
    client = make_client()
    uii = some_uii(sim)
    sim.faults.add(family="realtime", count=1, **fault)
    with pytest.raises(PlatformUnavailable):
        await client.hangup_call(uii)
    assert count(sim, "/hangupCall") == 1


@pytest.mark.parametrize("kind", ["malformed_json", "truncated_json"])
async def test_broken_json_is_a_malformed_response(
    sim: SimServer, make_client: MakeClient, kind: str
) -> None:
    client = make_client()
    sim.faults.add(kind, family="realtime", count=1)
    with pytest.raises(MalformedResponse):
        await client.outbound_stats()


async def test_wrong_types_keep_good_records_and_warn_about_bad_ones(
    sim: SimServer, make_client: MakeClient
) -> None:
    client = make_client()
    clean = await client.agent_stats()
    assert len(clean.records) >= 3 and clean.warnings == ()
    sim.faults.add("wrong_types", family="realtime", count=1)
    spoiled = await client.agent_stats()
    assert spoiled.records and spoiled.warnings
    assert len(spoiled.records) + len(spoiled.warnings) == len(clean.records)


async def test_reports_have_their_own_budget(sim: SimServer, make_client: MakeClient) -> None:
    client = make_client()
    sim.clock.advance(3600 + 600)  # reports need data at least five minutes old
    end = sim.clock.now().replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=1)
    await client.queue_interval_stats(start, end, 900)
    await client.agent_interval_stats(start, end, 900)
    reports = client.budget_state()["reports"]
    assert reports.remaining == 0 and reports.next_free_in > 50
    # The realtime family is untouched by reports and still serves the wallboard.
    assert client.budget_state()["realtime"].used_in_window == 0
    assert (await client.outbound_stats()).records
    with anyio.move_on_after(0.3) as scope:
        await client.agent_extended_interval_stats(start, end, 900)  # waits for its window
    assert scope.cancelled_caught
    assert sim.requests.count(family="reports") == 2
    assert sim.requests.count(status=429) == 0


@pytest.mark.parametrize("kind", ["malformed_json", "truncated_json"])
async def test_a_broken_listing_is_malformed_and_the_memo_keeps_the_last_good_one(
    sim: SimServer, make_client: MakeClient, kind: str
) -> None:
    client = make_client()
    memo: RecordMemo[AgentStats, AgentStats] = RecordMemo(
        AgentStats, "agentId", ticking=AgentStats.TICKING
    )
    first = await client.agent_stats_reusing(memo, lambda record: record)
    assert first.records and memo.validated == len(first.records)
    sim.faults.add(kind, family="realtime", count=1)
    with pytest.raises(MalformedResponse):
        await client.agent_stats_reusing(memo, lambda record: record)
    assert len(memo) == len(first.records)  # the broken answer did not empty the memo
    again = await client.agent_stats_reusing(memo, lambda record: record)
    assert memo.reused > 0 and memo.reused + memo.validated == len(again.records)
