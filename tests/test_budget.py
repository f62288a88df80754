"""The rate budget, driven by a fake clock: no test here sleeps for real."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import anyio
import pytest

from wallboard.budget import (
    Budget,
    BudgetRegistry,
    FamilySpec,
    RateLimited,
    Window,
    default_families,
    with_reserve,
)
from wallboard.providers.ringcx.transport import parse_retry_after

WALL0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


class FakeTime:
    """Monotonic and wall clocks that only move when a test (or a budget's sleep) moves them."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return WALL0 + timedelta(seconds=self.now - 1000.0)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def make(fake: FakeTime, spec: FamilySpec, **options: float) -> Budget:
    return Budget(
        spec,
        clock=fake.clock,
        wall=fake.wall,
        sleep=fake.sleep,
        rng=random.Random(1),
        margin=options.pop("margin", 0.0),
        **options,
    )


def small(limit: int = 3, seconds: float = 10.0, reserve: int = 0) -> FamilySpec:
    return FamilySpec("realtime", (Window(limit, seconds),), reserve=reserve)


async def send(budget: Budget, priority: str = "poll", **kwargs: object) -> None:
    ticket = await budget.acquire(priority, **kwargs)  # type: ignore[arg-type]
    ticket.answered()


async def test_never_more_than_limit_in_any_window(fake: FakeTime) -> None:
    budget = make(fake, small(limit=3, seconds=10.0))
    sent: list[float] = []
    for _ in range(10):
        await send(budget)
        sent.append(fake.now)
        fake.now += 1.0  # the caller would poll every second if allowed
    for start in sent:
        inside = [t for t in sent if start <= t < start + 10.0]
        assert len(inside) <= 3
    # The first three went at once; the fourth waited for the oldest to leave the window.
    assert sent[:4] == [1000.0, 1001.0, 1002.0, 1010.0]


async def test_sliding_not_bucket_no_double_burst_at_the_boundary(fake: FakeTime) -> None:
    budget = make(fake, small(limit=3, seconds=10.0))
    for _ in range(3):
        await send(budget)
    fake.now += 9.9
    with pytest.raises(RateLimited) as caught:
        await budget.acquire("poll", wait=False)
    assert caught.value.retry_after == pytest.approx(0.1)
    fake.now += 0.1
    await send(budget)


async def test_multiple_windows_all_apply(fake: FakeTime) -> None:
    spec = FamilySpec("reports", (Window(2, 60.0), Window(9, 900.0)))
    budget = make(fake, spec)
    times = []
    for _ in range(10):
        await send(budget)
        times.append(fake.now - 1000.0)
    # Two a minute for the first 9, then the 15-minute window holds the tenth until t=900.
    assert times[:9] == [0, 0, 60, 60, 120, 120, 180, 180, 240]
    assert times[9] == 900


async def test_poll_stops_at_reserve_action_uses_it(fake: FakeTime) -> None:
    budget = make(fake, small(limit=5, seconds=60.0, reserve=2))
    for _ in range(3):
        await send(budget, "poll", wait=False)
    with pytest.raises(RateLimited):
        await budget.acquire("poll", wait=False)
    assert budget.state().poll_remaining == 0
    await send(budget, "action", wait=False)
    await send(budget, "action", wait=False)
    with pytest.raises(RateLimited):
        await budget.acquire("action", wait=False)
    assert budget.state().remaining == 0


async def test_in_flight_send_counts_as_now_and_is_stamped_on_answer(fake: FakeTime) -> None:
    budget = make(fake, small(limit=1, seconds=10.0))
    ticket = await budget.acquire("poll")
    fake.now += 30.0  # a slow answer: still in flight, still occupying the window
    with pytest.raises(RateLimited) as caught:
        await budget.acquire("poll", wait=False)
    assert caught.value.retry_after == pytest.approx(10.0)
    ticket.answered()  # stamped at 1030
    fake.now += 9.0
    with pytest.raises(RateLimited):
        await budget.acquire("poll", wait=False)
    fake.now += 1.0
    await send(budget, wait=False)


async def test_max_wait_bounds_waiting(fake: FakeTime) -> None:
    budget = make(fake, small(limit=1, seconds=60.0))
    await send(budget)
    with pytest.raises(RateLimited) as caught:
        await budget.acquire("poll", max_wait=5.0)
    assert caught.value.retry_after == pytest.approx(60.0)
    assert caught.value.retry_at == fake.wall() + timedelta(seconds=60)
    assert fake.slept == []


async def test_penalize_with_retry_after_blocks_everyone(fake: FakeTime) -> None:
    budget = make(fake, small(limit=100, seconds=60.0))
    assert budget.penalize(7.0) == 7.0
    state = budget.state()
    assert state.backing_off_until == fake.wall() + timedelta(seconds=7)
    assert state.consecutive_429s == 1
    with pytest.raises(RateLimited) as caught:
        await budget.acquire("action", wait=False)
    assert caught.value.retry_after == pytest.approx(7.0)
    await send(budget, "poll")  # waits the seven seconds
    assert fake.slept == [pytest.approx(7.0)]
    assert budget.state().backing_off_until is None


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 6, 9, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after(" 1.5 ", now) == 1.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=12), usegmt=True), now) == 12
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-4", now) == 0.0


