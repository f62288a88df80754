"""The poller against the simulator over loopback: one cycle at a time, every source, within the
budget, failed sources keeping aged data, and the midnight reset in the account's own zone.

Time is the simulator's: the poller stamps polls with `sim.clock.now`, and where the budget
matters, the client's budget and the simulator's limiter share one fake monotonic clock that the
test moves with the simulated one. Nothing here waits for real minutes or asserts on elapsed time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest

from wallboard.budget import BudgetRegistry
from wallboard.poller import Poller
from wallboard.providers.ringcx.provider import PAGE_SIZE, RingCxProvider
from wallboard.sim.model import SimSettings
from wallboard.sim.scale import PRESETS
from wallboard.sim.server import SimServer
from wallboard.store import Store

MakePoller = Callable[..., Poller]
START = datetime(2025, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in US/Eastern, as the `sim` fixture


class FakeClock:
    """A monotonic clock the test moves; shared by the client's budget and the sim's limiter."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def make_poller() -> AsyncIterator[MakePoller]:
    """`make_poller(sim, interval_s=15, clock=None, page_size=PAGE_SIZE, **poller_options)` on
    the API token."""
    providers: list[RingCxProvider] = []

    def make(
        sim: SimServer,
        *,
        clock: FakeClock | None = None,
        page_size: int = PAGE_SIZE,
        **options: Any,
    ) -> Poller:
        budgets = BudgetRegistry(clock=clock) if clock else BudgetRegistry()
        account = sim.account_config(auth="api_token")
        provider = RingCxProvider("sim", account, budgets=budgets, page_size=page_size)
        providers.append(provider)
        options.setdefault("now", sim.clock.now)
        return Poller(provider, Store(), **options)

    yield make
    for provider in providers:
        await provider.aclose()


async def test_unchanged_calls_and_agents_are_the_same_records_next_poll(
    sim: SimServer, make_poller: MakePoller
) -> None:
    """The provider re-uses last poll's record of a call or agent that did not change (see
    `RecordMemo`), so store, snapshot and screen share it; a changed one is new."""
    poller = make_poller(sim)
    first = await poller.poll_once()
    sim.clock.advance(1.0)
    second = await poller.poll_once()
    calls_before = {c.uii: c for c in first.snapshot.calls.records}
    agents_before = {a.id: a for a in first.snapshot.agents.records}
    assert second.snapshot.calls.records and second.snapshot.agents.records
    kept = [c for c in second.snapshot.calls.records if calls_before.get(c.uii) is c]
    assert kept and len(kept) >= len(second.snapshot.calls.records) // 2
    same_agents = [a for a in second.snapshot.agents.records if agents_before.get(a.id) is a]
    assert same_agents
    for agent in second.snapshot.agents.records:  # re-used or not, it says what the sim says
        truth = next(t for t in sim.center.agent_stats() if str(t["agentId"]) == agent.id)
        assert agent.state == truth["agentState"]


def outbound_requests(sim: SimServer, status: int | None = None) -> int:
    return sim.requests.count(path_contains="/realTimeData/outbound", status=status)


async def test_one_cycle_fetches_every_source(sim: SimServer, make_poller: MakePoller) -> None:
    poller = make_poller(sim)
    view = await poller.poll_once()
    assert {name: status.ok for name, status in view.sources.items()} == {
        "campaigns": True,
        "ivr": True,
        "queues": True,
        "agents": True,
        "calls": True,
    }
    assert len(view.campaigns) == len(sim.center.outbound_stats())
    assert len(view.queues) == len(sim.center.inbound_stats())
    assert set(view.calls) == {str(c["uii"]) for c in sim.center.active_calls()}
    assert view.snapshot.taken_at == sim.clock.now()
    assert view.snapshot.budget[0].family == "real-time"
    assert view.sources["campaigns"].last_update is not None


async def test_cycles_never_overlap(sim: SimServer, make_poller: MakePoller) -> None:
    poller = make_poller(sim)
    sim.faults.add("slow", family="realtime", delay=0.2, count=5)
    views = []

    async def poll() -> None:
        views.append(await poller.poll_once())

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(poll)
    assert poller.cycle == 1
    assert outbound_requests(sim) == 1
    assert len({id(v) for v in views}) == 1  # the latecomers joined the running cycle

    await poller.poll_once()
    assert poller.cycle == 2 and outbound_requests(sim) == 2


@pytest.mark.parametrize("interval", [0, 4.9, float("nan")])
async def test_an_interval_below_five_seconds_is_refused(
    sim: SimServer, make_poller: MakePoller, interval: float
) -> None:
    with pytest.raises(ValueError, match="below the platform's minimum of 5 s"):
        make_poller(sim, interval_s=interval)


async def test_run_polls_on_its_interval(sim: SimServer, make_poller: MakePoller) -> None:
    poller = make_poller(sim, interval_s=5)
    await poller.run(cycles=2)
    assert poller.cycle == 2 and outbound_requests(sim) == 2


async def test_a_failed_source_keeps_its_aged_data(sim: SimServer, make_poller: MakePoller) -> None:
    poller = make_poller(sim)
    first = await poller.poll_once()
    agents_before = set(first.agents)
    polled_before = first.sources["agents"].polled_at

    sim.faults.add("server_error", family="realtime", path="/realTimeData/agent", status=503)
    sim.clock.advance(60)
    view = await poller.poll_once()
    agents = view.sources["agents"]
    assert not agents.ok and agents.error and "503" in agents.error
    assert agents.polled_at == polled_before and agents.age_s == 60
    assert agents.stale  # older than two 15-second cycles
    assert set(view.agents) == agents_before  # the last good records stay on screen
    assert view.sources["campaigns"].ok and not view.sources["campaigns"].stale

    sim.faults.clear()
    sim.clock.advance(15)
    recovered = await poller.poll_once()
    assert recovered.sources["agents"].ok and recovered.sources["agents"].age_s == 0


