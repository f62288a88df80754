"""`ReportService` against the simulator over real HTTP: interval selection, the 5-minute rule,
the cache across a restart, consistency with the real-time counters, and budget pacing.

The simulator's clock is frozen at 10:00 US/Eastern (see tests/conftest.py); its history starts
at the 90-minute warm-up, 08:30."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wallboard.budget import BudgetRegistry, FamilySpec, Window, default_families
from wallboard.history import History
from wallboard.providers.ringcx.client import RingCxClient
from wallboard.report_cache import ReportCache
from wallboard.reports import Progress, ReportService
from wallboard.sim.limits import SimLimits
from wallboard.sim.server import SimServer

EASTERN = ZoneInfo("US/Eastern")


def wide_registry() -> BudgetRegistry:
    families = default_families()
    families["reports"] = FamilySpec("reports", (Window(100, 60.0),))
    return BudgetRegistry(families)


UNLIMITED = pytest.mark.sim(limits=SimLimits.unlimited())


def at(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=EASTERN)


@UNLIMITED
@pytest.mark.parametrize(
    ("minutes", "first", "count"),
    [(15, at(8, 30), 4), (30, at(8, 30), 2), (45, at(8, 15), 2), (60, at(8), 2)],
)
async def test_interval_selection(
    report_requests: Any,
    sim: SimServer,
    make_service: Any,
    minutes: int,
    first: datetime,
    count: int,
) -> None:
    """08:30-09:30 widened to whole intervals on the midnight-aligned grid, one request."""
    result = await make_service(sim).queue_intervals(at(8, 30), at(9, 30), minutes)
    assert result.plan.start == first
    assert len(result.plan.intervals) == count
    assert result.requests == 1 and report_requests(sim) == 1
    starts = sorted({row.start for row in result.rows if row.start is not None})
    assert starts == [i.start for i in result.plan.intervals]
    gates = {str(g["gateId"]) for g in sim.center.gates()}
    for start in starts:
        assert {r.queue_id for r in result.rows if r.start == start} == gates
    for row in result.rows:
        assert row.interval_s == minutes * 60 and row.start is not None
        assert row.partial == (row.start + timedelta(minutes=minutes) > at(9, 55))
    assert bool(result.notices) == (minutes == 60)  # 09:00-10:00 reaches past 09:55


@UNLIMITED
async def test_totals_do_not_depend_on_the_interval_length(
    sim: SimServer, make_service: Any
) -> None:
    service = make_service(sim)
    quarter = await service.queue_intervals(at(8, 30), at(9, 30), 15)
    hourly = await service.queue_intervals(at(8, 30), at(9, 30), 30)
    assert quarter.grand_total is not None and hourly.grand_total is not None
    assert quarter.grand_total.answered == hourly.grand_total.answered > 0
    assert quarter.grand_total.offered == hourly.grand_total.offered
    assert quarter.grand_total.talk_s == pytest.approx(hourly.grand_total.talk_s)
    assert len(quarter.interval_totals()) == 4 and len(hourly.interval_totals()) == 2


@UNLIMITED
async def test_a_window_ending_too_late_is_clipped_with_a_notice(
    report_requests: Any, sim: SimServer, make_service: Any
) -> None:
    """Asking up to 10:00 at 10:00: sent up to 09:55, never refused; the last interval is open."""
    result = await make_service(sim).queue_intervals(at(9), at(10), 15)
    assert any("5 minutes" in notice for notice in result.notices)
    assert result.plan.end == at(9, 55)
    assert report_requests(sim) == 1 and report_requests(sim, status=400) == 0
    assert report_requests(sim, status=200) == 1
    partial = {row.start for row in result.rows if row.partial}
    assert partial == {at(9, 45)}
    assert [i.closed for i in result.plan.intervals] == [True, True, True, False]


@UNLIMITED
async def test_a_range_entirely_too_fresh_sends_nothing(
    report_requests: Any, sim: SimServer, make_service: Any
) -> None:
    result = await make_service(sim).queue_intervals(at(10), at(10, 15), 15)
    assert result.rows == () and result.requests == 0
    assert report_requests(sim) == 0
    assert any("nothing to fetch" in notice for notice in result.notices)


@UNLIMITED
async def test_closed_intervals_are_not_fetched_again_after_a_restart(
    report_requests: Any, sim: SimServer, make_service: Any, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path, account="sim")  # the cache shares the history's database file
    try:
        with ReportCache(path, account="sim") as cache:
            first = await make_service(sim, cache=cache).agent_intervals(at(8), at(9, 30), 30)
            assert first.requests == 1 and first.cached_intervals == 0
            assert cache.count("agg-agent-stats") == 3
        with ReportCache(path, account="sim") as reopened:
            again = await make_service(sim, cache=reopened).agent_intervals(at(8), at(9, 30), 30)
    finally:
        history.close()
    assert again.requests == 0 and again.cached_intervals == 3
    assert report_requests(sim) == 1
    assert again.rows == first.rows and len(first.rows) > 0


@UNLIMITED
async def test_only_the_open_interval_is_refetched_and_only_when_it_is_old_enough(
    report_requests: Any, sim: SimServer, make_service: Any, tmp_path: Path, fake_clock: Any
) -> None:
    ticks = fake_clock
    with ReportCache(tmp_path / "cache.sqlite3") as cache:
        service = make_service(sim, cache=cache, monotonic=ticks, open_refresh_s=180)
        await service.queue_intervals(at(9), at(10), 30)  # 09:30-10:00 is open
        assert cache.count() == 1
        repeat = await service.queue_intervals(at(9), at(10), 30)
        assert repeat.requests == 0, "the open interval is reused for a few minutes"
        ticks.t += 181
        refreshed = await service.queue_intervals(at(9), at(10), 30)
    assert refreshed.requests == 1 and refreshed.cached_intervals == 1
    assert report_requests(sim) == 2


@UNLIMITED
async def test_a_days_answered_total_equals_the_sum_of_its_intervals(
    sim: SimServer, make_service: Any
) -> None:
    """Real-time counters at 10:00, then (once 10:00 is 5 minutes old) the day's intervals."""
    service = make_service(sim)
    async with RingCxClient(sim.account_config(auth="api_token")) as client:
        realtime = await client.inbound_stats()
    sim.clock.advance(6 * 60)
    midnight, _ = service.today()
    result = await service.queue_intervals(midnight, at(10), 30)
    assert result.notices == () and result.requests == 4  # 10 hours in windows of 3
    per_queue = {row.queue_id: row for row in result.totals}
    for gate in realtime.records:
        row = per_queue[str(gate.gateId)]
        assert row.answered == gate.accepted
        assert row.offered == gate.presented
        assert row.abandoned == gate.abandoned
        assert row.answered_within_sl == gate.slaPass
    assert result.grand_total is not None
    assert result.grand_total.answered == sum(g.accepted for g in realtime.records) > 50