async def test_penalize_with_http_date_through_the_parser(fake: FakeTime) -> None:
    budget = make(fake, small(limit=100, seconds=60.0))
    header = format_datetime(fake.wall() + timedelta(seconds=20), usegmt=True)
    budget.penalize(parse_retry_after(header, fake.wall()))
    assert budget.state().next_free_in == pytest.approx(20.0)


def test_backoff_without_retry_after_doubles_with_jitter_and_caps(fake: FakeTime) -> None:
    budget = make(fake, small(limit=100, seconds=60.0), backoff_cap=30.0)
    delays = [budget.penalize(None) for _ in range(8)]
    steps = [1, 2, 4, 8, 16, 30, 30, 30]
    for delay, step in zip(delays, steps, strict=True):
        assert step <= delay <= min(30.0, step * 1.25)
    assert len({round(d, 6) for d in delays[:5]}) == 5  # jitter: no two alike
    assert budget.state().consecutive_429s == 8


async def test_success_resets_the_backoff(fake: FakeTime) -> None:
    budget = make(fake, small(limit=100, seconds=60.0))
    budget.penalize(None)
    budget.penalize(None)
    fake.now += 10.0
    await send(budget)
    assert budget.state().consecutive_429s == 0
    assert 1.0 <= budget.penalize(None) <= 1.25


async def test_after_a_429_one_probe_at_a_time(fake: FakeTime) -> None:
    budget = make(fake, small(limit=100, seconds=60.0))
    budget.penalize(1.0)
    fake.now += 1.0
    probe = await budget.acquire("poll", wait=False)
    assert probe.is_probe and budget.state().probing
    with pytest.raises(RateLimited):
        await budget.acquire("poll", wait=False)  # another poll waits for the probe's answer
    action = await budget.acquire("action", wait=False)  # an action does not
    action.failed()
    assert probe.rate_limited(2.0) == 2.0
    assert not budget.state().probing
    with pytest.raises(RateLimited):
        await budget.acquire("poll", wait=False)
    fake.now += 2.0
    second = await budget.acquire("poll", wait=False)
    second.answered()
    await send(budget, wait=False)
    await send(budget, wait=False)  # healthy again: no probing


async def test_concurrent_waiters_respect_the_window(fake: FakeTime) -> None:
    budget = make(fake, small(limit=2, seconds=10.0))
    sent: list[float] = []

    async def worker() -> None:
        for _ in range(3):
            await send(budget)
            sent.append(fake.now)

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(worker)
    assert len(sent) == 9
    for start in sent:
        assert len([t for t in sent if start <= t < start + 10.0]) <= 2


async def test_state_reports_the_tightest_window(fake: FakeTime) -> None:
    spec = FamilySpec("reports", (Window(2, 60.0), Window(9, 900.0)))
    budget = make(fake, spec)
    await send(budget)
    state = budget.state()
    assert (state.limit, state.used_in_window, state.remaining) == (2, 1, 1)
    assert state.next_free_at is None and state.next_free_in == 0
    await send(budget)
    state = budget.state()
    assert state.remaining == 0
    assert state.next_free_at == fake.wall() + timedelta(seconds=60)
    assert [w.used for w in state.windows] == [2, 2]


def test_registry_shares_budgets_per_account_and_family(fake: FakeTime) -> None:
    registry = BudgetRegistry(clock=fake.clock, wall=fake.wall, sleep=fake.sleep)
    assert registry.budget("a", "realtime") is registry.budget("a", "realtime")
    assert registry.budget("a", "realtime") is not registry.budget("b", "realtime")
    assert registry.budget("a", "reports") is not registry.budget("a", "realtime")
    states = registry.states("a")
    assert set(states) == {"realtime", "reports", "auth", "platform_auth"}
    assert states["realtime"].limit == 120 and states["realtime"].reserve == 10
    assert states["reports"].limit == 2
    assert states["auth"].limit == 5
    with pytest.raises(KeyError):
        registry.budget("a", "nonsense")


def test_family_spec_validation_and_reserve_knob() -> None:
    with pytest.raises(ValueError):
        FamilySpec("x", ())
    with pytest.raises(ValueError):
        FamilySpec("x", (Window(2, 60.0),), reserve=2)
    families = with_reserve(default_families(), "realtime", 25)
    assert families["realtime"].reserve == 25
    assert default_families()["realtime"].reserve == 10