async def test_an_unreachable_platform_gets_one_probe_per_cycle(
    sim: SimServer, make_poller: MakePoller
) -> None:
    poller = make_poller(sim)
    await poller.poll_once()
    sim.faults.add("server_error", family="realtime", status=503)
    down = await poller.poll_once()  # every source fails, each after its retries
    assert all(not s.ok for s in down.sources.values())
    sim.requests.reset()
    probing = await poller.poll_once()
    assert sim.requests.count(family="realtime") == 3  # one source, with its read retries
    assert outbound_requests(sim) == 3
    assert any("unreachable" in note for note in probing.notes)
    assert not probing.sources["agents"].ok  # still the old data, still marked failed

    sim.faults.clear()
    await poller.poll_once()  # the probe answers...
    back = await poller.poll_once()  # ...and the next cycle fetches everything again
    assert all(s.ok for s in back.sources.values()) and not back.notes


async def test_unwanted_sources_are_paused_not_stale(
    sim: SimServer, make_poller: MakePoller
) -> None:
    poller = make_poller(sim)
    await poller.poll_once()
    poller.set_wanted(["campaigns", "queues"])
    sim.clock.advance(120)
    view = await poller.poll_once()
    assert sim.requests.count(path_contains="/activeCalls/list") == 1
    assert not view.sources["calls"].polling and not view.sources["calls"].stale
    assert view.sources["queues"].age_s == 0


@pytest.fixture(scope="module")
def large_sim() -> Iterator[tuple[SimServer, FakeClock]]:
    """One center at 500 campaigns and ~10,000 calls for the planning tests (building it is the
    slow part), its limiter on a fake clock the tests move."""
    clock = FakeClock()
    server = SimServer(
        SimSettings(scale=PRESETS["large"]), speed=0.0, start=START, limit_clock=clock
    ).start()
    yield server, clock
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize(("interval", "page_size"), [(5.0, 1000), (5.0, PAGE_SIZE), (15.0, 1000)])
async def test_budget_planning_at_500_campaigns_and_10000_calls(
    large_sim: tuple[SimServer, FakeClock],
    make_poller: MakePoller,
    interval: float,
    page_size: int,
) -> None:
    sim, clock = large_sim
    clock.now += 120  # whatever an earlier test sent has left the platform's window
    sim.requests.reset()
    poller = make_poller(sim, clock=clock, interval_s=interval, page_size=page_size)
    cycles = int(120 / interval)  # two minutes of polling
    for _ in range(cycles):
        with anyio.fail_after(60):  # a poll that waited for the budget would hang on the fake clock
            view = await poller.poll_once()
        clock.now += interval
        sim.clock.advance(interval)

    assert sim.requests.count(status=429) == 0  # the sim's own 120-per-minute limiter agrees
    assert outbound_requests(sim, 200) == cycles  # campaign stats every single cycle
    assert len(view.campaigns) == 500
    assert len(view.calls) >= 9000 and not view.sources["calls"].truncated
    listings = sim.requests.count(path_contains="/activeCalls/list")
    pages = 9000 // page_size + 1  # at least, each cycle: 9,000 calls or more are listed
    if interval == 5.0 and page_size == 1000:
        # 24 cycles of 4 lists + 11 pages would be 360 requests: the calls give way first.
        assert listings < cycles * 11
        assert any("active calls every" in note for note in view.notes)
    else:
        # Pages of 1,000 every 15 s (about 15 requests), or the default pages every 5 s (4 + 3
        # requests: 84 a minute), fit: every cycle lists all pages, nothing degraded.
        assert listings >= cycles * pages
        assert poller.last_plan is not None and poller.last_plan.every["calls"] == 1
        assert not view.notes


async def test_the_midnight_reset_follows_the_accounts_zone(
    sim_factory: Callable[..., SimServer], make_poller: MakePoller
) -> None:
    zone = "Asia/Kolkata"  # UTC+05:30: midnight there is 18:30 UTC
    start = datetime(2025, 1, 15, 18, 0, tzinfo=UTC)  # 23:30 in Kolkata
    sim = sim_factory(settings=SimSettings(timezone=zone), start=start, speed=0.0)
    provider = RingCxProvider(
        "sim", sim.account_config(auth="api_token").model_copy(update={"timezone": zone})
    )
    poller = Poller(provider, Store(), now=sim.clock.now)
    try:
        before = None
        for _ in range(5):  # 23:30, 23:45, 00:00, 00:15, 00:30 local
            view = await poller.poll_once()
            for entity in view.campaigns.values():
                assert all(step >= 0 for step in entity.increments), entity.name
                rate = entity.metrics.get("dials_per_min")
                assert rate is None or rate >= 0
            if view.taken_at < datetime(2025, 1, 15, 18, 30, tzinfo=UTC):
                before = sum(c.record.answer for c in view.campaigns.values())
            sim.clock.advance(timedelta(minutes=15).total_seconds())
        after = sum(c.record.answer for c in view.campaigns.values())
        assert before is not None and before > after  # the counters started again at midnight
        today = next(iter(view.compliance.values())).today
        assert today.answer <= after
    finally:
        await provider.aclose()