async def test_a_multi_window_export_is_paced_by_the_budget_with_no_429(
    report_requests: Any, sim_factory: Any, make_service: Any, fake_clock: Any
) -> None:
    """Ten 3-hour windows under the platform's real limits (2 a minute, 9 per 15 minutes),
    with the client's budget and the simulator's limiter on one fake clock."""
    clock = fake_clock
    sim = sim_factory(limit_clock=clock)
    registry = BudgetRegistry(clock=clock, sleep=clock.sleep)
    seen: list[Progress] = []
    service = make_service(sim, registry=registry, sleep=clock.sleep)
    start = clock()
    result = await service.queue_intervals(at(3, day=14), at(9, day=15), 60, progress=seen.append)
    assert result.requests == 10
    assert report_requests(sim) == 10
    assert report_requests(sim, status=429) == 0
    assert clock() - start >= 900, "the tenth request waits for the 15-minute window"
    assert any(p.waiting_s > 0 for p in seen)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == 10
    assert at(8) in {row.start for row in result.rows}, "the simulated history's hours"


@UNLIMITED
async def test_the_report_budget_is_not_the_real_time_budget(
    sim: SimServer, make_service: Any
) -> None:
    registry = wide_registry()
    service = make_service(sim, registry=registry)
    await service.queue_intervals(at(9), at(9, 30), 30)
    reports = service.budget()
    assert reports is not None and reports.used_in_window == 1
    states = registry.states(f"{sim.base_url}#{sim.settings.sub_account_id}")
    assert states["reports"].used_in_window == 1
    assert states["realtime"].used_in_window == 0


async def test_the_service_names_an_unknown_zone(sim: SimServer) -> None:
    async with RingCxClient(sim.account_config(auth="api_token")) as client:
        with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
            ReportService(client, zone="Mars/Olympus")
